"""Raw HTTP behaviour with httpx: caps, strict JSON, header hygiene, errors, metrics."""

from __future__ import annotations

import gzip
from typing import Any

import httpx
import orjson
import pytest

from tests.support import Stack, base_config

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def post(stack: Stack, body: bytes | dict[str, Any], **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    hdrs = {"Content-Type": "application/json", **headers}
    return httpx.post(stack.url + "/v1/chat/completions", content=content, headers=hdrs)


def assert_openai_error(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["code"] == code


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"model": "m", "model": "n", "messages": [{"role": "user", "content": "x"}]}', "dup"),
        (b'{"model": "m", "messages": [{"role": "user", "content": "a", "content": "b"}]}', "dup"),
        (b"[1, 2]", "not an object"),
        (b'{"model": "m", "messages": [', "truncated"),
        (b'{"model": "m", "temperature": NaN, "messages": [{"role": "u"}]}', "NaN"),
        (b"\xff\xfe{}", "not utf-8"),
        (b'{"model": "m", "messages": [{"role": "user", "content": "\\ud800"}]}', "lone surrogate"),
        (b'{"model": "m", "seed": 1e999999, "messages": [{"role": "u"}]}', "inf float"),
        (b'{"model": 5, "messages": [{"role": "user", "content": "x"}]}', "model type"),
        (b'{"model": "m", "messages": "hi"}', "messages type"),
        (b'{"model": "m", "messages": []}', "no messages"),
        (b'{"model": "m", "messages": [{"content": "x"}]}', "no role"),
        (b'{"model": "m", "stream": "yes", "messages": [{"role": "u", "content": "x"}]}', "stream"),
        (b'{"model": "m", "messages": [{"role": "u", "content": 5}]}', "content type"),
        (b"[" * 100_000 + b"]" * 100_000, "deep"),
    ],
)
def test_bad_bodies_are_400_and_never_reach_the_upstream(
    stack: Stack, body: bytes, why: str
) -> None:
    assert_openai_error(post(stack, body), 400, "invalid_request")
    assert stack.mocks[0].received == []


def test_nesting_cap_and_message_cap() -> None:
    config = lambda urls: base_config(urls, limits={"max_json_depth": 5, "max_messages": 3})  # noqa: E731
    with Stack(config) as stack:
        ok = {**CHAT, "metadata": {"a": {"b": "c"}}}
        assert post(stack, ok).status_code == 200
        deep = {**CHAT, "metadata": {"a": {"b": {"c": {"d": {}}}}}}
        assert_openai_error(post(stack, deep), 400, "invalid_request")
        many = {"model": "m", "messages": [{"role": "user", "content": "x"}] * 4}
        resp = post(stack, many)
        assert_openai_error(resp, 400, "invalid_request")
        assert resp.json()["error"]["param"] == "messages"


def test_body_cap_is_enforced_while_reading_chunked_bodies() -> None:
    with Stack(lambda urls: base_config(urls, limits={"max_body_bytes": 1000})) as stack:

        def chunks() -> Any:
            for _ in range(100):
                yield b" " * 100

        resp = httpx.post(
            stack.url + "/v1/chat/completions",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
        assert_openai_error(resp, 413, "payload_too_large")
        assert stack.mocks[0].received == []


def test_content_encoding_is_415_unless_gzip_is_enabled(stack: Stack) -> None:
    resp = post(stack, gzip.compress(orjson.dumps(CHAT)), **{"Content-Encoding": "gzip"})
    assert_openai_error(resp, 415, "unsupported_content_encoding")
    resp = post(stack, orjson.dumps(CHAT), **{"Content-Encoding": "br"})
    assert_openai_error(resp, 415, "unsupported_content_encoding")


def test_gzip_when_enabled_inflates_under_a_cap() -> None:
    limits = {"allow_gzip": True, "max_decompressed_bytes": 50_000}
    with Stack(lambda urls: base_config(urls, limits=limits)) as stack:
        resp = post(stack, gzip.compress(orjson.dumps(CHAT)), **{"Content-Encoding": "gzip"})
        assert resp.status_code == 200
        assert orjson.loads(stack.mocks[0].received[0].body)["messages"] == CHAT["messages"]
        bomb = gzip.compress(b" " * 5_000_000)  # ~5 KB on the wire
        assert len(bomb) < 10_000
        resp = post(stack, bomb, **{"Content-Encoding": "gzip"})
        assert_openai_error(resp, 413, "payload_too_large")
        resp = post(stack, b"not gzip at all", **{"Content-Encoding": "gzip"})
        assert_openai_error(resp, 400, "invalid_request")


def test_unknown_path_and_wrong_method(stack: Stack) -> None:
    assert_openai_error(httpx.get(stack.url + "/v2/anything"), 404, "not_found")
    resp = httpx.get(stack.url + "/v1/chat/completions")
    assert_openai_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == "POST"
    resp = httpx.post(stack.url + "/metrics", json={})
    assert_openai_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == "GET"


def test_request_id_is_kept_when_sane_and_replaced_when_not(stack: Stack) -> None:
    resp = post(stack, CHAT, **{"X-Request-ID": "abc-123"})
    assert resp.headers["X-Request-ID"] == "abc-123"
    assert stack.mocks[0].received[-1].headers["X-Request-ID"] == "abc-123"
    resp = post(stack, CHAT, **{"X-Request-ID": "bad id\twith spaces"})
    rid = resp.headers["X-Request-ID"]
    assert rid != "bad id\twith spaces" and len(rid) == 32
    resp = httpx.get(stack.url + "/nowhere")
    assert len(resp.headers["X-Request-ID"]) == 32


def test_headers_forwarded_upstream(stack: Stack) -> None:
    tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    post(
        stack,
        CHAT,
        traceparent=tp,
        Authorization="Bearer client-secret",
        Connection="keep-alive, X-Drop-Me",
        **{"X-Drop-Me": "1", "X-Keep-Me": "2", "Proxy-Authorization": "Basic x", "Cookie": "a=b"},
    )
    seen = {k.lower(): v for k, v in stack.mocks[0].received[-1].headers.items()}
    assert seen["traceparent"] == tp
    assert seen["accept-encoding"] == "identity"
    for gone in ("authorization", "x-drop-me", "x-keep-me", "proxy-authorization", "cookie"):
        assert gone not in seen
    post(stack, CHAT, traceparent="not-a-traceparent")
    assert "traceparent" not in {k.lower() for k in stack.mocks[0].received[-1].headers}


def test_forward_headers_extends_the_allowlist_but_not_past_connection() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["forward_headers"] = ["X-Tenant-Hint", "X-Hop"]
        return cfg

    with Stack(config) as stack:
        post(stack, CHAT, Connection="X-Hop", **{"X-Tenant-Hint": "a", "X-Hop": "b", "X-No": "c"})
        seen = {k.lower(): v for k, v in stack.mocks[0].received[-1].headers.items()}
        assert seen["x-tenant-hint"] == "a"
        assert "x-hop" not in seen and "x-no" not in seen


def test_upstream_key_comes_from_the_named_env_var() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["api_key_env"] = "MODEL_KEY"
        return cfg

    with Stack(config, environ={"MODEL_KEY": "upstream-secret"}) as stack:
        post(stack, CHAT, Authorization="Bearer client-secret")
        assert stack.mocks[0].received[-1].headers["Authorization"] == "Bearer upstream-secret"


def test_client_auth_is_forwarded_only_when_configured() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["forward_client_auth"] = True
        return cfg

    with Stack(config) as stack:
        post(stack, CHAT, Authorization="Bearer client-secret")
        assert stack.mocks[0].received[-1].headers["Authorization"] == "Bearer client-secret"


def test_routing_fields_in_the_body_are_dropped(stack: Stack) -> None:
    body = {**CHAT, "api_base": "http://evil.example", "base_url": "http://x", "api_key": "k"}
    assert post(stack, body).status_code == 200
    forwarded = orjson.loads(stack.mocks[0].received[-1].body)
    assert not {"api_base", "base_url", "api_key"} & set(forwarded)
    assert forwarded["messages"] == CHAT["messages"]


def test_escaped_colons_and_duplicates_still_caught(stack: Stack) -> None:
    # A \u003a escape hides a colon from the fast duplicate count: the exact parser decides.
    dup = b'{"model": "m", "x\\u003a": 1, "x:": 2, "messages": [{"role": "u", "content": "a"}]}'
    assert_openai_error(post(stack, dup), 400, "invalid_request")
    ok = b'{"model": "m", "x\\u003a": 1, "messages": [{"role": "u", "content": "a:b"}]}'
    assert post(stack, ok).status_code == 200
    assert orjson.loads(stack.mocks[0].received[-1].body)["x:"] == 1


def test_integers_beyond_64_bits_are_forwarded_as_floats(stack: Stack) -> None:
    raw = b'{"model": "m", "seed": 99999999999999999999999, "messages": [{"role": "u"}]}'
    assert post(stack, raw).status_code == 200
    assert orjson.loads(stack.mocks[0].received[-1].body)["seed"] == 1e23


def test_duplicate_json_escapes_are_forwarded_as_parsed(stack: Stack) -> None:
    raw = b'{"model": "m", "messages": [{"role": "user", "content": "\\u0068\\u0069"}]}'
    assert post(stack, raw).status_code == 200
    assert orjson.loads(stack.mocks[0].received[-1].body)["messages"][0]["content"] == "hi"
    assert b"\\u0068" not in stack.mocks[0].received[-1].body


def test_stream_headers_disable_buffering(stack: Stack) -> None:
    with httpx.stream(
        "POST", stack.url + "/v1/chat/completions", json={**CHAT, "stream": True}
    ) as resp:
        assert resp.headers["X-Accel-Buffering"] == "no"
        assert resp.headers["Cache-Control"] == "no-cache"
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        body = resp.read()
    assert body.endswith(b"data: [DONE]\n\n")


def test_health_ready_and_metrics(stack: Stack) -> None:
    assert httpx.get(stack.url + "/healthz").json() == {"status": "ok"}
    post(stack, CHAT)
    post(stack, b"nope")
    from safeproxy.app import COMPONENTS

    stack.call(stack.proxy_runner.app[COMPONENTS].readiness.probe_once())
    ready = httpx.get(stack.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["upstreams"] == {"u0": True}
    text = httpx.get(stack.url + "/metrics").text
    assert 'safeproxy_requests_total{outcome="allowed",route="main"} 1.0' in text
    assert 'safeproxy_requests_total{outcome="invalid_request",route="none"} 1.0' in text
    for name in (
        "safeproxy_overhead_seconds_bucket",
        "safeproxy_upstream_seconds_bucket",
        "safeproxy_in_flight_requests",
    ):
        assert name in text
