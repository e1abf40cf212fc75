"""One exchange, end to end: read → parse → route → upstream (with fallbacks) → relay → record."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping

from aiohttp import web

from safeproxy.body import parse_object, read_body, serialise
from safeproxy.errors import ClientError, NotFound, PolicyViolation, ProxyError
from safeproxy.guard import Guard
from safeproxy.headers import RequestIds, request_id, upstream_headers
from safeproxy.models import Exchange, Kind, check_shape, strip_routing_fields
from safeproxy.relay import error_reply, relay_json, relay_stream
from safeproxy.settings import ServerSettings
from safeproxy.telemetry.metrics import Metrics
from safeproxy.upstream.client import UpstreamCallError, UpstreamPool, UpstreamReply
from safeproxy.upstream.routes import Router

log = logging.getLogger("safeproxy.pipeline")

# Statuses that mean "not now" before any byte reached the client: a fallback may take over.
_FALLBACK_STATUSES = frozenset({429, 503})


class Pipeline:
    def __init__(
        self,
        server: ServerSettings,
        router: Router,
        pools: Mapping[str, UpstreamPool],
        metrics: Metrics,
        guard: Guard,
    ) -> None:
        self._server = server
        self._router = router
        self._pools = pools
        self._metrics = metrics
        self._guard = guard
        self._ids = RequestIds()

    async def chat(self, request: web.Request) -> web.StreamResponse:
        return await self.handle(request, Kind.CHAT)

    async def completions(self, request: web.Request) -> web.StreamResponse:
        return await self.handle(request, Kind.COMPLETIONS)

    async def embeddings(self, request: web.Request) -> web.StreamResponse:
        return await self.handle(request, Kind.EMBEDDINGS)

    async def other(self, request: web.Request) -> web.StreamResponse:
        """A JSON POST the proxy cannot inspect: forwarded only where a route allows it."""
        return await self.handle(request, Kind.OTHER)

    async def handle(self, request: web.Request, kind: Kind) -> web.StreamResponse:
        rid = request_id(request.headers, self._ids)
        path = request.path if kind is Kind.OTHER else kind.value
        ex = Exchange(rid=rid, kind=kind, started=time.perf_counter(), path=path)
        self._metrics.request_started()
        try:
            return await self._run(request, ex)
        except ProxyError as exc:
            if isinstance(exc, PolicyViolation):
                ex.outcome = exc.outcome
            else:
                ex.outcome = "invalid_request" if isinstance(exc, ClientError) else "upstream_error"
            reply = error_reply(exc, ex.rid)
            if not request.content.at_eof():
                # A body we refused to read must not be parsed as the next request.
                reply.force_close()
            return reply
        except UpstreamCallError as exc:
            ex.outcome = "upstream_error"
            if ex.upstream is not None:
                self._metrics.upstream_errors.labels(ex.upstream, exc.error.code).inc()
            return error_reply(exc.error, ex.rid)
        except (asyncio.CancelledError, ConnectionResetError):
            # The client went away; the upstream call was closed on the way out.
            ex.outcome = "client_aborted"
            raise
        finally:
            self._record(ex)

    async def _run(self, request: web.Request, ex: Exchange) -> web.StreamResponse:
        limits = self._server.limits
        raw = await read_body(request, limits, self._server.body_read_s)
        body, wire = parse_object(raw, limits.max_json_depth)
        ex.model = check_shape(ex.kind, body, limits.max_messages)
        ex.stream = body.get("stream") is True
        ex.body = body
        ex.wire = None if strip_routing_fields(body) else wire
        route = self._router.route(ex.model)
        if route is None:
            raise NotFound("no route for this model", param="model", code="model_not_found")
        ex.route = route
        self._guard.check_request(ex, body)
        hook = self._guard.hook(ex)
        reply = await self._send(request, ex)
        try:
            if (
                ex.stream
                and 200 <= reply.status < 300
                and reply.content_type == "text/event-stream"
            ):
                return await relay_stream(ex, request, reply, hook)
            return await relay_json(ex, reply, hook)
        finally:
            reply.close()
            if ex.upstream is not None:
                end = ex.upstream_end or time.perf_counter()
                elapsed = end - ex.upstream_sent
                self._metrics.upstream_done(ex.upstream, elapsed, ex.ttft)

    async def _send(self, request: web.Request, ex: Exchange) -> UpstreamReply:
        """Try the route's targets in order; move on only when nothing was sent or received."""
        assert ex.route is not None
        targets = ex.route.targets
        payload = ex.wire if ex.wire is not None else serialise(ex.body)
        for i, target in enumerate(targets):
            last = i == len(targets) - 1
            pool = self._pools[target.upstream]
            body = (
                payload if target.model is None else serialise({**ex.body, "model": target.model})
            )
            headers = upstream_headers(
                request.headers,
                rid=ex.rid,
                forward=pool.forward_headers,
                auth_header=pool.auth_header,
            )
            ex.upstream = pool.name
            if i:
                self._metrics.fallbacks.labels(ex.route.label, pool.name).inc()
            ex.upstream_sent = t = time.perf_counter()
            try:
                reply = await pool.send("POST", ex.path, body, headers)
            except UpstreamCallError as exc:
                ex.upstream_wait += time.perf_counter() - t
                if last or not exc.before_send:
                    raise
                self._metrics.upstream_errors.labels(pool.name, exc.error.code).inc()
                continue
            # The wait for this reply is booked by the relay, which reads its body.
            if reply.status in _FALLBACK_STATUSES and not last:
                ex.upstream_wait += time.perf_counter() - t
                reply.close()
                continue
            return reply
        raise AssertionError("a route always has at least one target")

    def _record(self, ex: Exchange) -> None:
        self._metrics.request_finished()
        overhead = max(0.0, time.perf_counter() - ex.started - ex.upstream_wait)
        self._metrics.request_done(ex.route_label, ex.outcome, overhead)
