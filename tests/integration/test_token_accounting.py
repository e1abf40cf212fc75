"""Token accounting for every request, streams included: the proxy asks a stream for usage
(and hides the usage chunk from a client that did not ask), exports the counts by route,
tenant and direction, puts them on spans, and settles token limits with them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import openai
import orjson
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.support import Stack, base_config

MESSAGES: list[Any] = [{"role": "user", "content": "Hello there"}]
REPLY = "one two three four five"  # the mock streams it as 5 pieces: 5 output tokens
# The mock's prompt_tokens: the serialised messages' length / 4.
PROMPT_TOKENS = len(orjson.dumps(MESSAGES)) // 4


def sdk(stack: Stack, key: str = "k") -> openai.OpenAI:
    c = openai.OpenAI(base_url=stack.url + "/v1", api_key=key, max_retries=0)
    stack.on_exit(c.close)
    return c


def tokens(stack: Stack, direction: str, tenant: str = "default") -> float | None:
    labels = {"route": "main", "tenant": tenant, "direction": direction}
    return stack.metric("safeproxy_tokens_total", labels)


def forwarded(stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(stack.mocks[0].received[-1].body)
    return body


def test_a_stream_without_include_usage_is_counted_and_gets_no_usage_chunk(
    stack: Stack,
) -> None:
    chunks = list(
        sdk(stack).chat.completions.create(
            model="m", messages=MESSAGES, stream=True, extra_body={"mock": {"reply": REPLY}}
        )
    )
    # What the client asked for: text chunks only, the last one with the finish reason.
    assert all(c.choices and c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == REPLY
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert forwarded(stack)["stream_options"] == {"include_usage": True}
    stack.recorded(1)
    assert tokens(stack, "output") == 5.0
    assert tokens(stack, "input") == float(PROMPT_TOKENS)


def test_a_stream_with_include_usage_keeps_its_usage_chunk(stack: Stack) -> None:
    chunks = list(
        sdk(stack).chat.completions.create(
            model="m",
            messages=MESSAGES,
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"mock": {"reply": REPLY}},
        )
    )
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5
    assert sum(1 for c in chunks if c.usage is not None) == 1
    stack.recorded(1)
    assert tokens(stack, "output") == 5.0


def test_a_client_stream_options_object_keeps_its_other_fields(stack: Stack) -> None:
    options = {"include_usage": False, "x_extra": 1}
    body = {"model": "m", "messages": MESSAGES, "stream": True, "stream_options": options,
            "mock": {"reply": REPLY}}  # fmt: skip
    text = httpx.post(stack.url + "/v1/chat/completions", json=body, timeout=10).text
    assert '"usage":{' not in text and text.rstrip().endswith("data: [DONE]")
    assert forwarded(stack)["stream_options"] == {"include_usage": True, "x_extra": 1}
    stack.recorded(1)
    assert tokens(stack, "output") == 5.0


def test_an_upstream_that_refuses_stream_options_is_not_asked() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["stream_usage"] = False
        return cfg

    with Stack(config) as stack:
        chunks = list(
            sdk(stack).chat.completions.create(
                model="m", messages=MESSAGES, stream=True, extra_body={"mock": {"reply": REPLY}}
            )
        )
        assert "".join(c.choices[0].delta.content or "" for c in chunks) == REPLY
        assert "stream_options" not in forwarded(stack)
        stack.recorded(1)
        assert tokens(stack, "output") is None  # no usage: nothing counted (documented)


def test_a_fallback_that_is_not_asked_gets_the_clients_body() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][1]["stream_usage"] = False
        cfg["routes"][0]["fallbacks"] = ["u1"]
        return cfg

    with Stack(config, mocks=2) as stack:
        stack.mocks[0].defaults = {"fault": "503"}
        body = {"model": "m", "messages": MESSAGES, "stream": True, "mock": {"reply": REPLY}}
        text = httpx.post(stack.url + "/v1/chat/completions", json=body, timeout=10).text
        assert text.rstrip().endswith("data: [DONE]") and '"usage"' not in text
        first = orjson.loads(stack.mocks[0].received[-1].body)
        second = orjson.loads(stack.mocks[1].received[-1].body)
        assert first["stream_options"] == {"include_usage": True}
        assert "stream_options" not in second and second["messages"] == MESSAGES


def test_a_legacy_completions_stream_is_counted_too(stack: Stack) -> None:
    chunks = list(
        sdk(stack).completions.create(
            model="m", prompt="Say hi", stream=True, extra_body={"mock": {"reply": REPLY}}
        )
    )
    assert all(c.choices for c in chunks)
    stack.recorded(1)
    assert tokens(stack, "output") == 5.0


def test_a_whole_reply_is_counted_from_its_usage(stack: Stack) -> None:
    reply = sdk(stack).chat.completions.create(
        model="m", messages=MESSAGES, extra_body={"mock": {"reply": REPLY}}
    )
    assert reply.usage is not None
    assert "stream_options" not in forwarded(stack)
    assert tokens(stack, "input") == float(reply.usage.prompt_tokens)
    assert tokens(stack, "output") == float(reply.usage.completion_tokens) == 5.0


def test_tokens_are_labelled_with_the_configured_tenant(tmp_path: Path) -> None:
    key = "sk-team-a-secret"

    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        digest = hashlib.sha256(key.encode()).hexdigest()
        cfg["auth"] = {"mode": "api_keys", "keys": [{"sha256": digest, "tenant": "team-a"}]}
        return cfg

    with Stack(config) as stack:
        list(
            sdk(stack, key).chat.completions.create(
                model="m", messages=MESSAGES, stream=True, extra_body={"mock": {"reply": REPLY}}
            )
        )
        stack.recorded(1)
        assert tokens(stack, "output", tenant="team-a") == 5.0
        assert tokens(stack, "output") is None


def test_spans_carry_the_genai_usage_of_a_stream() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with Stack(tracer_provider=provider) as stack:
        list(
            sdk(stack).chat.completions.create(
                model="m", messages=MESSAGES, stream=True, extra_body={"mock": {"reply": REPLY}}
            )
        )
        stack.recorded(1)
    spans = {s.kind: s for s in exporter.get_finished_spans() if s.attributes is not None}
    for kind in (SpanKind.SERVER, SpanKind.CLIENT):
        attrs = spans[kind].attributes
        assert attrs is not None
        assert attrs["gen_ai.usage.output_tokens"] == 5
        assert attrs["gen_ai.usage.input_tokens"] == PROMPT_TOKENS


@pytest.mark.parametrize("include_usage", [False, True])
def test_a_stream_settles_the_token_limit_with_its_real_usage(include_usage: bool) -> None:
    # A 200-token bucket. A stream without max_tokens reserves its prompt estimate plus
    # default_max_tokens (10): about 40 tokens. It really spends PROMPT_TOKENS + 190, which
    # empties the bucket once settled, so the next request is refused. Left at its
    # reservation, the bucket would still hold ~160 tokens and admit it.
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["rate_limits"] = {
            "rules": [{"name": "tpm", "tokens": {"per_minute": 200}}],
            "default_max_tokens": 10,
        }
        return cfg

    with Stack(config) as stack:
        extra: dict[str, Any] = {"mock": {"reply": "x" * 190, "chunks": 190}}
        if include_usage:
            extra["stream_options"] = {"include_usage": True}
        list(
            sdk(stack).chat.completions.create(
                model="m", messages=MESSAGES, stream=True, extra_body=extra
            )
        )
        stack.recorded(1)
        assert tokens(stack, "output") == 190.0
        with pytest.raises(openai.RateLimitError):
            sdk(stack).chat.completions.create(model="m", messages=MESSAGES)
    assert stack.metric("safeproxy_rate_limited_total", {"route": "main", "kind": "tokens"}) == 1


def test_the_audit_record_of_a_stream_has_its_tokens_and_an_upstream_error_its_reason(
    tmp_path: Path,
) -> None:
    audit = tmp_path / "audit.jsonl"

    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["telemetry"] = {"audit": {"path": str(audit), "fsync": "every_record"}}
        return cfg

    with Stack(config) as stack:
        list(
            sdk(stack).chat.completions.create(
                model="m", messages=MESSAGES, stream=True, extra_body={"mock": {"reply": REPLY}}
            )
        )
        with pytest.raises(openai.InternalServerError):
            sdk(stack).chat.completions.create(
                model="m", messages=MESSAGES, extra_body={"mock": {"fault": "500"}}
            )
        stack.recorded(1)
        stack.recorded(1, "upstream_http_error")
    records = [orjson.loads(line) for line in audit.read_text().splitlines()]
    requests = [r for r in records if r["type"] == "request"]
    assert len(requests) == 2
    (stream,) = [r for r in requests if r["stream"]]
    (failed,) = [r for r in requests if not r["stream"]]
    assert stream["stream"] is True and stream["outcome"] == "allowed"
    assert stream["tokens"] == {"input": PROMPT_TOKENS, "output": 5}
    assert "upstream_error" not in stream
    assert failed["outcome"] == "upstream_http_error" and failed["status"] == 500
    assert failed["upstream_error"] == "http_5xx"
