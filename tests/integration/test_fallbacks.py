"""Fallbacks: taken only when nothing was sent, or on 429/503 before the client got a byte."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from tests.support import Stack, base_config, dead_url

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def with_fallback(urls: list[str], model: str | None = None) -> dict[str, Any]:
    cfg = base_config(urls)
    fb: dict[str, Any] = {"upstream": "u1"}
    if model is not None:
        fb["model"] = model
    cfg["routes"][0]["fallbacks"] = [fb]
    return cfg


def post(stack: Stack, **mock: Any) -> httpx.Response:
    body = {**CHAT, "mock": mock} if mock else CHAT
    return httpx.post(stack.url + "/v1/chat/completions", json=body)


def test_connect_failure_goes_to_the_fallback() -> None:
    # u0 is the dead URL (listed first), u1 the live mock.
    def config(urls: list[str]) -> dict[str, Any]:
        return with_fallback([urls[1], urls[0]])

    with Stack(config, extra_upstreams=[dead_url()]) as stack:
        resp = post(stack)
        assert resp.status_code == 200
        assert len(stack.mocks[0].received) == 1
        assert stack.metric("safeproxy_fallbacks_total", {"route": "main", "upstream": "u1"}) == 1


def test_429_and_503_go_to_the_fallback_with_its_model_name() -> None:
    with Stack(lambda urls: with_fallback(urls, model="backup-model"), mocks=2) as stack:
        for fault in ("429", "503"):
            stack.mocks[0].defaults = {"fault": fault}
            resp = post(stack, reply="from backup")
            assert resp.status_code == 200
            assert resp.json()["choices"][0]["message"]["content"] == "from backup"
        sent = [orjson.loads(r.body)["model"] for r in stack.mocks[1].received]
        assert sent == ["backup-model", "backup-model"]


def test_500_is_passed_through_not_retried() -> None:
    with Stack(with_fallback, mocks=2) as stack:
        stack.mocks[0].defaults = {"fault": "500"}
        resp = post(stack)
        assert resp.status_code == 500
        assert resp.json()["error"]["code"] == "mock_500"
        assert stack.mocks[1].received == []


def test_a_sent_post_is_never_retried() -> None:
    with Stack(with_fallback, mocks=2) as stack:
        stack.mocks[0].defaults = {"fault": "reset"}
        resp = post(stack)
        assert resp.status_code == 502
        assert len(stack.mocks[0].received) == 1
        assert stack.mocks[1].received == []


def test_no_fallback_once_the_stream_has_started() -> None:
    with Stack(with_fallback, mocks=2) as stack:
        stack.mocks[0].defaults = {"reply": "a b c", "fault": "reset", "fault_after": 1}
        body = {**CHAT, "stream": True}
        resp = httpx.post(stack.url + "/v1/chat/completions", json=body)
        assert resp.status_code == 200
        assert b'"code":"upstream_reset"' in resp.content
        assert stack.mocks[1].received == []


def test_least_in_flight_balancing_uses_every_base_url() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"] = [{"name": "u0", "base_urls": urls}]
        return cfg

    with Stack(config, mocks=2) as stack:
        for _ in range(10):
            assert post(stack).status_code == 200
        assert len(stack.mocks[0].received) == 5
        assert len(stack.mocks[1].received) == 5
