"""Deep-check sampling: deterministic per request id, accurate in rate, risk-weighted, budgeted."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.deepcheck.sampler import Sampler, Signals, draw
from safeproxy.settings.policy import Sampling
from tests.fake_clock import FakeClock


def sampler(clock: FakeClock | None = None, salt: bytes = b"salt", **spec: object) -> Sampler:
    return Sampler(Sampling.model_validate(spec), salt, clock or FakeClock())


@given(st.text(min_size=1, max_size=64), st.binary(min_size=1, max_size=32))
def test_the_draw_is_a_pure_function_of_salt_and_request_id(rid: str, salt: bytes) -> None:
    first = draw(salt, rid)
    assert 0.0 <= first < 1.0
    assert draw(salt, rid) == first
    # A second sampler built the same way (another replica, a replay) agrees.
    a = sampler(salt=salt, rate=0.5).choose(rid, Signals())
    b = sampler(salt=salt, rate=0.5).choose(rid, Signals())
    assert a == b


def test_another_salt_makes_other_choices() -> None:
    ids = [f"req-{i}" for i in range(2000)]
    a = {i for i in ids if draw(b"one", i) < 0.5}
    b = {i for i in ids if draw(b"two", i) < 0.5}
    assert a != b
    # Independent draws: about a quarter of ids are chosen under both salts.
    assert 400 < len(a & b) < 600


@pytest.mark.parametrize("rate", [0.01, 0.05, 0.2, 0.5])
def test_the_rate_is_met_within_a_statistical_bound(rate: float) -> None:
    rng = random.Random(1234)  # fixed seed: the request ids are the same every run
    n = 20_000
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(n)]
    s = sampler(rate=rate, always_if=[])
    chosen = sum(s.choose(rid, Signals()).reason == "rate" for rid in ids)
    # Five standard deviations of a binomial: a correct sampler fails this ~1 in 3.5 million.
    bound = 5 * math.sqrt(n * rate * (1 - rate))
    assert abs(chosen - n * rate) < bound, (chosen, n * rate, bound)


def test_zero_rate_samples_nothing_and_one_samples_everything() -> None:
    ids = [f"r{i}" for i in range(500)]
    assert all(sampler(rate=0.0, always_if=[]).choose(i, Signals()).reason is None for i in ids)
    assert all(sampler(rate=1.0, always_if=[]).choose(i, Signals()).reason == "rate" for i in ids)


@pytest.mark.parametrize(
    ("signals", "always_if", "reason"),
    [
        (Signals(flagged=True), ["flagged"], "flagged"),
        (Signals(near_threshold=True), ["near_threshold"], "near_threshold"),
        (Signals(quarantined=True), ["quarantined"], "quarantined"),
        (Signals(flagged=True), [], None),  # a signal counts only when configured
        (Signals(near_threshold=True), ["flagged"], None),
    ],
)
def test_risk_signals_select_whatever_the_rate(
    signals: Signals, always_if: list[str], reason: str | None
) -> None:
    assert sampler(rate=0.0, always_if=always_if).choose("any", signals).reason == reason


def test_a_new_identity_is_checked_once_then_again_after_it_was_away() -> None:
    clock = FakeClock()
    s = sampler(clock, rate=0.0, always_if=["new_identity"], new_identity_s=60)
    seen = Signals(identity="10.0.0.7")
    assert s.choose("a", seen).reason == "new_identity"
    assert s.choose("b", seen).reason is None
    clock.advance(59)
    assert s.choose("c", seen).reason is None  # seen 59 s ago: known
    clock.advance(61)
    assert s.choose("d", seen).reason == "new_identity"  # away longer than new_identity_s
    assert s.choose("e", Signals(identity="10.0.0.8")).reason == "new_identity"


def test_tenant_overrides_replace_the_policy_rate() -> None:
    s = sampler(rate=0.0, always_if=[], tenants={"acme": 1.0, "quiet": 0.0})
    assert s.choose("r1", Signals(tenant="acme")).reason == "tenant_rate"
    assert s.choose("r1", Signals(tenant="other")).reason is None
    loud = sampler(rate=1.0, always_if=[], tenants={"quiet": 0.0})
    assert loud.choose("r1", Signals(tenant="quiet")).reason is None


def test_the_budget_caps_checks_per_minute_risk_selected_ones_included() -> None:
    clock = FakeClock()
    s = sampler(clock, rate=1.0, always_if=["flagged"], max_per_minute=3)
    reasons = [s.choose(f"r{i}", Signals(flagged=i % 2 == 0)) for i in range(5)]
    assert [c.reason for c in reasons] == ["flagged", "rate", "flagged", None, None]
    assert [c.skipped for c in reasons[3:]] == ["budget", "budget"]
    clock.advance(20)  # a third of a minute: one check's worth refilled
    assert s.choose("r5", Signals()).reason == "rate"
    assert s.choose("r6", Signals()).skipped == "budget"
    clock.advance(3600)  # refills up to the cap, not beyond
    chosen = [s.choose(f"s{i}", Signals()).reason for i in range(5)]
    assert chosen.count("rate") == 3
