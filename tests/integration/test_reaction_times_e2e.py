"""M3 and M4 end to end, on a fake clock: a model that starts leaking PII trips its route's
safety breaker; /metrics shows the time from the first leaked reply to the trip (M3) and from
the trip to the first request on the open action (M4)."""

from __future__ import annotations

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


def guarded(urls: list[str]) -> dict[str, Any]:
    cfg = base_config(urls)
    cfg["policies"] = POLICIES
    cfg["routes"][0]["policy"] = "default"
    cfg["routes"][0]["safety_breaker"] = {
        "enabled": True, "violation_ratio": 0.5, "min_requests": 4, "window_s": 60,
        "cooldown_s": 30, "half_open_probes": 1, "successes_to_close": 1,
    }  # fmt: skip
    return cfg


def test_a_trip_is_timed_from_the_first_leak_and_to_the_first_request_cut_off() -> None:
    clock = FakeClock()
    with Stack(guarded, clock=clock) as stack, httpx.Client(base_url=stack.url) as http:
        http.post("/v1/chat/completions", json=CLEAN)
        for _ in range(3):  # leaks 1.5 s apart: the first at +1.5, the trip at +4.5
            clock.advance(1.5)
            assert http.post("/v1/chat/completions", json=LEAKY).status_code == 200
        clock.advance(2.0)
        cut = http.post("/v1/chat/completions", json=CLEAN)
        http.post("/v1/chat/completions", json=CLEAN)  # still cut off: no second M4

        def value(name: str) -> float | None:
            return stack.metric(name, {"kind": "safety_breaker"})

        detect = (value("safeproxy_time_to_detect_seconds_count"),
                  value("safeproxy_time_to_detect_seconds_sum"))  # fmt: skip
        mitigate = (value("safeproxy_time_to_mitigate_seconds_count"),
                    value("safeproxy_time_to_mitigate_seconds_sum"))  # fmt: skip
    assert cut.status_code == 503
    assert detect == (1.0, 3.0)
    assert mitigate == (1.0, 2.0)
