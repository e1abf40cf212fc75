"""Review-queue insert throughput (PostgreSQL, and SQLite for reference) against the rate at
which the proxy flags requests into review when every request is flagged.

1. A private PostgreSQL server (tests/postgres_server.py, durable: fsync on) and, in the same
   run, `safeproxy serve` with the PostgreSQL review backend and a shadow blocklist rule that
   every request hits, in front of the bundled mock upstream. An aiohttp load loop keeps 16
   requests in flight for --seconds; the completed requests per second is the flagged rate
   (each request is one review item). The queue is then read back: every item must be there.
2. `add_many` on each backend, in batches of 1 (the worst case), of what one feed flush
   carries at the flagged rate (the feed writes twice a second), and of 500; items per second.

Each figure is the median of --reps repetitions; the table gives each insert rate as a ratio
to the flagged rate measured in this run (target: PostgreSQL >= 1).

    python benchmarks/review_store.py             # 3 reps, 10 s of load each
    python benchmarks/review_store.py --quick     # 1 rep, 3 s, for a smoke check
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import HOST, Fleet, Server, free_port, wait_ready

from safeproxy.review.item import ReviewItem
from safeproxy.review.postgres_store import PostgresReviewStore
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.review.store import ReviewStore
from tests.postgres_server import PostgresServer

CONCURRENCY = 16
FLUSHES_PER_S = 2  # the feed's batching period is 0.5 s
DSN_ENV = "REVIEW_DSN"
TEXT = "user: please send a wire transfer for invoice {n} " + "lorem ipsum " * 40


def proxy_config(port: int, upstream_port: int) -> str:
    config = {
        "server": {"host": HOST, "port": port},
        "upstreams": [{"name": "mock", "base_url": f"http://{HOST}:{upstream_port}"}],
        "routes": [{"match": {"model": "*"}, "upstream": "mock", "policy": "flag_all"}],
        "policies": {
            "flag_all": {
                "input": [
                    {"type": "blocklist", "words": ["wire transfer"], "mode": "shadow",
                     "name": "trial"},
                ]
            }
        },
        "review": {"enabled": True, "store": {"backend": "postgres", "dsn_env": DSN_ENV}},
        "readiness": {"interval_s": 60},
    }  # fmt: skip
    return yaml.safe_dump(config, sort_keys=False)


async def load(url: str, seconds: float) -> int:
    """Completed (200) requests in `seconds` with CONCURRENCY in flight."""
    done = 0
    deadline = time.monotonic() + seconds

    async def worker(session: aiohttp.ClientSession, w: int) -> None:
        nonlocal done
        n = 0
        while time.monotonic() < deadline:
            body = {"model": "m", "messages": [{"role": "user", "content": TEXT.format(n=n)}]}
            async with session.post(url + "/v1/chat/completions", json=body) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(f"the proxy answered {r.status}")
            done += 1
            n += 1

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session, w) for w in range(CONCURRENCY)))
    return done


async def count_items(dsn: str) -> int:
    store = PostgresReviewStore(dsn, max_items=10**9, max_text_chars=32_768)
    await store.open()
    try:
        return len([i async for i in store.iter_export(source="shadow")])
    finally:
        await store.close()


def flagged_rates(server: PostgresServer, seconds: float, reps: int) -> tuple[list[float], str]:
    """The proxy's flagged-request rate per repetition, and whether every item was stored."""
    rates: list[float] = []
    stored = "yes"
    with tempfile.TemporaryDirectory(prefix="safeproxy-bench-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            dsn = server.database()
            mock_port, proxy_port = free_port(), free_port()
            config = Path(tmp) / "proxy.yaml"
            config.write_text(proxy_config(proxy_port, mock_port))
            py = sys.executable
            mock = _start(fleet, "mock", [py, "-m", "safeproxy", "mock-upstream", "--host",
                          HOST, "--port", str(mock_port)], mock_port, {})  # fmt: skip
            proxy = _start(fleet, "proxy", [py, "-m", "safeproxy", "serve", "--config",
                           str(config)], proxy_port, {DSN_ENV: dsn})  # fmt: skip
            wait_ready(mock, "/v1/models")
            wait_ready(proxy, "/healthz")
            total = 0
            for _ in range(reps):
                n = asyncio.run(load(proxy.url, seconds))
                total += n
                rates.append(n / seconds)
            proxy.proc.terminate()  # a clean stop flushes the feed's last batch
            proxy.proc.wait(timeout=30)
            found = asyncio.run(count_items(dsn))
            if found != total:
                stored = f"NO: {found} of {total}"
        finally:
            fleet.stop_all()
    return rates, stored


def _start(fleet: Fleet, name: str, argv: list[str], port: int, env: dict[str, str]) -> Server:
    log = fleet.workdir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )  # fmt: skip
    server = Server(name, f"http://{HOST}:{port}", proc, log)
    fleet.servers[name] = server
    return server


def item(n: int) -> ReviewItem:
    return ReviewItem(
        id=None, request_id=f"req-{n}", created_unix=time.time(), policy="flag_all",
        route="main", tenant="team-a", stage="input", source="shadow", flagged=True,
        check=None, verdict=None, categories=(), score=None,
        finding_types=("blocklist.word",), text=TEXT.format(n=n),
    )  # fmt: skip


async def insert_rate(store: ReviewStore, batch: int, total: int) -> float:
    """Items per second stored by add_many in batches of `batch` (the store already open)."""
    items = [item(n) for n in range(batch)]
    start = time.perf_counter()
    for _ in range(max(1, total // batch)):
        await store.add_many(items)
    return (max(1, total // batch) * batch) / (time.perf_counter() - start)


async def insert_rates(
    backend: str, location: str, batches: list[int], total: int
) -> dict[int, float]:
    store: ReviewStore
    if backend == "postgres":
        store = PostgresReviewStore(location, max_items=10**9, max_text_chars=32_768)
    else:
        store = SqliteReviewStore(location, max_items=10**9, max_text_chars=32_768)
    await store.open()
    try:
        return {b: await insert_rate(store, b, max(total, b)) for b in batches}
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--items", type=int, default=3000, help="items per insert measurement")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.reps, args.items = 3.0, 1, 600
    server = PostgresServer(durable=True).start()
    try:
        rates, stored = flagged_rates(server, args.seconds, args.reps)
        flagged = statistics.median(rates)
        batches = [1, max(1, round(flagged / FLUSHES_PER_S)), 500]
        results: dict[tuple[str, int], list[float]] = {}
        with tempfile.TemporaryDirectory(prefix="safeproxy-bench-") as tmp:
            for rep in range(args.reps):
                for backend in ("postgres", "sqlite"):
                    where = server.database() if backend == "postgres" else f"{tmp}/r{rep}.db"
                    got = asyncio.run(insert_rates(backend, where, batches, args.items))
                    for b, rate in got.items():
                        results.setdefault((backend, b), []).append(rate)
    finally:
        server.close()
    print(f"flagged rate, c={CONCURRENCY}, every request flagged (PostgreSQL review backend): "
          f"{flagged:,.0f} req/s (reps: {', '.join(f'{r:,.0f}' for r in rates)}); "
          f"every item stored: {stored}")  # fmt: skip
    print()
    print(f"{'backend':<10} {'batch':>6} {'inserts/s (median)':>20} {'÷ flagged rate':>16}")
    for (backend, b), values in results.items():
        rate = statistics.median(values)
        print(f"{backend:<10} {b:>6} {rate:>20,.0f} {rate / flagged:>16.1f}")


if __name__ == "__main__":
    main()
