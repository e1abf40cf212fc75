"""The on-call pages: policies (generation, reload, rollback, effective policy), breakers
(state and the kill-switch), rollouts (chart, step, promote, abort) and recent decisions.

Each button posts to an action that calls the API endpoint's own function
(GenerationAdmin.do_reload, BreakerAdmin.force_hold, RolloutAdmin.do) and shows its answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from safeproxy.admin.breakers import HOLDS, MAX_REASON_CHARS, BreakerAdmin
from safeproxy.admin.console.app import PREFIX, Form, Gate
from safeproxy.admin.console.chart import HEIGHT, WIDTH, charts
from safeproxy.admin.console.session import Session
from safeproxy.admin.generation import GenerationAdmin
from safeproxy.admin.rollouts import RolloutAdmin
from safeproxy.errors import BadRequest, ProxyError
from safeproxy.rollout.controller import ACTIONS
from safeproxy.telemetry.recent import RecentDecisions

DECISIONS_SHOWN = 100


@dataclass(frozen=True, slots=True)
class OpsParts:
    """What the on-call pages drive (the app builds them; the API uses the same objects).
    `trace_url`: a link for a trace id, with `{trace_id}` in it (admin.trace_url)."""

    generation: GenerationAdmin
    breakers: BreakerAdmin
    rollouts: RolloutAdmin
    recent: RecentDecisions | None = None
    trace_url: str | None = None


class OpsPages:
    def __init__(self, gate: Gate, parts: OpsParts) -> None:
        self._gate = gate
        self._parts = parts

    def routes(self) -> list[web.RouteDef]:
        g = self._gate
        return [
            web.get(f"{PREFIX}/policies", g.page(self.policies)),
            web.post(f"{PREFIX}/policies/reload", g.action(self.reload)),
            web.post(f"{PREFIX}/policies/rollback", g.action(self.rollback)),
            web.get(f"{PREFIX}/breakers", g.page(self.breakers)),
            web.post(f"{PREFIX}/breakers/{{route}}/force", g.action(self.force)),
            web.get(f"{PREFIX}/rollouts", g.page(self.rollouts)),
            web.post(f"{PREFIX}/rollouts/{{route}}/{{action}}", g.action(self.act)),
            web.get(f"{PREFIX}/decisions", g.page(self.decisions)),
        ]

    def _page(
        self, template: str, session: Session, status: int = 200, **context: Any
    ) -> web.Response:
        csrf = self._gate.sessions.csrf(session)
        return self._gate.render.page(template, status=status, session=session, csrf=csrf,
                                      **context)  # fmt: skip

    # Policies

    async def policies(
        self,
        request: web.Request,
        session: Session,
        result: dict[str, Any] | None = None,
        status: int = 200,
    ) -> web.Response:
        gen = self._parts.generation
        query = {k: request.query[k] for k in ("tenant", "route") if request.query.get(k)}
        effective, problem = None, None
        if query.get("route"):
            try:
                effective = pretty(gen.effective_json(query))
            except ProxyError as exc:
                problem = str(exc)
        return self._page("policies.html", session, status, state=gen.status_json(),
                          routes=gen.route_names(), query=query, effective=effective,
                          problem=problem, result=result,
                          result_text=pretty(result) if result else None)  # fmt: skip

    async def reload(self, request: web.Request, session: Session, _: Form) -> web.Response:
        body, status = await self._parts.generation.do_reload()
        return await self.policies(request, session, body, status)

    async def rollback(self, request: web.Request, session: Session, _: Form) -> web.Response:
        body, status = await self._parts.generation.do_rollback()
        return await self.policies(request, session, body, status)

    # Breakers

    async def breakers(
        self, _: web.Request, session: Session, result: dict[str, Any] | None = None
    ) -> web.Response:
        return self._page("breakers.html", session, state=self._parts.breakers.status_json(),
                          holds=tuple(HOLDS), result=result,
                          max_reason=MAX_REASON_CHARS)  # fmt: skip

    async def force(self, request: web.Request, session: Session, form: Form) -> web.Response:
        asked = form.get("state", "")
        if asked not in HOLDS:
            raise BadRequest("state must be one of: open, closed, auto", param="state")
        reason = form.get("reason") or "console"
        if len(reason) > MAX_REASON_CHARS:
            raise BadRequest(f"reason must be at most {MAX_REASON_CHARS} characters")
        route = request.match_info["route"]
        body = await self._parts.breakers.force_hold(route, HOLDS[asked], reason, session.token)
        return await self.breakers(request, session, {"route": route, **body})

    # Rollouts

    async def rollouts(
        self,
        _: web.Request,
        session: Session,
        result: dict[str, Any] | None = None,
        status: int = 200,
    ) -> web.Response:
        shown = [{"r": r, "charts": charts(r["history"]), "last": _last(r)}
                 for r in self._parts.rollouts.list_json()]  # fmt: skip
        return self._page("rollouts.html", session, status, rollouts=shown, actions=ACTIONS,
                          width=WIDTH, height=HEIGHT, result=result,
                          result_text=pretty(result) if result else None)  # fmt: skip

    async def act(self, request: web.Request, session: Session, form: Form) -> web.Response:
        reason = form.get("reason", "")
        if len(reason) > MAX_REASON_CHARS:
            raise BadRequest(f"reason must be at most {MAX_REASON_CHARS} characters")
        route, action = request.match_info["route"], request.match_info["action"]
        body, status = await self._parts.rollouts.do(route, action, reason, session.token)
        return await self.rollouts(request, session, body, status)

    # Decisions

    async def decisions(self, _: web.Request, session: Session) -> web.Response:
        recent = self._parts.recent
        rows = []
        for d in recent.newest(DECISIONS_SHOWN) if recent is not None else []:
            link = None
            if d.trace_id is not None and self._parts.trace_url:
                link = self._parts.trace_url.replace("{trace_id}", d.trace_id)
            rows.append({"d": d, "time": _time(d.started_unix), "link": link})
        return self._page("decisions.html", session, rows=rows, on=recent is not None,
                          tracing_link=bool(self._parts.trace_url))  # fmt: skip


def pretty(body: Any) -> str:
    return orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


def _last(r: dict[str, Any]) -> list[dict[str, Any]]:
    last = r.get("last_interval") or {}
    metrics = last.get("metrics") if isinstance(last, dict) else None
    return metrics if isinstance(metrics, list) else []


def _time(unix: float) -> str:
    return datetime.datetime.fromtimestamp(unix, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
