"""The official OpenAI SDK, sync and async, against the proxy and the mock model on loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest

from tests.support import Stack, base_config, dead_url

MESSAGES: list[Any] = [{"role": "user", "content": "Hello there"}]


def client(stack: Stack) -> openai.OpenAI:
    c = openai.OpenAI(base_url=stack.url + "/v1", api_key="client-key", max_retries=0)
    stack.on_exit(c.close)
    return c


def test_sync_chat_non_streaming(stack: Stack) -> None:
    reply = client(stack).chat.completions.create(
        model="m", messages=MESSAGES, extra_body={"mock": {"reply": "Hi, human."}}
    )
    assert reply.choices[0].message.content == "Hi, human."
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.completion_tokens == 2
    assert reply.id.startswith("chatcmpl-")


def test_sync_chat_streaming_reassembles_the_reply(stack: Stack) -> None:
    text = "one two three four five six seven"
    chunks = list(
        client(stack).chat.completions.create(
            model="m", messages=MESSAGES, stream=True, extra_body={"mock": {"reply": text}}
        )
    )
    got = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert got == text
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_stream_usage_chunk_passes_through(stack: Stack) -> None:
    chunks = list(
        client(stack).chat.completions.create(
            model="m",
            messages=MESSAGES,
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"mock": {"reply": "a b c"}},
        )
    )
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3


def test_async_chat_streaming_and_not(stack: Stack) -> None:
    async def run() -> tuple[str, str]:
        c = openai.AsyncOpenAI(base_url=stack.url + "/v1", api_key="k", max_retries=0)
        try:
            whole = await c.chat.completions.create(
                model="m", messages=MESSAGES, extra_body={"mock": {"reply": "async ok"}}
            )
            parts = []
            stream = await c.chat.completions.create(
                model="m",
                messages=MESSAGES,
                stream=True,
                extra_body={"mock": {"reply": "streamed ünïcödé ✓ ok"}},
            )
            async for chunk in stream:
                if chunk.choices:
                    parts.append(chunk.choices[0].delta.content or "")
            return whole.choices[0].message.content or "", "".join(parts)
        finally:
            await c.close()

    whole, streamed = asyncio.run(run())
    assert whole == "async ok"
    assert streamed == "streamed ünïcödé ✓ ok"


def test_completions_embeddings_and_models(stack: Stack) -> None:
    c = client(stack)
    comp = c.completions.create(model="m", prompt="Say", extra_body={"mock": {"reply": "said"}})
    assert comp.choices[0].text == "said"
    streamed = "".join(
        ch.choices[0].text
        for ch in c.completions.create(
            model="m", prompt="Say", stream=True, extra_body={"mock": {"reply": "x y z"}}
        )
    )
    assert streamed == "x y z"
    emb = c.embeddings.create(model="m", input=["a", "b"])
    assert [d.index for d in emb.data] == [0, 1]
    assert len(emb.data[0].embedding) == 8
    assert [m.id for m in c.models.list()] == ["mock-model"]


@pytest.mark.parametrize(
    ("fault", "exc_type", "status"),
    [
        ("500", openai.InternalServerError, 500),
        ("503", openai.InternalServerError, 503),
        ("429", openai.RateLimitError, 429),
        ("malformed", openai.InternalServerError, 502),
    ],
)
def test_upstream_errors_raise_the_matching_sdk_exception(
    stack: Stack, fault: str, exc_type: type[openai.APIStatusError], status: int
) -> None:
    with pytest.raises(exc_type) as info:
        client(stack).chat.completions.create(
            model="m", messages=MESSAGES, extra_body={"mock": {"fault": fault}}
        )
    assert info.value.status_code == status


def test_upstream_error_body_passes_through(stack: Stack) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client(stack).chat.completions.create(
            model="m", messages=MESSAGES, extra_body={"mock": {"fault": "429"}}
        )
    assert info.value.code == "mock_429"


def test_bad_request_and_payload_too_large() -> None:
    with Stack(lambda urls: base_config(urls, limits={"max_body_bytes": 4096})) as stack:
        c = client(stack)
        nested: Any = "x"
        for _ in range(40):
            nested = [nested]
        with pytest.raises(openai.BadRequestError) as bad:
            c.chat.completions.create(model="m", messages=MESSAGES, extra_body={"x": nested})
        assert bad.value.code == "invalid_request"
        with pytest.raises(openai.APIStatusError) as big:
            c.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "x" * 10_000}]
            )
        assert big.value.status_code == 413
        assert big.value.code == "payload_too_large"


def test_unrouted_model_is_not_found() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["routes"][0]["match"] = {"model": "llama-*"}
        return cfg

    with Stack(config) as stack:
        c = client(stack)
        assert c.chat.completions.create(model="llama-3", messages=MESSAGES).choices
        with pytest.raises(openai.NotFoundError) as info:
            c.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        assert info.value.code == "model_not_found"


def test_unreachable_upstream_is_502() -> None:
    with Stack(mocks=0, extra_upstreams=[dead_url()]) as stack:
        with pytest.raises(openai.InternalServerError) as info:
            client(stack).chat.completions.create(model="m", messages=MESSAGES)
        assert info.value.status_code == 502
        assert info.value.code == "upstream_unavailable"


def test_first_byte_timeout_is_504() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["timeout"] = {"first_byte_s": 0.3}
        return cfg

    with Stack(config) as stack:
        with pytest.raises(openai.InternalServerError) as info:
            client(stack).chat.completions.create(
                model="m", messages=MESSAGES, extra_body={"mock": {"fault": "stall"}}
            )
        assert info.value.status_code == 504
        assert info.value.code == "upstream_timeout"


def test_failure_after_stream_started_is_an_in_band_error(stack: Stack) -> None:
    stream = client(stack).chat.completions.create(
        model="m",
        messages=MESSAGES,
        stream=True,
        extra_body={"mock": {"reply": "a b c d e", "fault": "reset", "fault_after": 2}},
    )
    received: list[str] = []
    with pytest.raises(openai.APIError) as info:
        for chunk in stream:
            if chunk.choices:
                received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == "a b "
    assert "upstream" in info.value.message
