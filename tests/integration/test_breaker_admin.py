"""The safety breaker's kill-switch through the admin listener, on a running proxy: held open
(the route's traffic gets the breaker's open action, across a policy reload), held closed
(violations no longer trip it), released to automatic (the counted violations trip it);
401 without a token, recorded; every force an audit record naming the token."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml

from safeproxy.app import COMPONENTS
from safeproxy.generation.source import ConfigSource
from tests.fake_clock import FakeClock
from tests.integration.test_reload import blocklist_config
from tests.support import Stack, audit_records

TOKEN = "ops-token-0123456789abcdef"
CLEAN = {"mock": {"reply": "nothing to see"}}
MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]


class Guarded:
    """A proxy whose one route redacts `forbidden` on output, with a safety breaker (two
    requests, half of them violations, trip it) and the admin listener."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "safeproxy.yaml"
        self.audit = tmp_path / "audit.jsonl"
        self.clock = FakeClock()
        self.stack = Stack(self.build, source=ConfigSource(self.path, environ={}).load,
                           clock=self.clock)  # fmt: skip
        self.url = ""

    def build(self, urls: list[str]) -> dict[str, Any]:
        self.write(urls[0], "forbidden")
        loaded = yaml.safe_load(self.path.read_text())
        assert isinstance(loaded, dict)
        return loaded

    def write(self, upstream: str, word: str) -> None:
        cfg = blocklist_config(upstream, self.audit, word)
        cfg["routes"][0]["safety_breaker"] = {
            "enabled": True, "violation_ratio": 0.5, "min_requests": 2, "window_s": 60,
            "cooldown_s": 30, "half_open_probes": 1, "successes_to_close": 1,
        }  # fmt: skip
        cfg["review"] = {"path": str(self.path.with_name("review.sqlite3"))}
        digest = hashlib.sha256(TOKEN.encode()).hexdigest()
        cfg["admin"] = {"enabled": True, "port": 0, "tokens": [{"name": "ops", "sha256": digest}]}
        self.path.write_text(yaml.safe_dump(cfg))

    def __enter__(self) -> Guarded:
        self.stack.__enter__()
        review = self.stack.proxy_runner.app[COMPONENTS].review
        assert review is not None and review.admin_port is not None
        self.url = f"http://127.0.0.1:{review.admin_port}"
        self.sdk = openai.OpenAI(base_url=self.stack.url + "/v1", api_key="k", max_retries=0)
        self.stack.on_exit(self.sdk.close)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.__exit__(*exc)

    def admin(self, method: str, path: str, body: Any = None, token: str | None = TOKEN
              ) -> httpx.Response:  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.request(method, self.url + path, headers=headers, json=body, timeout=60)

    def force(self, state: str, token: str | None = TOKEN) -> httpx.Response:
        return self.admin("POST", "/admin/breakers/main/force", {"state": state}, token)

    def chat(self, extra: dict[str, Any]) -> str:
        reply = self.sdk.chat.completions.create(model="m", messages=MESSAGES, extra_body=extra)
        return reply.choices[0].message.content or ""

    def breaker(self) -> dict[str, Any]:
        status = self.admin("GET", "/admin/breakers").json()
        main = status["safety"]["main"]
        assert isinstance(main, dict)
        return main

    def gauge(self, name: str, **labels: str) -> float | None:
        return self.stack.metric(name, {"kind": "safety", "target": "main", **labels})


def records(path: Path, kind: str) -> list[dict[str, Any]]:
    return audit_records(path, kind)


def test_kill_switch_open_closed_auto(tmp_path: Path) -> None:
    with Guarded(tmp_path) as g:
        first = g.admin("GET", "/admin/breakers").json()
        assert first["safety"]["main"]["state"] == "closed"
        assert first["safety"]["main"]["forced"] is None
        assert first["safety"]["main"]["open_action"] == "block"
        assert list(first["upstream"]) == [g.stack.mock_urls[0]]

        opened = g.force("open")
        assert opened.status_code == 200
        assert opened.json()["state"] == "open" and opened.json()["forced"] == "open"
        with pytest.raises(openai.APIStatusError) as cut:
            g.chat(CLEAN)
        assert cut.value.status_code == 503
        assert g.gauge("safeproxy_breaker_forced", state="open") == 1
        assert g.gauge("safeproxy_breaker_open") == 1

        # A policy reload does not release it: the kill-switch stays thrown.
        g.write(g.stack.mock_urls[0], "another")
        assert g.admin("POST", "/admin/generation/reload").status_code == 200
        with pytest.raises(openai.APIStatusError) as still:
            g.chat(CLEAN)
        assert still.value.status_code == 503
        g.clock.advance(3600)  # no cooldown ends a hold
        assert g.breaker()["state"] == "open"
        reached = len(g.stack.mocks[0].received)

        closed = g.force("closed")
        assert closed.json()["state"] == "closed" and closed.json()["forced"] == "closed"
        # Every reply a violation, well past the trip ratio: held closed, nothing trips.
        replies = [g.chat({"mock": {"reply": "another word"}}) for _ in range(4)]
        assert replies == ["[REDACTED:WORD] word"] * 4
        held = g.breaker()
        assert held["state"] == "closed" and held["window"] == {"requests": 4, "failures": 4}
        assert g.gauge("safeproxy_breaker_forced", state="open") == 0
        assert g.gauge("safeproxy_breaker_forced", state="closed") == 1

        released = g.force("auto")
        assert released.json()["forced"] is None and released.json()["state"] == "closed"
        g.chat({"mock": {"reply": "another word"}})  # judged on its window again: trips
        assert g.breaker()["state"] == "open"
        assert g.gauge("safeproxy_breaker_forced", state="closed") == 0
    assert reached == 0  # nothing reached the model while it was held open
    forced = records(g.audit, "breaker_forced")
    assert [(r["token"], r["route"], r["state"]) for r in forced] == [
        ("ops", "main", "open"), ("ops", "main", "closed"), ("ops", "main", "auto"),
    ]  # fmt: skip
    moves = [(r["old"], r["new"], r["reason"]) for r in records(g.audit, "breaker")]
    assert moves == [
        ("closed", "open", "forced"),
        ("open", "closed", "forced_closed"),
        ("closed", "open", "failure_ratio"),
    ]
    posts = [(r["token"], r["path"]) for r in records(g.audit, "admin")]
    assert ("ops", "/admin/breakers/{route}/force") in posts
    outcomes = [r["outcome"] for r in records(g.audit, "request")]
    assert outcomes[:2] == ["breaker_open", "breaker_open"]


def test_kill_switch_refuses_without_a_token_and_bad_input(tmp_path: Path) -> None:
    with Guarded(tmp_path) as g:
        for token in (None, "wrong-token"):
            refused = g.force("open", token=token)
            assert refused.status_code == 401
        assert g.admin("GET", "/admin/breakers", token=None).status_code == 401
        assert g.breaker()["forced"] is None and g.breaker()["state"] == "closed"
        assert g.chat(CLEAN) == "nothing to see"
        assert g.force("sideways").status_code == 400
        assert g.admin("POST", "/admin/breakers/main/force", {"state": "open", "x": 1}
                       ).status_code == 400  # fmt: skip
        nowhere = g.admin("POST", "/admin/breakers/elsewhere/force", {"state": "open"})
        assert nowhere.status_code == 404
        assert nowhere.json()["error"]["code"] == "no_safety_breaker"
        assert g.admin("GET", "/admin/breakers/main/force").status_code == 405
        assert g.breaker()["forced"] is None
    refused_records = records(g.audit, "admin_refused")
    assert [(r["method"], r["path"]) for r in refused_records] == [
        ("POST", "/admin/breakers/main/force"), ("POST", "/admin/breakers/main/force"),
        ("GET", "/admin/breakers"),
    ]  # fmt: skip
    assert records(g.audit, "breaker_forced") == []
    assert "wrong-token" not in g.audit.read_text()
