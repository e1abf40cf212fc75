"""Circuit breakers and outlier ejection, driven by a fake clock (no sleeping)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.resilience.breaker import (
    Breaker,
    BreakerSettings,
    RatioBreaker,
    SafetyBreakerSettings,
    State,
    Transition,
)
from safeproxy.resilience.ejection import Ejector
from tests.fake_clock import FakeClock


def held(b: Breaker | RatioBreaker) -> State | None:
    # A call, for the same reason as state().
    return b.forced


def state(b: Breaker | RatioBreaker) -> State:
    # A call, not the property: mypy would narrow `b.state` after one assert and reject the next.
    return b.state


def make(clock: FakeClock, events: list[Transition] | None = None, **overrides: Any) -> Breaker:
    settings = BreakerSettings(**overrides)
    sink = events.append if events is not None else None
    return Breaker("http://a", clock=clock, settings=settings, on_change=sink)


def fail(b: Breaker, n: int = 1) -> None:
    for _ in range(n):
        assert b.allow()
        b.record(False)


def succeed(b: Breaker, n: int = 1) -> None:
    for _ in range(n):
        assert b.allow()
        b.record(True)


def trip(b: Breaker) -> None:
    fail(b, b.settings.consecutive_failures)
    assert state(b) is State.OPEN


# --- consecutive rule ---------------------------------------------------------------------


def test_trips_on_n_consecutive_failures_not_n_minus_1() -> None:
    b = make(FakeClock(), consecutive_failures=3)
    fail(b, 2)
    assert state(b) is State.CLOSED
    fail(b)
    assert state(b) is State.OPEN
    assert not b.allow()


def test_a_success_resets_the_consecutive_count() -> None:
    b = make(FakeClock(), consecutive_failures=3)
    fail(b, 2)
    succeed(b)
    fail(b, 2)
    assert state(b) is State.CLOSED
    fail(b)
    assert state(b) is State.OPEN


# --- ratio rule ---------------------------------------------------------------------------


def test_ratio_rule_needs_the_minimum_volume_even_at_100_percent() -> None:
    b = make(FakeClock(), consecutive_failures=1000, min_requests=20)
    fail(b, 19)
    assert state(b) is State.CLOSED
    fail(b)
    assert state(b) is State.OPEN


def test_ratio_rule_trips_at_the_ratio_not_below() -> None:
    events: list[Transition] = []
    b = make(FakeClock(), events, failure_ratio=0.5, min_requests=10)
    for _ in range(4):  # 4 failures / 9 outcomes: below half
        fail(b)
        succeed(b)
    succeed(b)
    assert state(b) is State.CLOSED
    fail(b)  # 5 / 10 = the ratio exactly
    assert state(b) is State.OPEN
    assert events[-1].reason == "failure_ratio"


def test_ratio_rule_stays_closed_below_the_ratio_at_volume() -> None:
    b = make(FakeClock(), failure_ratio=0.5, min_requests=10)
    for _ in range(20):
        fail(b)
        succeed(b, 2)
    assert state(b) is State.CLOSED


def test_outcomes_older_than_the_window_expire() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1000, min_requests=20, window_s=30.0)
    fail(b, 19)
    clock.advance(30.0)
    fail(b)  # the 19 are gone: 1 outcome in the window
    assert state(b) is State.CLOSED
    fail(b, 18)
    assert state(b) is State.CLOSED
    fail(b)
    assert state(b) is State.OPEN


def test_outcomes_inside_the_window_still_count() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1000, min_requests=20, window_s=30.0)
    fail(b, 19)
    clock.advance(30.0 - 3.0 - 0.001)  # still within the oldest bucket's lifetime
    fail(b)
    assert state(b) is State.OPEN


# --- open / half-open ---------------------------------------------------------------------


def test_open_refuses_then_half_opens_exactly_at_the_cooldown() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1, cooldown_s=5.0)
    fail(b)
    assert not b.allow()
    clock.advance(4.999)
    assert not b.allow()
    assert state(b) is State.OPEN
    assert b.retry_after_s() == pytest.approx(0.001)
    clock.advance(0.001)
    assert b.retry_after_s() == 0.0
    assert state(b) is State.HALF_OPEN
    assert b.allow()


def test_half_open_admits_at_most_the_probe_count_and_release_frees_a_slot() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1, half_open_probes=2, successes_to_close=3)
    fail(b)
    clock.advance(5.0)
    assert b.allow()
    assert b.allow()
    assert not b.allow()
    b.release()
    assert state(b) is State.HALF_OPEN  # a release is no verdict
    assert b.allow()
    assert not b.allow()
    b.record(True)  # a verdict frees a slot too
    assert b.allow()
    assert not b.allow()


def test_successes_to_close_probes_close_it() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1, half_open_probes=1, successes_to_close=2)
    fail(b)
    clock.advance(5.0)
    succeed(b)
    assert state(b) is State.HALF_OPEN
    succeed(b)
    assert state(b) is State.CLOSED


def test_closing_resets_the_window_and_the_consecutive_count() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=3, min_requests=4)
    fail(b, 2)
    succeed(b)
    fail(b)  # 3 of 4 failed: ratio trip
    assert state(b) is State.OPEN
    clock.advance(5.0)
    succeed(b)
    assert state(b) is State.CLOSED
    fail(b, 2)  # the old window would have tripped on these
    assert state(b) is State.CLOSED


def test_a_late_report_from_before_the_trip_does_not_free_a_probe_slot() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1)
    assert b.allow()  # a long request admitted while closed
    fail(b)
    clock.advance(5.0)
    assert not b.allow()  # that request still holds the only slot
    b.release()
    assert b.allow()
    assert not b.allow()


def test_a_report_without_an_admission_does_not_mint_a_slot() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1)
    fail(b)
    b.release()  # a caller bug: nothing was admitted
    clock.advance(5.0)
    assert b.allow()
    assert not b.allow()


def test_probe_failure_reopens_with_a_doubled_cooldown_capped() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1, cooldown_s=5.0, max_cooldown_s=15.0)
    fail(b)
    assert b.retry_after_s() == 5.0
    expected = [10.0, 15.0, 15.0]
    for cooldown in expected:
        clock.advance(b.retry_after_s())
        fail(b)  # the probe fails
        assert state(b) is State.OPEN
        assert b.retry_after_s() == cooldown
        clock.advance(cooldown - 0.01)
        assert not b.allow()
        clock.advance(0.01)


def test_closing_resets_the_cooldown() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1, cooldown_s=5.0)
    fail(b)
    clock.advance(5.0)
    fail(b)
    assert b.retry_after_s() == 10.0
    clock.advance(10.0)
    succeed(b)
    assert state(b) is State.CLOSED
    fail(b)
    assert b.retry_after_s() == 5.0


# --- kill-switch --------------------------------------------------------------------------


def test_force_open_holds_whatever_happens() -> None:
    clock = FakeClock()
    b = make(clock)
    b.force_open("incident 42")
    assert b.forced_reason == "incident 42"
    assert state(b) is State.OPEN
    assert not b.allow()
    b.record(True)
    clock.advance(10_000.0)
    assert state(b) is State.OPEN
    assert not b.allow()
    assert b.retry_after_s() > 0


def test_force_open_on_an_open_breaker_outlives_its_cooldown() -> None:
    clock = FakeClock()
    events: list[Transition] = []
    b = make(clock, events, consecutive_failures=1)
    fail(b)
    b.force_open("manual")
    clock.advance(10_000.0)
    assert state(b) is State.OPEN
    assert [e.reason for e in events] == ["consecutive_failures"]  # no OPEN -> OPEN event


def test_clear_force_returns_to_normal_behaviour() -> None:
    clock = FakeClock()
    events: list[Transition] = []
    b = make(clock, events, consecutive_failures=2)
    b.force_open("manual")
    clock.advance(1.0)
    b.clear_force()
    assert b.forced_reason is None
    assert state(b) is State.HALF_OPEN
    succeed(b)
    assert state(b) is State.CLOSED
    fail(b)
    assert state(b) is State.CLOSED
    fail(b)
    assert state(b) is State.OPEN
    clock.advance(5.0)
    assert state(b) is State.HALF_OPEN
    b.clear_force()  # not forced: a no-op
    assert state(b) is State.HALF_OPEN
    assert [e.reason for e in events][:2] == ["forced", "force_cleared"]


# --- transitions --------------------------------------------------------------------------


def test_every_transition_reaches_on_change() -> None:
    clock = FakeClock(100.0)
    events: list[Transition] = []
    b = make(clock, events, consecutive_failures=2, cooldown_s=5.0)
    fail(b, 2)  # t=100
    clock.advance(5.0)
    assert b.allow()  # t=105
    b.record(False)
    clock.advance(10.0)
    assert b.allow()  # t=115
    b.record(True)
    b.force_open("x")
    clock.advance(1.0)
    b.clear_force()  # t=116
    assert events == [
        # A trip judged on the window says where its evidence began (both failures at 100).
        Transition("http://a", State.CLOSED, State.OPEN, 100.0, "consecutive_failures", 100.0),
        Transition("http://a", State.OPEN, State.HALF_OPEN, 105.0, "cooldown_elapsed"),
        Transition("http://a", State.HALF_OPEN, State.OPEN, 105.0, "probe_failed"),
        Transition("http://a", State.OPEN, State.HALF_OPEN, 115.0, "cooldown_elapsed"),
        Transition("http://a", State.HALF_OPEN, State.CLOSED, 115.0, "probe_succeeded"),
        Transition("http://a", State.CLOSED, State.OPEN, 115.0, "forced"),
        Transition("http://a", State.OPEN, State.HALF_OPEN, 116.0, "force_cleared"),
    ]


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="ratio"):
        BreakerSettings(failure_ratio=0.0)
    with pytest.raises(ValueError, match="max_cooldown_s"):
        BreakerSettings(cooldown_s=10.0, max_cooldown_s=5.0)
    with pytest.raises(ValueError, match="half_open_probes"):
        SafetyBreakerSettings(half_open_probes=0)


# --- safety breaker -----------------------------------------------------------------------


def test_ratio_breaker_ignores_runs_below_volume_and_trips_on_the_share() -> None:
    clock = FakeClock()
    events: list[Transition] = []
    b = RatioBreaker(
        "route:chat",
        clock=clock,
        settings=SafetyBreakerSettings(violation_ratio=0.2, min_requests=50),
        on_change=events.append,
    )
    for _ in range(20):  # 20 violations in a row: no consecutive rule
        assert b.allow()
        b.record(True)
    assert state(b) is State.CLOSED
    for _ in range(29):
        assert b.allow()
        b.record(False)
    assert state(b) is State.CLOSED  # 49 outcomes: below the volume
    assert b.allow()
    b.record(False)
    assert state(b) is State.OPEN
    assert events[-1].reason == "failure_ratio"


def test_ratio_breaker_stays_closed_below_the_share() -> None:
    b = RatioBreaker("r", clock=FakeClock(), settings=SafetyBreakerSettings(min_requests=50))
    for i in range(200):
        assert b.allow()
        b.record(i % 6 == 0)  # ~17 % violations
    assert state(b) is State.CLOSED


def trip_safety(clock: FakeClock) -> RatioBreaker:
    b = RatioBreaker(
        "r",
        clock=clock,
        settings=SafetyBreakerSettings(
            min_requests=10, cooldown_s=60.0, half_open_probes=5, successes_to_close=5
        ),
    )
    for _ in range(10):
        assert b.allow()
        b.record(True)
    assert state(b) is State.OPEN
    return b


def test_ratio_breaker_recovers_after_cooldown_when_probes_are_clean() -> None:
    clock = FakeClock()
    b = trip_safety(clock)
    clock.advance(59.0)
    assert not b.allow()
    clock.advance(1.0)
    assert all(b.allow() for _ in range(5))
    assert not b.allow()  # five probes at once, no more
    for _ in range(4):
        b.record(False)
    assert state(b) is State.HALF_OPEN
    b.record(False)
    assert state(b) is State.CLOSED
    assert b.cooldown_s == 60.0


def test_ratio_breaker_reopens_when_the_probes_violate() -> None:
    clock = FakeClock()
    b = trip_safety(clock)
    clock.advance(60.0)
    for _ in range(5):
        assert b.allow()
    for _ in range(4):
        b.record(False)
    b.record(True)  # 1 / 5 = the ratio
    assert state(b) is State.OPEN
    assert b.retry_after_s() == 120.0


# --- ejection -----------------------------------------------------------------------------

URLS = ["http://u0", "http://u1", "http://u2", "http://u3"]


def pool(clock: FakeClock, n: int = 4) -> dict[str, Breaker]:
    s = BreakerSettings(consecutive_failures=1, cooldown_s=100.0)
    return {u: Breaker(u, clock=clock, settings=s) for u in URLS[:n]}


def open_at(clock: FakeClock, b: Breaker) -> None:
    assert b.allow()
    b.record(False)
    assert state(b) is State.OPEN
    clock.advance(1.0)


def test_ejector_ejects_open_urls_up_to_the_cap() -> None:
    clock = FakeClock()
    breakers = pool(clock)
    ejector = Ejector(breakers, max_ejection_percent=50)
    assert ejector.usable(URLS) == URLS
    open_at(clock, breakers["http://u1"])
    assert ejector.usable(URLS) == ["http://u0", "http://u2", "http://u3"]
    open_at(clock, breakers["http://u3"])
    assert ejector.usable(URLS) == ["http://u0", "http://u2"]


def test_ejector_never_ejects_more_than_the_cap_keeping_the_oldest_open() -> None:
    clock = FakeClock()
    breakers = pool(clock)
    ejector = Ejector(breakers, max_ejection_percent=50)
    open_at(clock, breakers["http://u2"])  # the oldest
    open_at(clock, breakers["http://u0"])
    open_at(clock, breakers["http://u3"])
    assert ejector.usable(URLS) == ["http://u1", "http://u2"]


def test_ejector_never_ejects_the_last_healthy_url() -> None:
    clock = FakeClock()
    breakers = pool(clock, 2)
    ejector = Ejector(breakers, max_ejection_percent=100)
    open_at(clock, breakers["http://u0"])
    assert ejector.usable(URLS[:2]) == ["http://u1"]


def test_ejector_returns_nothing_when_every_breaker_is_open() -> None:
    clock = FakeClock()
    breakers = pool(clock)
    ejector = Ejector(breakers, max_ejection_percent=50)
    for u in URLS:
        open_at(clock, breakers[u])
    assert ejector.usable(URLS) == []
    assert ejector.retry_after_s(URLS) == pytest.approx(96.0)  # u0 opened 4 s ago


def test_ejector_treats_a_free_half_open_url_as_usable_and_skips_forced_ones() -> None:
    clock = FakeClock()
    breakers = pool(clock)
    ejector = Ejector(breakers, max_ejection_percent=50)
    open_at(clock, breakers["http://u0"])
    clock.advance(100.0)
    assert state(breakers["http://u0"]) is State.HALF_OPEN
    assert ejector.usable(URLS) == URLS
    assert breakers["http://u0"].in_flight == 0  # looking took no probe slot
    breakers["http://u1"].force_open("drain")
    breakers["http://u2"].force_open("drain")
    breakers["http://u3"].force_open("drain")
    assert ejector.usable(URLS) == ["http://u0"]
    assert breakers["http://u0"].allow()
    assert ejector.usable(URLS) == []  # its only probe slot is taken; the rest are forced


# --- held closed (the kill-switch's other position) ----------------------------------------


@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["ok", "violation", "late"]), st.floats(0, 120)), max_size=60
    )
)
def test_held_closed_admits_and_never_trips_whatever_the_outcomes(
    steps: list[tuple[str, float]],
) -> None:
    clock = FakeClock()
    events: list[Transition] = []
    settings = SafetyBreakerSettings(min_requests=1, violation_ratio=0.1, window_s=60)
    b = RatioBreaker("main", clock=clock, settings=settings, on_change=events.append)
    assert b.allow()
    b.record(True)  # tripped before the operator steps in
    assert state(b) is State.OPEN
    b.force_closed("false alarm")
    assert b.forced is State.CLOSED and b.held_closed_reason == "false alarm"
    for kind, elapsed in steps:
        clock.advance(elapsed)
        if kind == "late":
            b.late_failure()
        else:
            assert b.allow()
            b.record(kind == "violation")
        assert state(b) is State.CLOSED
    assert [e.reason for e in events] == ["failure_ratio", "forced_closed"]


def test_released_from_closed_it_is_judged_on_its_window_again() -> None:
    clock = FakeClock()
    settings = SafetyBreakerSettings(min_requests=2, violation_ratio=0.5, window_s=60)
    b = RatioBreaker("main", clock=clock, settings=settings)
    b.force_closed("manual")
    for _ in range(3):
        assert b.allow()
        b.record(True)
    assert state(b) is State.CLOSED and b.window_counts() == (3, 3)
    b.clear_force()
    assert b.forced is None and state(b) is State.CLOSED
    assert b.allow()
    b.record(True)
    assert state(b) is State.OPEN


def test_force_open_after_force_closed_and_back() -> None:
    clock = FakeClock()
    b = make(clock, consecutive_failures=1)
    b.force_closed("manual")
    fail(b, 3)
    assert state(b) is State.CLOSED
    b.force_open("incident")
    assert held(b) is State.OPEN and b.held_closed_reason is None
    assert not b.allow()
    b.force_closed("manual")
    assert held(b) is State.CLOSED and b.forced_reason is None and b.allow()
