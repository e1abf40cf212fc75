"""The generation endpoints of the admin listener: status, reload, rollback.

    GET  /admin/generation            the generation served, each worker's hash, which
                                      workers are behind, the last reload result
    POST /admin/generation/reload     reload now; answers with the activation result
                                      (200 when every process activated it, 422 when the
                                      file was refused: nothing changed)
    POST /admin/generation/rollback   back to the previous generation (409: there is none)
    GET  /admin/effective-policy      which policy and filters apply to a tenant on a route,
                                      and why (effective.py)

They sit behind the admin listener's bearer tokens (admin/review.py), which also writes
the audit record of each call. With `--workers N` the admin port is shared (SO_REUSEPORT),
so whichever worker answers reads every worker's status file, and a reload or rollback is
sent to the supervisor as a signal (SIGHUP, SIGUSR2), which forwards it to every worker;
the answer waits until each worker has reported its result in its status file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from safeproxy.errors import ProxyError
from safeproxy.generation.effective import answer
from safeproxy.generation.holder import GenerationHolder
from safeproxy.generation.reload import Reloader, ReloadResult
from safeproxy.generation.status import read_status

# Signals a worker forwards to its supervisor: every worker then acts on it.
RELOAD_SIGNAL = signal.SIGHUP
ROLLBACK_SIGNAL = signal.SIGUSR2
# How often the answering worker looks at the status files while the others reload.
_POLL_S = 0.02


class NoSource(ProxyError):
    status = 409
    type = "invalid_request_error"
    code = "reload_unavailable"


class FleetTimeout(ProxyError):
    status = 504
    type = "server_error"
    code = "reload_incomplete"


@dataclass
class Fleet:
    """Where the other workers are: the status directory, this worker's name, and the
    supervisor that forwards signals to all of them (None: a single process)."""

    status_dir: str
    worker: str
    supervisor: int


class GenerationAdmin:
    def __init__(
        self,
        holder: GenerationHolder,
        reloader: Reloader | None,
        *,
        wait_s: float = 300.0,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._holder = holder
        self._reloader = reloader
        self._wait_s = wait_s  # a compile takes seconds; a fleet of them, a little longer
        self._wall = wall
        self.fleet: Fleet | None = None  # set by the server for `--workers N`

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/admin/generation", self.status),
            web.post("/admin/generation/reload", self.reload),
            web.post("/admin/generation/rollback", self.rollback),
            web.get("/admin/effective-policy", self.effective),
        ]

    async def status(self, _: web.Request) -> web.Response:
        return _json(self.status_json())

    def status_json(self) -> dict[str, Any]:
        """The status answer (the console's policies page shows the same)."""
        gen = self._holder.current
        previous = self._holder.previous
        last = self._reloader.last if self._reloader is not None else None
        body: dict[str, Any] = {
            "generation": {"hash": gen.hash, "number": gen.number,
                           "policies": dict(gen.versions), "built_unix": gen.built_unix},
            "previous": previous.hash if previous is not None else None,
            "last_reload": last.to_json() if last is not None else None,
        }  # fmt: skip
        if self.fleet is not None:
            workers = read_status(self.fleet.status_dir)
            body["workers"] = {w: s["generation"] for w, s in workers.items()}
            body["behind"] = behind(workers)
        else:
            body["workers"] = {"self": gen.hash}
            body["behind"] = []
        return body

    async def effective(self, request: web.Request) -> web.Response:
        return _json(self.effective_json(request.query))

    def effective_json(self, query: Mapping[str, str]) -> dict[str, Any]:
        """Which policy and filters apply to a tenant on a route (generation/effective.py)."""
        return answer(self._holder.current, query)

    def route_names(self) -> list[str]:
        """The routes of the generation serving now."""
        return [r.label for r in self._holder.current.router.routes()]

    async def reload(self, _: web.Request) -> web.Response:
        return _json(*await self.do_reload())

    async def rollback(self, _: web.Request) -> web.Response:
        return _json(*await self.do_rollback())

    async def do_reload(self) -> tuple[dict[str, Any], int]:
        """Reload here or on every worker: (answer, HTTP status). The console calls this too."""
        if self._reloader is None:
            raise NoSource("this process has no config file to reload from")
        if self.fleet is None:
            return _result(await self._reloader.reload("admin"))
        return await self._everywhere(RELOAD_SIGNAL)

    async def do_rollback(self) -> tuple[dict[str, Any], int]:
        """Roll back here or on every worker: (answer, HTTP status)."""
        if self._reloader is None:
            raise NoSource("this process has no config file to reload from")
        if self.fleet is None:
            return _result(await self._reloader.rollback(), refused=409)
        return await self._everywhere(ROLLBACK_SIGNAL)

    async def _everywhere(self, sig: signal.Signals) -> tuple[dict[str, Any], int]:
        """Signal the supervisor; answer once every worker reported a result since."""
        fleet = self.fleet
        assert fleet is not None
        sent = self._wall()
        os.kill(fleet.supervisor, sig)
        deadline = time.monotonic() + self._wait_s
        while True:
            workers = read_status(fleet.status_dir)
            results = {w: s.get("last_reload") or {} for w, s in workers.items()}
            if workers and all(r.get("finished_unix", 0) >= sent for r in results.values()):
                break
            if time.monotonic() > deadline:
                raise FleetTimeout("not every worker reported its reload in time")
            await asyncio.sleep(_POLL_S)  # other processes' files: nothing to await on
        ok = all(r.get("result") == "success" for r in results.values())
        body = {
            "result": "success" if ok else "failure",
            "workers": results,
            "behind": behind(workers),
        }
        return body, 200 if ok else 422


def behind(workers: dict[str, dict[str, Any]]) -> list[str]:
    """Workers not on the generation of the latest successful reload among them."""
    done = [
        (s["last_reload"]["finished_unix"], s["generation"])
        for s in workers.values()
        if (s.get("last_reload") or {}).get("result") == "success"
    ]
    if not done:
        return []
    target = max(done)[1]
    return sorted(w for w, s in workers.items() if s["generation"] != target)


def _result(result: ReloadResult, refused: int = 422) -> tuple[dict[str, Any], int]:
    return result.to_json(), 200 if result.ok else refused


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")
