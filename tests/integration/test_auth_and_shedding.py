"""API keys end to end with the OpenAI SDK (401 in OpenAI's shape; the tenant on the
decision is the configured one, whatever tenant header the client sends), and load
shedding: beyond max_in_flight the proxy answers 503 at once, with Retry-After."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import openai
import pytest

from tests.support import Stack, base_config

KEY = "sk-team-a-0123456789"


def keyed(audit: Path) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["auth"] = {
            "mode": "api_keys",
            "keys": [{"sha256": hashlib.sha256(KEY.encode()).hexdigest(), "tenant": "team-a"}],
        }
        cfg["telemetry"] = {"audit": {"path": str(audit)}}
        return cfg

    return build


def test_api_keys_gate_requests_and_name_the_tenant(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    with Stack(keyed(audit)) as stack:
        bad = openai.OpenAI(base_url=stack.url + "/v1", api_key="sk-wrong", max_retries=0)
        good = openai.OpenAI(
            base_url=stack.url + "/v1",
            api_key=KEY,
            max_retries=0,
            default_headers={"X-Tenant": "someone-else", "X-Forwarded-For": "1.2.3.4"},
        )
        stack.on_exit(bad.close)
        stack.on_exit(good.close)
        with pytest.raises(openai.AuthenticationError) as refused:
            bad.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        body = refused.value.body
        assert isinstance(body, dict) and body["code"] == "invalid_api_key"
        reply = good.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )
        assert reply.choices[0].message.content
        # The client's key is the proxy's to check, not the model server's.
        assert "authorization" not in {k.lower() for k in stack.mocks[0].received[-1].headers}
        assert len(stack.mocks[0].received) == 1  # the refused request never went upstream
    records = [json.loads(x) for x in audit.read_text().splitlines()]
    requests = [r for r in records if r["type"] == "request"]
    assert [(r["outcome"], r["status"], r["tenant"]) for r in requests] == [
        ("unauthorized", 401, "anonymous"),
        ("allowed", 200, "team-a"),
    ]
    assert KEY not in audit.read_text()


def test_beyond_max_in_flight_requests_are_shed_at_once() -> None:
    stalled = {"model": "m", "messages": [{"role": "user", "content": "x"}],
               "mock": {"fault": "stall"}}  # fmt: skip
    with Stack(lambda urls: base_config(urls, max_in_flight=1)) as stack:
        mock = stack.mocks[0]

        async def hold_the_only_slot() -> None:
            async with aiohttp.ClientSession() as session:
                await session.post(stack.url + "/v1/chat/completions", json=stalled)

        holder = asyncio.run_coroutine_threadsafe(hold_the_only_slot(), stack.loop)
        # The held request is in flight once the model has it (bounded wait for that event).
        for _ in range(500):
            if mock.received:
                break
            stack.call(asyncio.sleep(0.01))
        assert mock.received, "the first request never reached the model"
        shed = httpx.post(
            stack.url + "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "y"}]},
        )
        holder.cancel()  # the first client goes away: its slot frees, the upstream call ends
        stack.wait_disconnect()
        after = httpx.post(
            stack.url + "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "z"}]},
        )
    assert shed.status_code == 503 and shed.headers["retry-after"] == "1"
    assert shed.json()["error"]["code"] == "overloaded"
    assert len(mock.received) == 2  # the shed request never went upstream; the next one did
    assert after.status_code == 200
    shed_count = stack.registry.get_sample_value(
        "safeproxy_requests_total", {"route": "none", "outcome": "shed"}
    )
    assert shed_count == 1.0
