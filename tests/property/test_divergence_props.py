"""The drift statistics against reference implementations (scipy), and their boundaries:
Jensen-Shannon divergence in bits is symmetric, within 0..1, 0 for the same mix and 1 for
mixes with nothing in common; the binned KS statistic equals scipy's two-sample statistic on
the binned values and never exceeds it on the raw ones."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp

from safeproxy.telemetry.divergence import jsd, ks


def scipy_ks(a: Sequence[float], b: Sequence[float]) -> float:
    """scipy's two-sample KS statistic; its p-value (unused here) warns on tiny or tied
    samples, which this test's warnings-as-errors setting would turn into failures."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(ks_2samp(a, b, method="asymp").statistic)


@st.composite
def count_pairs(draw: st.DrawFn, most: int = 10_000) -> tuple[list[int], list[int]]:
    """Two count vectors of one length, each with at least one count."""
    n = draw(st.integers(1, 30))
    counts = st.lists(st.integers(0, most), min_size=n, max_size=n).filter(lambda c: sum(c) > 0)
    return draw(counts), draw(counts)


@given(count_pairs())
def test_jsd_matches_scipy(pair: tuple[list[int], list[int]]) -> None:
    p, q = pair
    # scipy returns the Jensen-Shannon distance: the square root of the divergence.
    assert math.isclose(jsd(p, q), jensenshannon(p, q, base=2) ** 2, abs_tol=1e-9)


@given(count_pairs())
def test_jsd_is_symmetric_and_bounded(pair: tuple[list[int], list[int]]) -> None:
    p, q = pair
    d = jsd(p, q)
    assert 0.0 <= d <= 1.0
    assert math.isclose(d, jsd(q, p), abs_tol=1e-12)


@given(count_pairs(), st.integers(1, 50))
def test_jsd_of_the_same_mix_is_zero(pair: tuple[list[int], list[int]], k: int) -> None:
    p, _ = pair
    assert jsd(p, [k * x for x in p]) == 0.0  # the same proportions at another volume


@given(st.lists(st.integers(1, 1000), min_size=1, max_size=10), st.integers(1, 10))
def test_jsd_of_disjoint_mixes_is_one(p: list[int], gap: int) -> None:
    left = p + [0] * gap
    right = [0] * len(p) + [1] * gap
    assert math.isclose(jsd(left, right), 1.0, abs_tol=1e-12)


@given(count_pairs(most=20))  # scipy gets the samples spelled out
def test_ks_matches_scipy_on_binned_values(pair: tuple[list[int], list[int]]) -> None:
    p, q = pair
    a = [i for i, n in enumerate(p) for _ in range(n)]
    b = [i for i, n in enumerate(q) for _ in range(n)]
    assert math.isclose(ks(p, q), scipy_ks(a, b), abs_tol=1e-12)


@given(count_pairs())
def test_ks_is_symmetric_bounded_and_zero_for_the_same_shape(
    pair: tuple[list[int], list[int]],
) -> None:
    p, q = pair
    d = ks(p, q)
    assert 0.0 <= d <= 1.0
    assert d == ks(q, p)
    assert ks(p, [3 * x for x in p]) == 0.0


unit = st.floats(0.0, 1.0, allow_nan=False)


@given(st.lists(unit, min_size=1, max_size=200), st.lists(unit, min_size=1, max_size=200),
       st.integers(2, 100))  # fmt: skip
def test_binned_ks_never_exceeds_the_raw_statistic(
    a: list[float], b: list[float], bins: int
) -> None:
    def hist(xs: list[float]) -> list[int]:
        h = [0] * bins
        for x in xs:
            h[min(bins - 1, int(x * bins))] += 1
        return h

    assert ks(hist(a), hist(b)) <= scipy_ks(a, b) + 1e-12


def test_an_empty_side_gives_nan_not_a_number_that_looks_like_agreement() -> None:
    assert math.isnan(jsd([0, 0], [1, 2]))
    assert math.isnan(ks([1, 2], [0, 0]))
