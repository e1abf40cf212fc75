"""OpenAI's Responses API through the proxy, with the official openai SDK's
`client.responses.create` as the client (streamed and not) and the mock model on loopback:
the model view is filtered on input, output text and function-call arguments are filtered
on output, blocks before and after the first byte, bad input, and token accounting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import orjson
import pytest

from tests.integration.test_filters_e2e import DEFAULT_POLICIES, with_policy
from tests.support import Stack, base_config

EMAIL = "jane.doe@acme-corp.io"
SECRET = "AKIAIOSFODNN7EXAMPLE"
BLOCKING = {"default": {"output": [{"type": "secrets", "action": "block"}]}}


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with Stack(with_policy(DEFAULT_POLICIES)) as s:
        yield s


@pytest.fixture(scope="module")
def blocking() -> Iterator[Stack]:
    with Stack(with_policy(BLOCKING)) as s:
        yield s


def client(stack: Stack) -> openai.OpenAI:
    c = openai.OpenAI(base_url=stack.url + "/v1", api_key="k", max_retries=0)
    stack.on_exit(c.close)
    return c


def forwarded(stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(stack.mocks[0].received[-1].body)
    return body


def test_non_streamed_reply_is_redacted_and_well_formed(stack: Stack) -> None:
    reply = client(stack).responses.create(
        model="m", input="hi", extra_body={"mock": {"reply": f"write to {EMAIL} today"}}
    )
    assert reply.output_text == "write to [REDACTED:EMAIL] today"
    assert reply.status == "completed"
    assert reply.usage is not None and reply.usage.output_tokens == 4


def test_the_model_view_is_redacted_on_input(stack: Stack) -> None:
    items: Any = [
        {"role": "user", "content": [{"type": "input_text", "text": f"I am {EMAIL}"}]},
        {"type": "function_call", "call_id": "c1", "name": "lookup",
         "arguments": orjson.dumps({"who": EMAIL}).decode()},
        {"type": "function_call_output", "call_id": "c1", "output": f"found {EMAIL}"},
    ]  # fmt: skip
    tools: Any = [{"type": "function", "name": "lookup", "description": f"mails {EMAIL}",
                   "parameters": {"type": "object", "properties": {}}}]  # fmt: skip
    client(stack).responses.create(
        model="m", instructions=f"Reply to {EMAIL}.", input=items, tools=tools
    )
    sent = forwarded(stack)
    assert EMAIL not in orjson.dumps(sent).decode()
    assert sent["instructions"] == "Reply to [REDACTED:EMAIL]."
    assert sent["input"][2]["output"] == "found [REDACTED:EMAIL]"
    assert orjson.loads(sent["input"][1]["arguments"]) == {"who": "[REDACTED:EMAIL]"}


def test_stream_reassembles_redacted_text_in_every_event(stack: Stack) -> None:
    pieces = ["write to jane.", "doe@acme", "-corp.io to", "day"]
    events: list[Any] = list(
        client(stack).responses.create(
            model="m", input="hi", stream=True, extra_body={"mock": {"pieces": pieces}}
        )
    )
    raw = "".join(e.model_dump_json() for e in events)
    assert "acme" not in raw
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == "write to [REDACTED:EMAIL] today"
    done = [e for e in events if e.type == "response.output_text.done"]
    assert [e.text for e in done] == [deltas]
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == deltas
    # Structure passes through, in the API's order.
    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-3:] == [
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]


def test_streamed_function_call_arguments_are_filtered(stack: Stack) -> None:
    args = orjson.dumps({"to": EMAIL, "body": "hello"}).decode()
    script = {"tool_call": {"name": "send_mail", "arguments": args}, "chunks": 7}
    events: list[Any] = list(
        client(stack).responses.create(
            model="m", input="hi", stream=True, extra_body={"mock": script}
        )
    )
    assert EMAIL not in "".join(e.model_dump_json() for e in events)
    deltas = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    assert orjson.loads(deltas) == {"to": "[REDACTED:EMAIL]", "body": "hello"}
    final = events[-1].response.output[0]
    assert final.type == "function_call" and final.arguments == deltas


def test_a_block_after_the_first_byte_ends_with_response_incomplete(blocking: Stack) -> None:
    pieces = ["fine text here. ", "and more fine text. ", SECRET, " tail"]
    events: list[Any] = list(
        client(blocking).responses.create(
            model="m", input="hi", stream=True, extra_body={"mock": {"pieces": pieces}}
        )
    )
    assert "EXAMPLE" not in "".join(e.model_dump_json() for e in events)
    last = events[-1]
    assert last.type == "response.incomplete"
    assert last.response.status == "incomplete"
    assert last.response.incomplete_details is not None
    assert last.response.incomplete_details.reason == "content_filter"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta").startswith(
        "fine text here."
    )


def test_the_sdks_stream_helper_sees_the_block_as_an_incomplete_response(
    blocking: Stack,
) -> None:
    pieces = ["fine text here. ", "and more fine text. ", SECRET, " tail"]
    with client(blocking).responses.stream(
        model="m", input="hi", extra_body={"mock": {"pieces": pieces}}
    ) as stream:
        events: list[Any] = list(stream)
        # As for any incomplete response (max_output_tokens, say): there is no final one.
        with pytest.raises(RuntimeError, match=r"response\.completed"):
            stream.get_final_response()
    assert events[-1].type == "response.incomplete"
    assert events[-1].response.incomplete_details.reason == "content_filter"
    assert "EXAMPLE" not in "".join(e.model_dump_json() for e in events)


def test_a_block_before_the_first_byte_is_an_http_error(blocking: Stack) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        list(
            client(blocking).responses.create(
                model="m", input="hi", stream=True, extra_body={"mock": {"pieces": [SECRET]}}
            )
        )
    assert info.value.code == "content_policy_violation"
    with pytest.raises(openai.BadRequestError):
        client(blocking).responses.create(
            model="m", input="hi", extra_body={"mock": {"reply": f"key {SECRET}"}}
        )


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"role": "user", "content": 5}], "invalid_request"),
        (["not an item"], "invalid_request"),
        ([{"type": "function_call", "name": "f"}], "invalid_request"),
        ([{"type": "future_item", "text": "unseen words"}], "uninspectable_input"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_forwarded(
    stack: Stack, items: list[Any], code: str
) -> None:
    before = len(stack.mocks[0].received)
    with pytest.raises(openai.BadRequestError) as info:
        client(stack).responses.create(model="m", input=items)
    assert info.value.code == code
    assert len(stack.mocks[0].received) == before


def test_tokens_are_counted_from_the_streams_usage() -> None:
    with Stack(base_config) as s:
        events: list[Any] = list(
            client(s).responses.create(
                model="m", input="hi", stream=True, extra_body={"mock": {"reply": "a b c d"}}
            )
        )
        assert events[-1].response.usage.output_tokens == 4
        s.recorded(1)
        labels = {"route": "main", "tenant": "default"}
        assert s.metric("safeproxy_tokens_total", {**labels, "direction": "output"}) == 4.0
        assert s.metric("safeproxy_tokens_total", {**labels, "direction": "input"}) == 1.0


def test_a_token_limit_clamps_max_output_tokens() -> None:
    limits = {"default": {"input": [{"type": "limits", "max_tokens": 100}]}}
    with Stack(with_policy(limits)) as s:
        client(s).responses.create(model="m", input="hi", max_output_tokens=5000)
        assert forwarded(s)["max_output_tokens"] == 100
        assert "max_tokens" not in forwarded(s)


def test_an_unbounded_response_gets_the_policys_cap_and_items_count_as_messages() -> None:
    limits = {"default": {"input": [{"type": "limits", "max_tokens": 100, "max_messages": 2}]}}
    with Stack(with_policy(limits)) as s:
        client(s).responses.create(model="m", input="hi")
        assert forwarded(s)["max_output_tokens"] == 100  # the API's own key, added
        assert "max_tokens" not in forwarded(s)
        items: Any = [{"role": "user", "content": "hi"}] * 3
        with pytest.raises(openai.BadRequestError) as refused:
            client(s).responses.create(model="m", input=items)
        assert isinstance(refused.value.body, dict)
        assert refused.value.body["reason"] == "limits.max_messages"
        client(s).responses.create(model="m", input=items[:2])  # two items: within the limit


def test_a_route_that_allows_uninspectable_input_passes_an_unknown_item_on() -> None:
    pii = {"default": {"input": [{"type": "pii", "action": "redact"}]}}
    item = {"type": "future_item", "text": f"mail {EMAIL}"}
    with Stack(with_policy(pii, allow_uninspectable=True)) as s:
        client(s).responses.create(model="m", input=[item])  # type: ignore[list-item]
        assert forwarded(s)["input"] == [item]  # unread, so unredacted: recorded as degraded
        s.recorded(1, outcome="allowed")
        labels = {"route": "main", "reason": "uninspectable_allowed"}
        assert s.metric("safeproxy_degraded_total", labels) == 1.0
