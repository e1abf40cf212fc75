"""Relaying an upstream reply to the client: a JSON body, or an SSE stream event by event.

Stream rule: response headers go out with the first event that is released, so a failure
before any output is still a proper HTTP error; after that, failures are in-band SSE errors.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiohttp import web

from safeproxy.errors import BadUpstreamReply, ProxyError, error_event, error_response
from safeproxy.headers import downstream_headers
from safeproxy.hooks import ResponseHook
from safeproxy.models import Exchange
from safeproxy.upstream.client import UpstreamCallError, UpstreamReply
from safeproxy.upstream.sse import SSEDecoder, encode_event

SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    # nginx and friends must not buffer what we carefully do not buffer.
    "X-Accel-Buffering": "no",
}


async def relay_json(ex: Exchange, reply: UpstreamReply, hook: ResponseHook) -> web.Response:
    """A whole (non-streamed) reply; a 2xx must be a JSON object or it is a bad reply."""
    data = await reply.read()
    ex.upstream_end = now = time.perf_counter()
    ex.upstream_wait += now - ex.upstream_sent
    headers = downstream_headers(reply.headers, ex.rid)
    if 200 <= reply.status < 300:
        body = _json_object(data)
        if body is None:
            raise UpstreamCallError(
                BadUpstreamReply("upstream reply is not a JSON object"), before_send=False
            )
        changed = hook.on_json(body)
        if changed is not None:
            data = orjson.dumps(changed)
    return web.Response(status=reply.status, body=data, headers=headers)


def _json_object(data: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


async def relay_stream(
    ex: Exchange, request: web.Request, reply: UpstreamReply, hook: ResponseHook
) -> web.StreamResponse:
    """Decode the upstream's SSE incrementally, pass each event through the hook, write at once."""
    resp = web.StreamResponse(
        status=reply.status, headers=downstream_headers(reply.headers, ex.rid)
    )
    resp.headers.update(SSE_HEADERS)
    decoder = SSEDecoder()
    chunks = reply.chunks()
    clock = time.perf_counter
    ex.upstream_wait += clock() - ex.upstream_sent  # the wait for the reply head
    try:
        while True:
            t = clock()
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                ex.upstream_wait += clock() - t
                break
            now = clock()
            ex.upstream_wait += now - t
            events = decoder.feed(chunk)
            if not events:
                continue
            if ex.ttft is None:
                ex.ttft = now - ex.upstream_sent
            out = b"".join([encode_event(o) for e in events for o in hook.on_event(e)])
            if hook.violation is not None and not hook.released and not ex.response_started:
                raise hook.violation  # no model text went out: a plain HTTP error
            if out:
                await _write(ex, request, resp, out)
            if hook.finished:
                await resp.write_eof()
                return resp
        decoder.flush()
        tail = b"".join([encode_event(o) for o in hook.on_end()])
        if hook.violation is not None and not hook.released and not ex.response_started:
            raise hook.violation
        await _write(ex, request, resp, tail)
        await resp.write_eof()
        return resp
    except UpstreamCallError as exc:
        if not ex.response_started:
            raise
        # Headers are out: the error can only travel in-band, in OpenAI's error shape.
        ex.outcome = "upstream_error"
        await resp.write(error_event(exc.error))
        await resp.write_eof()
        return resp
    finally:
        await chunks.aclose()


async def _write(ex: Exchange, request: web.Request, resp: web.StreamResponse, out: bytes) -> None:
    if not ex.response_started:
        ex.response_started = True
        await resp.prepare(request)
    if out:
        await resp.write(out)


def error_reply(exc: ProxyError, rid: str) -> web.Response:
    return error_response(exc, {"X-Request-ID": rid})
