"""Wrong admin tokens over real HTTP: the API and the console login share one allowance per
peer; past it both answer 429 with Retry-After without reading the token (a right one
included), record it, and let the peer in again once the clock moves on."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from safeproxy.admin.attempts import FAILURES, Attempts
from safeproxy.admin.console.build import console_routes
from safeproxy.admin.review import admin_app
from safeproxy.admin.tokens import AdminTokens
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.settings import AuditSettings
from tests.fake_clock import FakeClock

TOKEN = "admin-token-0123456789"
WRONG = "wrong-token-9876543210"
BURST = int(FAILURES.burst)
ITEMS = "/admin/review/items"


@dataclasses.dataclass
class Listener:
    url: str
    http: aiohttp.ClientSession
    clock: FakeClock
    registry: CollectorRegistry
    log: AuditLog
    audit_path: Path

    async def api(self, token: str) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {token}"}
        async with self.http.get(self.url + ITEMS, headers=headers) as r:
            await r.read()
            return r

    async def login(self, token: str) -> tuple[int, str, dict[str, str]]:
        async with self.http.get(self.url + "/console/login") as r:
            page = await r.text()
        match = re.search(r'name="csrf" value="([^"]+)"', page)
        assert match is not None
        form = {"csrf": match.group(1), "token": token}
        async with self.http.post(
            self.url + "/console/login", data=form, allow_redirects=False
        ) as r:
            return r.status, await r.text(), dict(r.headers)

    async def audit(self, kind: str) -> list[dict[str, object]]:
        await self.log.sync()
        lines = self.audit_path.read_text().splitlines()
        records = [orjson.loads(line) for line in lines]
        return [r for r in records if r["type"] == kind]


@pytest.fixture
async def listener(tmp_path: Path) -> AsyncIterator[Listener]:
    clock = FakeClock()
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    audit_path = tmp_path / "audit.jsonl"
    audit = AuditLog(AuditSettings(path=str(audit_path)))
    audit.start()
    tokens = AdminTokens(
        {"ops": hashlib.sha256(TOKEN.encode()).hexdigest()}, attempts=Attempts(clock)
    )
    store = SqliteReviewStore(str(tmp_path / "review.sqlite3"), max_items=100, max_text_chars=100)
    await store.open()
    console = console_routes(store, tokens, metrics, ops=None, audit=audit)
    runner = web.AppRunner(admin_app(store, tokens, metrics, audit=audit, console=console))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        # unsafe: keep the cookies of an IP address (the login nonce, the session).
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            yield Listener(f"http://{host}:{port}", http, clock, registry, audit, audit_path)
    finally:
        await runner.cleanup()
        await store.close()
        audit.close()


async def test_the_api_refuses_a_guesser_past_its_allowance_even_with_the_right_token(
    listener: Listener,
) -> None:
    for _ in range(BURST):
        assert (await listener.api(WRONG)).status == 401
    throttled = await listener.api(TOKEN)  # right, but not read
    assert throttled.status == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert [r.get("reason") for r in await listener.audit("admin_refused")] == (
        ["token"] * BURST + ["throttled"]
    )
    listener.clock.advance(FAILURES.interval_s)
    assert (await listener.api(TOKEN)).status == 200
    assert WRONG not in listener.audit_path.read_text()
    assert TOKEN not in listener.audit_path.read_text()


async def test_right_tokens_never_use_the_allowance(listener: Listener) -> None:
    for _ in range(3 * BURST):
        assert (await listener.api(TOKEN)).status == 200
    for _ in range(BURST):
        assert (await listener.api(WRONG)).status == 401


async def test_the_console_login_shares_the_allowance_with_the_api(listener: Listener) -> None:
    for _ in range(BURST - 1):
        assert (await listener.api(WRONG)).status == 401
    status, _, _ = await listener.login(WRONG)
    assert status == 401  # the last wrong guess of the allowance
    status, page, headers = await listener.login(TOKEN)
    assert status == 429 and "try again later" in page
    assert int(headers["Retry-After"]) >= 1
    refused = listener.registry.get_sample_value(
        "safeproxy_console_refused_total", {"reason": "throttled"}
    )
    assert refused == 1.0
    listener.clock.advance(FAILURES.interval_s)
    status, _, headers = await listener.login(TOKEN)
    assert status in (302, 303) and headers["Location"] == "/console/review"
