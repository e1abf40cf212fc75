"""Anthropic's Messages API through the proxy, with the official anthropic SDK as the client
(streamed and not) and the mock model on loopback: the model view is filtered on input, text
and tool input on output, blocks before and after the first byte end the way the SDK knows
(`stop_reason: "refusal"`), and errors arrive as the SDK's own exception classes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import orjson
import pytest

from tests.integration.test_filters_e2e import DEFAULT_POLICIES, with_policy
from tests.support import Stack, base_config

EMAIL = "jane.doe@acme-corp.io"
SECRET = "AKIAIOSFODNN7EXAMPLE"
HI: Any = [{"role": "user", "content": "hi"}]


def _blocking(style: str) -> Any:
    output = [{"type": "secrets", "action": "block"}]
    return with_policy({"default": {"output": output, "stream": {"block_style": style}}})


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with Stack(with_policy(DEFAULT_POLICIES)) as s:
        yield s


@pytest.fixture(scope="module")
def blocking() -> Iterator[Stack]:
    with Stack(_blocking("finish")) as s:
        yield s


def client(stack: Stack) -> anthropic.Anthropic:
    c = anthropic.Anthropic(base_url=stack.url, api_key="k", max_retries=0)
    stack.on_exit(c.close)
    return c


def forwarded(stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(stack.mocks[0].received[-1].body)
    return body


def test_non_streamed_reply_is_redacted_and_well_formed(stack: Stack) -> None:
    reply = client(stack).messages.create(
        model="m", max_tokens=50, messages=HI,
        extra_body={"mock": {"reply": f"write to {EMAIL} today"}},
    )  # fmt: skip
    assert [b.type for b in reply.content] == ["text"]
    assert reply.content[0].text == "write to [REDACTED:EMAIL] today"  # type: ignore[union-attr]
    assert reply.stop_reason == "end_turn"
    assert reply.usage.output_tokens == 4
    # The API version goes on; the client's own key stays at the proxy.
    headers = {k.lower(): v for k, v in stack.mocks[0].received[-1].headers.items()}
    assert headers.get("anthropic-version")  # whatever the SDK speaks
    assert "x-api-key" not in headers


def test_the_model_view_is_redacted_on_input(stack: Stack) -> None:
    messages: Any = [
        {"role": "user", "content": [{"type": "text", "text": f"I am {EMAIL}"}]},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "t1", "name": "lookup", "input": {"who": EMAIL}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": f"found {EMAIL}"}]},
    ]  # fmt: skip
    tools: Any = [{"name": "lookup", "description": f"mails {EMAIL}",
                   "input_schema": {"type": "object", "properties": {}}}]  # fmt: skip
    client(stack).messages.create(
        model="m", max_tokens=50, system=f"Reply to {EMAIL}.", messages=messages, tools=tools
    )
    sent = forwarded(stack)
    assert EMAIL not in orjson.dumps(sent).decode()
    assert sent["system"] == "Reply to [REDACTED:EMAIL]."
    assert sent["messages"][1]["content"][0]["input"] == {"who": "[REDACTED:EMAIL]"}
    assert sent["messages"][2]["content"][0]["content"] == "found [REDACTED:EMAIL]"
    assert sent["tools"][0]["description"] == "mails [REDACTED:EMAIL]"


def test_stream_text_is_redacted_and_the_sdk_assembles_it(stack: Stack) -> None:
    pieces = ["write to jane.", "doe@acme", "-corp.io to", "day"]
    with client(stack).messages.stream(
        model="m", max_tokens=50, messages=HI, extra_body={"mock": {"pieces": pieces}}
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    assert "acme" not in "".join(e.model_dump_json() for e in events)
    deltas = "".join(
        e.delta.text for e in events
        if e.type == "content_block_delta" and e.delta.type == "text_delta"
    )  # fmt: skip
    assert deltas == "write to [REDACTED:EMAIL] today"
    assert final.content[0].text == deltas  # type: ignore[union-attr]
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 4


def test_streamed_tool_input_json_is_filtered(stack: Stack) -> None:
    args = orjson.dumps({"to": EMAIL, "body": "hello"}).decode()
    script = {"tool_call": {"name": "send_mail", "arguments": args}, "chunks": 7}
    with client(stack).messages.stream(
        model="m", max_tokens=50, messages=HI, extra_body={"mock": script}
    ) as stream:
        final = stream.get_final_message()
    block = final.content[0]
    assert block.type == "tool_use"
    assert block.input == {"to": "[REDACTED:EMAIL]", "body": "hello"}
    assert final.stop_reason == "tool_use"


def test_a_block_after_the_first_byte_stops_with_refusal(blocking: Stack) -> None:
    pieces = ["fine text here. ", "and more fine text. ", SECRET, " tail"]
    with client(blocking).messages.stream(
        model="m", max_tokens=50, messages=HI, extra_body={"mock": {"pieces": pieces}}
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    assert "EXAMPLE" not in "".join(e.model_dump_json() for e in events)
    assert final.stop_reason == "refusal"
    assert final.content[0].text.startswith("fine text here.")  # type: ignore[union-attr]
    assert [e.type for e in events][-2:] == ["message_delta", "message_stop"]


def test_a_block_before_the_first_byte_is_the_sdks_bad_request(blocking: Stack) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client(blocking).messages.create(
            model="m", max_tokens=50, messages=HI, stream=True,
            extra_body={"mock": {"pieces": [SECRET]}},
        )  # fmt: skip
    body: Any = info.value.body
    assert body["type"] == "error"
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["code"] == "content_policy_violation"
    with pytest.raises(anthropic.BadRequestError):
        client(blocking).messages.create(
            model="m", max_tokens=50, messages=HI,
            extra_body={"mock": {"reply": f"key {SECRET}"}},
        )  # fmt: skip


def test_an_error_event_block_style_raises_in_the_stream() -> None:
    with Stack(_blocking("error_event")) as s:
        pieces = ["fine text here. ", "and more fine text. ", SECRET]
        stream = client(s).messages.create(
            model="m", max_tokens=50, messages=HI, stream=True,
            extra_body={"mock": {"pieces": pieces}},
        )  # fmt: skip
        seen: list[str] = []
        # Mid-stream, the SDK raises its status error with the stream's 200 and our body.
        with pytest.raises(anthropic.APIStatusError) as info:
            for event in stream:
                seen.append(event.model_dump_json())
        assert seen and "EXAMPLE" not in "".join(seen)
        body: Any = info.value.body
        assert body["error"]["code"] == "content_policy_violation"


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ([{"role": "user", "content": 5}], "invalid_request"),
        ([], "invalid_request"),
        ([{"role": "user", "content": [{"text": "no type"}]}], "invalid_request"),
        ([{"role": "user", "content": [{"type": "future_block", "text": "x"}]}],
         "uninspectable_input"),
    ],
)  # fmt: skip
def test_bad_content_is_refused_in_anthropics_shape(
    stack: Stack, messages: list[Any], code: str
) -> None:
    before = len(stack.mocks[0].received)
    with pytest.raises(anthropic.BadRequestError) as info:
        client(stack).messages.create(model="m", max_tokens=5, messages=messages)
    body: Any = info.value.body
    assert body["type"] == "error" and body["error"]["code"] == code
    assert len(stack.mocks[0].received) == before


@pytest.mark.parametrize(
    ("fault", "exc_type"),
    [
        ("429", anthropic.RateLimitError),
        ("500", anthropic.InternalServerError),
        ("malformed", anthropic.InternalServerError),
    ],
)
def test_upstream_errors_raise_the_sdks_exceptions(
    fault: str, exc_type: type[anthropic.APIStatusError]
) -> None:
    with Stack(base_config) as s, pytest.raises(exc_type):
        client(s).messages.create(
            model="m", max_tokens=5, messages=HI, extra_body={"mock": {"fault": fault}}
        )


def test_a_reset_mid_stream_is_an_error_event_the_sdk_raises() -> None:
    with Stack(base_config) as s:
        stream = client(s).messages.create(
            model="m", max_tokens=5, messages=HI, stream=True,
            extra_body={"mock": {"reply": "a b c d e", "fault": "reset", "fault_after": 2}},
        )  # fmt: skip
        with pytest.raises(anthropic.APIStatusError) as info:
            list(stream)
        body: Any = info.value.body
        assert body["type"] == "error" and body["error"]["type"] == "api_error"


def test_tokens_are_counted_from_message_start_and_message_delta() -> None:
    with Stack(base_config) as s:
        with client(s).messages.stream(
            model="m", max_tokens=5, messages=HI, extra_body={"mock": {"reply": "a b c"}}
        ) as stream:
            final = stream.get_final_message()
        s.recorded(1)
        labels = {"route": "main", "tenant": "default"}
        out = s.metric("safeproxy_tokens_total", {**labels, "direction": "output"})
        assert out == final.usage.output_tokens == 3
        tokens_in = s.metric("safeproxy_tokens_total", {**labels, "direction": "input"})
        assert tokens_in == final.usage.input_tokens


def test_the_proxys_own_rate_limit_is_the_sdks_rate_limit_error() -> None:
    def limited(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["rate_limits"] = {"rules": [{"name": "rpm", "requests": {"per_minute": 1}}]}
        return cfg

    with Stack(limited) as s:
        client(s).messages.create(model="m", max_tokens=5, messages=HI)
        with pytest.raises(anthropic.RateLimitError) as refused:
            client(s).messages.create(model="m", max_tokens=5, messages=HI)
        body: Any = refused.value.body
        assert body["type"] == "error" and body["error"]["type"] == "rate_limit_error"
        assert int(refused.value.response.headers["retry-after"]) >= 1
        assert len(s.mocks[0].received) == 1


def test_x_api_key_is_the_clients_api_key(tmp_path: Any) -> None:
    """With `auth.mode: api_keys`, Anthropic's documented header (`x-api-key`, what its HTTP
    examples and older SDKs send) identifies the client as a bearer key does (the SDK of
    today sends the key as a bearer); a wrong one is refused, and neither reaches the model
    server."""
    key = "sk-ant-team-b-0123456789"

    def keyed(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        digest = hashlib.sha256(key.encode()).hexdigest()
        cfg["auth"] = {"mode": "api_keys", "keys": [{"sha256": digest, "tenant": "team-b"}]}
        cfg["telemetry"] = {"audit": {"path": str(tmp_path / "audit.jsonl")}}
        return cfg

    body = {"model": "m", "max_tokens": 20, "messages": HI}

    def post(headers: dict[str, str]) -> httpx.Response:
        headers = {"anthropic-version": "2023-06-01", **headers}
        return httpx.post(s.url + "/v1/messages", json=body, headers=headers, timeout=10)

    with Stack(keyed) as s:
        assert post({"x-api-key": "sk-ant-wrong"}).status_code == 401
        assert post({}).status_code == 401
        assert s.mocks[0].received == []  # refused at the proxy
        reply = post({"x-api-key": key})
        assert reply.status_code == 200 and reply.json()["content"]
        sdk = anthropic.Anthropic(base_url=s.url, api_key=key, max_retries=0)
        s.on_exit(sdk.close)
        assert sdk.messages.create(model="m", max_tokens=20, messages=HI).content
        for received in s.mocks[0].received:
            headers = {k.lower() for k in received.headers}
            assert "x-api-key" not in headers and "authorization" not in headers
    records = [orjson.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    tenants = [r["tenant"] for r in records if r["type"] == "request" and r["status"] == 200]
    assert tenants == ["team-b", "team-b"]
    assert key not in (tmp_path / "audit.jsonl").read_text()
