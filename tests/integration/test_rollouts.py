"""Rollouts on a running proxy, through the OpenAI SDK and the admin listener: a canary whose
candidate blocks a benign word is rolled back by itself (fake clock, analysis ticked by hand,
no sleeps), shown on the status with its reason, in metrics and in the audit log; a shadow
candidate records both verdicts and changes no reply; conflicting admin calls get the final
state; a call without a token gets 401 and is recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from safeproxy.app import COMPONENTS
from safeproxy.rollout.controller import Rollouts
from tests.fake_clock import FakeClock
from tests.support import Stack, audit_records, base_config

TOKEN = "ops-token-0123456789abcdef"
BENIGN = "hello, please summarise the quarterly report"
INTERVAL_S = 30.0


def config(tmp_path: Path, rollout: dict[str, Any]) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        block = {"type": "blocklist", "words": ["hello"], "action": "block"}
        cfg["policies"] = {"default": {}, "strict": {"input": [block]}}
        cfg["rollouts"] = {"main": {"candidate": "strict", **rollout}}
        cfg["telemetry"] = {"audit": {"path": str(tmp_path / "audit.jsonl")},
                            "decision_headers": {"enabled": True}}  # fmt: skip
        cfg["review"] = {"path": str(tmp_path / "review.sqlite3")}
        digest = hashlib.sha256(TOKEN.encode()).hexdigest()
        cfg["admin"] = {"enabled": True, "port": 0, "tokens": [{"name": "ops", "sha256": digest}]}
        return cfg

    return build


class Proxy:
    def __init__(self, tmp_path: Path, rollout: dict[str, Any]) -> None:
        self.audit = tmp_path / "audit.jsonl"
        self.clock = FakeClock()
        self.stack = Stack(config(tmp_path, rollout), clock=self.clock)

    def __enter__(self) -> Proxy:
        self.stack.__enter__()
        components = self.stack.proxy_runner.app[COMPONENTS]
        assert components.review is not None and components.rollouts is not None
        self.rollouts: Rollouts = components.rollouts
        self.admin_url = f"http://127.0.0.1:{components.review.admin_port}"
        self.sdk = openai.OpenAI(base_url=self.stack.url + "/v1", api_key="k", max_retries=0)
        self.stack.on_exit(self.sdk.close)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.__exit__(*exc)

    def admin(self, method: str, path: str, token: str | None = TOKEN) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.request(method, self.admin_url + path, headers=headers, timeout=30)

    def chat(self, client: int) -> tuple[int, str, str]:
        """(status, the X-Safeproxy-Policy header, the reply's text) for one client's key."""
        try:
            raw = self.sdk.chat.completions.with_raw_response.create(
                model="m", messages=[{"role": "user", "content": BENIGN}],
                extra_headers={"Authorization": f"Bearer client-{client}"},
                extra_body={"mock": {"reply": "the summary"}},
            )  # fmt: skip
        except openai.BadRequestError as exc:
            return exc.status_code, exc.response.headers.get("X-Safeproxy-Policy", ""), ""
        text = raw.parse().choices[0].message.content or ""
        return raw.http_response.status_code, raw.headers.get("X-Safeproxy-Policy", ""), text

    def interval(self) -> list[tuple[str, str]]:
        """Move the clock past one interval and let the analysis run (on the proxy's loop)."""
        self.clock.advance(INTERVAL_S)

        async def tick() -> list[tuple[str, str]]:
            return self.rollouts.tick()

        return self.stack.call(tick())

    def audit_records(self, kind: str) -> list[dict[str, Any]]:
        return audit_records(self.audit, kind)


CANARY: dict[str, Any] = {
    "mode": "canary", "steps": [50],
    "analysis": {"interval_s": INTERVAL_S, "max_failed": 1,
                 "metrics": {"block_rate": {"max_increase": 0.1, "min_samples": 5}}},
}  # fmt: skip


def test_a_canary_that_blocks_a_benign_word_rolls_back_by_itself(tmp_path: Path) -> None:
    with Proxy(tmp_path, CANARY) as p:
        started = p.admin("POST", "/admin/rollouts/main/start")
        assert started.status_code == 200
        assert started.json()["phase"] == "running" and started.json()["share_percent"] == 50
        verdicts = []
        for round_ in range(2):
            answers = [p.chat(i) for i in range(40)]
            blocked = [a for a in answers if a[0] == 400]
            served = [a for a in answers if a[0] == 200]
            assert blocked and served  # both arms saw traffic
            assert all(a[1].startswith("strict@") for a in blocked)
            assert all(a[1].startswith("default@") for a in served)
            verdicts += p.interval()
            if round_ == 0:  # one failed interval is within the limit (max_failed: 1)
                assert p.admin("GET", "/admin/rollouts/main").json()["phase"] == "running"
        assert verdicts == [("main", "fail"), ("main", "fail")]
        status = p.admin("GET", "/admin/rollouts/main").json()
        assert status["phase"] == "rolled_back" and status["share_percent"] == 0
        assert "block_rate" in status["reason"]
        block_rate = next(m for m in status["last_interval"]["metrics"]
                          if m["metric"] == "block_rate")  # fmt: skip
        assert block_rate["verdict"] == "fail" and block_rate["canary"] == 1.0
        assert block_rate["baseline"] == 0.0
        assert [h.get("event") for h in status["history"] if "event" in h][-1] == "rolled_back"
        after = [p.chat(i) for i in range(40)]  # everyone is back on the active policy
        assert all(a[0] == 200 and a[1].startswith("default@") for a in after)
        labels = {"route": "main", "event": "rolled_back"}
        assert p.stack.metric("safeproxy_rollout_events_total", labels) == 1
        assert p.stack.metric("safeproxy_rollout_share_percent", {"route": "main"}) == 0
        assert p.stack.metric("safeproxy_rollout_intervals_total",
                              {"route": "main", "verdict": "fail"}) == 2  # fmt: skip
    events = [r["event"] for r in p.audit_records("rollout")]
    assert events[-2:] == ["started", "rolled_back"]
    assert [r["verdict"] for r in p.audit_records("rollout_interval")] == ["fail", "fail"]
    requests = [r for r in p.audit_records("request") if "rollout" in r]
    arms = {r["rollout"]["arm"] for r in requests}
    assert arms == {"canary", "baseline"}
    assert all(r["policy"]["name"] == ("strict" if r["rollout"]["arm"] == "canary"
               else "default") for r in requests)  # fmt: skip


def test_shadow_records_both_verdicts_without_changing_replies(tmp_path: Path) -> None:
    shadow = {"mode": "shadow", "sample": 1.0, "start": "auto"}
    with Proxy(tmp_path, shadow) as p:
        answers = [p.chat(i) for i in range(10)]
        assert answers == [(200, answers[0][1], "the summary")] * 10
        assert answers[0][1].startswith("default@")
        labels = {"route": "main", "result": "allow_to_block"}
        assert p.stack.metric("safeproxy_rollout_shadow_total", labels) == 10
        status = p.admin("GET", "/admin/rollouts/main").json()
        assert status["shadow"] == {"allow_to_block": 10}
    requests = [r for r in p.audit_records("request") if "rollout" in r]
    assert len(requests) == 10
    for r in requests:
        assert r["outcome"] == "allowed" and r["policy"]["name"] == "default"
        assert r["rollout"]["shadow"]["active"]["verdict"] == "allow"
        assert r["rollout"]["shadow"]["candidate"] == {
            "verdict": "block",
            "types": ["blocklist.word"],
        }


def test_admin_calls_need_a_token_and_conflicts_get_the_final_state(tmp_path: Path) -> None:
    with Proxy(tmp_path, CANARY) as p:
        assert p.admin("POST", "/admin/rollouts/main/start", token=None).status_code == 401
        assert p.admin("GET", "/admin/rollouts/main").json()["phase"] == "pending"
        assert p.admin("POST", "/admin/rollouts/main/start").status_code == 200
        assert p.admin("POST", "/admin/rollouts/main/abort").json()["phase"] == "aborted"
        late = p.admin("POST", "/admin/rollouts/main/promote")
        assert late.status_code == 409
        assert late.json()["rollout"]["phase"] == "aborted"
        assert p.admin("POST", "/admin/rollouts/nope/start").status_code == 404
        assert p.admin("POST", "/admin/rollouts/main/explode").status_code == 404
    refused = p.audit_records("admin_refused")
    assert [r["path"] for r in refused] == ["/admin/rollouts/main/start"]
    tokens = {r["event"]: r.get("token") for r in p.audit_records("rollout")}
    assert tokens["started"] == "ops" and tokens["aborted"] == "ops"


@pytest.mark.parametrize(
    "bad", [{"candidate": "missing"}, {"candidate": "strict", "steps": [9, 3]}]
)
def test_an_invalid_candidate_is_a_config_error_and_starts_nothing(
    tmp_path: Path, bad: dict[str, Any]
) -> None:
    from safeproxy.settings.loading import ConfigError, validate

    cfg = config(tmp_path, {})(["http://127.0.0.1:9"])
    cfg["rollouts"] = {"main": bad}
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert "rollouts.main." in str(err.value)
