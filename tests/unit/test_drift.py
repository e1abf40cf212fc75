"""Drift (M10) on a fake clock: the recent window against the trailing reference, the threshold
taken from the reference's own sub-windows (checked against scipy's JSD and KS computed here
from the counts fed in), the minimum sample, bounded series and types, and the exported
gauges through Metrics.record."""

from __future__ import annotations

import math
import random
import warnings
from collections import Counter

import pydantic
import pytest
from prometheus_client import CollectorRegistry
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp

from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.exchange.decision import Decision
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import Action, FilterRecord, Mode
from safeproxy.telemetry.drift import DriftTracker
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.settings import DriftSettings
from safeproxy.upstream.openai import Kind
from tests.fake_clock import FakeClock

BUCKET_S = 60.0
SETTINGS = DriftSettings(bucket_s=BUCKET_S, recent_buckets=1, reference_buckets=6, min_samples=20)
TYPES = ("pii.email", "pii.phone", "secrets.aws", "injection")


def tracker(
    settings: DriftSettings = SETTINGS,
) -> tuple[DriftTracker, FakeClock, CollectorRegistry]:
    clock = FakeClock(0.0)
    registry = CollectorRegistry()
    return DriftTracker(registry, settings, clock=clock), clock, registry


def feed(drift: DriftTracker, clock: FakeClock, buckets: list[Counter[str]]) -> None:
    """One bucket of findings per entry (one type per request), then step into the next
    bucket so the last one is complete."""
    for mix in buckets:
        start = clock.now
        for kind, n in sorted(mix.items()):
            for _ in range(n):
                drift.observe("main", "default", (kind,))
        clock.now = start + BUCKET_S
    drift.refresh()


def sampled(rng: random.Random, weights: tuple[float, ...], n: int = 200) -> Counter[str]:
    return Counter(rng.choices(TYPES, weights=weights, k=n))


def vector(mix: Counter[str]) -> list[int]:
    return [mix[t] for t in TYPES]


def ref_jsd(p: Counter[str], q: Counter[str]) -> float:
    return float(jensenshannon(vector(p), vector(q), base=2) ** 2)


def test_the_threshold_is_the_largest_sub_window_divergence_of_the_reference() -> None:
    drift, clock, _ = tracker()
    rng = random.Random(7)
    reference = [sampled(rng, (5, 3, 1, 1)) for _ in range(6)]
    recent = sampled(rng, (1, 1, 1, 5))
    feed(drift, clock, [*reference, recent])
    jsd, threshold, _, _ = drift.evaluate("main", "default")
    whole = sum(reference, Counter())
    assert math.isclose(jsd, ref_jsd(recent, whole), abs_tol=1e-9)
    chance = [ref_jsd(sub, whole - sub) for sub in reference]
    assert math.isclose(threshold, max(chance), abs_tol=1e-9)
    assert jsd > threshold  # the mix moved to injections: well beyond chance


def test_a_steady_mix_stays_below_a_noisy_reference_threshold() -> None:
    # The reference alternates between two mixes: its threshold is that variability, and a
    # recent window that is one of those two mixes is within it.
    drift, clock, _ = tracker()
    a, b = Counter({TYPES[0]: 60, TYPES[1]: 40}), Counter({TYPES[0]: 40, TYPES[1]: 60})
    feed(drift, clock, [a, b, a, b, a, b, a])
    noisy_jsd, noisy_threshold, _, _ = drift.evaluate("main", "default")
    steady, clock2, _ = tracker()
    feed(steady, clock2, [a] * 6 + [b])
    steady_jsd, steady_threshold, _, _ = steady.evaluate("main", "default")
    assert noisy_jsd <= noisy_threshold
    assert steady_threshold == 0.0 < steady_jsd  # the same move is drift against a flat reference


def test_scores_are_compared_with_ks_against_the_reference_threshold() -> None:
    drift, clock, _ = tracker()
    rng = random.Random(11)
    buckets: list[list[float]] = [[rng.betavariate(2, 8) for _ in range(100)] for _ in range(6)]
    buckets.append([rng.betavariate(8, 2) for _ in range(100)])  # the judge now scores high
    for scores in buckets:
        start = clock.now
        for score in scores:
            drift.observe("main", "default", (), (score,))
        clock.now = start + BUCKET_S
    drift.refresh()
    _, _, stat, threshold = drift.evaluate("main", "default")

    def binned(xs: list[float]) -> list[int]:
        return [min(19, int(x * 20)) for x in xs]

    def scipy_ks(a: list[int], b: list[int]) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # p-value only
            return float(ks_2samp(a, b, method="asymp").statistic)

    reference = [binned(xs) for xs in buckets[:6]]
    whole = [x for sub in reference for x in sub]
    assert math.isclose(stat, scipy_ks(binned(buckets[6]), whole), abs_tol=1e-12)
    chance = []
    for k, sub in enumerate(reference):
        rest = [x for j, other in enumerate(reference) if j != k for x in other]
        chance.append(scipy_ks(sub, rest))
    assert math.isclose(threshold, max(chance), abs_tol=1e-12)
    assert stat > threshold


def test_below_the_minimum_sample_nothing_is_compared() -> None:
    drift, clock, _ = tracker()
    full = Counter({TYPES[0]: 30})
    feed(drift, clock, [full, full, Counter({TYPES[1]: 5})])
    jsd, threshold, _, _ = drift.evaluate("main", "default")
    assert math.isnan(jsd)  # 5 findings in the recent window, fewer than 20
    assert math.isnan(threshold)  # 2 comparable sub-windows are no measure of chance
    feed(drift, clock, [full, full])  # a third full bucket enters the reference
    assert not math.isnan(drift.evaluate("main", "default")[1])
    empty, _, _ = tracker()
    assert all(math.isnan(v) for v in empty.evaluate("main", "default"))


def test_series_are_capped() -> None:
    drift, clock, registry = tracker(SETTINGS.model_copy(update={"max_series": 2}))
    for route in ("r1", "r2", "r3", "r4"):
        drift.observe(route, "default", (TYPES[0],))
    assert drift.series == 2
    assert all(math.isnan(v) for v in drift.evaluate("r3", "default"))
    clock.advance(BUCKET_S)
    drift.refresh()
    exported = {
        s.labels["route"]
        for metric in registry.collect()
        if metric.name == "safeproxy_drift_finding_mix_jsd"
        for s in metric.samples
    }
    assert exported == {"r1", "r2"}


def test_types_past_the_cap_share_one_slot() -> None:
    # max_types 1: email has its own slot, every later type is `other`, so a move from
    # phone to aws is no move at all, while a move from email to aws is.
    capped, clock, _ = tracker(SETTINGS.model_copy(update={"max_types": 1}))
    capped.observe("main", "default", (TYPES[0],))
    clock.advance(BUCKET_S * 10)  # out of every window; the slot stays email's
    feed(capped, clock, [Counter({TYPES[1]: 50})] * 6 + [Counter({TYPES[2]: 50})])
    assert capped.evaluate("main", "default")[0] == 0.0
    feed(capped, clock, [Counter({TYPES[0]: 50})])
    assert capped.evaluate("main", "default")[0] == 1.0


def test_a_series_without_traffic_moves_on_when_refreshed() -> None:
    drift, clock, registry = tracker()
    rng = random.Random(3)
    feed(
        drift, clock, [sampled(rng, (5, 3, 1, 1)) for _ in range(6)] + [sampled(rng, (0, 0, 0, 1))]
    )
    labels = {"route": "main", "policy": "default"}
    moved = registry.get_sample_value("safeproxy_drift_finding_mix_jsd", labels)
    assert moved is not None and moved > 0
    clock.advance(BUCKET_S * 10)  # every bucket ages out; no request arrives
    drift.refresh()
    assert math.isnan(registry.get_sample_value("safeproxy_drift_finding_mix_jsd", labels) or 0.0)


def decision(types: tuple[str, ...], score: float | None) -> Decision:
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, model="m")
    ex.filter_records = [
        (FilterRecord("pii", "output", Action.REWRITE, Action.REWRITE, Mode.ENFORCE, types),)
    ]
    if score is not None:
        ex.deep_checks = [DeepCheckRecord("guard", "guard", "output", "sync", "rate", "unsafe",
                                          score=score)]  # fmt: skip
    return Decision(ex, "default", "v1", 0.0, 0.0)


def test_metrics_record_feeds_drift_with_finding_types_and_scores() -> None:
    clock = FakeClock(0.0)
    registry = CollectorRegistry()
    metrics = Metrics(registry, drift=SETTINGS, clock=clock)
    assert metrics.drift is not None
    for _ in range(6):
        for _ in range(30):
            metrics.record(decision(("pii.email",), 0.1))
        clock.advance(BUCKET_S)
    for _ in range(30):
        metrics.record(decision(("pii.phone",), 0.9))
    clock.advance(BUCKET_S)
    metrics.drift.refresh()
    route = decision((), None).route
    jsd, threshold, ks, ks_threshold = metrics.drift.evaluate(route, "default")
    assert (jsd, threshold, ks, ks_threshold) == (1.0, 0.0, 1.0, 0.0)
    assert Metrics(CollectorRegistry()).drift is None  # off unless asked for


@pytest.mark.parametrize(
    "bad",
    [{"recent_buckets": 5, "reference_buckets": 24},  # not a multiple
     {"recent_buckets": 4, "reference_buckets": 8}],  # two sub-windows: no measure of chance
)  # fmt: skip
def test_the_reference_must_split_into_at_least_three_recent_windows(bad: dict[str, int]) -> None:
    with pytest.raises(pydantic.ValidationError, match="multiple of recent_buckets"):
        DriftSettings.model_validate(bad)
    assert DriftSettings(recent_buckets=4, reference_buckets=12).reference_buckets == 12
