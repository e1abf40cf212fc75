"""M3 (time to detect) and M4 (time to mitigate) on a fake clock: a safety breaker trip is a
detection from the earliest violation in its window; the first request on the open action is
the mitigation; a kill-switch is M4 only; a quarantine is detected from the identity's
earliest violation and held at once."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from safeproxy.errors import SafetyBreakerOpen
from safeproxy.exchange.state import Exchange
from safeproxy.resilience.breaker import State
from safeproxy.resilience.quarantine import Quarantine
from safeproxy.resilience.quarantine_gate import QuarantineGate
from safeproxy.resilience.safety import SafetyBreakers
from safeproxy.resilience.window import Window
from safeproxy.settings.schema import QuarantineSettings, Settings
from safeproxy.telemetry.safety_times import KINDS, SafetyTimes
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.routes import Router
from tests.fake_clock import FakeClock
from tests.support import base_config


class Times:
    """A ReactionTimes that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []

    def detected(self, kind: str, first_violation_at: float, now: float) -> float:
        self.calls.append(("detect", kind, now - first_violation_at))
        return now - first_violation_at

    def mitigated(self, kind: str, detected_at: float, now: float) -> float:
        self.calls.append(("mitigate", kind, now - detected_at))
        return now - detected_at


def breakers(clock: FakeClock, times: Times, **breaker: Any) -> SafetyBreakers:
    cfg = base_config(["http://127.0.0.1:9"])
    cfg["routes"][0]["safety_breaker"] = {
        "enabled": True, "violation_ratio": 0.5, "min_requests": 4, "window_s": 60,
        "cooldown_s": 30, "half_open_probes": 1, "successes_to_close": 1, **breaker,
    }  # fmt: skip
    settings = Settings.model_validate(cfg)
    routes = zip(settings.routes, Router(settings).routes(), strict=True)
    return SafetyBreakers(routes, clock=clock, times=times)


def request(safety: SafetyBreakers) -> Exchange:
    """One request through the gate, as the pipeline sends it (routed to `main`)."""
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, model="m")
    ex.route = Router(Settings.model_validate(base_config(["http://127.0.0.1:9"]))).route("m")
    safety.gate(ex)
    return ex


def served(safety: SafetyBreakers, violation: bool) -> None:
    ex = request(safety)
    ex.output_checked = True
    safety.record(ex, violation)


def test_a_trip_is_detected_from_the_first_violation_and_mitigated_at_the_next_request() -> None:
    clock, times = FakeClock(1000.0), Times()
    safety = breakers(clock, times)
    served(safety, violation=False)  # t=1000: clean, not evidence
    clock.advance(1.0)
    served(safety, violation=True)  # t=1001: the first violation
    clock.advance(2.5)
    served(safety, violation=True)  # t=1003.5: 2 of 3, below min_requests
    clock.advance(0.5)
    assert times.calls == []
    served(safety, violation=False)  # t=1004: 2 of 4 = 0.5: trips
    assert times.calls == [("detect", "safety_breaker", 3.0)]
    clock.advance(7.0)
    with pytest.raises(SafetyBreakerOpen):
        request(safety)  # t=1011: the first request on the open action
    with pytest.raises(SafetyBreakerOpen):
        request(safety)  # the second is no new mitigation
    assert times.calls == [("detect", "safety_breaker", 3.0), ("mitigate", "safety_breaker", 7.0)]


def test_evidence_that_left_the_window_is_not_where_detection_starts() -> None:
    clock, times = FakeClock(0.0), Times()
    safety = breakers(clock, times, min_requests=2)
    served(safety, violation=True)  # t=0: ages out of the 60 s window
    clock.advance(61.0)
    served(safety, violation=True)  # t=61: 1 of 1 in the window, below min_requests
    clock.advance(4.0)
    served(safety, violation=False)  # t=65: 1 of 2 in the window: trips
    assert times.calls == [("detect", "safety_breaker", 4.0)]


def test_a_breaker_that_closes_before_any_request_mitigated_nobody() -> None:
    clock, times = FakeClock(0.0), Times()
    safety = breakers(clock, times, min_requests=1)
    served(safety, violation=True)  # trips at once
    safety.force("main", State.CLOSED, "false alarm")  # an operator closes it
    safety.force("main", None, "auto")
    clock.advance(5.0)
    request(safety)  # goes through: no mitigation to record
    assert times.calls == [("detect", "safety_breaker", 0.0)]


def test_the_kill_switch_is_a_mitigation_without_a_detection_time() -> None:
    clock, times = FakeClock(0.0), Times()
    safety = breakers(clock, times)
    safety.force("main", State.OPEN, "incident 42")
    clock.advance(0.25)
    with pytest.raises(SafetyBreakerOpen):
        request(safety)
    assert times.calls == [("mitigate", "kill_switch", 0.25)]


def test_a_breaker_held_open_by_the_config_is_no_detection() -> None:
    clock, times = FakeClock(0.0), Times()
    safety = breakers(clock, times, force_open=True)
    clock.advance(3.0)
    with pytest.raises(SafetyBreakerOpen):
        request(safety)
    assert times.calls == []


def test_quarantine_is_detected_from_the_identitys_earliest_violation() -> None:
    clock, times = FakeClock(100.0), Times()
    settings = QuarantineSettings(enabled=True, violations=3, window_s=60, duration_s=300)
    quarantine = Quarantine(settings, clock)
    gate = QuarantineGate(quarantine, times=times, clock=clock)
    for step in (0.0, 10.0, 15.0):
        clock.advance(step)
        gate.count_violation("client-a", "tenant")
    # Violations at 100, 110, 125: quarantined at the third, held from then on.
    assert times.calls == [("detect", "quarantine", 25.0), ("mitigate", "quarantine", 0.0)]
    assert asyncio.run(gate.holds("client-a", [])) is True


class SlowStore:
    """A shared store whose violation call takes `delay` seconds of the fake clock."""

    def __init__(self, clock: FakeClock, delay: float) -> None:
        self.clock, self.delay = clock, delay

    async def holds(self, identity: str) -> bool:
        return False

    async def violation(self, identity: str) -> float | None:
        self.clock.advance(self.delay)
        return 7.5  # the store's own measure of the evidence, on its clock

    async def close(self) -> None:
        return None


def test_a_shared_quarantine_is_mitigated_when_the_store_confirms_it() -> None:
    clock, times = FakeClock(0.0), Times()
    settings = QuarantineSettings(enabled=True, violations=1, backend="redis")
    gate = QuarantineGate(
        Quarantine(settings, clock), store=SlowStore(clock, 0.125), times=times, clock=clock
    )

    async def run() -> None:
        gate.count_violation("client-a", "tenant")
        await gate.close()

    asyncio.run(run())
    # M3 as the store measured it; M4 until the store confirmed the hold.
    assert times.calls == [("detect", "quarantine", 7.5), ("mitigate", "quarantine", 0.125)]


def hist(registry: CollectorRegistry, name: str, kind: str, suffix: str) -> float:
    value = registry.get_sample_value(f"{name}_{suffix}", {"kind": kind})
    assert value is not None
    return value


def test_the_histograms_record_seconds_by_kind() -> None:
    registry = CollectorRegistry()
    times = SafetyTimes(registry)
    for kind in KINDS:  # exported from the start
        assert hist(registry, "safeproxy_time_to_detect_seconds", kind, "count") == 0
    assert times.detected("canary", first_violation_at=10.0, now=13.0) == 3.0
    assert times.mitigated("canary", detected_at=13.0, now=13.75) == 0.75
    assert times.mitigated("canary", detected_at=13.0, now=12.0) == 0.0  # clocks apart
    assert hist(registry, "safeproxy_time_to_detect_seconds", "canary", "sum") == 3.0
    assert hist(registry, "safeproxy_time_to_mitigate_seconds", "canary", "count") == 2
    assert hist(registry, "safeproxy_time_to_mitigate_seconds", "canary", "sum") == 0.75
    le = {"kind": "canary", "le": "1.0"}
    assert registry.get_sample_value("safeproxy_time_to_mitigate_seconds_bucket", le) == 2
    with pytest.raises(ValueError, match="unknown reaction kind"):
        times.detected("tenant-1234", 0.0, 1.0)  # no series minted from an unknown kind


@given(
    st.lists(
        st.tuples(st.floats(0, 200, allow_nan=False), st.booleans()), min_size=1, max_size=40
    ).map(sorted),
    st.floats(0, 400, allow_nan=False),
)
def test_window_first_failure_is_the_earliest_failure_still_counted(
    events: list[tuple[float, bool]], later: float
) -> None:
    window = Window(60.0)
    for at, failed in events:
        window.add(at, failed)
    now = max(events[-1][0], later)
    _, failures = window.counts(now)
    first = window.first_failure(now)
    if failures == 0:
        assert first is None
    else:
        # The earliest failure whose bucket is still live: buckets of 6 s, 10 of them.
        epoch = math.floor(now / 6.0)
        live = [at for at, failed in events if failed and epoch - 10 < math.floor(at / 6.0)]
        assert first == min(live)


def test_a_failed_probe_reopens_and_is_mitigated_again() -> None:
    clock, times = FakeClock(0.0), Times()
    safety = breakers(clock, times, min_requests=1)
    served(safety, violation=True)  # t=0: trips at once (evidence: that violation)
    with pytest.raises(SafetyBreakerOpen):
        request(safety)
    clock.advance(30.0)  # the cooldown: the next request is a probe
    served(safety, violation=True)  # t=30: the probe is unsafe: open again
    clock.advance(2.0)
    with pytest.raises(SafetyBreakerOpen):
        request(safety)  # t=32: the first request cut off again
    assert times.calls == [
        ("detect", "safety_breaker", 0.0),
        ("mitigate", "safety_breaker", 0.0),
        ("mitigate", "safety_breaker", 2.0),
    ]
