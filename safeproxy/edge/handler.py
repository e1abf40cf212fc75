"""HTTP handlers: the OpenAI endpoints, health, readiness, metrics and the 404/405 answers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from safeproxy.edge.pipeline import Pipeline
from safeproxy.edge.readiness import Readiness
from safeproxy.edge.relay import error_reply
from safeproxy.errors import BadUpstreamReply, MethodNotAllowed, NotFound, ProxyError
from safeproxy.headers import RequestIds, request_id
from safeproxy.upstream.client import UpstreamCallError, UpstreamPool
from safeproxy.upstream.openai import Kind

# The methods each known path accepts (the `Allow` header of a 405).
_KNOWN_PATHS: dict[str, tuple[str, ...]] = {
    **{k.value: ("POST",) for k in Kind if k is not Kind.OTHER},
    **{path: ("GET",) for path in ("/v1/models", "/healthz", "/readyz", "/metrics")},
}


class Handlers:
    def __init__(
        self,
        pipeline: Pipeline,
        pools: Mapping[str, UpstreamPool],
        readiness: Readiness,
        scrape_registry: CollectorRegistry,
    ) -> None:
        self._pipeline = pipeline
        self._pools = pools
        self._readiness = readiness
        self._registry = scrape_registry
        self._ids = RequestIds()

    def routes(self) -> list[web.RouteDef]:
        return [
            # The pipeline's own entry point, bound to the kind: no extra coroutine layer on
            # the hot path.
            web.post(Kind.CHAT.value, functools.partial(self._pipeline.handle, kind=Kind.CHAT)),
            web.post(
                Kind.COMPLETIONS.value,
                functools.partial(self._pipeline.handle, kind=Kind.COMPLETIONS),
            ),
            web.post(
                Kind.EMBEDDINGS.value,
                functools.partial(self._pipeline.handle, kind=Kind.EMBEDDINGS),
            ),
            # The agent APIs (upstream/responses.py, upstream/anthropic.py).
            web.post(
                Kind.RESPONSES.value, functools.partial(self._pipeline.handle, kind=Kind.RESPONSES)
            ),
            web.post(
                Kind.MESSAGES.value, functools.partial(self._pipeline.handle, kind=Kind.MESSAGES)
            ),
            web.get("/v1/models", self.models, allow_head=False),
            web.get("/healthz", self.healthz, allow_head=False),
            web.get("/readyz", self.readyz, allow_head=False),
            web.get("/metrics", self.metrics, allow_head=False),
            web.post("/v1/{tail:.+}", self.other),
            # Last: anything the routes above did not take gets an OpenAI-shaped 404/405.
            web.route("*", "/{tail:.*}", self.fallthrough),
        ]

    async def models(self, request: web.Request) -> web.StreamResponse:
        """The union of every upstream's model list (ids de-duplicated, first upstream wins)."""
        rid = request_id(request.headers, self._ids)
        results = await asyncio.gather(
            *(self._models_of(pool, rid) for pool in self._pools.values()), return_exceptions=True
        )
        data: list[dict[str, Any]] = []
        seen: set[str] = set()
        errors: list[ProxyError] = []
        for result in results:
            if isinstance(result, UpstreamCallError):
                errors.append(result.error)
                continue
            if isinstance(result, BaseException):
                raise result
            for item in result:
                key = str(item.get("id"))
                if key not in seen:
                    seen.add(key)
                    data.append(item)
        if errors and not data:
            return error_reply(errors[0], rid)
        return web.Response(
            body=orjson.dumps({"object": "list", "data": data}),
            content_type="application/json",
            headers={"X-Request-ID": rid},
        )

    async def _models_of(self, pool: UpstreamPool, rid: str) -> list[dict[str, Any]]:
        headers = [("X-Request-ID", rid), ("Accept", "application/json")]
        if pool.auth_header:
            headers.append(("Authorization", pool.auth_header))
        reply = await pool.send("GET", "/v1/models", None, headers)
        try:
            raw = await reply.read()
        finally:
            reply.close()
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            parsed = None
        items = parsed.get("data") if isinstance(parsed, dict) else None
        if reply.status != 200 or not isinstance(items, list):
            raise UpstreamCallError(
                BadUpstreamReply("upstream model list is unusable"), before_send=False
            )
        return [item for item in items if isinstance(item, dict)]

    async def other(self, request: web.Request) -> web.StreamResponse:
        if request.path in _KNOWN_PATHS:
            return await self.fallthrough(request)
        return await self._pipeline.other(request)

    async def fallthrough(self, request: web.Request) -> web.Response:
        exc: ProxyError = NotFound("unknown path")
        allow = _KNOWN_PATHS.get(request.path)
        if allow is not None:
            exc = MethodNotAllowed("method not allowed on this path", allow=allow)
        return error_reply(exc, request_id(request.headers, self._ids))

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(self, request: web.Request) -> web.Response:
        body = {
            "status": "ready" if self._readiness.ready else "not_ready",
            "upstreams": self._readiness.snapshot(),
        }
        return web.json_response(body, status=200 if self._readiness.ready else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(self._registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )
