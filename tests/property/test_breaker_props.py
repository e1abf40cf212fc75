"""Breaker invariants under any interleaving of clock steps, admissions, verdicts, releases
and kill-switch use: the state is always one of three, half-open never has more probes out
than allowed, an OPEN breaker never admits before its cooldown, retry_after_s() is never
negative, and every admitted request is accounted for."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.resilience.breaker import (
    Breaker,
    BreakerSettings,
    RatioBreaker,
    SafetyBreakerSettings,
    State,
    Transition,
)
from tests.fake_clock import FakeClock

COOLDOWN, MAX_COOLDOWN, PROBES = 5.0, 20.0, 2

Op = tuple[str, float, int]

# Weighted so that breakers trip, probe and recover often; the kill-switch is used sparingly.
NAMES = ["advance"] * 3 + ["allow"] * 4 + ["success"] * 3 + ["failure"] * 3 + ["release"]
NAMES += ["force", "clear"]
# Steps straddling each cooldown length, so an early or late half-open shows.
STEPS = [0.0, 0.001, 31.0]
STEPS += [c + d for c in (COOLDOWN, 2 * COOLDOWN, MAX_COOLDOWN) for d in (-0.001, 0.0)]

OPS: st.SearchStrategy[Op] = st.tuples(
    st.sampled_from(NAMES),
    st.one_of(st.sampled_from(STEPS), st.floats(0.0, 50.0, allow_nan=False)),
    st.integers(0, 7),
)


@dataclass
class Model:
    """What the breaker must look like, rebuilt from its transitions alone."""

    state: State = State.CLOSED
    cooldown: float = COOLDOWN
    deadline: float = 0.0
    period: int = 0  # bumped on every move to HALF_OPEN
    forced: bool = False
    outstanding: list[int | None] = field(default_factory=list)  # probe period, or None

    def on_change(self, t: Transition) -> None:
        assert t.old is self.state and t.new is not t.old
        if t.reason == "cooldown_elapsed":
            assert t.old is State.OPEN and not self.forced
            assert t.at >= self.deadline  # never half-opens early
        if t.reason == "probe_failed":
            self.cooldown = min(self.cooldown * 2, MAX_COOLDOWN)
        if t.new is State.OPEN:
            self.deadline = t.at + self.cooldown
        if t.new is State.HALF_OPEN:
            self.period += 1
        if t.new is State.CLOSED:
            self.cooldown = COOLDOWN
        self.state = t.new

    def probes_out(self) -> int:
        return sum(1 for p in self.outstanding if p == self.period)


def make(ratio: bool, model: Model, clock: FakeClock) -> Breaker | RatioBreaker:
    if not ratio:
        return Breaker(
            "u",
            clock=clock,
            settings=BreakerSettings(
                consecutive_failures=3,
                min_requests=4,
                window_s=30.0,
                cooldown_s=COOLDOWN,
                max_cooldown_s=MAX_COOLDOWN,
                half_open_probes=PROBES,
                successes_to_close=2,
            ),
            on_change=model.on_change,
        )
    return RatioBreaker(
        "r",
        clock=clock,
        settings=SafetyBreakerSettings(
            violation_ratio=0.4,
            min_requests=4,
            window_s=30.0,
            cooldown_s=COOLDOWN,
            max_cooldown_s=MAX_COOLDOWN,
            half_open_probes=PROBES,
            successes_to_close=3,
        ),
        on_change=model.on_change,
    )


def report(b: Breaker | RatioBreaker, failed: bool) -> None:
    if isinstance(b, Breaker):
        b.record(not failed)
    else:
        b.record(failed)


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(OPS, min_size=40, max_size=200))
def test_invariants_hold_for_any_operation_sequence(ratio: bool, ops: list[Op]) -> None:
    clock = FakeClock(0.0)
    model = Model()
    b = make(ratio, model, clock)
    for name, step, pick in ops:
        if name == "advance":
            clock.now += step
        elif name == "allow":
            before, now = b.state, clock.now
            admitted = b.allow()
            if admitted:
                assert not model.forced
                assert before is not State.OPEN and model.state is not State.OPEN
                probe = model.period if before is State.HALF_OPEN else None
                model.outstanding.append(probe)
            elif model.state is State.OPEN and not model.forced:
                assert now < model.deadline
        elif name == "force":
            b.force_open("test")
            model.forced = True
        elif name == "clear":
            model.forced = False  # before the call: the callback sees it cleared
            b.clear_force()
        elif model.outstanding:  # a verdict or a release, only for an admitted request
            model.outstanding.pop(pick % len(model.outstanding))
            if name == "release":
                b.release()
            else:
                report(b, failed=name == "failure")

        state = b.state
        assert state in (State.CLOSED, State.OPEN, State.HALF_OPEN)
        assert state is model.state
        assert b.in_flight == len(model.outstanding)
        assert model.probes_out() <= PROBES
        assert b.cooldown_s == model.cooldown
        assert COOLDOWN <= b.cooldown_s <= MAX_COOLDOWN
        retry = b.retry_after_s()
        assert retry >= 0.0
        if state is State.OPEN and not model.forced:
            assert clock.now < model.deadline
            assert math.isclose(clock.now + retry, model.deadline, abs_tol=1e-9)
        elif state is not State.OPEN:
            assert retry == 0.0
