"""The console's review page on a review store that cannot be reached (a shared PostgreSQL
store down): a 503 page, counted as the API counts it, never a 500 with a traceback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from safeproxy.admin.console.app import COOKIE
from safeproxy.admin.console.build import console_routes
from safeproxy.admin.console.session import Sessions
from safeproxy.admin.review import admin_app
from safeproxy.admin.tokens import AdminTokens
from safeproxy.review.postgres_store import PostgresReviewStore
from safeproxy.telemetry.metrics import Metrics
from tests.fake_clock import FakeClock
from tests.redis_server import free_port

TOKEN = "console-test-token-0123456789"
ERRORS = "safeproxy_review_store_errors_total"


@pytest.fixture
async def console() -> AsyncIterator[tuple[str, Sessions, CollectorRegistry]]:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    # Nothing listens on the port: every call fails (the fake clock keeps the backoff on).
    dsn = f"host=127.0.0.1 port={free_port()} dbname=x user=x password=x"
    store = PostgresReviewStore(
        dsn, max_items=10, max_text_chars=10, timeout_s=0.5, monotonic=FakeClock()
    )
    await store.open()
    tokens = AdminTokens.single(TOKEN)
    sessions = Sessions(b"k" * 32)
    routes = console_routes(store, tokens, metrics, ops=None, sessions=sessions)
    runner = web.AppRunner(admin_app(store, tokens, metrics, console=routes))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}", sessions, registry
    finally:
        await runner.cleanup()
        await store.close()


async def test_the_review_page_and_a_label_are_a_503_page_when_the_store_is_down(
    console: tuple[str, Sessions, CollectorRegistry],
) -> None:
    url, sessions, registry = console
    cookie, session = sessions.issue("ops")
    headers = {"Cookie": f"{COOKIE}={cookie}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/console/review", headers=headers) as r:
            assert r.status == 503
            assert "review store is unavailable" in await r.text()
        assert registry.get_sample_value(ERRORS, {"backend": "postgres", "operation": "read"}) == 1
        form = {"label": "unsure", "csrf": sessions.csrf(session), "back": ""}
        async with http.post(
            f"{url}/console/review/1/label", data=form, headers=headers, allow_redirects=False
        ) as r:
            assert r.status == 503
            assert "review store is unavailable" in await r.text()
    labelled = registry.get_sample_value(ERRORS, {"backend": "postgres", "operation": "label"})
    assert labelled == 1
