"""The typed-event streams (OpenAI Responses, Anthropic Messages) through the output hook:
however the upstream splits a reply's text (message text or tool-call arguments) into delta
events, and however the network splits the bytes (inside UTF-8 sequences, SSE lines and
`event:` fields included), the client never receives a detected value, what it assembles
from the deltas equals the non-streaming result, every snapshot (`.done` events, the final
response) says the same, and a block is decided the same and ends the stream the API's way."""

from __future__ import annotations

import itertools
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.exchange.event_hook import EventHook
from safeproxy.exchange.state import Exchange
from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEDecoder, SSEEvent
from safeproxy.upstream.wire import wire_api
from tests.property.test_stream_filter_split import BLOCKING, REDACTING, _cut, replies

SHAPES = [
    (Kind.RESPONSES, "text"),
    (Kind.RESPONSES, "tool"),
    (Kind.MESSAGES, "text"),
    (Kind.MESSAGES, "tool"),
]


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    return (
        b"event: "
        + kind.encode()
        + b"\ndata: "
        + orjson.dumps({"type": kind, **payload})
        + (b"\n\n")
    )


def _responses_wire(pieces: list[str], tool: bool) -> bytes:
    text = "".join(pieces)
    resp = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
    out = [_event("response.created", {"response": resp, "sequence_number": 0})]
    if tool:
        item = {"type": "function_call", "id": "fc_0", "call_id": "c", "name": "f"}
        out.append(_event("response.output_item.added",
                          {"output_index": 0, "item": {**item, "arguments": ""}}))  # fmt: skip
        at = {"item_id": "fc_0", "output_index": 0}
        out += [_event("response.function_call_arguments.delta", {**at, "delta": p})
                for p in pieces]  # fmt: skip
        out.append(_event("response.function_call_arguments.done", {**at, "arguments": text}))
        done: dict[str, Any] = {**item, "arguments": text}
    else:
        at = {"item_id": "msg_0", "output_index": 0, "content_index": 0}
        item = {"type": "message", "id": "msg_0", "role": "assistant"}
        out.append(_event("response.output_item.added",
                          {"output_index": 0, "item": {**item, "content": []}}))  # fmt: skip
        out.append(_event("response.content_part.added",
                          {**at, "part": {"type": "output_text", "text": ""}}))  # fmt: skip
        out += [_event("response.output_text.delta", {**at, "delta": p}) for p in pieces]
        out.append(_event("response.output_text.done", {**at, "text": text}))
        part = {"type": "output_text", "text": text, "annotations": []}
        out.append(_event("response.content_part.done", {**at, "part": part}))
        done = {**item, "content": [part]}
    out.append(_event("response.output_item.done", {"output_index": 0, "item": done}))
    final = {**resp, "status": "completed", "output": [done], "usage": {"output_tokens": 1}}
    out.append(_event("response.completed", {"response": final}))
    # Numbered as the API numbers every event (the first one already is).
    return b"".join(
        e.replace(b'\ndata: {"type"', b'\ndata: {"sequence_number":%d,"type"' % i, 1) if i else e
        for i, e in enumerate(out)
    )


def _numbers_rise(events: list[SSEEvent]) -> bool:
    """sequence_number strictly increases over what the client got, written events included."""
    seen = [orjson.loads(e.data).get("sequence_number") for e in events]
    return all(isinstance(n, int) for n in seen) and all(a < b for a, b in itertools.pairwise(seen))


def _messages_wire(pieces: list[str], tool: bool) -> bytes:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    out = [_event("message_start", {"message": message})]
    block = {"type": "tool_use", "id": "t", "name": "f", "input": {}} if tool else {
        "type": "text", "text": ""}  # fmt: skip
    out.append(_event("content_block_start", {"index": 0, "content_block": block}))
    out.append(_event("ping", {}))
    kind, field = ("input_json_delta", "partial_json") if tool else ("text_delta", "text")
    out += [_event("content_block_delta", {"index": 0, "delta": {"type": kind, field: p}})
            for p in pieces]  # fmt: skip
    out.append(_event("content_block_stop", {"index": 0}))
    out.append(_event("message_delta", {"delta": {"stop_reason": "end_turn"},
                                        "usage": {"output_tokens": 3}}))  # fmt: skip
    out.append(_event("message_stop", {}))
    return b"".join(out)


def _through_hook(
    policy: CompiledPolicy, kind: Kind, wire: bytes, byte_cuts: list[int]
) -> list[SSEEvent]:
    api = wire_api(kind)
    schema = api.event_schema()
    assert schema is not None
    hook = EventHook(policy, Exchange(rid="r", kind=kind, started=0.0), api, schema)
    decoder = SSEDecoder()
    sent: list[SSEEvent] = []
    edges = sorted({c % (len(wire) + 1) for c in byte_cuts})
    for a, b in zip([0, *edges], [*edges, len(wire)], strict=True):
        for event in decoder.feed(wire[a:b]):
            sent += hook.on_event(event)
        if hook.finished:
            return sent
    return [*sent, *hook.on_end()]


def _deltas(kind: Kind, events: list[SSEEvent]) -> str:
    text: list[str] = []
    for e in events:
        p = orjson.loads(e.data)
        if kind is Kind.RESPONSES and p["type"].endswith(".delta"):
            text.append(p["delta"])
        elif kind is Kind.MESSAGES and p["type"] == "content_block_delta":
            text.append(p["delta"].get("text", p["delta"].get("partial_json", "")))
    return "".join(text)


def _snapshots(events: list[SSEEvent]) -> list[str]:
    """Every whole-text field the Responses events repeat (done events, items, response)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("text", "arguments") and isinstance(v, str):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for e in events:
        p = orjson.loads(e.data)
        if not p["type"].endswith(".delta") and not p["type"].endswith(".added"):
            walk(p)
    return found


def _stream_text(text: str, shape: str) -> str:
    # Tool-call arguments are JSON text: the value sits inside a JSON string.
    return orjson.dumps({"q": text}).decode() if shape == "tool" else text


def _reads_same(value: str, shape: str) -> bool:
    """Whether a value is spelled the same inside the streamed text (JSON escapes a PEM's
    newlines: the filters then read, and redact, the escaped form)."""
    return shape != "tool" or orjson.dumps(value).decode()[1:-1] == value


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SHAPES),
    replies(),
    st.lists(st.integers(0, 500), max_size=30),
    st.lists(st.integers(0, 6000)),
)
def test_client_text_is_split_invariant_and_never_holds_a_value(
    shape: tuple[Kind, str],
    sample: tuple[str, list[str]],
    text_cuts: list[int],
    byte_cuts: list[int],
) -> None:
    kind, what = shape
    text = _stream_text(sample[0], what)
    build = _responses_wire if kind is Kind.RESPONSES else _messages_wire
    events = _through_hook(REDACTING, kind, build(_cut(text, text_cuts), what == "tool"), byte_cuts)
    received = _deltas(kind, events)
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert received == (text if whole is None else whole)
    everything = "".join(e.data for e in events)
    for value in sample[1]:
        if _reads_same(value, what):
            assert value not in everything
    if kind is Kind.RESPONSES:
        assert set(_snapshots(events)) == {received}
        assert orjson.loads(events[-1].data)["type"] == "response.completed"
        assert _numbers_rise(events)
    else:
        assert [e.event for e in events][-2:] == ["message_delta", "message_stop"]


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(SHAPES),
    replies(),
    st.lists(st.integers(0, 500), max_size=30),
    st.lists(st.integers(0, 6000)),
)
def test_a_block_is_decided_the_same_whatever_the_split(
    shape: tuple[Kind, str],
    sample: tuple[str, list[str]],
    text_cuts: list[int],
    byte_cuts: list[int],
) -> None:
    kind, what = shape
    text = _stream_text(sample[0], what)
    build = _responses_wire if kind is Kind.RESPONSES else _messages_wire
    events = _through_hook(BLOCKING, kind, build(_cut(text, text_cuts), what == "tool"), byte_cuts)
    whole = run_stage(BLOCKING.output, [text])
    last = orjson.loads(events[-1].data)
    if kind is Kind.RESPONSES:
        stopped = last["type"] == "response.incomplete"
        assert _numbers_rise(events)
        if stopped:
            assert last["response"]["incomplete_details"] == {"reason": "content_filter"}
    else:
        stop = orjson.loads(events[-2].data)["delta"]["stop_reason"]
        assert last["type"] == "message_stop"
        stopped = stop == "refusal"
    assert stopped == whole.blocked
    everything = "".join(e.data for e in events)
    for value in sample[1]:
        if "launch" not in value and _reads_same(value, what):
            assert value not in everything


def test_an_unknown_text_event_does_not_go_out() -> None:
    wire = _event("response.created", {"response": {"id": "r", "output": []}}) + _event(
        "response.future_text.delta", {"output_index": 0, "delta": "unread words"}
    )
    ex = Exchange(rid="r", kind=Kind.RESPONSES, started=0.0)
    api = wire_api(Kind.RESPONSES)
    schema = api.event_schema()
    assert schema is not None
    hook = EventHook(REDACTING, ex, api, schema)
    sent = [o for e in SSEDecoder().feed(wire) for o in hook.on_event(e)]
    sent += hook.on_end()
    assert "unread" not in "".join(e.data for e in sent)
    assert "output:unreadable_event" in ex.degraded


def test_code_and_transcripts_are_filtered_and_audio_passes() -> None:
    item = {"type": "code_interpreter_call", "id": "ci_0", "code": ""}
    at = {"item_id": "ci_0", "output_index": 0}
    code = "send('jane.doe@acme-corp.io')"
    done = {**item, "code": code}
    wire = b"".join(
        [
            _event("response.created", {"response": {"id": "r", "output": []}}),
            _event("response.output_item.added", {"output_index": 0, "item": item}),
            _event("response.code_interpreter_call_code.delta", {**at, "delta": code}),
            _event("response.code_interpreter_call_code.done", {**at, "code": code}),
            _event("response.audio.delta", {"delta": "QUFBQQ=="}),
            _event("response.audio.transcript.delta", {"delta": "call +1 (415) 867-5309 now"}),
            _event("response.audio.transcript.done", {}),
            _event("response.output_item.done", {"output_index": 0, "item": done}),
            _event("response.completed", {"response": {"id": "r", "output": [done]}}),
        ]
    )
    events = _through_hook(REDACTING, Kind.RESPONSES, wire, [])
    everything = "".join(e.data for e in events)
    assert "jane.doe" not in everything and "867-5309" not in everything
    assert "QUFBQQ==" in everything
    assert "[REDACTED:EMAIL]" in orjson.loads(events[-1].data)["response"]["output"][0]["code"]


def test_an_mcp_calls_output_is_filtered_where_the_stream_repeats_it() -> None:
    item = {"type": "mcp_call", "id": "mcp_0", "name": "lookup", "server_label": "crm",
            "arguments": "{}", "output": "owner: jane.doe@acme-corp.io"}  # fmt: skip
    resp = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
    wire = b"".join([
        _event("response.created", {"response": resp, "sequence_number": 0}),
        _event("response.output_item.added", {"output_index": 0, "sequence_number": 1,
               "item": {**item, "arguments": "", "output": None}}),
        _event("response.output_item.done", {"output_index": 0, "item": item,
                                              "sequence_number": 2}),
        _event("response.completed", {"response": {**resp, "status": "completed",
               "output": [item]}, "sequence_number": 3}),
    ])  # fmt: skip
    events = _through_hook(REDACTING, Kind.RESPONSES, wire, [])
    everything = "".join(e.data for e in events)
    assert "jane.doe" not in everything
    assert everything.count("owner: [REDACTED:EMAIL]") == 2  # the item and the response
    assert _numbers_rise(events)
