"""Chat stream events that arrived in one read, parsed once, with runs of plain content
deltas joined into one event.

An unpaced upstream writes many events per read, and each event's text costs the output
filters one scan of the hold-back window. The OpenAI stream contract gives the boundaries
between content deltas no meaning (clients concatenate them), so a run of events that carry
nothing but more text of the same field of one choice, under the same envelope, is one event
with their text joined: one scan, one event written. Everything else keeps its framing: an
event with a role, tool calls, logprobs, a finish reason, usage, several choices or its own
SSE fields, and the events around it, go as they came.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson

from safeproxy.upstream.sse import SSEEvent

# The keys of a choice that only says more text ("delta": {"content": ...}, or completions'
# "text"), with its finish reason and logprobs unset.
_PLAIN_CHOICE = frozenset({"index", "delta", "text", "finish_reason", "logprobs"})


class Parsed(NamedTuple):
    """An event and its JSON (None: [DONE] or not JSON, left to the hook to judge);
    `joined`: several events' text in one, so the event must be written anew."""

    event: SSEEvent
    chunk: Any
    joined: bool = False


def coalesce(events: Sequence[SSEEvent]) -> list[Parsed]:
    """The events in order, each parsed once, runs of plain deltas joined."""
    out: list[Parsed] = []
    run: list[Parsed] = []  # plain deltas that may still be joined
    run_key: tuple[Any, ...] | None = None
    for event in events:
        chunk: Any = None
        data = event.data
        if data[:1] == "{" or data.strip() != "[DONE]":
            try:
                chunk = orjson.loads(data)
            except orjson.JSONDecodeError:
                chunk = None
        key = _plain_key(event, chunk)
        if key is None or key != run_key:
            out += _joined(run)
            run, run_key = [], key
        if key is None:
            out.append(Parsed(event, chunk))
        else:
            run.append(Parsed(event, chunk))
    out += _joined(run)
    return out


def _plain_key(event: SSEEvent, chunk: Any) -> tuple[Any, ...] | None:
    """What must be equal for two plain deltas to be joined (None: not a plain delta): the
    choice index, the text field, and the envelope (every key but the choices)."""
    if event.event is not None or event.id is not None or event.retry is not None:
        return None
    # `chunk` is orjson's: exact types, so `type(x) is T` is isinstance's answer without a
    # call (this runs for every event of a stream).
    if type(chunk) is not dict or chunk.get("usage") is not None:
        return None
    choices = chunk.get("choices")
    if type(choices) is not list or len(choices) != 1:
        return None
    choice = choices[0]
    if (
        type(choice) is not dict
        or not choice.keys() <= _PLAIN_CHOICE
        or choice.get("finish_reason") is not None
        or choice.get("logprobs") is not None
    ):
        return None
    delta = choice.get("delta")
    if delta is not None:
        # (`len` and `in` say "only content" without building a keys view and a set.)
        if "text" in choice or type(delta) is not dict or len(delta) != 1:
            return None
        if "content" not in delta:
            return None
        if type(delta["content"]) is not str:
            return None
        field = "content"
    elif type(choice.get("text")) is str:
        field = "text"
    else:
        return None
    # Every key but the choices, in order: a copy without them (no generator per event).
    rest = dict(chunk)
    del rest["choices"]
    return choice.get("index"), field, tuple(rest.items())


def _joined(run: list[Parsed]) -> list[Parsed]:
    if len(run) < 2:
        return run
    last = run[-1].chunk
    choice = last["choices"][0]
    # Lists, not generators: join makes one anyway, and a generator is resumed per item.
    if "delta" in choice:
        choice["delta"]["content"] = "".join(
            [p.chunk["choices"][0]["delta"]["content"] for p in run]
        )
    else:
        choice["text"] = "".join([p.chunk["choices"][0]["text"] for p in run])
    return [Parsed(run[-1].event, last, joined=True)]
