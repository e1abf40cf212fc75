"""The upstream circuit breaker end to end, on a fake clock: a burst of 5xx from the model
trips it; then requests fail fast with 503 upstream_unavailable and Retry-After without
reaching the model, or go to the route's fallback; after the cooldown one probe decides,
and a healthy model closes it again. Every transition is a metric and an audit event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.fake_clock import FakeClock
from tests.support import Stack, base_config

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
FAIL = {**CHAT, "mock": {"fault": "500"}}


def breaker_config(audit: Path, *, fallback: bool = False) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["upstreams"][0]["breaker"] = {"consecutive_failures": 3, "cooldown_s": 10}
        cfg["telemetry"] = {"audit": {"path": str(audit)}}
        if fallback:
            cfg["routes"][0]["fallbacks"] = [{"upstream": "u1"}]
        return cfg

    return build


def test_a_failing_upstream_is_cut_off_and_recovers_by_itself(tmp_path: Path) -> None:
    clock = FakeClock()
    audit = tmp_path / "audit.jsonl"
    with Stack(breaker_config(audit), clock=clock) as stack:
        mock = stack.mocks[0]
        with httpx.Client(base_url=stack.url) as http:
            failures = [http.post("/v1/chat/completions", json=FAIL).status_code for _ in range(3)]
            fast = http.post("/v1/chat/completions", json=CHAT)
            reached = len(mock.received)
            clock.now += 10  # the cooldown passes: the next request is a probe
            probe = http.post("/v1/chat/completions", json=CHAT)
            after = http.post("/v1/chat/completions", json=CHAT)
        url = stack.mock_urls[0]
        gauge = stack.metric("safeproxy_breaker_open", {"kind": "upstream", "target": url})
        trips = {
            to: stack.metric(
                "safeproxy_breaker_transitions_total",
                {"kind": "upstream", "target": url, "to": to},
            )
            for to in ("open", "half_open", "closed")
        }
        outcome = stack.metric(
            "safeproxy_requests_total", {"route": "main", "outcome": "breaker_open"}
        )
    assert failures == [500, 500, 500]  # the model's own errors are relayed as they came
    assert fast.status_code == 503 and fast.headers["retry-after"] == "10"
    assert fast.json()["error"]["code"] == "upstream_unavailable"
    assert reached == 3  # the refused request never reached the model
    assert probe.status_code == 200 and after.status_code == 200
    assert gauge == 0.0 and trips == {"open": 1.0, "half_open": 1.0, "closed": 1.0}
    assert outcome == 1.0
    events = [json.loads(x) for x in audit.read_text().splitlines()]
    moves = [(e["old"], e["new"], e["reason"]) for e in events if e["type"] == "breaker"]
    assert moves == [
        ("closed", "open", "consecutive_failures"),
        ("open", "half_open", "cooldown_elapsed"),
        ("half_open", "closed", "probe_succeeded"),
    ]
    opened, closed = (
        e["time"] for e in events if e["type"] == "breaker" and e["new"] != "half_open"
    )
    assert closed >= opened


def test_an_open_breaker_sends_traffic_to_the_routes_fallback(tmp_path: Path) -> None:
    clock = FakeClock()
    config = breaker_config(tmp_path / "a.jsonl", fallback=True)
    with Stack(config, mocks=2, clock=clock) as s, httpx.Client(base_url=s.url) as http:
        for _ in range(3):
            http.post("/v1/chat/completions", json=FAIL)
        served = http.post("/v1/chat/completions", json=CHAT)
    assert served.status_code == 200
    assert len(s.mocks[0].received) == 3 and len(s.mocks[1].received) == 1


def test_resets_and_stalls_count_as_failures_too(tmp_path: Path) -> None:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg: dict[str, Any] = breaker_config(tmp_path / "a.jsonl")(urls)
        cfg["upstreams"][0]["timeout"] = {"first_byte_s": 0.3}
        return cfg

    reset = {**CHAT, "mock": {"fault": "reset"}}
    stall = {**CHAT, "mock": {"fault": "stall"}}
    with Stack(build, clock=FakeClock()) as stack, httpx.Client(base_url=stack.url) as http:
        codes = [
            http.post("/v1/chat/completions", json=body).status_code
            for body in (reset, stall, reset)
        ]
        fast = http.post("/v1/chat/completions", json=CHAT)
    assert codes[0] == 502 and codes[1] == 504 and codes[2] == 502
    assert fast.status_code == 503 and fast.json()["error"]["code"] == "upstream_unavailable"
    assert len(stack.mocks[0].received) == 3


def test_replies_that_die_mid_stream_are_failures(tmp_path: Path) -> None:
    broken = {**CHAT, "stream": True, "mock": {"reply": "a b c d e f", "chunks": 6,
                                                 "fault": "reset", "fault_after": 2}}  # fmt: skip
    with (
        Stack(breaker_config(tmp_path / "a.jsonl"), clock=FakeClock()) as stack,
        httpx.Client(base_url=stack.url) as http,
    ):
        for _ in range(3):
            with http.stream("POST", "/v1/chat/completions", json=broken) as resp:
                assert resp.status_code == 200  # the head was fine; the body was not
                body = b"".join(resp.iter_raw())
                assert b'"error"' in body  # the failure reached the client in-band
        fast = http.post("/v1/chat/completions", json=CHAT)
    assert fast.status_code == 503 and len(stack.mocks[0].received) == 3
