"""Fuzzing the stream path: the SSE decoder, and the output hook behind it.

Decoder: any bytes, split anywhere, decode without an exception into well-formed events
(no line break inside a field, an id without NUL, a non-negative retry), the same whatever
the split, and what it decodes re-encodes to bytes that decode to the same events.

Output hook (the default policy's output stage on a stream): whatever an upstream sends
as events (any JSON shape in `choices`, text fields of the wrong type, indexes that are not
integers, events that are not JSON), it never raises; what it lets out is an event it was
given, or a JSON object it wrote; and an e-mail address split across the `content` of
chunks never reaches the client, whatever else the chunks hold.
"""

from __future__ import annotations

import itertools
from typing import Any

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safeproxy.exchange.output_hook import OutputHook
from safeproxy.exchange.state import Exchange
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEDecoder, SSEEvent, encode_event
from tests.fuzz.budget import fuzz
from tests.fuzz.policies import default_policy

pytestmark = pytest.mark.fuzz

# The pieces SSE is made of, and what breaks it: field names with and without the space,
# every line ending, a BOM (valid only first), multi-byte and broken UTF-8, NUL, digits.
_TOKENS = st.sampled_from(
    [b"data:", b"data: ", b"event:", b"id:", b"retry:", b":", b": ", b"\n", b"\r", b"\r\n",
     b"\n\n", b"\xef\xbb\xbf", b"\xef\xbb", b"\xc3\xa9", b"\xf0\x9f\x98\x80", b"\xf0\x9f", b"\xff",
     b"\x00", b"1500", b"-1", b"[DONE]", b'{"choices":[]}', b"x", b" ", b"data", b"\xe2\x80\xa8"]
)  # fmt: skip
SSE_BYTES = st.lists(_TOKENS | st.binary(max_size=8), max_size=60).map(b"".join) | st.binary(
    max_size=300
)


def decode_in(data: bytes, cuts: list[int]) -> list[SSEEvent]:
    dec = SSEDecoder()
    out: list[SSEEvent] = []
    prev = 0
    for cut in [*sorted({c % (len(data) + 1) for c in cuts}), len(data)]:
        out += dec.feed(data[prev:cut])
        prev = cut
    out += dec.flush()
    return out


def well_formed(event: SSEEvent) -> None:
    assert isinstance(event.data, str) and "\r" not in event.data
    for value in (event.event, event.id):
        assert value is None or ("\n" not in value and "\r" not in value)
    assert event.id is None or "\0" not in event.id
    assert event.retry is None or (isinstance(event.retry, int) and event.retry >= 0)


@fuzz(500)
@given(data=SSE_BYTES, cuts=st.lists(st.integers(0, 400), max_size=30))
@example(data=b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\n", cuts=[1, 2, 4])  # a second BOM is data
@example(data=b"data: a\r", cuts=[8])  # a stream ending on CR: the event is not complete
@example(data=b"retry: \xd9\xa3\n\ndata: x\n\n", cuts=[])  # a non-ASCII digit is no retry
def test_any_bytes_decode_to_well_formed_events_however_split(data: bytes, cuts: list[int]) -> None:
    events = decode_in(data, cuts)
    assert events == decode_in(data, [])
    for event in events:
        well_formed(event)
    # What was decoded re-encodes losslessly.
    again = decode_in(b"".join(encode_event(e) for e in events), [])
    assert again == events


# --- the output hook -------------------------------------------------------------------

_TEXTISH = st.text(st.sampled_from([*"ab .@-:0123456789\n", "é", "😀", "\u200b"]), max_size=10)
_ODD = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | _TEXTISH
_ANY = st.recursive(_ODD, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
    st.sampled_from(["content", "text", "index", "delta", "role", "x"]), kids, max_size=3),
    max_leaves=8)  # fmt: skip
_DELTA = st.fixed_dictionaries(
    {},
    optional={
        "role": st.sampled_from(["assistant", "tool"]) | _ANY,
        "content": _TEXTISH | _ANY,
        "refusal": _TEXTISH | _ANY,
        "reasoning_content": _TEXTISH,
        "tool_calls": st.lists(
            st.fixed_dictionaries({}, optional={
                "index": st.integers(-2, 3) | _ANY,
                "function": st.fixed_dictionaries({}, optional={
                    "name": _TEXTISH | _ANY, "arguments": _TEXTISH | _ANY}) | _ANY,
            }) | _ANY, max_size=3) | _ANY,
        "function_call": _ANY,
        "audio": _ANY,
    },
)  # fmt: skip
_CHOICE = (
    st.fixed_dictionaries(
        {},
        optional={
            "index": st.integers(-1, 3) | _ANY,
            "delta": _DELTA | _ANY,
            "text": _TEXTISH | _ANY,
            "finish_reason": st.sampled_from([None, "stop", "length"]) | _ANY,
            "logprobs": _ANY,
        },
    )
    | _ANY
)
_CHUNK = (
    st.fixed_dictionaries(
        {"choices": st.lists(_CHOICE, max_size=3) | _ANY},
        optional={"id": _ANY, "model": _ANY, "object": _ANY, "usage": _ANY, "created": _ANY},
    )
    | _ANY
)
_EVENT_DATA = _CHUNK.map(lambda c: orjson.dumps(c).decode()) | st.sampled_from(
    ["[DONE]", " [DONE] ", "", "{", "not json", "null", "[]", '{"choices":null}']
)


def _run(datas: list[str]) -> tuple[OutputHook, list[SSEEvent]]:
    hook = OutputHook(default_policy(), Exchange(rid="r", kind=Kind.CHAT, started=0.0),
                      clock=lambda: 0.0)  # fmt: skip
    out: list[SSEEvent] = []
    for data in datas:
        out += hook.on_event(SSEEvent(data))
        if hook.finished:
            break
    out += hook.on_end()
    return hook, out


@fuzz(150)
@given(datas=st.lists(_EVENT_DATA, max_size=8))
def test_any_upstream_events_pass_the_hook_without_an_exception(datas: list[str]) -> None:
    _hook, out = _run(datas)
    for event in out:
        well_formed(event)
        if event.data not in datas:  # written by the hook: a JSON object, or [DONE]
            assert event.data == "[DONE]" or isinstance(orjson.loads(event.data), dict)


EMAIL = "jane.doe@acme-corp.io"  # (example.com is a documentation domain: not PII)


@fuzz(100)
@given(
    cuts=st.lists(st.integers(1, len(EMAIL) - 1), max_size=5, unique=True),
    noise=st.lists(_CHUNK, max_size=4),
    index=st.sampled_from([0, None, "0"]),
    before=_TEXTISH,
    after=_TEXTISH,
)
def test_a_split_email_never_reaches_the_client_whatever_else_the_chunks_hold(
    cuts: list[int], noise: list[Any], index: Any, before: str, after: str
) -> None:
    text = f"{before} {EMAIL} {after}"
    at = text.index(EMAIL)
    edges = [0, *sorted(at + c for c in cuts), len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(edges) if b > a]
    datas: list[str] = []
    for i, piece in enumerate(pieces):
        choice: dict[str, Any] = {"delta": {"content": piece}, "finish_reason": None}
        if index is not None:
            choice["index"] = index
        datas.append(orjson.dumps({"id": "c", "choices": [choice]}).decode())
        if i < len(noise):  # other events between the pieces (other choices, odd shapes)
            n = noise[i]
            if not (isinstance(n, dict) and isinstance(n.get("choices"), list)):
                datas.append(orjson.dumps(n).decode())
    datas.append("[DONE]")
    _hook, out = _run(datas)
    client = "".join(_content(e) for e in out)
    assert EMAIL not in client


def _content(event: SSEEvent) -> str:
    """The text a chat client shows from one event: choice 0's delta content."""
    try:
        chunk = orjson.loads(event.data)
    except orjson.JSONDecodeError:
        return ""
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    parts: list[str] = []
    for pos, choice in enumerate(choices if isinstance(choices, list) else ()):
        if not isinstance(choice, dict):
            continue
        index = choice.get("index", pos)
        if index not in (0, "0") and not (index is None and pos == 0):
            continue
        delta = choice.get("delta")
        content = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(content, str):
            parts.append(content)
    return "".join(parts)
