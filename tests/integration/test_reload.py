"""Hot reload on a running proxy: a stream in flight finishes on the generation it was admitted
with (and its decision says so), the next request gets the new one, and an invalid file
changes nothing and is reported (log line with the YAML path, metric, audit record).

Real proxy and a real upstream on loopback; the upstream holds the stream open on an event
until the reload is done, so the ordering is forced, not timed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

from safeproxy.app import COMPONENTS
from safeproxy.edge.decision_headers import POLICY_VERSION
from safeproxy.generation.reload import Reloader, ReloadResult
from safeproxy.generation.source import ConfigSource
from safeproxy.testing.mock_upstream import MockUpstream
from tests.support import Stack, base_config


@dataclass
class GatedUpstream(MockUpstream):
    """Streams `before`, tells the test it is in the middle of a reply, waits for `go`,
    then streams `after`."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    go: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.add_routes([web.post("/v1/chat/completions", self.gated)])
        return app

    async def gated(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if not body.get("stream"):
            return await self.chat(request)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        pieces = body["mock"]["pieces"]
        gate = body["mock"].get("gate", False)
        for i, piece in enumerate(pieces):
            if gate and i == 1:
                self.entered.set()
                await self.go.wait()
            delta = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            chunk = {"id": "c", "object": "chat.completion.chunk", "choices": [delta]}
            await resp.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
        await resp.write(b"data: [DONE]\n\n")
        return resp


def blocklist_config(upstream: str, audit: Path, word: str, regex: str = "") -> dict[str, Any]:
    """A config whose one policy redacts `word` (and `regex`) on output, audited to `audit`."""
    cfg = base_config([upstream])
    blocklist: dict[str, Any] = {"type": "blocklist", "words": [word], "action": "redact"}
    if regex:
        blocklist["patterns"] = [{"regex": regex}]
    cfg["policies"] = {"p": {"output": [blocklist]}}
    cfg["routes"][0]["policy"] = "p"
    cfg["telemetry"] = {"audit": {"path": str(audit)}}
    return cfg


def write_config(path: Path, upstream: str, audit: Path, word: str, regex: str = "") -> None:
    """Replace the file by rename, as an editor or a config-management tool does."""
    cfg = blocklist_config(upstream, audit, word, regex)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(cfg))
    os.replace(tmp, path)


class Reloading:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "safeproxy.yaml"
        self.audit = tmp_path / "audit.jsonl"
        self.upstream = GatedUpstream()
        self.stack = Stack(self.build, source=ConfigSource(self.path, environ={}).load)
        self.stack.mocks = [self.upstream]

    def build(self, urls: list[str]) -> dict[str, Any]:
        write_config(self.path, urls[0], self.audit, "forbidden")
        loaded = yaml.safe_load(self.path.read_text())
        assert isinstance(loaded, dict)
        return loaded

    @property
    def reloader(self) -> Reloader:
        reloader = self.stack.proxy_runner.app[COMPONENTS].reloader
        assert reloader is not None
        return reloader

    def reload(self) -> ReloadResult:
        return self.stack.call(self.reloader.reload("api"))

    async def stream(self, rid: str, pieces: list[str], gate: bool = False) -> tuple[str, str]:
        """The reply's text as the client got it, and its policy-version header."""
        body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}],
                "mock": {"pieces": pieces, "gate": gate}}  # fmt: skip
        text = []
        ids = {"X-Request-ID": rid}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.stack.url + "/v1/chat/completions", json=body, headers=ids) as resp,
        ):
            assert resp.status == 200
            async for line in resp.content:
                if line.startswith(b"data: {"):
                    for choice in json.loads(line[6:])["choices"]:
                        text.append(choice.get("delta", {}).get("content") or "")
            return "".join(text), resp.headers.get(POLICY_VERSION, "")


def requests_by_id(audit: Path) -> dict[str, dict[str, Any]]:
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    return {r["request_id"]: r for r in records if r["type"] == "request"}


def test_a_stream_in_flight_finishes_on_its_generation_and_the_next_gets_the_new(
    tmp_path: Path,
) -> None:
    r = Reloading(tmp_path)
    pieces = ["Say the ", "forbidden word, then ", "another one."]
    with r.stack as stack:
        parts = stack.proxy_runner.app[COMPONENTS]
        old = parts.generations.current
        in_flight = asyncio.run_coroutine_threadsafe(
            r.stream("old-1", pieces, gate=True), stack.loop
        )
        stack.call(asyncio.wait_for(r.upstream.entered.wait(), 10))  # admitted, mid-reply
        write_config(r.path, stack.mock_urls[0], r.audit, "another")
        result = r.reload()
        assert result.ok and result.previous == old.hash
        new = parts.generations.current
        assert new.hash == result.generation != old.hash
        stack.loop.call_soon_threadsafe(r.upstream.go.set)
        text, version = in_flight.result(10)
        # Filtered by the generation it was admitted with: "forbidden" cut, "another" not.
        assert "forbidden" not in text and "another one." in text
        assert version == old.versions["p"]
        text, version = stack.call(r.stream("new-1", pieces))
        assert "forbidden word" in text and "another" not in text
        assert version == new.versions["p"] != old.versions["p"]
    by_id = requests_by_id(r.audit)
    assert by_id["old-1"]["policy"] == {"name": "p", "version": old.versions["p"], "via": "route"}
    assert by_id["old-1"]["generation"] == old.hash
    assert by_id["new-1"]["policy"] == {"name": "p", "version": new.versions["p"], "via": "route"}
    assert by_id["new-1"]["generation"] == new.hash


def test_an_invalid_file_changes_nothing_and_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    r = Reloading(tmp_path)
    pieces = ["the forbidden ", "word"]
    with r.stack as stack, caplog.at_level(logging.INFO, "safeproxy.reload"):
        parts = stack.proxy_runner.app[COMPONENTS]
        before = parts.generations.current
        write_config(r.path, stack.mock_urls[0], r.audit, "another", regex="(unclosed")
        result = r.reload()
        assert not result.ok and result.generation == before.hash
        [(where, _)] = result.problems
        assert where.startswith("policies.p.output.0.patterns.0")
        assert parts.generations.current is before
        text, version = stack.call(r.stream("after-bad", pieces))
        assert "forbidden" not in text and version == before.versions["p"]
        assert stack.metric("safeproxy_config_reloads_total", {"result": "failure"}) == 1
        assert stack.metric("safeproxy_config_info", {"generation": before.hash}) == 1
        # Not YAML at all: the line is named.
        r.path.write_text("policies: {p: [\n")
        broken = r.reload()
        assert not broken.ok and "line" in broken.problems[0][1]
        assert stack.metric("safeproxy_config_reloads_total", {"result": "failure"}) == 2
    errors = [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert any("policies.p.output.0.patterns.0" in m and before.hash in m for m in errors)
    records = [json.loads(line) for line in r.audit.read_text().splitlines()]
    reloads = [rec for rec in records if rec["type"] == "config_reload"]
    assert [rec["result"] for rec in reloads] == ["failure", "failure"]
    assert reloads[0]["problems"][0]["path"].startswith("policies.p.output.0.patterns.0")
    assert requests_by_id(r.audit)["after-bad"]["generation"] == before.hash


def test_a_listener_change_is_reported_not_applied(tmp_path: Path) -> None:
    r = Reloading(tmp_path)
    with r.stack as stack:
        cfg = yaml.safe_load(r.path.read_text())
        cfg["server"]["port"] = 1  # the listener is bound: a restart would be needed
        cfg["policies"]["p"]["output"][0]["words"] = ["another"]
        r.path.write_text(yaml.safe_dump(cfg))
        result = r.reload()
        assert result.ok and result.previous is not None
        assert result.not_applied == ("server.port",)
        parts = stack.proxy_runner.app[COMPONENTS]
        assert parts.generations.current.settings.server.port == 0  # as started
        # Rollback: the previous generation serves again, reported like a reload.
        back = stack.call(r.reloader.rollback())
        assert back.ok and back.generation == result.previous
        assert parts.generations.current.hash == result.previous
