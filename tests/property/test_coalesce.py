"""Joining the plain content deltas of one read (exchange/coalesce.py): the text of each field
arrives whole and in order, every other event keeps its place and framing, and only runs of
plain deltas under one envelope are joined."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.exchange.coalesce import coalesce
from safeproxy.upstream.sse import SSEEvent


def _chunk(choices: list[dict[str, Any]], **envelope: Any) -> SSEEvent:
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    return SSEEvent(orjson.dumps({**body, **envelope, "choices": choices}).decode())


TEXT = st.text(alphabet="ab é😀\n", max_size=6)
EVENTS = st.one_of(
    TEXT.map(lambda t: _chunk([{"index": 0, "delta": {"content": t}, "finish_reason": None}])),
    TEXT.map(lambda t: _chunk([{"index": 1, "delta": {"content": t}}])),  # another choice
    TEXT.map(lambda t: _chunk([{"index": 0, "text": t, "logprobs": None}])),  # completions
    TEXT.map(lambda t: _chunk([{"index": 0, "delta": {"content": t}}], model="other")),
    st.just(_chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}}])),
    st.just(_chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])),
    st.just(_chunk([], usage={"prompt_tokens": 1, "completion_tokens": 2})),
    st.just(_chunk([{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "t"}]}}])),
    TEXT.map(
        lambda t: SSEEvent(
            orjson.dumps({"choices": [{"delta": {"content": t}}]}).decode(), event="message"
        )
    ),
    st.just(SSEEvent("[DONE]")),
    st.just(SSEEvent("not json")),
)


def _plain(e: SSEEvent) -> tuple[Any, ...] | None:
    """(index, field, envelope, text) of a plain delta as the test reads it; else None."""
    if e.event is not None or e.data in ("[DONE]", "not json"):
        return None
    chunk = orjson.loads(e.data)
    choices = chunk.get("choices")
    if chunk.get("usage") is not None or len(choices) != 1:
        return None
    c = choices[0]
    if c.get("finish_reason") is not None:
        return None
    envelope = tuple(sorted((k, str(v)) for k, v in chunk.items() if k != "choices"))
    if "text" in c:
        return c.get("index"), "text", envelope, c["text"]
    if c.get("delta", {}).keys() == {"content"}:
        return c.get("index"), "content", envelope, c["delta"]["content"]
    return None


def _groups(events: list[SSEEvent]) -> list[Any]:
    """Runs of plain deltas with one key become (key, joined text); others stay events."""
    out: list[Any] = []
    for e in events:
        p = _plain(e)
        if p is not None and out and isinstance(out[-1], tuple) and out[-1][0] == p[:3]:
            out[-1] = (p[:3], out[-1][1] + p[3])
        else:
            out.append((p[:3], p[3]) if p is not None else e)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, max_size=12))
def test_runs_are_joined_and_nothing_else_moves(events: list[SSEEvent]) -> None:
    got = coalesce(events)
    out = [p.event if not p.joined else SSEEvent(orjson.dumps(p.chunk).decode()) for p in got]
    assert _groups(out) == _groups(events)
    assert len(got) == len(_groups(events))  # each run became one event, nothing else merged
    for p, e in zip(got, out, strict=True):
        if not p.joined:
            assert p.chunk is None or p.chunk == orjson.loads(e.data)


def test_a_run_of_three_is_one_event_and_the_finish_keeps_its_own() -> None:
    pieces = [_chunk([{"index": 0, "delta": {"content": t}}]) for t in ("he", "ll", "o")]
    finish = _chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    got = coalesce([*pieces, finish, SSEEvent("[DONE]")])
    assert [p.joined for p in got] == [True, False, False]
    assert got[0].chunk["choices"][0]["delta"]["content"] == "hello"
    assert got[1].event is finish and got[2].chunk is None
