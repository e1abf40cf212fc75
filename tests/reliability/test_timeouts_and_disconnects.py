"""Slow clients, stalled upstreams and clients that leave: each phase has its own deadline."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
import orjson
import pytest

from tests.support import Stack, base_config, dead_url

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def _host_port(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _read_until_closed(sock: socket.socket, limit_s: float) -> bytes:
    sock.settimeout(limit_s)
    data = b""
    while True:
        part = sock.recv(65536)
        if not part:
            return data
        data += part


def test_slowloris_head_gets_408() -> None:
    with Stack(lambda urls: base_config(urls, header_read_s=0.3)) as stack:
        with socket.create_connection(_host_port(stack.url)) as sock:
            sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
            reply = _read_until_closed(sock, 5)
        assert reply.startswith(b"HTTP/1.1 408")
        body = orjson.loads(reply.split(b"\r\n\r\n", 1)[1])
        assert body["error"]["code"] == "request_timeout"
        assert stack.mocks[0].received == []


def test_a_connection_that_sends_nothing_gets_408() -> None:
    with Stack(lambda urls: base_config(urls, header_read_s=0.3)) as stack:
        with socket.create_connection(_host_port(stack.url)) as sock:
            reply = _read_until_closed(sock, 5)
        assert reply.startswith(b"HTTP/1.1 408")


def test_pending_heads_per_address_are_capped() -> None:
    # Each slow head is bounded in time by header_read_s; their number per address by the cap.
    config = lambda urls: base_config(urls, max_pending_heads_per_address=2)  # noqa: E731
    with Stack(config) as stack:
        slow = [socket.create_connection(_host_port(stack.url)) for _ in range(2)]
        for sock in slow:
            sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
        # Accepted in order: the third connection is counted after the first two.
        with socket.create_connection(_host_port(stack.url)) as third:
            # Refused as it opens (a client that had already sent may see a reset instead).
            reply = _read_until_closed(third, 5)
        assert reply.startswith(b"HTTP/1.1 429")
        assert orjson.loads(reply.split(b"\r\n\r\n", 1)[1])["error"]["code"] == (
            "rate_limit_exceeded"
        )
        slow[0].close()  # one slot frees: a complete request is served again
        deadline = time.monotonic() + 10
        while True:
            with socket.create_connection(_host_port(stack.url)) as again:
                again.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = _read_until_closed(again, 5)
            if answer.startswith(b"HTTP/1.1 200") or time.monotonic() > deadline:
                break  # the server may not have seen the close yet: retry, bounded
        assert answer.startswith(b"HTTP/1.1 200")
        slow[1].close()


def test_keepalive_connection_is_not_cut_by_the_head_deadline() -> None:
    with Stack(lambda urls: base_config(urls, header_read_s=0.5)) as stack, httpx.Client() as c:
        for _ in range(3):
            assert c.post(stack.url + "/v1/chat/completions", json=CHAT).status_code == 200


def test_slow_body_gets_408() -> None:
    with Stack(lambda urls: base_config(urls, body_read_s=0.3)) as stack:
        with socket.create_connection(_host_port(stack.url)) as sock:
            sock.sendall(
                b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model"'
            )
            reply = _read_until_closed(sock, 5)
        assert reply.startswith(b"HTTP/1.1 408")
        assert b'"code":"request_timeout"' in reply


def test_idle_upstream_mid_stream_ends_with_an_in_band_error() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["timeout"] = {"first_byte_s": 5, "idle_s": 0.3}
        return cfg

    with Stack(config) as stack:
        mock = {"reply": "a b c d", "fault": "stall", "fault_after": 2}
        body = {**CHAT, "stream": True, "mock": mock}
        resp = httpx.post(stack.url + "/v1/chat/completions", json=body, timeout=10)
        assert resp.status_code == 200
        events = [e for e in resp.text.split("\n\n") if e]
        err = orjson.loads(events[-1].removeprefix("data: "))
        assert err["error"]["code"] == "upstream_timeout"
        assert '"content":"b "' in events[-2]
        assert stack.wait_disconnect() > 0


def test_client_disconnect_mid_stream_closes_the_upstream_within_1s(stack: Stack) -> None:
    body = {**CHAT, "stream": True, "mock": {"reply": "w " * 200, "delay_ms": 50}}
    with (
        httpx.Client(timeout=10) as c,
        c.stream("POST", stack.url + "/v1/chat/completions", json=body) as resp,
    ):
        it = resp.iter_raw()
        assert next(it).startswith(b"data: ")
        left_at = time.monotonic()
    # Leaving the block closed the client connection.
    seen_at = stack.wait_disconnect(timeout=5)
    assert seen_at - left_at < 1.0
    assert stack.metric("safeproxy_requests_total", {"route": "main", "outcome": "client_aborted"})


def test_client_disconnect_before_the_reply_closes_the_upstream(stack: Stack) -> None:
    with socket.create_connection(_host_port(stack.url)) as sock:
        payload = orjson.dumps({**CHAT, "mock": {"fault": "stall"}})
        head = (
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        sock.sendall(head.encode() + payload)
        # The stalled request has reached the mock once it is recorded there.
        deadline = time.monotonic() + 5
        while not stack.mocks[0].received and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stack.mocks[0].received
        left_at = time.monotonic()
    assert stack.wait_disconnect(timeout=5) - left_at < 1.0


def test_readyz_reports_an_unreachable_upstream() -> None:
    with Stack(mocks=0, extra_upstreams=[dead_url()]) as stack:
        from safeproxy.app import COMPONENTS

        stack.call(stack.proxy_runner.app[COMPONENTS].readiness.probe_once())
        resp = httpx.get(stack.url + "/readyz")
        assert resp.status_code == 503
        assert resp.json() == {"status": "not_ready", "upstreams": {"u0": False}}


def _unaccepting_listener() -> tuple[socket.socket, list[socket.socket], str]:
    """A loopback port whose accept queue is full: new connects hang in SYN-sent."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    host, port = server.getsockname()
    fillers: list[socket.socket] = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, port))
        fillers.append(s)
    return server, fillers, f"http://{host}:{port}"


def test_connect_timeout_is_504_and_goes_to_the_fallback() -> None:
    server, fillers, url = _unaccepting_listener()
    try:

        def config(urls: list[str]) -> dict[str, Any]:
            # u0 is the mock, u1 the port that never accepts.
            cfg = base_config(urls)
            cfg["upstreams"][1]["timeout"] = {"connect_s": 0.3}
            cfg["routes"] = [
                {"name": "solo", "match": {"model": "solo"}, "upstream": "u1"},
                {"name": "main", "upstream": "u1", "fallbacks": ["u0"]},
            ]
            return cfg

        with Stack(config, extra_upstreams=[url]) as stack:
            resp = httpx.post(stack.url + "/v1/chat/completions", json=CHAT, timeout=10)
            assert resp.status_code == 200
            solo = {**CHAT, "model": "solo"}
            resp = httpx.post(stack.url + "/v1/chat/completions", json=solo, timeout=10)
            assert resp.status_code == 504
            assert resp.json()["error"]["code"] == "upstream_connect_timeout"
            # Both count, the one the fallback rescued too (recorded before the reply went).
            labels = {"upstream": "u1", "reason": "connect_timeout"}
            assert stack.metric("safeproxy_upstream_errors_total", labels) == 2.0
    finally:
        for s in fillers:
            s.close()
        server.close()


def test_total_budget_ends_a_long_stream_in_band() -> None:
    def config(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["timeout"] = {"total_s": 0.5, "idle_s": 5, "first_byte_s": 5}
        return cfg

    with Stack(config) as stack:
        body = {**CHAT, "stream": True, "mock": {"reply": "w " * 50, "delay_ms": 50}}
        resp = httpx.post(stack.url + "/v1/chat/completions", json=body, timeout=10)
        assert resp.status_code == 200
        last = [e for e in resp.text.split("\n\n") if e][-1]
        assert orjson.loads(last.removeprefix("data: "))["error"]["code"] == "upstream_timeout"
        assert 0 < resp.text.count('"content":"w "') < 50


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    ],
    ids=["not-http", "oversized-header", "bad-content-length"],
)
def test_malformed_http_gets_an_openai_shaped_400(stack: Stack, raw: bytes) -> None:
    with socket.create_connection(_host_port(stack.url)) as sock:
        sock.sendall(raw)
        reply = _read_until_closed(sock, 5)
    assert reply.split(b" ", 2)[1] == b"400"  # aiohttp answers these with HTTP/1.0
    body = orjson.loads(reply.split(b"\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "malformed_http"
    assert stack.mocks[0].received == []
