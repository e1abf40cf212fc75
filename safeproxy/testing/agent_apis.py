"""The mock model's Responses API (`/v1/responses`) and Anthropic Messages API (`/v1/messages`).

The same `mock` script as chat completions (testing/mock_upstream.py): `reply`, `chunks`,
`pieces`, `tool_call`, `delay_ms`, `fault` and `fault_after`. Streams are the APIs' typed
events, each with its `event:` line, in the order the real services send them; a tool call's
arguments (Anthropic: its input JSON) are what gets split. Usage is counted the same way as
for chat: input tokens from the request's size, output tokens one per piece.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

if TYPE_CHECKING:
    from safeproxy.testing.mock_upstream import MockUpstream

Send = Callable[[str, dict[str, Any]], Awaitable[None]]


async def responses(mock: MockUpstream, request: web.Request) -> web.StreamResponse:
    body, ctl = await mock.begin(request)
    early = await mock.early_fault(request, ctl)
    if early is not None:
        return early
    tool, reply, pieces = mock.script(ctl)
    model = str(body.get("model", mock.model))
    n_in = max(1, len(orjson.dumps(body.get("input"))) // 4)
    usage = {"input_tokens": n_in, "output_tokens": len(pieces),
             "total_tokens": n_in + len(pieces)}  # fmt: skip
    rid = "resp_" + os.urandom(8).hex()
    if tool is not None:
        item: dict[str, Any] = {"type": "function_call", "id": "fc_0", "call_id": "call_0",
                                "name": str(tool.get("name", "f")), "arguments": reply,
                                "status": "completed"}  # fmt: skip
    else:
        part = {"type": "output_text", "text": reply, "annotations": []}
        item = {"type": "message", "id": "msg_0", "status": "completed", "role": "assistant",
                "content": [part]}  # fmt: skip
    done = _response(rid, model, "completed", [item], usage)
    if not body.get("stream"):
        return web.Response(body=orjson.dumps(done), content_type="application/json")

    async def events(send: Send) -> None:
        await send("response.created", {"response": _response(rid, model, "in_progress", [])})
        await send("response.in_progress", {"response": _response(rid, model, "in_progress", [])})
        if tool is not None:
            empty = {**item, "arguments": "", "status": "in_progress"}
            await send("response.output_item.added", {"output_index": 0, "item": empty})
            delta = "response.function_call_arguments.delta"
            at = {"item_id": "fc_0", "output_index": 0}
            await _pieces(mock, ctl, request, pieces, lambda p: send(delta, {**at, "delta": p}))
            await send("response.function_call_arguments.done", {**at, "arguments": reply})
        else:
            empty = {**item, "content": [], "status": "in_progress"}
            at = {"item_id": "msg_0", "output_index": 0, "content_index": 0}
            await send("response.output_item.added", {"output_index": 0, "item": empty})
            blank = {"type": "output_text", "text": "", "annotations": []}
            await send("response.content_part.added", {**at, "part": blank})
            delta = "response.output_text.delta"
            await _pieces(
                mock, ctl, request, pieces,
                lambda p: send(delta, {**at, "delta": p, "logprobs": []}),
            )  # fmt: skip
            await send("response.output_text.done", {**at, "text": reply, "logprobs": []})
            await send("response.content_part.done", {**at, "part": item["content"][0]})
        await send("response.output_item.done", {"output_index": 0, "item": item})
        await send("response.completed", {"response": done})

    return await _stream(mock, request, events)


async def messages(mock: MockUpstream, request: web.Request) -> web.StreamResponse:
    body, ctl = await mock.begin(request)
    early = await mock.early_fault(request, ctl, anthropic=True)
    if early is not None:
        return early
    tool, reply, pieces = mock.script(ctl)
    model = str(body.get("model", mock.model))
    n_in = max(1, len(orjson.dumps([body.get("system"), body.get("messages")])) // 4)
    mid = "msg_" + os.urandom(8).hex()
    if tool is not None:
        try:
            args = orjson.loads(reply)
        except orjson.JSONDecodeError:
            args = {"raw": reply}
        block: dict[str, Any] = {"type": "tool_use", "id": "toolu_0",
                                 "name": str(tool.get("name", "f")), "input": args}  # fmt: skip
        stop = "tool_use"
    else:
        block, stop = {"type": "text", "text": reply}, "end_turn"
    message = {"id": mid, "type": "message", "role": "assistant", "model": model,
               "content": [block], "stop_reason": stop, "stop_sequence": None,
               "usage": {"input_tokens": n_in, "output_tokens": len(pieces)}}  # fmt: skip
    if not body.get("stream"):
        return web.Response(body=orjson.dumps(message), content_type="application/json")

    async def events(send: Send) -> None:
        start = {**message, "content": [], "stop_reason": None,
                 "usage": {"input_tokens": n_in, "output_tokens": 1}}  # fmt: skip
        await send("message_start", {"message": start})
        empty = {**block, "input": {}} if tool is not None else {"type": "text", "text": ""}
        await send("content_block_start", {"index": 0, "content_block": empty})
        await send("ping", {})
        kind, field = ("input_json_delta", "partial_json") if tool else ("text_delta", "text")
        await _pieces(
            mock, ctl, request, pieces,
            lambda p: send("content_block_delta",
                           {"index": 0, "delta": {"type": kind, field: p}}),
        )  # fmt: skip
        await send("content_block_stop", {"index": 0})
        end = {"delta": {"stop_reason": stop, "stop_sequence": None},
               "usage": {"output_tokens": len(pieces)}}  # fmt: skip
        await send("message_delta", end)
        await send("message_stop", {})

    return await _stream(mock, request, events, numbered=False)


def _response(
    rid: str, model: str, status: str, output: list[Any], usage: Any = None
) -> dict[str, Any]:
    return {"id": rid, "object": "response", "created_at": int(time.time()), "status": status,
            "model": model, "output": output, "usage": usage, "error": None,
            "incomplete_details": None, "parallel_tool_calls": True, "tool_choice": "auto",
            "tools": []}  # fmt: skip


async def _pieces(
    mock: MockUpstream,
    ctl: dict[str, Any],
    request: web.Request,
    pieces: list[str],
    send: Callable[[str], Awaitable[None]],
) -> None:
    """Each piece as one event; a mid-stream fault (`fault_after`) and token delays apply."""
    from safeproxy.testing.mock_upstream import stall

    delay = float(ctl.get("delay_ms", mock.token_delay_s * 1000)) / 1000
    fault_after = ctl.get("fault_after")
    for i, piece in enumerate(pieces):
        if fault_after is not None and i == int(fault_after):
            if ctl.get("fault") == "reset" and request.transport is not None:
                request.transport.abort()
                raise ConnectionResetError
            await stall(mock)
        if delay:
            await asyncio.sleep(delay)
        await send(piece)


async def _stream(
    mock: MockUpstream,
    request: web.Request,
    events: Callable[[Send], Awaitable[None]],
    numbered: bool = True,
) -> web.StreamResponse:
    """An SSE reply of typed events (`numbered`: with the Responses API's sequence numbers)."""
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    seq = 0

    async def send(kind: str, payload: dict[str, Any]) -> None:
        nonlocal seq
        data: dict[str, Any] = {"type": kind, **payload}
        if numbered:
            data["sequence_number"] = seq
            seq += 1
        await resp.write(b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n")

    try:
        await events(send)
        await resp.write_eof()
    except ConnectionResetError:
        mock.disconnects.append(time.monotonic())
        mock.disconnected.set()
    except asyncio.CancelledError:
        mock.disconnects.append(time.monotonic())
        mock.disconnected.set()
        raise
    return resp
