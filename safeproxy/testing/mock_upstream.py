"""An OpenAI-compatible mock model server: scripted replies, token delays and injected faults.

Per-request control rides in an extra body field, so any client (including the OpenAI SDK's
`extra_body=`) can script it:

    "mock": {"reply": "text", "chunks": 50, "pieces": ["te", "xt"], "delay_ms": 5,
             "tool_call": {"name": "f", "arguments": "{...}"},
             "fault": "500" | "429" | "503" | "stall" | "reset" | "malformed",
             "fault_after": 3, "headers": {"Set-Cookie": "a=1"}}

`pieces` gives the exact stream split (it wins over `reply` and `chunks`). `tool_call`
answers with one function call instead of text; its arguments are what gets split.
`fault_after` applies a stall/reset mid-stream after that many content chunks.
`headers` are added to a non-streamed reply. The same script drives the Responses API
(`/v1/responses`) and Anthropic's Messages API (`/v1/messages`), in testing/agent_apis.py.
A stream asked for usage (`stream_options.include_usage`) ends with a usage-only chunk
(`"choices": []`), and its other chunks carry `"usage": null`, as OpenAI's do.
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from safeproxy.testing import agent_apis

DEFAULT_REPLY = "Hello! I am the safeproxy mock model, and this reply came through the proxy."
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(slots=True)
class Received:
    """What the mock saw of one request (tests assert on what the proxy forwarded)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class MockUpstream:
    token_delay_s: float = 0.0
    default_reply: str = DEFAULT_REPLY
    model: str = "mock-model"
    record: bool = True
    # Script applied to every request, under the request's own "mock" field (tests use it to
    # make one upstream of several misbehave).
    defaults: dict[str, Any] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # Set when a streaming client (the proxy) goes away before the stream ended.
    disconnects: list[float] = field(default_factory=list)
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes(
            [
                web.post("/v1/chat/completions", self.chat),
                web.post("/v1/completions", self.completions),
                web.post("/v1/embeddings", self.embeddings),
                web.get("/v1/models", self.models),
                web.post("/v1/responses", functools.partial(agent_apis.responses, self)),
                web.post("/v1/messages", functools.partial(agent_apis.messages, self)),
                # Any other endpoint: an echo, for routes that pass paths through unread.
                web.post("/v1/{tail:.+}", self.echo),
            ]
        )
        return app

    async def begin(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        raw = await request.read()
        if self.record:
            self.received.append(Received(request.method, request.path, dict(request.headers), raw))
        body: dict[str, Any] = orjson.loads(raw) if raw else {}
        ctl = body.get("mock")
        return body, {**self.defaults, **(ctl if isinstance(ctl, dict) else {})}

    async def early_fault(
        self, request: web.Request, ctl: dict[str, Any], anthropic: bool = False
    ) -> web.Response | None:
        fault = ctl.get("fault")
        if fault is None or ctl.get("fault_after") is not None:
            return None
        if fault in ("500", "429", "503"):
            status = int(fault)
            err = {
                "message": f"mock fault {status}",
                "type": "mock_error",
                "code": f"mock_{status}",
            }
            body = {"type": "error", "error": err} if anthropic else {"error": err}
            return web.json_response(body, status=status, headers={"Retry-After": "1"})
        if fault == "stall":
            await stall(self)
        if fault == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        if fault == "malformed":
            return web.Response(body=b"<html>not json</html>", content_type="application/json")
        return None

    def script(
        self, ctl: dict[str, Any], *, tools: bool = True
    ) -> tuple[dict[str, Any] | None, str, list[str]]:
        """(tool call or None, the whole reply, its stream pieces) of a request's script;
        the same for every API the mock speaks."""
        tool = ctl.get("tool_call") if tools else None
        tool = tool if isinstance(tool, dict) else None
        reply = str(ctl.get("reply", self.default_reply))
        if tool is not None:
            reply = str(tool.get("arguments", "{}"))
        given = ctl.get("pieces")
        if isinstance(given, list) and given:
            pieces = [str(p) for p in given]
            return tool, "".join(pieces), pieces
        return tool, reply, _split(reply, ctl.get("chunks"))

    async def chat(self, request: web.Request) -> web.StreamResponse:
        return await self._generate(request, chat=True)

    async def completions(self, request: web.Request) -> web.StreamResponse:
        return await self._generate(request, chat=False)

    async def _generate(self, request: web.Request, *, chat: bool) -> web.StreamResponse:
        body, ctl = await self.begin(request)
        early = await self.early_fault(request, ctl)
        if early is not None:
            return early
        tool, reply, pieces = self.script(ctl, tools=chat)
        model = str(body.get("model", self.model))
        prompt_tokens = max(1, len(orjson.dumps(body.get("messages", body.get("prompt")))) // 4)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(pieces),
            "total_tokens": prompt_tokens + len(pieces),
        }
        rid = ("chatcmpl-" if chat else "cmpl-") + os.urandom(12).hex()
        created = int(time.time())
        if not body.get("stream"):
            choice: dict[str, Any] = {"index": 0, "finish_reason": "stop", "logprobs": None}
            if tool is not None:
                fn = {"name": str(tool.get("name", "f")), "arguments": reply}
                call = {"id": "call_0", "type": "function", "function": fn}
                choice["message"] = {"role": "assistant", "content": None, "tool_calls": [call]}
                choice["finish_reason"] = "tool_calls"
            elif chat:
                choice["message"] = {"role": "assistant", "content": reply}
            else:
                choice["text"] = reply
            obj = "chat.completion" if chat else "text_completion"
            payload = {"id": rid, "object": obj, "created": created, "model": model,
                       "choices": [choice], "usage": usage}  # fmt: skip
            extra = ctl.get("headers")
            headers = {str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {}
            return web.Response(
                body=orjson.dumps(payload), content_type="application/json", headers=headers
            )
        return await self._stream(
            request, ctl, pieces, rid, created, model, usage, body, chat, tool
        )

    async def _stream(
        self,
        request: web.Request,
        ctl: dict[str, Any],
        pieces: list[str],
        rid: str,
        created: int,
        model: str,
        usage: dict[str, int],
        body: dict[str, Any],
        chat: bool,
        tool: dict[str, Any] | None = None,
    ) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        obj = "chat.completion.chunk" if chat else "text_completion"
        delay = float(ctl.get("delay_ms", self.token_delay_s * 1000)) / 1000
        fault_after = ctl.get("fault_after")
        opts = body.get("stream_options")
        include_usage = isinstance(opts, dict) and opts.get("include_usage") is True

        def chunk(choice: dict[str, Any] | None, with_usage: bool = False) -> bytes:
            c: dict[str, Any] = {"id": rid, "object": obj, "created": created, "model": model,
                                 "choices": [choice] if choice is not None else []}  # fmt: skip
            if include_usage:
                # OpenAI's shape: `"usage": null` on every chunk but the last, usage-only one.
                c["usage"] = usage if with_usage else None
            return b"data: " + orjson.dumps(c) + b"\n\n"

        try:
            if chat:
                role = {"index": 0, "delta": {"role": "assistant", "content": ""}}
                if tool is not None:
                    fn = {"name": str(tool.get("name", "f")), "arguments": ""}
                    call = {"index": 0, "id": "call_0", "type": "function", "function": fn}
                    role["delta"] = {"role": "assistant", "content": None, "tool_calls": [call]}
                await resp.write(chunk({**role, "finish_reason": None}))
            for i, piece in enumerate(pieces):
                if fault_after is not None and i == int(fault_after):
                    if ctl.get("fault") == "reset" and request.transport is not None:
                        request.transport.abort()
                        return resp
                    await stall(self)
                if delay:
                    await asyncio.sleep(delay)
                delta: dict[str, Any] = {"content": piece} if chat else {}
                if tool is not None:
                    delta = {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
                choice: dict[str, Any] = {"index": 0, "finish_reason": None}
                if chat:
                    choice["delta"] = delta
                else:
                    choice["text"] = piece
                await resp.write(chunk(choice))
            last: dict[str, Any] = {
                "index": 0,
                "finish_reason": "tool_calls" if tool is not None else "stop",
            }
            if chat:
                last["delta"] = {}
            else:
                last["text"] = ""
            await resp.write(chunk(last))
            if include_usage:
                await resp.write(chunk(None, with_usage=True))
            await resp.write(b"data: [DONE]\n\n")
            await resp.write_eof()
        except (asyncio.CancelledError, ConnectionResetError):
            self.disconnects.append(time.monotonic())
            self.disconnected.set()
            raise
        return resp

    async def embeddings(self, request: web.Request) -> web.StreamResponse:
        body, ctl = await self.begin(request)
        early = await self.early_fault(request, ctl)
        if early is not None:
            return early
        inputs = body.get("input")
        items = inputs if isinstance(inputs, list) else [inputs]
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(str(item))}
            for i, item in enumerate(items)
        ]
        n = sum(max(1, len(str(x)) // 4) for x in items)
        payload = {"object": "list", "data": data, "model": body.get("model", self.model),
                   "usage": {"prompt_tokens": n, "total_tokens": n}}  # fmt: skip
        return web.Response(body=orjson.dumps(payload), content_type="application/json")

    async def echo(self, request: web.Request) -> web.Response:
        await self.begin(request)
        return web.json_response({"object": "echo", "path": request.path})

    async def models(self, request: web.Request) -> web.Response:
        item = {"id": self.model, "object": "model", "created": 1700000000, "owned_by": "safeproxy"}
        return web.json_response({"object": "list", "data": [item]})


async def stall(mock: MockUpstream) -> None:
    try:
        await asyncio.Event().wait()  # until the client gives up and cancels us
    except asyncio.CancelledError:
        mock.disconnects.append(time.monotonic())
        mock.disconnected.set()
        raise


def _split(text: str, chunks: Any) -> list[str]:
    if isinstance(chunks, int) and chunks > 0:
        size = max(1, math.ceil(len(text) / chunks))
        return [text[i : i + size] for i in range(0, len(text), size)] or [""]
    return _WORDS.findall(text) or [""]


def _vector(text: str, dims: int = 8) -> list[float]:
    seed = sum(map(ord, text)) or 1
    return [((seed * (i + 7)) % 1000) / 1000.0 for i in range(dims)]


def run_mock(host: str, port: int, token_delay_s: float) -> None:
    """Blocking entry point of `safeproxy mock-upstream`."""
    mock = MockUpstream(token_delay_s=token_delay_s, record=False)
    banner = f"mock upstream on http://{host}:{port}"
    web.run_app(
        mock.app(),
        host=host,
        port=port,
        access_log=None,
        handler_cancellation=True,
        print=lambda _msg: print(banner, flush=True),
    )
