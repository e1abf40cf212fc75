"""Sync deep checks on streams, however the upstream splits the reply into chunks.

`every_chars`: nothing the judge has not seen as safe reaches the client, whatever the
split. `end`: what was released before the reply ended went out (the verdict comes with
the end), and an unsafe reply ends with finish_reason content_filter instead of its own.
Either way a safe reply arrives whole and unchanged, every stream ends with [DONE], and a
block before anything was sent is a plain HTTP error.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from safeproxy.deepcheck.api import JudgeContext, JudgeResult, JudgeVerdict, Turn
from safeproxy.deepcheck.followup import FollowUp
from safeproxy.deepcheck.guarded import GuardedJudge
from safeproxy.deepcheck.plan import CompiledCheck
from safeproxy.deepcheck.sampler import Sampler
from safeproxy.deepcheck.service import DeepChecks
from safeproxy.deepcheck.settings import HttpJudge
from safeproxy.deepcheck.stream_gate import StreamGate
from safeproxy.deepcheck.tap import TextTap
from safeproxy.errors import PolicyViolation
from safeproxy.exchange.hooks import PassThrough
from safeproxy.exchange.state import Exchange
from safeproxy.settings.policy import DeepCheck
from safeproxy.telemetry.metrics import Metrics
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEEvent

MARKER = "BADWORD"


class MarkerJudge:
    """Unsafe when the reply so far contains MARKER: a judge that reads what it is given."""

    name = "marker"

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        unsafe = MARKER in turns[-1].text
        return JudgeResult(JudgeVerdict.UNSAFE if unsafe else JudgeVerdict.SAFE)

    async def close(self) -> None:
        return None


def chunk(text: str, finish: str | None = None) -> SSEEvent:
    choice: dict[str, Any] = {"index": 0, "delta": {"content": text}, "finish_reason": finish}
    return SSEEvent(orjson.dumps({"id": "c1", "model": "m", "choices": [choice]}).decode())


async def relay(pieces: list[str], style: str) -> tuple[str, list[str], bool]:
    """Run the pieces through tap and gate as the relay does: (text out, finish reasons
    seen by the client, whether the block came as a plain HTTP error)."""
    metrics = Metrics(CollectorRegistry())
    spec = DeepCheck(judge="marker", mode="sync", stage="output", stream=style, every_chars=64)  # type: ignore[arg-type]
    settings_ = HttpJudge(type="http", url="http://127.0.0.1:9/j", cache={"enabled": False})  # type: ignore[arg-type]
    judge = GuardedJudge("marker", MarkerJudge(), settings_, metrics)
    check = CompiledCheck(
        spec, "marker", judge, Sampler(spec.sample, b"s", lambda: 0.0), False, True
    )
    deep = DeepChecks({}, metrics, FollowUp({}, metrics), lambda _job: True)
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0)
    ex.body = {"messages": [{"role": "user", "content": "hi"}]}
    tap = TextTap(PassThrough(), 10_000)
    gate = StreamGate(deep, ex, tap, [(check, "rate")], "finish")
    upstream = [chunk(p) for p in pieces] + [chunk("", "stop"), SSEEvent("[DONE]")]
    sent: list[SSEEvent] = []
    try:
        for event in upstream:
            out = await gate.feed(tap.on_event(event))
            if out:
                ex.response_started = True
                sent += out
            if gate.finished:
                break
        if not gate.finished:
            sent += await gate.finish(tap.on_end())
    except PolicyViolation:
        assert not ex.response_started
        return "", [], True
    text, finishes = "", []
    for e in sent:
        if e.data == "[DONE]":
            finishes.append("[DONE]")
            continue
        for c in orjson.loads(e.data)["choices"]:
            text += c.get("delta", {}).get("content") or ""
            if c.get("finish_reason"):
                finishes.append(c["finish_reason"])
    return text, finishes, False


def split(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    edges = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges) if b > a]


WORDS = st.text(alphabet=st.sampled_from([*"abcdef ghij.,\n", "é", "😀"]), max_size=300)


@settings(max_examples=60, deadline=None)
@given(
    before=WORDS,
    after=WORDS,
    unsafe=st.booleans(),
    style=st.sampled_from(["end", "every_chars"]),
    cuts=st.lists(st.integers(min_value=0, max_value=700), max_size=40),
)
def test_the_gate_holds_whatever_the_split(
    before: str, after: str, unsafe: bool, style: str, cuts: list[int]
) -> None:
    reply = before + (MARKER if unsafe else "") + after
    text, finishes, http_error = asyncio.run(relay(split(reply, cuts), style))
    assert reply.startswith(text)
    if not unsafe:
        assert (text, finishes, http_error) == (reply, ["stop", "[DONE]"], False)
        return
    if http_error:
        return  # nothing was sent: the client got a plain 400
    assert finishes == ["content_filter", "[DONE]"]
    if style == "every_chars":
        assert MARKER not in text  # the judge saw every character that went out
