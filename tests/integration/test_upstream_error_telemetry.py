"""Upstream failures, relayed or cut short, have their own outcome and move
`safeproxy_upstream_errors_total{upstream,reason}` (reasons: safeproxy/upstream/failures.py)."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import orjson
import pytest

from safeproxy.upstream.failures import REASONS
from tests.support import Stack, base_config, dead_url

MESSAGES: list[Any] = [{"role": "user", "content": "Hello there"}]


def sdk(stack: Stack) -> openai.OpenAI:
    c = openai.OpenAI(base_url=stack.url + "/v1", api_key="k", max_retries=0)
    stack.on_exit(c.close)
    return c


def errors(stack: Stack, reason: str, upstream: str = "u0") -> float | None:
    labels = {"upstream": upstream, "reason": reason}
    return stack.metric("safeproxy_upstream_errors_total", labels)


@pytest.mark.parametrize(
    ("fault", "status", "reason"),
    [("500", 500, "http_5xx"), ("503", 503, "http_503"), ("429", 429, "http_429")],
)
@pytest.mark.parametrize("stream", [False, True])
def test_a_relayed_error_status_is_its_own_outcome_and_an_upstream_error(
    stack: Stack, fault: str, status: int, reason: str, stream: bool
) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        sdk(stack).chat.completions.create(
            model="m", messages=MESSAGES, stream=stream, extra_body={"mock": {"fault": fault}}
        )
    assert info.value.status_code == status
    assert info.value.code == f"mock_{fault}"  # the upstream's own body, relayed
    stack.recorded(1.0, "upstream_http_error")
    assert stack.metric("safeproxy_requests_total", {"route": "main", "outcome": "allowed"}) is None
    assert errors(stack, reason) == 1.0
    assert sum(errors(stack, r) or 0.0 for r in REASONS) == 1.0


@pytest.mark.parametrize(("fault", "reason"), [("malformed", "malformed"), ("reset", "reset")])
def test_a_failed_call_before_the_reply_counts_by_reason(
    stack: Stack, fault: str, reason: str
) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        sdk(stack).chat.completions.create(
            model="m", messages=MESSAGES, extra_body={"mock": {"fault": fault}}
        )
    assert info.value.status_code == 502
    stack.recorded(1.0, "upstream_error")
    assert errors(stack, reason) == 1.0


def test_an_unreachable_upstream_counts_as_connect() -> None:
    with Stack(lambda urls: base_config([dead_url()])) as stack:
        with pytest.raises(openai.APIStatusError) as info:
            sdk(stack).chat.completions.create(model="m", messages=MESSAGES)
        assert info.value.status_code == 502
        stack.recorded(1.0, "upstream_error")
        assert errors(stack, "connect") == 1.0


def test_no_reply_within_the_first_byte_budget_counts_as_timeout() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["timeout"] = {"first_byte_s": 0.3}
        return cfg

    with Stack(config) as stack:
        with pytest.raises(openai.APIStatusError) as info:
            sdk(stack).chat.completions.create(
                model="m", messages=MESSAGES, extra_body={"mock": {"fault": "stall"}}
            )
        assert info.value.status_code == 504
        stack.recorded(1.0, "upstream_error")
        assert errors(stack, "timeout") == 1.0


def test_a_stream_reset_after_the_first_event_counts_as_stream_reset(stack: Stack) -> None:
    mock = {"reply": "a b c d", "fault": "reset", "fault_after": 2}
    body = {"model": "m", "messages": MESSAGES, "stream": True, "mock": mock}
    resp = httpx.post(stack.url + "/v1/chat/completions", json=body, timeout=10)
    assert resp.status_code == 200
    last = [e for e in resp.text.split("\n\n") if e][-1]
    assert orjson.loads(last.removeprefix("data: "))["error"]["code"] == "upstream_reset"
    stack.recorded(1.0, "upstream_error")
    assert errors(stack, "stream_reset") == 1.0


def test_an_idle_stream_counts_as_stream_timeout() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["timeout"] = {"first_byte_s": 5, "idle_s": 0.3}
        return cfg

    with Stack(config) as stack:
        mock = {"reply": "a b c d", "fault": "stall", "fault_after": 2}
        body = {"model": "m", "messages": MESSAGES, "stream": True, "mock": mock}
        resp = httpx.post(stack.url + "/v1/chat/completions", json=body, timeout=10)
        assert resp.status_code == 200
        assert '"code":"upstream_timeout"' in resp.text
        stack.recorded(1.0, "upstream_error")
        assert errors(stack, "stream_timeout") == 1.0
        assert errors(stack, "timeout") is None


def test_a_503_that_falls_back_is_counted_for_the_upstream_that_sent_it() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["routes"][0]["fallbacks"] = ["u1"]
        return cfg

    with Stack(config, mocks=2) as stack:
        stack.mocks[0].defaults = {"fault": "503"}
        reply = sdk(stack).chat.completions.create(model="m", messages=MESSAGES)
        assert reply.choices[0].message.content
        stack.recorded(1.0, "allowed")
        assert errors(stack, "http_503", "u0") == 1.0
        assert errors(stack, "http_503", "u1") is None
