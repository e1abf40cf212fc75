"""The console's review page at 100,000 items: server time of one page of 50.

Fills a review store (SQLite, on disk) with 100k items, serves the admin listener with the
console on 127.0.0.1, and times GET /console/review (a session cookie made with the
listener's own Sessions) for the first page, a page deep in the queue (keyset `before`),
and filtered pages (route, tenant, label, a day), against the JSON API's list of the same
items in the same run. Each timing is the handler's own (a middleware around the whole
application: routing, the store query, rendering), and the loopback round trip beside it.

    python benchmarks/console_review.py [--items 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CollectorRegistry

from safeproxy.admin.console.build import console_routes
from safeproxy.admin.console.session import Sessions
from safeproxy.admin.review import admin_app
from safeproxy.admin.tokens import AdminTokens
from safeproxy.review.item import ReviewItem
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.telemetry.metrics import Metrics

TOKEN = "bench-token-0123456789"
DAY0 = 1_796_256_000.0  # 2026-12-03 00:00 UTC
PAGE_TEXT = "Please write to [REDACTED:EMAIL] about order 12345 and the refund. " * 3


def item(n: int) -> ReviewItem:
    return ReviewItem(
        id=None, request_id=f"req-{n}", created_unix=DAY0 - 86_400 * 30 + n * 26.0,
        policy=f"policy-{n % 4}", route=f"route-{n % 10}", tenant=f"tenant-{n % 100}",
        stage="input" if n % 2 else "output",
        source=("deep_check_unsafe", "shadow", "audit_sample")[n % 3],
        flagged=n % 3 != 2, check="judge", verdict="unsafe", categories=("S1",), score=0.8,
        finding_types=("pii.email",), text=PAGE_TEXT,
        label=("true_positive" if n % 5 == 0 else None) if n % 3 != 2 else None,
    )  # fmt: skip


async def main(items: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteReviewStore(str(Path(tmp) / "review.sqlite3"), max_items=items * 2,
                                  max_text_chars=4096)  # fmt: skip
        await store.open()
        for start in range(0, items, 5000):
            await store.add_many([item(n) for n in range(start, min(items, start + 5000))])
        tokens = AdminTokens.single(TOKEN)
        sessions = Sessions()
        metrics = Metrics(CollectorRegistry())
        routes = console_routes(store, tokens, metrics, ops=None, sessions=sessions)
        app = admin_app(store, tokens, metrics, console=routes)
        server_s: list[float] = []

        @web.middleware
        async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
            started = time.perf_counter()
            response = await handler(request)
            server_s.append(time.perf_counter() - started)
            return response

        app.middlewares.insert(0, timed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        cookie, _ = sessions.issue("token_env")
        mid = items // 2
        cases = [
            ("first page", "/console/review?label=any"),
            ("unlabelled queue", "/console/review"),
            ("deep page (before=n/2)", f"/console/review?label=any&before={mid}"),
            ("route filter", "/console/review?label=any&route=route-3"),
            ("tenant filter", "/console/review?label=any&tenant=tenant-42"),
            ("one day", "/console/review?label=any&since=2026-11-20&until=2026-11-20"),
        ]
        api = ("API list (baseline)", "/admin/review/items?limit=50")
        print(f"review page, {items} items in the store, {runs} runs each; ms")
        print(f"{'case':28} {'server p50':>11} {'server max':>11} {'round trip p50':>15} "
              f"{'items':>6} {'x API':>6}")  # fmt: skip
        async with aiohttp.ClientSession(cookies={"safeproxy_console": cookie}) as http:
            base = None
            for name, path in [api, *cases]:
                headers = {"Authorization": f"Bearer {TOKEN}"} if path.startswith("/admin") else {}
                server_s.clear()
                trips = []
                shown = 0
                for _ in range(runs):
                    started = time.perf_counter()
                    async with http.get(url + path, headers=headers) as r:
                        body = await r.text()
                        assert r.status == 200, (path, r.status)
                    trips.append(time.perf_counter() - started)
                    shown = body.count('class="item') or body.count('"object":"review.item"')
                p50 = statistics.median(server_s) * 1000
                base = base or p50
                trip = statistics.median(trips) * 1000
                print(f"{name:28} {p50:11.2f} {max(server_s) * 1000:11.2f} "
                      f"{trip:15.2f} {shown:6d} {p50 / base:6.2f}")  # fmt: skip
        await runner.cleanup()
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.items, args.runs))
