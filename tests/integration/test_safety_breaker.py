"""The safety breaker end to end, on a fake clock: a model that starts emitting PII has its
replies redacted, and once the share of such replies crosses the threshold the route is cut
off (503 safety_breaker_open), re-routed, or run under a stricter policy; after the cooldown,
clean probes close it again. The kill-switch holds it open from the start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.fake_clock import FakeClock
from tests.support import Stack, base_config

ROOT = Path(__file__).resolve().parents[2]
POLICIES = yaml.safe_load((ROOT / "config" / "default.yaml").read_text())["policies"]
LEAKY = {"model": "m", "messages": [{"role": "user", "content": "hi"}],
         "mock": {"reply": "sure: jane.doe@acme-corp.io"}}  # fmt: skip
CLEAN = {"model": "m", "messages": [{"role": "user", "content": "hi"}],
         "mock": {"reply": "nothing to see"}}  # fmt: skip


def guarded(audit: Path, **breaker: Any) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        strict = {"output": [{"type": "pii", "action": "block"}]}
        cfg["policies"] = {**POLICIES, "strict": strict}
        cfg["routes"][0]["policy"] = "default"
        cfg["routes"][0]["safety_breaker"] = {
            "enabled": True, "violation_ratio": 0.5, "min_requests": 4, "window_s": 60,
            "cooldown_s": 30, "half_open_probes": 1, "successes_to_close": 1, **breaker,
        }  # fmt: skip
        cfg["telemetry"] = {"audit": {"path": str(audit)}}
        return cfg

    return build


def test_unsafe_output_trips_the_route_and_clean_probes_recover_it(tmp_path: Path) -> None:
    clock = FakeClock()
    audit = tmp_path / "audit.jsonl"
    with Stack(guarded(audit), clock=clock) as stack, httpx.Client(base_url=stack.url) as http:
        bad = [http.post("/v1/chat/completions", json=LEAKY) for _ in range(4)]
        cut = http.post("/v1/chat/completions", json=CLEAN)
        reached = len(stack.mocks[0].received)
        clock.now += 30
        probe = http.post("/v1/chat/completions", json=CLEAN)
        after = http.post("/v1/chat/completions", json=CLEAN)
    assert [r.status_code for r in bad] == [200] * 4
    assert all("[REDACTED:EMAIL]" in r.text for r in bad)  # each was caught, and counted
    assert cut.status_code == 503 and cut.headers["retry-after"] == "30"
    assert cut.json()["error"]["code"] == "safety_breaker_open"
    assert reached == 4  # the cut-off request never reached the model
    assert probe.status_code == 200 and after.status_code == 200
    records = [json.loads(x) for x in audit.read_text().splitlines()]
    moves = [(r["old"], r["new"]) for r in records if r["type"] == "breaker"]
    assert moves == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]
    outcomes = [r["outcome"] for r in records if r["type"] == "request"]
    assert outcomes == ["redacted"] * 4 + ["breaker_open", "allowed", "allowed"]
    assert stack.metric("safeproxy_breaker_open", {"kind": "safety", "target": "main"}) == 0.0


def test_strict_action_runs_the_route_under_the_stricter_policy(tmp_path: Path) -> None:
    clock = FakeClock()
    audit = tmp_path / "audit.jsonl"
    config = guarded(audit, action="strict", strict_policy="strict")
    with Stack(config, clock=clock) as stack, httpx.Client(base_url=stack.url) as http:
        for _ in range(4):
            http.post("/v1/chat/completions", json=LEAKY)
        stricter = http.post("/v1/chat/completions", json=LEAKY)
    # Redacted before the trip; blocked outright under the strict policy after it.
    assert stricter.status_code == 400
    assert stricter.json()["error"]["code"] == "content_policy_violation"
    records = [json.loads(x) for x in audit.read_text().splitlines()]
    last = [r for r in records if r["type"] == "request"][-1]
    assert last["policy"]["name"] == "strict" and "safety_breaker" in str(last["degraded"])


def test_the_kill_switch_holds_the_route_on_its_fallback(tmp_path: Path) -> None:
    config = guarded(
        tmp_path / "audit.jsonl", action="fallback", fallback={"upstream": "u1"}, force_open=True
    )
    with Stack(config, mocks=2) as stack, httpx.Client(base_url=stack.url) as http:
        codes = [http.post("/v1/chat/completions", json=CLEAN).status_code for _ in range(3)]
    assert codes == [200] * 3
    assert len(stack.mocks[0].received) == 0 and len(stack.mocks[1].received) == 3
    assert stack.metric("safeproxy_breaker_open", {"kind": "safety", "target": "main"}) == 1.0
