"""Relaying an upstream reply to the client: a JSON body, or an SSE stream event by event.

Stream rule: response headers go out with the first event that is released, so a failure
before any output is still a proper HTTP error; after that, failures are in-band SSE errors.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from aiohttp import web

from safeproxy.errors import BadUpstreamReply, ProxyError
from safeproxy.exchange.hooks import ReplyCheck, ResponseHook, StreamGate
from safeproxy.exchange.state import Exchange
from safeproxy.headers import downstream_headers
from safeproxy.upstream.client import UpstreamCallError, UpstreamReply
from safeproxy.upstream.events import EventSchema
from safeproxy.upstream.failures import error_reason, status_reason
from safeproxy.upstream.openai import Kind, counts, is_usage_chunk
from safeproxy.upstream.sse import SSEDecoder, SSEEvent, SSEOverflow, encode_event
from safeproxy.upstream.wire import WIRE_APIS, WireApi

SSE_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    # nginx and friends must not buffer what we carefully do not buffer.
    "X-Accel-Buffering": "no",
}


class _EventStream(web.StreamResponse):
    """A StreamResponse whose headers leave with its first body bytes, in one write.

    The relay prepares the response only when it has events to send, so the headers never
    wait on anything; a StreamResponse would send them on their own first, one more write
    (and system call) per stream. aiohttp's own Response buffers its headers the same way."""

    _send_headers_immediately = False


async def relay_json(
    ex: Exchange, reply: UpstreamReply, hook: ResponseHook, check: ReplyCheck | None = None
) -> web.Response:
    """A whole (non-streamed) reply; a 2xx must be a JSON object or it is a bad reply."""
    data = await reply.read()
    ex.upstream_end = now = time.perf_counter()
    ex.upstream_wait += now - ex.upstream_sent
    headers = downstream_headers(reply.headers, ex.rid)
    status = reply.status
    failure = status_reason(status) if status >= 400 else None  # (no error below 400)
    if failure is not None:
        # The upstream's own error, relayed as it came: its own outcome, not "allowed".
        ex.outcome = "upstream_http_error"
        ex.upstream_failure = failure
    elif 200 <= status < 300:
        try:  # (_json_object, inline)
            body = orjson.loads(data)
        except orjson.JSONDecodeError:
            body = None
        if type(body) is not dict:  # (orjson's values have exact types)
            raise UpstreamCallError(
                BadUpstreamReply("upstream reply is not a JSON object"), before_send=False
            )
        note_reply(ex, body)
        changed = hook.on_json(body)
        if changed is not None:
            data = orjson.dumps(changed)
            body = changed
        if check is not None:
            await check()
        if ex.captured_output is not None:  # content capture: what the client got
            ex.captured_output = [
                c.get("message", c.get("text"))
                for c in body.get("choices") or ()
                if isinstance(c, dict)
            ] or [s.get() for s in WIRE_APIS[ex.kind].reply_slots(body)]  # the agent APIs
    return web.Response(status=status, body=data, headers=headers)


def note_reply(ex: Exchange, body: dict[str, Any]) -> None:
    """The reply's model and token usage, for the decision record."""
    model = body.get("model")
    if type(model) is str and ex.response_model is None:  # parsed JSON: exact types
        ex.response_model = model[:256]
    tokens_in, tokens_out = counts(body.get("usage"))
    if tokens_in is not None:
        ex.tokens_in = tokens_in
    if tokens_out is not None:
        ex.tokens_out = tokens_out


def _note_events(ex: Exchange, api: WireApi, events: list[SSEEvent], first: bool) -> list[SSEEvent]:
    """Model from the first event, usage from the event that carries it (parsing only those).

    Returns the events to relay: without the usage chunk when the proxy asked for it and the
    client did not (upstream/usage.py)."""
    kept = events
    for i, e in enumerate(events):
        data = e.data
        # `"usage":null` rides on every chunk of a stream asked for usage (OpenAI's shape).
        if first or ('"usage"' in data and '"usage":null' not in data):
            first = False
            try:
                chunk = orjson.loads(data)
            except orjson.JSONDecodeError:
                continue
            if isinstance(chunk, dict):
                note_reply(ex, api.reply_part(chunk))
                if ex.hide_usage and is_usage_chunk(chunk):
                    kept = [*events[:i], *events[i + 1 :]]  # one per stream: no copy otherwise
    return kept


def _capture_events(
    ex: Exchange, events: Sequence[SSEEvent], schema: EventSchema | None = None
) -> None:
    """Content capture for streams: the delivered (filtered) text, chunk by chunk (the
    agent APIs' typed events: the text deltas their schema reads)."""
    assert isinstance(ex.captured_output, list)
    for e in events:
        try:
            chunk = orjson.loads(e.data)
        except orjson.JSONDecodeError:
            continue
        if schema is not None and isinstance(chunk, dict):
            ex.captured_output += [r.holder[r.field] for r in schema.read(e, chunk).deltas]
            continue
        for choice in chunk.get("choices") or () if isinstance(chunk, dict) else ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            text = delta.get("content") if isinstance(delta, dict) else choice.get("text")
            if isinstance(text, str):
                ex.captured_output.append(text)


def _json_object(data: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


async def relay_stream(
    ex: Exchange,
    request: web.Request,
    reply: UpstreamReply,
    hook: ResponseHook,
    gate: StreamGate | None = None,
    decided: Mapping[str, str] | None = None,
) -> web.StreamResponse:
    """Decode the upstream's SSE incrementally, pass each event through the hook, write at once.

    `decided`: the decision headers known before any output was read (decision_headers.py).
    """
    resp = _EventStream(status=reply.status, headers=downstream_headers(reply.headers, ex.rid))
    resp.headers.update(SSE_HEADERS)
    if decided:
        resp.headers.update(decided)
    decoder = SSEDecoder()
    api = WIRE_APIS[ex.kind]
    capture_schema = api.event_schema() if ex.captured_output is not None else None
    reply.start_body()
    clock = time.perf_counter
    ex.upstream_wait += clock() - ex.upstream_sent  # the wait for the reply head
    try:
        while True:
            t = clock()
            chunk = await reply.next_chunk()
            now = clock()
            if not chunk:
                ex.upstream_wait += now - t
                break
            ex.upstream_wait += now - t
            try:
                events = decoder.feed(chunk)
            except SSEOverflow as exc:  # an upstream that never ends its event
                raise UpstreamCallError(BadUpstreamReply(str(exc)), before_send=False) from None
            if not events:
                continue
            first = ex.ttft is None
            if first:
                ex.ttft = now - ex.upstream_sent
            events = _note_events(ex, api, events, first)
            outgoing: Sequence[SSEEvent] = hook.on_events(events)
            if gate is not None and not gate.finished:
                if hook.violation is not None:
                    outgoing = gate.abort(hook.violation)
                else:
                    outgoing = await gate.feed(outgoing)
            if ex.captured_output is not None:
                _capture_events(ex, outgoing, capture_schema)
            out = b"".join([encode_event(o) for o in outgoing])
            if hook.violation is not None and not hook.released and not ex.response_started:
                raise hook.violation  # no model text went out: a plain HTTP error
            if hook.finished and gate is None:
                # The hook ended the stream ([DONE], or a block): its last events go out
                # with the end of the body, in one write.
                await _end(ex, request, resp, out)
                return resp
            if out:
                await _write(ex, request, resp, out)
            if hook.finished or (gate is not None and gate.finished):
                if gate is not None and not gate.finished:
                    # The hook ended the stream with [DONE]: the gate's final verdict.
                    rest = await gate.finish(())
                    await _write(ex, request, resp, b"".join([encode_event(o) for o in rest]))
                elif not hook.finished:
                    hook.on_end()  # the gate blocked: the hook still records what it saw
                await resp.write_eof()
                return resp
        decoder.flush()
        ending = hook.on_end()
        if gate is not None and not gate.finished:
            if hook.violation is not None:
                ending = gate.abort(hook.violation)
            else:
                ending = await gate.finish(ending)
        tail = b"".join([encode_event(o) for o in ending])
        if hook.violation is not None and not hook.released and not ex.response_started:
            raise hook.violation
        await _end(ex, request, resp, tail)
        return resp
    except UpstreamCallError as exc:
        if not ex.response_started:
            raise
        # Headers are out: the error can only travel in-band, in the API's error shape.
        ex.outcome = "upstream_error"
        ex.upstream_failure = error_reason(exc.error, mid_stream=True) or ""
        await resp.write(api.error_event(exc.error))
        await resp.write_eof()
        return resp


async def _write(ex: Exchange, request: web.Request, resp: web.StreamResponse, out: bytes) -> None:
    if not ex.response_started:
        ex.response_started = True
        await resp.prepare(request)
    if out:
        await resp.write(out)


async def _end(ex: Exchange, request: web.Request, resp: web.StreamResponse, out: bytes) -> None:
    """The last bytes and the end of the body, in one write (headers too, if none went)."""
    if not ex.response_started:
        ex.response_started = True
        await resp.prepare(request)
    await resp.write_eof(out)


def error_reply(exc: ProxyError, rid: str, kind: Kind = Kind.CHAT) -> web.Response:
    """An error reply in the shape of the path's API (OpenAI's unless told)."""
    headers = {**exc.headers(), "X-Request-ID": rid}
    body = WIRE_APIS[kind].error_body(exc)
    return web.Response(
        status=exc.status, body=body, content_type="application/json", headers=headers
    )
