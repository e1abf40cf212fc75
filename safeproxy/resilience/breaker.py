"""Circuit breakers: one state machine per target (an upstream base URL, or a route for the
safety breaker). Outlier ejection across an upstream's base URLs is in ejection.py.

Pure logic: no I/O, no tasks, time read only through the injected `clock` (monotonic seconds).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

# Re-exported: callers import the settings with the breakers.
from safeproxy.resilience.breaker_settings import BreakerSettings, SafetyBreakerSettings
from safeproxy.resilience.window import Window

__all__ = ["Breaker", "BreakerSettings", "RatioBreaker", "SafetyBreakerSettings", "State",
           "Transition"]  # fmt: skip

Clock: TypeAlias = Callable[[], float]


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class Transition:
    """One state change of a breaker; `at` is the clock time it was observed. A trip judged on
    the window (CLOSED -> OPEN) carries `evidence_since`: the clock time of the earliest
    failure inside the window that judged it, where time to detect (M3) starts."""

    target: str
    old: State
    new: State
    at: float
    reason: str
    evidence_since: float | None = None


OnChange: TypeAlias = Callable[[Transition], None]


@dataclass(frozen=True, slots=True)
class _Rules:
    """What the shared state machine needs; each public breaker maps its settings onto it."""

    consecutive_failures: int | None  # None: no consecutive rule
    failure_ratio: float
    min_requests: int
    window_s: float
    cooldown_s: float
    max_cooldown_s: float
    half_open_probes: int
    successes_to_close: int
    # HALF_OPEN re-opens once the failure share of the probes reaches this (0.0: any failure).
    probe_failure_ratio: float


class _StateMachine:
    """CLOSED -> OPEN -> HALF_OPEN -> CLOSED | OPEN, shared by both breakers.

    In-flight accounting covers every admitted request, not only probes: `allow()` returns a
    bare bool, so a report cannot say which admission it ends. Counting them all keeps the
    half-open concurrency bound exact (a late report of a request admitted while CLOSED cannot
    free a probe slot it never held); the cost is that half-open waits for those stragglers.
    """

    def __init__(self, target: str, rules: _Rules, clock: Clock, on_change: OnChange | None):
        self._target = target
        self._rules = rules
        self._clock = clock
        self._on_change = on_change
        self._state = State.CLOSED
        self._window = Window(rules.window_s)
        # When the window last took a failure: with none inside it, a success cannot trip
        # the breaker, and the window's counts are not read (most requests succeed).
        self._failed_at = -math.inf
        self._consecutive = 0
        self._cooldown = rules.cooldown_s
        self._opened_at: float | None = None
        self._in_flight = 0
        self._probe_ok = 0
        self._probe_failed = 0
        self._forced: str | None = None
        # The operator's reason while force_closed() holds the breaker closed, else None.
        self._held_closed: str | None = None

    @property
    def target(self) -> str:
        return self._target

    @property
    def state(self) -> State:
        return self._state_at(self._clock())

    @property
    def in_flight(self) -> int:
        """Admitted requests not yet reported through record() or release()."""
        return self._in_flight

    @property
    def cooldown_s(self) -> float:
        """The length of the current (or next) open period."""
        return self._cooldown

    @property
    def opened_at(self) -> float | None:
        """Clock time of the last move to OPEN (None if it never opened)."""
        return self._opened_at

    @property
    def forced_reason(self) -> str | None:
        """The operator's reason while force_open() holds the breaker, else None."""
        return self._forced

    @property
    def held_closed_reason(self) -> str | None:
        """The operator's reason while force_closed() holds the breaker, else None."""
        return self._held_closed

    def window_counts(self) -> tuple[int, int]:
        """(requests, failures) in the window now: what a trip is judged on."""
        return self._window.counts(self._clock())

    @property
    def forced(self) -> State | None:
        """The state an operator holds the breaker in (OPEN or CLOSED); None: automatic."""
        if self._forced is not None:
            return State.OPEN
        return State.CLOSED if self._held_closed is not None else None

    def allow(self) -> bool:
        """Admit one request? Every True must later be matched by record() or release()."""
        # A closed breaker (nearly always) admits: time alone moves only an open one.
        if self._state is not State.CLOSED and not self._admits(self._state_at(self._clock())):
            return False
        self._in_flight += 1
        return True

    def would_allow(self) -> bool:
        """What allow() would answer now, without taking a slot."""
        return self._admits(self._state_at(self._clock()))

    def release(self) -> None:
        """An admitted request ended without a verdict: free its slot, count nothing."""
        self._state_at(self._clock())
        self._finish()

    def retry_after_s(self) -> float:
        """Seconds until an OPEN breaker half-opens; 0 when not OPEN."""
        now = self._clock()
        if self._state_at(now) is not State.OPEN:
            return 0.0
        if self._forced is not None:
            # A kill-switch has no end time; the cooldown is a sane Retry-After hint.
            return self._cooldown
        return max(0.0, self._deadline() - now)

    def force_open(self, reason: str = "manual") -> None:
        """Hold the breaker OPEN, whatever the outcomes, until clear_force()."""
        self._forced, self._held_closed = reason, None
        if self._state is not State.OPEN:
            now = self._clock()
            self._reset_probes()
            self._opened_at = now
            self._move(State.OPEN, "forced", now)

    def force_closed(self, reason: str = "manual") -> None:
        """Hold the breaker CLOSED, whatever the outcomes, until clear_force(): an operator
        overrides a trip they judge false. Outcomes are still counted (the share is current
        when the breaker is released), but nothing trips it meanwhile."""
        self._forced, self._held_closed = None, reason
        if self._state is not State.CLOSED:
            self._reset_probes()
            self._move(State.CLOSED, "forced_closed", self._clock())

    def clear_force(self) -> None:
        """Release the kill-switch. Held open: the target re-earns trust through half-open
        probes. Held closed: it stays closed, judged on its window again from the next
        outcome on."""
        if self._held_closed is not None:
            self._held_closed = None
            return
        if self._forced is None:
            return
        self._forced = None
        self._reset_probes()
        self._move(State.HALF_OPEN, "force_cleared", self._clock())

    def late_failure(self) -> None:
        """A verdict that arrived after its request was counted as a success (an async deep
        check found what the fast filters did not): the share moves as if that request had
        failed. No slot is involved; only a CLOSED breaker counts it (open or probing, the
        breaker is already acting, and probes are judged by their own outcomes)."""
        now = self._clock()
        if self._state_at(now) is not State.CLOSED:
            return
        self._window.amend(now)
        self._failed_at = now
        self._consecutive += 1
        reason = self._trip_reason(now)
        if reason is not None:
            self._open(reason, now)

    def _record(self, failed: bool) -> None:
        now = self._clock()
        # Every upstream reply comes here: _state_at (which moves only an OPEN breaker) and
        # _finish, inline for the closed breaker.
        state = self._state
        if state is State.OPEN:
            state = self._state_at(now)
        if self._in_flight > 0:  # (_finish)
            self._in_flight -= 1
        if state is State.CLOSED:
            self._window.add(now, failed)
            self._consecutive = self._consecutive + 1 if failed else 0
            if failed:
                self._failed_at = now
            elif now - self._failed_at > self._rules.window_s:
                return  # no failure in the window: nothing to trip on
            reason = self._trip_reason(now)
            if reason is not None:
                self._open(reason, now, self._window.first_failure(now))
        elif state is State.HALF_OPEN:
            self._probe_failed += failed
            self._probe_ok += not failed
            share = self._probe_failed / (self._probe_failed + self._probe_ok)
            if self._probe_failed and share >= self._rules.probe_failure_ratio:
                self._cooldown = min(self._cooldown * 2, self._rules.max_cooldown_s)
                self._open("probe_failed", now)
            elif self._probe_ok >= self._rules.successes_to_close:
                self._close("probe_succeeded", now)
        # OPEN: the outcome of a request admitted before the trip; the breaker already acted.

    def _state_at(self, now: float) -> State:
        # OPEN -> HALF_OPEN is lazy: no timer, the first look after the cooldown moves it.
        if self._state is State.OPEN and self._forced is None and now >= self._deadline():
            self._reset_probes()
            self._move(State.HALF_OPEN, "cooldown_elapsed", now)
        return self._state

    def _admits(self, state: State) -> bool:
        if state is State.CLOSED:
            return True
        return state is State.HALF_OPEN and self._in_flight < self._rules.half_open_probes

    def _trip_reason(self, now: float) -> str | None:
        if self._held_closed is not None:
            return None  # held closed by an operator: counted, never tripped
        limit = self._rules.consecutive_failures
        if limit is not None and self._consecutive >= limit:
            return "consecutive_failures"
        total, failures = self._window.counts(now)
        if total >= self._rules.min_requests and failures / total >= self._rules.failure_ratio:
            return "failure_ratio"
        return None

    def _deadline(self) -> float:
        assert self._opened_at is not None  # set on every move to OPEN
        return self._opened_at + self._cooldown

    def _finish(self) -> None:
        # Clamped: a report without an admission (a caller bug) must not mint free slots.
        if self._in_flight > 0:
            self._in_flight -= 1

    def _reset_probes(self) -> None:
        self._probe_ok = 0
        self._probe_failed = 0

    def _open(self, reason: str, now: float, evidence_since: float | None = None) -> None:
        self._opened_at = now
        self._reset_probes()
        self._move(State.OPEN, reason, now, evidence_since)

    def _close(self, reason: str, now: float) -> None:
        self._window.clear()
        self._consecutive = 0
        self._cooldown = self._rules.cooldown_s
        self._reset_probes()
        self._move(State.CLOSED, reason, now)

    def _move(
        self, new: State, reason: str, now: float, evidence_since: float | None = None
    ) -> None:
        # Called after every field is updated: a raising callback cannot leave a torn breaker.
        old, self._state = self._state, new
        if old is not new and self._on_change is not None:
            self._on_change(Transition(self._target, old, new, now, reason, evidence_since))


class Breaker(_StateMachine):
    """Upstream health for one target: trips on consecutive failures or a failure share; a
    failed probe re-opens it with a doubled cooldown."""

    def __init__(
        self,
        target: str,
        *,
        clock: Clock,
        settings: BreakerSettings | None = None,
        on_change: OnChange | None = None,
    ) -> None:
        s = settings if settings is not None else BreakerSettings()
        rules = _Rules(
            consecutive_failures=s.consecutive_failures,
            failure_ratio=s.failure_ratio,
            min_requests=s.min_requests,
            window_s=s.window_s,
            cooldown_s=s.cooldown_s,
            max_cooldown_s=s.max_cooldown_s,
            half_open_probes=s.half_open_probes,
            successes_to_close=s.successes_to_close,
            probe_failure_ratio=0.0,
        )
        super().__init__(target, rules, clock, on_change)
        self.settings = s

    def record(self, success: bool) -> None:
        """Report the outcome of an admitted request."""
        self._record(failed=not success)


class RatioBreaker(_StateMachine):
    """Route safety: a response with an output violation counts as a failure; trips on the
    violation share only (a run of violations below the minimum volume is not evidence), and
    half-open re-opens as soon as the probes' violation share reaches the same ratio."""

    def __init__(
        self,
        target: str,
        *,
        clock: Clock,
        settings: SafetyBreakerSettings | None = None,
        on_change: OnChange | None = None,
    ) -> None:
        s = settings if settings is not None else SafetyBreakerSettings()
        rules = _Rules(
            consecutive_failures=None,
            failure_ratio=s.violation_ratio,
            min_requests=s.min_requests,
            window_s=s.window_s,
            cooldown_s=s.cooldown_s,
            max_cooldown_s=s.max_cooldown_s,
            half_open_probes=s.half_open_probes,
            successes_to_close=s.successes_to_close,
            probe_failure_ratio=s.violation_ratio,
        )
        super().__init__(target, rules, clock, on_change)
        self.settings = s

    def record(self, violation: bool) -> None:
        """Report whether an admitted request's response carried an output violation."""
        self._record(failed=violation)
