"""The safety breakers: per route, cut off a model that starts emitting unsafe output.

Each route with `safety_breaker.enabled` has a RatioBreaker over the share of its replies
with an output violation. While it is open, the route's requests are refused (503
safety_breaker_open), sent to the configured fallback, or run under a stricter policy;
after the cooldown a few probe requests go the normal way, and clean probes close it.
`force_open` holds it open (the manual kill-switch).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from safeproxy.errors import SafetyBreakerOpen
from safeproxy.models import Exchange
from safeproxy.resilience.breaker import RatioBreaker, SafetyBreakerSettings, Transition
from safeproxy.settings import RouteSettings
from safeproxy.upstream.routes import Route, Target


@dataclasses.dataclass(frozen=True, slots=True)
class _Guarded:
    breaker: RatioBreaker
    action: str
    # The route as it runs while the breaker is open (fallback target, or strict policy).
    degraded_route: Route | None


class SafetyBreakers:
    def __init__(
        self,
        routes: Iterable[tuple[RouteSettings, Route]],
        *,
        clock: Callable[[], float],
        on_change: Callable[[Transition], None] | None = None,
    ) -> None:
        self._by_label: dict[str, _Guarded] = {}
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
                on_change=on_change,
            )
            if sb.force_open:
                breaker.force_open("config")
            degraded: Route | None = None
            if sb.action == "fallback" and sb.fallback is not None:
                target = Target(sb.fallback.upstream, sb.fallback.model)
                degraded = dataclasses.replace(route, targets=(target,))
            elif sb.action == "strict" and sb.strict_policy is not None:
                degraded = dataclasses.replace(route, policy=sb.strict_policy)
            self._by_label[route.label] = _Guarded(breaker, sb.action, degraded)

    def breakers(self) -> list[RatioBreaker]:
        return [g.breaker for g in self._by_label.values()]

    def gate(self, ex: Exchange) -> None:
        """Let the request through as routed (it then counts), re-route it, or refuse it."""
        assert ex.route is not None
        guarded = self._by_label.get(ex.route.label)
        if guarded is None:
            return
        if guarded.breaker.allow():
            ex.safety_judged = True
            return
        ex.degraded.append(f"safety_breaker:{guarded.action}")
        if guarded.degraded_route is None:
            raise SafetyBreakerOpen(
                "this route is cut off by its safety breaker",
                retry_after_s=guarded.breaker.retry_after_s(),
            )
        ex.route = guarded.degraded_route

    def record(self, ex: Exchange, violation: bool) -> None:
        """The verdict of a request that went the normal way (only those count)."""
        if not ex.safety_judged or ex.route is None:
            return
        breaker = self._by_label[ex.route.label].breaker
        if ex.output_checked:
            breaker.record(violation)
        else:
            breaker.release()  # no reply was judged (an error, a client that went away)
