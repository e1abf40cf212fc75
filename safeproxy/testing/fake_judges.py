"""Fake deep-check judges on loopback: Llama Guard, moderation and webhook, all scriptable.

One aiohttp server speaks every judge protocol, for tests and benchmarks:

- `POST /v1/completions`, `/v1/chat/completions`: a Llama Guard behind vLLM. It answers
  `unsafe\\n<categories>` when the conversation contains `marker`, else `safe`
  (`answer` overrides the text verbatim).
- `POST /v1/moderations`: one result per input; a text containing `marker` scores
  `unsafe_scores`, any other `safe_scores`.
- `POST /judge`: the HTTP webhook; `unsafe` with `categories` and `score` 0.97 for a
  marked conversation, else `safe` with 0.01 (`override` replaces any JSON reply).

Behaviour knobs, settable between calls: `delay_s` (server-side latency), `hang` (hold
every reply until `release` is set), `fault` (`500`, `malformed` JSON, a wrong `shape`,
a reply over 1 MiB: `big` with a Content-Length, `big_chunked` without one).
Every request is counted in `calls[path]`; the last body and headers are kept.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from aiohttp import web

Fault = Literal["500", "malformed", "shape", "big", "big_chunked"]
DEFAULT_MARKER = "FAKE-UNSAFE"


@dataclass
class FakeJudge:
    marker: str = DEFAULT_MARKER
    # Llama Guard and webhook categories for a marked conversation.
    categories: tuple[str, ...] = ("S1",)
    # Moderation category scores of a marked text and of any other.
    unsafe_scores: dict[str, float] = field(default_factory=lambda: {"violence": 0.93})
    safe_scores: dict[str, float] = field(default_factory=lambda: {"violence": 0.01})
    # Llama Guard's answer text, verbatim, instead of the marker rule.
    answer: str | None = None
    # A JSON reply for every endpoint, instead of the protocol's.
    override: Any = None
    delay_s: float = 0.0
    hang: bool = False
    # `release` and `arrived` belong to the server's loop: from another thread, set them
    # with `loop.call_soon_threadsafe(judge.release.set)`.
    release: asyncio.Event = field(default_factory=asyncio.Event)
    fault: Fault | None = None
    calls: Counter[str] = field(default_factory=Counter)
    last_body: dict[str, Any] = field(default_factory=dict)
    last_headers: dict[str, str] = field(default_factory=dict)
    # Set when a request arrives (tests wait on it instead of sleeping); never cleared
    # here: clear() it to wait for the next one.
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""  # set by start()
    _runner: web.AppRunner | None = None

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.post("/v1/completions", self._completions),
                web.post("/v1/chat/completions", self._chat),
                web.post("/v1/moderations", self._moderations),
                web.post("/judge", self._webhook),
            ]
        )
        return app

    async def start(self) -> str:
        """Serve on 127.0.0.1, a free port; returns the base URL (`http://127.0.0.1:PORT`)."""
        self._runner = web.AppRunner(self.app(), handler_cancellation=True, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def close(self) -> None:
        self.release.set()  # let held replies end instead of being cut
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _begin(self, request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        self.calls[request.path] += 1
        self.last_headers = dict(request.headers)
        body = orjson.loads(raw) if raw else {}
        self.last_body = body if isinstance(body, dict) else {"_": body}
        self.arrived.set()
        if self.delay_s > 0:
            await asyncio.sleep(self.delay_s)  # simulated judge latency
        if self.hang:
            await self.release.wait()
        return self.last_body

    async def _reply(self, request: web.Request, payload: Any) -> web.StreamResponse:
        if self.fault == "500":
            return web.json_response({"error": {"message": "fake judge failure"}}, status=500)
        if self.fault == "malformed":
            return web.Response(body=b'{"choices": [', content_type="application/json")
        if self.fault == "shape":
            payload = {"object": "unexpected"}
        elif self.override is not None:
            payload = self.override
        if self.fault in ("big", "big_chunked") and isinstance(payload, dict):
            # A valid reply, only too long: the size cap alone must refuse it.
            payload = {**payload, "padding": "x" * (1024 * 1024)}
        raw = orjson.dumps(payload)
        if self.fault != "big_chunked":
            return web.Response(body=raw, content_type="application/json")
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for start in range(0, len(raw), 65536):
            await resp.write(raw[start : start + 65536])
        await resp.write_eof()
        return resp

    def _guard_answer(self, text: str) -> str:
        if self.answer is not None:
            return self.answer
        return f"unsafe\n{','.join(self.categories)}" if self.marker in text else "safe"

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        body = await self._begin(request)
        answer = self._guard_answer(str(body.get("prompt", "")))
        return await self._reply(
            request, {"object": "text_completion", "choices": [{"index": 0, "text": answer}]}
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._begin(request)
        answer = self._guard_answer(_contents(body))
        message = {"role": "assistant", "content": answer}
        return await self._reply(
            request, {"object": "chat.completion", "choices": [{"message": message}]}
        )

    async def _moderations(self, request: web.Request) -> web.StreamResponse:
        body = await self._begin(request)
        inputs = body.get("input", [])
        texts = [inputs] if isinstance(inputs, str) else [str(t) for t in inputs]
        results = []
        for text in texts:
            marked = self.marker in text
            scores = self.unsafe_scores if marked else self.safe_scores
            results.append({"flagged": marked, "category_scores": dict(scores)})
        return await self._reply(request, {"id": "modr-fake", "model": "fake", "results": results})

    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        body = await self._begin(request)
        if self.marker in _contents(body):
            return await self._reply(
                request, {"verdict": "unsafe", "categories": list(self.categories), "score": 0.97}
            )
        return await self._reply(request, {"verdict": "safe", "score": 0.01})


def _contents(body: dict[str, Any]) -> str:
    messages = body.get("messages", [])
    if not isinstance(messages, list):
        return ""
    return "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))
