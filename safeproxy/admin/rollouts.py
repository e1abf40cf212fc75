"""The rollout endpoints of the admin listener: status, start, pause, promote, abort.

    GET  /admin/rollouts                    every route's rollout (rollout/status.py)
    GET  /admin/rollouts/{route}            one: phase, step, share, the last interval's
                                            metrics against their thresholds, the history
    POST /admin/rollouts/{route}/{action}   start | pause | promote | abort; optional body
                                            {"reason": text}; answers with the state after it

Calls are serialised (one lock; the controller runs on the loop's thread): a promote that
arrives while an abort runs waits for it, finds the rollout aborted, and gets 409 with that
final state. They sit behind the admin listener's bearer tokens (admin/review.py: 401 is
recorded, every POST is an `admin` audit record); each action is also a `rollout` audit
record naming the token. With `--workers N` the answering worker publishes the new phase to
the others (rollout/fleet.py) before it answers.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import web

from safeproxy.admin.body import read_capped
from safeproxy.admin.breakers import MAX_BODY_BYTES, MAX_REASON_CHARS
from safeproxy.admin.tokens import ADMIN_TOKEN
from safeproxy.errors import BadRequest, NotFound
from safeproxy.rollout.controller import ACTIONS, Rollouts
from safeproxy.rollout.machine import Refused
from safeproxy.rollout.status import status_json


class RolloutAdmin:
    def __init__(self, rollouts: Rollouts) -> None:
        self._rollouts = rollouts
        self._lock = asyncio.Lock()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/admin/rollouts", self.list),
            web.get("/admin/rollouts/{route}", self.status),
            web.post("/admin/rollouts/{route}/{action}", self.act),
        ]

    def list_json(self) -> list[dict[str, Any]]:
        return [status_json(r) for r in self._rollouts.rollouts.values()]

    async def list(self, _: web.Request) -> web.Response:
        return _json({"rollouts": self.list_json()})

    async def status(self, request: web.Request) -> web.Response:
        r = self._rollouts.rollouts.get(request.match_info["route"])
        if r is None:
            raise NotFound("no rollout on this route (rollouts: in the config)",
                           code="no_rollout")  # fmt: skip
        return _json(status_json(r))

    async def act(self, request: web.Request) -> web.Response:
        route, action = request.match_info["route"], request.match_info["action"]
        if action not in ACTIONS:
            raise NotFound(f"unknown action; one of: {', '.join(ACTIONS)}", code="not_found")
        reason = _reason(await read_capped(request, MAX_BODY_BYTES))
        return _json(*await self.do(route, action, reason, str(request.get(ADMIN_TOKEN, "?"))))

    async def do(
        self, route: str, action: str, reason: str, token: str
    ) -> tuple[dict[str, Any], int]:
        """Act on a rollout (serialised): (answer, HTTP status: 409 when refused). The
        console calls this too."""
        if action not in ACTIONS:
            raise NotFound(f"unknown action; one of: {', '.join(ACTIONS)}", code="not_found")
        async with self._lock:
            if route not in self._rollouts.rollouts:
                raise NotFound("no rollout on this route (rollouts: in the config)",
                               code="no_rollout")  # fmt: skip
            try:
                r = self._rollouts.act(route, action, token, reason)
            except Refused as exc:
                r = self._rollouts.rollouts[route]
                error = {"message": str(exc), "type": "invalid_request_error",
                         "code": "rollout_conflict"}  # fmt: skip
                return {"error": error, "rollout": status_json(r)}, 409
            body = status_json(r)
            if self._rollouts.settled is not None:  # `--workers N`: every worker has it
                try:
                    body["workers"] = await self._rollouts.settled()
                except TimeoutError:
                    body["workers_incomplete"] = True
            return body, 200


def _reason(raw: bytes) -> str:
    if not raw.strip():
        return ""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the body must be a JSON object") from None
    if not isinstance(body, dict) or any(k != "reason" for k in body):
        raise BadRequest('the body may only hold {"reason": text}')
    reason = body.get("reason", "")
    if not isinstance(reason, str) or len(reason) > MAX_REASON_CHARS:
        raise BadRequest(f"reason must be a string of at most {MAX_REASON_CHARS} characters",
                         param="reason")  # fmt: skip
    return reason


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")
