"""The breaker endpoints of the admin listener: every breaker's state, and the kill-switch.

    GET  /admin/breakers                     each route's safety breaker and each upstream
                                             breaker: state, counts, held by an operator or not
    POST /admin/breakers/{route}/force       {"state": "open" | "closed" | "auto",
                                              "reason": optional text}

`open` holds the route's safety breaker open: its traffic gets the breaker's open action
(refused with 503, sent to the fallback, or run under the strict policy). `closed` holds it
closed whatever its replies carry; `auto` releases it (from open it probes, half-open, first).
A hold lasts until released, across policy reloads (the breakers are bound to the routes at
start, not to a generation), but not across a restart: `safety_breaker.force_open` in the
config is the hold that survives one.

They sit behind the admin listener's bearer tokens (admin/review.py), which writes the
`admin` audit record of each POST; a force also writes a `breaker_forced` record naming the
token and what was asked, and a state change is a `breaker` record like any trip. With
`--workers N`, see admin/breaker_holds.py: the answering worker writes the shared hold
file and signals the supervisor, and answers once every worker applied it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import orjson
from aiohttp import web

from safeproxy.admin.body import json_object, read_capped
from safeproxy.admin.tokens import ADMIN_TOKEN
from safeproxy.errors import BadRequest, NotFound
from safeproxy.resilience.breaker import Breaker, RatioBreaker, State
from safeproxy.resilience.safety import SafetyBreakers
from safeproxy.telemetry.audit import AuditLog

MAX_BODY_BYTES = 4096
MAX_REASON_CHARS = 200
HOLDS: Mapping[str, State | None] = {"open": State.OPEN, "closed": State.CLOSED, "auto": None}

# Applies a hold everywhere it must apply (this process, or every worker); returns the
# per-worker result for the answer (empty for a single process).
Apply = Callable[[str, State | None, str], Awaitable[dict[str, Any]]]


class BreakerAdmin:
    def __init__(
        self,
        safety: SafetyBreakers,
        upstream: Callable[[], Sequence[Breaker]],
        *,
        on_held: Callable[[str, State | None], None] | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self._safety = safety
        self._upstream = upstream
        self._on_held = on_held
        self.audit = audit
        # Replaced by the server for `--workers N` (admin/breaker_holds.py).
        self.apply: Apply = self._apply_here

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/admin/breakers", self.status),
            web.post("/admin/breakers/{route}/force", self.force),
        ]

    def hold(self, route: str, state: State | None, reason: str) -> bool:
        """Throw or release one route's kill-switch in this process (False: no breaker)."""
        if not self._safety.force(route, state, reason):
            return False
        if self._on_held is not None:
            self._on_held(route, state)
        return True

    async def _apply_here(self, route: str, state: State | None, reason: str) -> dict[str, Any]:
        self.hold(route, state, reason)
        return {}

    async def status(self, _: web.Request) -> web.Response:
        return _json(self.status_json())

    def status_json(self) -> dict[str, Any]:
        """Every breaker's state (the console's breakers page shows the same)."""
        safety = {}
        for breaker in self._safety.breakers():
            safety[breaker.target] = {
                **describe(breaker),
                "open_action": self._safety.action(breaker.target),
            }
        upstream = {b.target: describe(b) for b in self._upstream()}
        return {"safety": safety, "upstream": upstream}

    async def force(self, request: web.Request) -> web.Response:
        route = request.match_info["route"]
        state, reason = _force_body(await read_capped(request, MAX_BODY_BYTES))
        return _json(await self.force_hold(route, state, reason, request.get(ADMIN_TOKEN, "?")))

    async def force_hold(
        self, route: str, state: State | None, reason: str, token: str
    ) -> dict[str, Any]:
        """Throw or release a route's kill-switch wherever it applies, audited with the
        token's name; the answer. NotFound when the route has no safety breaker."""
        breaker = self._safety.breaker(route)
        if breaker is None:
            raise NotFound(
                "this route has no safety breaker (routes[].safety_breaker.enabled)",
                code="no_safety_breaker",
            )
        asked = next(name for name, s in HOLDS.items() if s is state)
        if self.audit is not None:  # who threw it, and why: before it takes effect
            self.audit.event("breaker_forced", token=token,
                             route=route, state=asked, reason=reason)  # fmt: skip
        workers = await self.apply(route, state, reason)
        body: dict[str, Any] = {"route": route, **describe(breaker)}
        if workers:
            body["workers"] = workers
        return body


def describe(breaker: Breaker | RatioBreaker) -> dict[str, Any]:
    """A breaker's state for the status answer (no request data: counts only)."""
    held = breaker.forced
    return {
        "state": breaker.state.value,
        "forced": held.value if held is not None else None,
        "forced_reason": breaker.forced_reason or breaker.held_closed_reason,
        "in_flight": breaker.in_flight,
        "cooldown_s": breaker.cooldown_s,
        "retry_after_s": breaker.retry_after_s(),
        "window": dict(zip(("requests", "failures"), breaker.window_counts(), strict=True)),
    }


def _force_body(raw: bytes) -> tuple[State | None, str]:
    body = json_object(raw, ("state", "reason"))
    state = body.get("state")
    if not isinstance(state, str) or state not in HOLDS:
        raise BadRequest("state must be one of: open, closed, auto", param="state")
    reason = body.get("reason", "admin")
    if not isinstance(reason, str) or not 0 < len(reason) <= MAX_REASON_CHARS:
        raise BadRequest(
            f"reason must be a string of 1 to {MAX_REASON_CHARS} characters", param="reason"
        )
    return HOLDS[state], reason


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")
