"""Workload C of proxy_overhead.py: the same streamed reply over the three APIs.

Chat completions, OpenAI's Responses API and Anthropic's Messages API each stream the same
200-character reply in 50 text deltas from the mock (the Responses API wraps them in 8 more
events, the Messages API in 6). For the empty chain (``safeproxy``) and the default policy
(``policy``) it reports, per API, the added time to first byte against the mock alone and the
proxy's CPU time per upstream event and per stream, as ratios to chat completions measured in
the same run. CPU is read from /proc around blocks of one API's streams (the clock-tick
granularity needs blocks); the API order rotates between blocks, and targets alternate
stream by stream inside a block.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from fleet import Server

TARGETS = ("direct", "safeproxy", "policy")
PROXIES = ("safeproxy", "policy")
APIS = ("chat", "responses", "messages")
PATHS = {"chat": "/v1/chat/completions", "responses": "/v1/responses", "messages": "/v1/messages"}
# Blocks per API; streams are split evenly between them. Many short blocks, the API order
# rotating, so that each API samples the (shared machine's) load over the whole run alike.
BLOCKS = 20
MAX_RATIO = 1.10  # the bound: within 10 % of chat completions


@dataclass(slots=True)
class ApiStats:
    ttfb_s: list[float] = field(default_factory=list)
    # To the first byte of reply text: the proxy's first byte waits for checked text (the
    # events before it wait with it), the mock's does not, and the APIs put a different
    # number of events before the text (chat 1, Responses 4, Messages 3).
    text_s: list[float] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
    cpu_s: float = 0.0
    failures: int = 0
    wrong_text: int = 0


def bodies(messages: list[dict[str, str]], reply: str, chunks: int) -> dict[str, str]:
    mock = {"reply": reply, "chunks": chunks}
    system, user = messages[0]["content"], messages[1:]
    return {
        "chat": json.dumps({"model": "bench", "stream": True, "messages": messages, "mock": mock}),
        "responses": json.dumps(
            {
                "model": "bench",
                "stream": True,
                "instructions": system,
                "input": user,
                "mock": mock,
            }
        ),
        "messages": json.dumps(
            {
                "model": "bench",
                "stream": True,
                "max_tokens": 256,
                "system": system,
                "messages": user,
                "mock": mock,
            }
        ),
    }


def _payloads(data: bytes) -> list[Any]:
    out = []
    for raw in data.split(b"\n\n"):
        for line in raw.split(b"\n"):
            if line.startswith(b"data: {"):
                out.append(orjson.loads(line[6:]))
    return out


def _chat_text(data: bytes) -> str:
    return "".join(
        c.get("delta", {}).get("content") or "" for k in _payloads(data) for c in k["choices"]
    )


def _responses_text(data: bytes) -> str:
    return "".join(p["delta"] for p in _payloads(data) if p["type"] == "response.output_text.delta")


def _messages_text(data: bytes) -> str:
    return "".join(
        p["delta"]["text"] for p in _payloads(data) if p["type"] == "content_block_delta"
    )


TEXT_OF: dict[str, Callable[[bytes], str]] = {
    "chat": _chat_text,
    "responses": _responses_text,
    "messages": _messages_text,
}


async def _one(
    session: aiohttp.ClientSession, url: str, body: bytes, api: str, reply: str, st: ApiStats
) -> None:
    t0 = time.perf_counter()
    t_text = None
    async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
        parts = [await r.content.readany()]
        t1 = time.perf_counter()
        while True:
            # The reply starts with "H" (stream_reply()); no id, role or status does.
            if t_text is None and b':"H' in b"".join(parts[-2:]):
                t_text = time.perf_counter()
            chunk = await r.content.readany()
            if not chunk:
                break
            parts.append(chunk)
        status = r.status
    data = b"".join(parts)
    if status != 200:
        st.failures += 1
        return
    st.ttfb_s.append(t1 - t0)
    st.text_s.append((t_text or time.perf_counter()) - t0)
    st.events.append(data.count(b"data: ") - (1 if api == "chat" else 0))  # not [DONE]
    st.wrong_text += TEXT_OF[api](data) != reply


async def run(
    servers: dict[str, Server], n: int, messages: list[dict[str, str]], reply: str, chunks: int
) -> dict[tuple[str, str], ApiStats]:
    """n streams per target and API, in BLOCKS blocks per API with the API order rotating."""
    payloads = {k: v.encode() for k, v in bodies(messages, reply, chunks).items()}
    stats = {(t, a): ApiStats() for t in TARGETS for a in APIS}
    per_block = max(1, n // BLOCKS)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for t in TARGETS:  # warm-up: connections open, code paths loaded
            for a in APIS:
                await _one(session, servers[t].url + PATHS[a], payloads[a], a, reply, ApiStats())
        for block in range(BLOCKS):
            for a in APIS[block % 3 :] + APIS[: block % 3]:
                before = {t: servers[t].cpu_s() for t in PROXIES}
                for _ in range(per_block):
                    for t in TARGETS:
                        url = servers[t].url + PATHS[a]
                        await _one(session, url, payloads[a], a, reply, stats[t, a])
                for t in PROXIES:
                    stats[t, a].cpu_s += servers[t].cpu_s() - before[t]
    return stats


def render(stats: dict[tuple[str, str], ApiStats], n: int) -> str:
    def med(xs: list[float]) -> float:
        return statistics.median(xs) if xs else float("nan")

    def upstream_events(a: str) -> int:
        return int(med([float(e) for e in stats["direct", a].events]))

    def added_ms(t: str, a: str) -> float:
        return (med(stats[t, a].ttfb_s) - med(stats["direct", a].ttfb_s)) * 1e3

    def text_ms(t: str, a: str) -> float:
        return (med(stats[t, a].text_s) - med(stats["direct", a].text_s)) * 1e3

    def cpu_stream_us(t: str, a: str) -> float:
        st = stats[t, a]
        return st.cpu_s / len(st.ttfb_s) * 1e6 if st.ttfb_s else float("nan")

    def cpu_event_us(t: str, a: str) -> float:
        return cpu_stream_us(t, a) / upstream_events(a)

    lines = [
        f"### The three APIs, streamed ({n} streams per target and API, 50 text deltas each)",
        "",
        "| target | API | upstream events | TTFB added ms | ÷ chat | first text added ms | ÷ chat "
        "| CPU µs/event | ÷ chat | CPU µs/stream | ÷ chat |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts: list[str] = []
    for t in PROXIES:
        for a in APIS:
            ttfb, ev, per = added_ms(t, a), cpu_event_us(t, a), cpu_stream_us(t, a)
            first = text_ms(t, a)
            r_ttfb, r_ev = ttfb / added_ms(t, "chat"), ev / cpu_event_us(t, "chat")
            r_per, r_first = per / cpu_stream_us(t, "chat"), first / text_ms(t, "chat")
            lines.append(
                f"| {t} | {a} | {upstream_events(a)} | {ttfb:.3f} | {r_ttfb:.2f}x | {first:.3f} "
                f"| {r_first:.2f}x | {ev:.1f} | {r_ev:.2f}x | {per:.0f} | {r_per:.2f}x |"
            )
            if a != "chat":
                judged = (("TTFB added", r_ttfb), ("first text added", r_first),
                          ("CPU per event", r_ev))  # fmt: skip
                for what, r in judged:
                    ok = "PASS" if r <= MAX_RATIO else "FAIL"
                    verdicts.append(
                        f"| {t} {a}: {what} ÷ chat | {r:.2f}x | ≤ {MAX_RATIO:.2f}x | {ok} |"
                    )
    lines += ["", "| measure | value | target | verdict |", "|---|---:|---:|---|", *verdicts]
    return "\n".join(lines)


def problems(stats: dict[tuple[str, str], ApiStats]) -> list[str]:
    found = []
    for (t, a), st in sorted(stats.items()):
        if st.failures:
            found.append(f"{t} {a} streaming: {st.failures} failed streams")
        if st.wrong_text:
            found.append(f"{t} {a} streaming: {st.wrong_text} streams lost the reply")
    return found
