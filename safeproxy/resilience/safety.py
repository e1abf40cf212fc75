"""The safety breakers: per route, cut off a model that starts emitting unsafe output.

Each route with `safety_breaker.enabled` has a RatioBreaker over the share of its replies
with an output violation. While it is open, the route's requests are refused (503
safety_breaker_open), sent to the configured fallback, or run under a stricter policy;
after the cooldown a few probe requests go the normal way, and clean probes close it.
`force_open` holds it open from the start; `force` throws the kill-switch at run time (the
admin API: open, closed, or back to automatic).

The breakers are bound to the routes at start, not to a generation: a policy reload does not
rebuild them, so a thrown kill-switch stays thrown across reloads (as an operator expects of
one) until it is released.

Reaction times (with `times`): a trip judged on the window is a detection (M3, kind
`safety_breaker`, from the earliest violation in the window to the trip); the first request
that then gets the open action is the mitigation in effect (M4, from the trip). A kill-switch
thrown open is a detection by an operator: no M3, and M4 (kind `kill_switch`) from the throw
to the first request on the open action. A failed probe re-opens the breaker: the model is
still judged bad, and cutting it off again is a mitigation (M4 from the re-open to the first
request on the open action; no M3, the detection was the trip's). A breaker that leaves OPEN
before any request arrives has mitigated nobody: nothing is recorded for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from safeproxy.errors import SafetyBreakerOpen
from safeproxy.exchange.state import Exchange
from safeproxy.resilience.breaker import RatioBreaker, SafetyBreakerSettings, State, Transition
from safeproxy.resilience.reaction import ReactionTimes
from safeproxy.settings.schema import RouteSettings
from safeproxy.upstream.routes import Route, Target


@dataclasses.dataclass(frozen=True, slots=True)
class _Guarded:
    breaker: RatioBreaker
    action: str
    fallback: Target | None
    strict_policy: str | None


class SafetyBreakers:
    def __init__(
        self,
        routes: Iterable[tuple[RouteSettings, Route]],
        *,
        clock: Callable[[], float],
        on_change: Callable[[Transition], None] | None = None,
        times: ReactionTimes | None = None,
    ) -> None:
        self._by_label: dict[str, _Guarded] = {}
        self._clock = clock
        self._times = times
        self._on_change = on_change
        # route label -> (kind, detected at): a detection whose mitigation no request has
        # met yet. At most one per route: bounded.
        self._pending: dict[str, tuple[str, float]] = {}
        for settings, route in routes:
            sb = settings.safety_breaker
            if not sb.enabled and not sb.force_open:
                continue
            breaker = RatioBreaker(
                route.label,
                clock=clock,
                settings=SafetyBreakerSettings(
                    violation_ratio=sb.violation_ratio,
                    min_requests=sb.min_requests,
                    window_s=sb.window_s,
                    cooldown_s=sb.cooldown_s,
                    max_cooldown_s=max(sb.max_cooldown_s, sb.cooldown_s),
                    half_open_probes=sb.half_open_probes,
                    successes_to_close=sb.successes_to_close,
                ),
                on_change=self._changed,
            )
            if sb.force_open:
                breaker.force_open("config")
            fallback = (
                Target(sb.fallback.upstream, sb.fallback.model) if sb.fallback is not None else None
            )
            self._by_label[route.label] = _Guarded(breaker, sb.action, fallback, sb.strict_policy)
        # `force_open` in the config is no detection: the route starts cut off.
        self._pending.clear()
        # Whether any route has a safety breaker (fixed for the process): where none has,
        # callers skip `gate`, which would only find that out.
        self.guarding = bool(self._by_label)

    def _changed(self, t: Transition) -> None:
        if self._times is not None:
            if t.new is State.OPEN and t.reason == "forced":
                self._pending[t.target] = ("kill_switch", t.at)
            elif t.new is State.OPEN and t.old is State.CLOSED:
                if t.evidence_since is not None:
                    self._times.detected("safety_breaker", t.evidence_since, t.at)
                self._pending[t.target] = ("safety_breaker", t.at)
            elif t.new is State.OPEN and t.old is State.HALF_OPEN:
                self._pending[t.target] = ("safety_breaker", t.at)  # a failed probe
            elif t.new is not State.OPEN:
                self._pending.pop(t.target, None)
        if self._on_change is not None:
            self._on_change(t)

    def breakers(self) -> list[RatioBreaker]:
        return [g.breaker for g in self._by_label.values()]

    def breaker(self, route_label: str) -> RatioBreaker | None:
        """The route's safety breaker (None: the route has none)."""
        guarded = self._by_label.get(route_label)
        return guarded.breaker if guarded is not None else None

    def action(self, route_label: str) -> str | None:
        """What the route does while its breaker is open (block, fallback, strict)."""
        guarded = self._by_label.get(route_label)
        return guarded.action if guarded is not None else None

    def force(self, route_label: str, state: State | None, reason: str) -> bool:
        """Hold the route's breaker OPEN or CLOSED, or (None) release it to automatic;
        False when the route has no safety breaker."""
        breaker = self.breaker(route_label)
        if breaker is None:
            return False
        if state is State.OPEN:
            breaker.force_open(reason)
        elif state is State.CLOSED:
            breaker.force_closed(reason)
        else:
            breaker.clear_force()
        return True

    def gate(self, ex: Exchange, *, counts: bool = True) -> None:
        """Let the request through as routed, re-route it, or refuse it.

        `counts`: whether its verdict says something about the route's model under the
        route's own policy (a quarantined client's, run under a stricter one, does not: it
        neither takes a probe slot nor moves the ratio).
        """
        route = ex.route
        assert route is not None
        guarded = self._by_label.get(route.label)
        if guarded is None:
            return
        breaker = guarded.breaker
        if breaker.allow() if counts else breaker.would_allow():
            ex.safety_judged = counts
            return
        ex.degraded.append(f"safety_breaker:{guarded.action}")
        if self._pending:
            pending = self._pending.pop(route.label, None)
            if pending is not None and self._times is not None:
                self._times.mitigated(pending[0], pending[1], self._clock())
        if guarded.fallback is not None:
            # Only the targets change: a stricter policy the request already has stays.
            ex.route = dataclasses.replace(route, targets=(guarded.fallback,))
        elif guarded.strict_policy is not None:
            if counts:  # a quarantined client keeps its own (per-client) strict policy
                ex.route = dataclasses.replace(route, policy=guarded.strict_policy)
                ex.policy_via = "safety_breaker"
        else:
            raise SafetyBreakerOpen(
                "this route is cut off by its safety breaker",
                retry_after_s=breaker.retry_after_s(),
            )

    def record(self, ex: Exchange, violation: bool) -> None:
        """The verdict of a request that went the normal way (only those count)."""
        if not ex.safety_judged or ex.route is None:
            return
        breaker = self._by_label[ex.route.label].breaker
        if ex.output_checked and ex.outcome != "client_aborted":
            breaker.record(violation)
        else:
            # No whole reply was judged (an error; a client that left mid-stream, whose
            # partial reply says nothing clean or unsafe): free the slot, count nothing.
            breaker.release()

    def late_violation(self, route_label: str) -> None:
        """An output violation found after the reply was counted (an async deep check)."""
        guarded = self._by_label.get(route_label)
        if guarded is not None:
            guarded.breaker.late_failure()
