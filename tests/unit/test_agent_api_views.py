"""The agent APIs' adapters: every text the model reads is a slot (and nothing else is), a
reply's text is found wherever the API puts it, bad shapes are 400s, and errors take each
API's own shape."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from safeproxy.errors import BadRequest, PolicyViolation, RateLimited
from safeproxy.upstream.openai import Kind, Uninspectable
from safeproxy.upstream.wire import wire_api

RESPONSES = wire_api(Kind.RESPONSES)
MESSAGES = wire_api(Kind.MESSAGES)


def texts(slots: Any) -> list[str]:
    return [s.get() for s in slots]


def test_responses_model_view_covers_instructions_items_and_tools() -> None:
    body: dict[str, Any] = {
        "model": "m",
        "instructions": "be brief",
        "input": [
            {"role": "user", "content": "plain"},
            {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "part one"},
                {"type": "input_image", "image_url": "data:..."},
                {"type": "input_text", "text": "part two"}]},
            {"type": "function_call", "call_id": "c", "name": "lookup", "arguments": "{\"q\":1}"},
            {"type": "function_call_output", "call_id": "c", "output": "result text"},
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": "thought"}]},
            {"type": "item_reference", "id": "x"},
        ],
        "tools": [{"type": "function", "name": "lookup", "description": "finds things"}],
    }  # fmt: skip
    assert RESPONSES.check_shape(body, 100) == "m"
    slots = RESPONSES.request_slots(body)
    got = texts(slots)
    for want in ("be brief", "plain", "part one", "part two", "lookup", '{"q":1}',
                 "result text", "thought", "finds things"):  # fmt: skip
        assert want in got
    assert "data:..." not in got and "x" not in got
    # The parts of one content array are read joined, as the model reads them.
    parts = [s.part_of for s in slots if s.get() in ("part one", "part two")]
    assert parts[0] == parts[1] != 0


def test_responses_string_input_and_a_redaction_writes_back_in_place() -> None:
    body: dict[str, Any] = {"model": "m", "input": "hello"}
    [slot] = RESPONSES.request_slots(body)
    slot.set("bye")
    assert body["input"] == "bye"


@pytest.mark.parametrize(
    "items",
    [5, [1], [{"role": 3, "content": "x"}], [{"type": "function_call", "name": "f"}],
     [{"type": "function_call_output", "output": 3}], [{"type": 7}]],
)  # fmt: skip
def test_responses_bad_input_is_a_400(items: Any) -> None:
    with pytest.raises(BadRequest):
        RESPONSES.check_shape({"model": "m", "input": items}, 100)


def test_responses_unknown_items_and_parts_are_uninspectable() -> None:
    for item in ({"type": "future_call", "text": "x"},
                 {"role": "user", "content": [{"type": "future_part", "text": "x"}]}):  # fmt: skip
        body = {"model": "m", "input": [item]}
        RESPONSES.check_shape(body, 100)
        with pytest.raises(Uninspectable):
            RESPONSES.request_slots(body)


def test_responses_reply_text_is_every_output_item() -> None:
    body = {
        "output": [
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": "why"}]},
            {"type": "message", "content": [{"type": "output_text", "text": "answer"},
                                            {"type": "refusal", "refusal": "no"}]},
            {"type": "function_call", "name": "f", "arguments": "{}"},
            {"type": "web_search_call", "id": "w"},
            {"type": "mcp_call", "name": "m", "arguments": "{}", "output": "tool said"},
        ]
    }  # fmt: skip
    assert texts(RESPONSES.reply_slots(body)) == ["why", "answer", "no", "{}", "{}", "tool said"]


def test_messages_model_view_covers_system_blocks_tools() -> None:
    body: dict[str, Any] = {
        "model": "m",
        "system": [{"type": "text", "text": "sys"}],
        "messages": [
            {"role": "user", "content": "plain"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                {"type": "tool_use", "id": "t", "name": "lookup",
                 "input": {"q": "deep", "n": [1, "two"]}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "t",
                 "content": [{"type": "text", "text": "res"}]},
                {"type": "image", "source": {"type": "base64", "data": "AAAA"}},
                {"type": "document", "title": "doc",
                 "source": {"type": "text", "media_type": "text/plain", "data": "doc body"}}]},
        ],
        "tools": [{"name": "lookup", "description": "finds", "input_schema": {}}],
    }  # fmt: skip
    assert MESSAGES.check_shape(body, 100) == "m"
    got = texts(MESSAGES.request_slots(body))
    for want in ("sys", "plain", "hmm", "lookup", "deep", "two", "res", "doc", "doc body",
                 "finds"):  # fmt: skip
        assert want in got
    assert "AAAA" not in got and "sig" not in got and "t" not in got


@pytest.mark.parametrize(
    "messages",
    [[], "x", [{"content": "no role"}], [{"role": "user", "content": 1}],
     [{"role": "user", "content": [{"text": "untyped"}]}],
     [{"role": "user", "content": [{"type": "tool_result", "content": 5}]}]],
)  # fmt: skip
def test_messages_bad_shapes_are_400s(messages: Any) -> None:
    with pytest.raises(BadRequest):
        MESSAGES.check_shape({"model": "m", "messages": messages}, 100)


def test_messages_unknown_blocks_are_uninspectable() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": [{"type": "new", "x": "y"}]}]}
    MESSAGES.check_shape(body, 100)
    with pytest.raises(Uninspectable):
        MESSAGES.request_slots(body)


def test_messages_reply_text() -> None:
    body = {"content": [{"type": "text", "text": "hi"}, {"type": "thinking", "thinking": "t"},
                        {"type": "tool_use", "name": "f", "input": {"a": "b"}}]}  # fmt: skip
    assert texts(MESSAGES.reply_slots(body)) == ["hi", "t", "b"]


def test_error_shapes() -> None:
    violation = PolicyViolation("pii.email", ("pii.email",), outcome="blocked_input")
    anthropic = orjson.loads(MESSAGES.error_body(violation))
    assert anthropic["type"] == "error"
    assert anthropic["error"]["type"] == "invalid_request_error"
    assert anthropic["error"]["findings"] == ["pii.email"]
    limited = orjson.loads(MESSAGES.error_body(RateLimited("requests", {})))
    assert limited["error"]["type"] == "rate_limit_error"
    assert MESSAGES.error_event(violation).startswith(b"event: error\ndata: {")
    assert orjson.loads(RESPONSES.error_body(violation))["error"]["code"] == (
        "content_policy_violation"
    )
