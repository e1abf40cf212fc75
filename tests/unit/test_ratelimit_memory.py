"""GCRA and the in-process limiters, driven by a fake clock."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.ratelimit.gcra import EPSILON_S, Limit, decide
from safeproxy.ratelimit.memory import ConcurrencyLimiter, MemoryLimiter
from tests.fake_clock import FakeClock


def admitted_count(limiter: MemoryLimiter, key: str, limit: Limit, attempts: int) -> int:
    return sum(limiter.acquire(key, 1, limit).allowed for _ in range(attempts))


def test_full_bucket_admits_burst_then_rate_per_second() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=2, burst=5)
    assert admitted_count(limiter, "k", limit, 20) == 5
    for _ in range(10):
        clock.advance(1.0)
        assert admitted_count(limiter, "k", limit, 20) == 2


@pytest.mark.parametrize("rate", [3.0, 7.0, 0.1, 1 / 3])
def test_awkward_rates_lose_no_units_to_rounding(rate: float) -> None:
    clock = FakeClock(now=123456.789)
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=rate, burst=3)
    assert admitted_count(limiter, "k", limit, 10) == 3
    for _ in range(30):
        clock.advance(1 / rate)
        assert admitted_count(limiter, "k", limit, 10) == 1


def test_remaining_retry_after_and_reset_after() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=2, burst=4)  # one unit every 0.5 s

    first = limiter.acquire("k", 1, limit)
    assert first.allowed and not first.too_large
    assert first.remaining == pytest.approx(3)
    assert first.retry_after_s == 0
    assert first.reset_after_s == pytest.approx(0.5)

    for expected in (2, 1, 0):
        assert limiter.acquire("k", 1, limit).remaining == pytest.approx(expected)

    refused = limiter.acquire("k", 3, limit)
    assert not refused.allowed and not refused.too_large
    assert refused.remaining == pytest.approx(0)
    assert refused.retry_after_s == pytest.approx(1.5)  # three units take 1.5 s to free up
    assert refused.reset_after_s == pytest.approx(2.0)

    clock.advance(1.25)
    partial = limiter.acquire("k", 3, limit)
    assert not partial.allowed
    assert partial.remaining == pytest.approx(2.5)
    assert partial.retry_after_s == pytest.approx(0.25)

    clock.advance(0.25)
    assert limiter.acquire("k", 3, limit).allowed


def test_token_costs_and_settle_refund() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=100, burst=1000)  # tokens

    reserved = limiter.acquire("k", 800, limit)
    assert reserved.allowed and reserved.remaining == pytest.approx(200)
    assert not limiter.acquire("k", 300, limit).allowed

    settled = limiter.settle("k", reserved=800, actual=150, limit=limit)
    assert settled.allowed and settled.remaining == pytest.approx(850)
    assert limiter.acquire("k", 300, limit).allowed


def test_settle_charges_an_overrun_beyond_the_burst() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=10, burst=100)
    assert limiter.acquire("k", 100, limit).allowed
    overrun = limiter.settle("k", reserved=100, actual=150, limit=limit)
    assert overrun.remaining == 0
    assert overrun.reset_after_s == pytest.approx(15.0)
    refused = limiter.acquire("k", 1, limit)
    assert not refused.allowed
    assert refused.retry_after_s == pytest.approx(5.1)  # repay the 50-unit debt, then one unit


def test_refund_never_fills_the_bucket_past_full() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=1, burst=5)
    assert limiter.acquire("k", 2, limit).allowed
    refunded = limiter.settle("k", reserved=2, actual=-10, limit=limit)
    assert refunded.new_tat == clock.now
    assert refunded.remaining == pytest.approx(5)
    assert admitted_count(limiter, "k", limit, 10) == 5
    assert len(limiter) == 1


def test_cost_above_burst_is_refused_as_too_large() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=10, burst=100)
    decision = limiter.acquire("k", 101, limit)
    assert not decision.allowed and decision.too_large
    assert decision.retry_after_s == 0  # waiting cannot help; the flag says so
    assert decision.remaining == pytest.approx(100)
    assert len(limiter) == 0
    # ...and it consumed nothing.
    assert limiter.acquire("k", 100, limit).allowed
    # A cost of exactly the burst fits a full bucket.
    assert not limiter.acquire("other", 100, limit).too_large


def test_keys_are_independent() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=1, burst=2)
    assert admitted_count(limiter, "a", limit, 5) == 2
    assert admitted_count(limiter, "b", limit, 5) == 2


def test_expired_keys_are_swept() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock, min_sweep_interval=100)
    limit = Limit(rate=1, burst=10)
    for i in range(1000):
        limiter.acquire(f"client-{i}", 1, limit)
    assert len(limiter) <= 1000
    clock.advance(2.0)  # every bucket is full again
    for _ in range(1000):
        limiter.acquire("steady", 0, limit)
    assert len(limiter) == 0


def test_key_count_is_capped_evicting_least_recently_updated() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock, max_keys=50)
    limit = Limit(rate=0.001, burst=10)  # nothing expires during the test
    for i in range(10_000):
        limiter.acquire(f"client-{i}", 1, limit)
        assert len(limiter) <= 50
    # The newest keys survived with their state; the oldest were forgotten (a full bucket).
    assert limiter.acquire("client-9999", 1, limit).remaining == pytest.approx(8)
    assert limiter.acquire("client-0", 1, limit).remaining == pytest.approx(9)


def test_limit_rejects_nonsense() -> None:
    for rate, burst in [(0, 1), (-1, 1), (1, 0), (math.inf, 1), (1, math.nan)]:
        with pytest.raises(ValueError):
            Limit(rate=rate, burst=burst)
    with pytest.raises(ValueError):
        decide(None, 0.0, math.nan, Limit(rate=1, burst=1))


def test_concurrency_limiter() -> None:
    limiter = ConcurrencyLimiter()
    assert limiter.try_enter("k", 2)
    assert limiter.try_enter("k", 2)
    assert not limiter.try_enter("k", 2)
    assert limiter.try_enter("other", 2)
    assert limiter.in_flight("k") == 2
    limiter.leave("k")
    assert limiter.try_enter("k", 2)
    for _ in range(2):
        limiter.leave("k")
    limiter.leave("other")
    assert len(limiter) == 0  # idle keys hold no memory
    with pytest.raises(RuntimeError):
        limiter.leave("k")
    assert not limiter.try_enter("k", 0)


@settings(max_examples=300, deadline=None)
@given(
    rate=st.floats(min_value=0.1, max_value=100),
    burst=st.floats(min_value=1, max_value=50),
    ops=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=2),  # seconds to advance first
            st.floats(min_value=0.01, max_value=60),  # cost (may exceed the burst)
        ),
        max_size=80,
    ),
)
def test_admitted_total_in_any_window_is_within_burst_plus_rate(
    rate: float, burst: float, ops: list[tuple[float, float]]
) -> None:
    clock = FakeClock(now=5000.0)
    limiter = MemoryLimiter(clock)
    limit = Limit(rate=rate, burst=burst)
    admitted: list[tuple[float, float]] = []
    for advance, cost in ops:
        clock.advance(advance)
        if limiter.acquire("k", cost, limit).allowed:
            admitted.append((clock.now, cost))
    for i, (start, _) in enumerate(admitted):
        total = 0.0
        for when, cost in admitted[i:]:
            total += cost
            bound = burst + rate * (when - start + EPSILON_S)
            assert total <= bound + 1e-9 * max(1.0, bound), (start, when, total, bound)
