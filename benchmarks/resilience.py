"""What rate limits and circuit breakers cost per request, in memory and through Redis.

Two parts, both printed as tables:

* in process: the admission checks (a rule with requests, tokens and concurrency limits,
  settled afterwards) plus an upstream breaker's allow/record, in memory mode; median of
  batches, in µs per request;
* end to end on loopback: `safeproxy serve` with no limits, with the same rule in memory,
  and with it in Redis (a throwaway `redis-server`), each answering the same sequential chat
  requests from the mock model; the p50 each adds over no limits is the limiter's cost
  (Redis mode makes one round trip per request).

    python benchmarks/resilience.py            # about a minute
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import HOST, LOAD_CORE, PROXY_CORE, Fleet, free_port, wait_ready

from safeproxy.exchange.admission import Admission
from safeproxy.exchange.state import Exchange
from safeproxy.ratelimit.settings import RateLimitSettings
from safeproxy.resilience.breaker import Breaker
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.routes import Route, Target

RULE = {
    "name": "per-client",
    "requests": {"per_second": 1e6},
    "tokens": {"per_second": 1e9},
    "concurrent": 10_000,
}
MAX_MEMORY_US = 20.0
MAX_REDIS_ADDED_P50_MS = 0.5
BODY = {"model": "bench", "messages": [{"role": "user", "content": "hello " * 200}]}


def in_process(batches: int, per_batch: int) -> float:
    """Median µs per request of admit + release + settle, and breaker allow + record."""
    admission = Admission(RateLimitSettings.model_validate({"rules": [RULE]}))
    breaker = Breaker("http://upstream", clock=time.monotonic)
    route = Route("main", "default", (Target("u"),))
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, route=route, body=dict(BODY))
    ex.limit_key, ex.tokens_in, ex.tokens_out = "addr:127.0.0.1", 300, 50
    ex.body_bytes = len(str(BODY))

    async def batch() -> float:
        start = time.perf_counter()
        for _ in range(per_batch):
            ticket = await admission.admit(ex)
            if breaker.allow():
                breaker.record(True)
            admission.release(ticket)
            admission.settle(ex, ticket)
        return (time.perf_counter() - start) / per_batch * 1e6

    loop = asyncio.new_event_loop()
    try:
        return statistics.median(loop.run_until_complete(batch()) for _ in range(batches))
    finally:
        loop.close()


def config(port: int, upstream: int, limits: dict[str, Any] | None) -> str:
    cfg: dict[str, Any] = {
        "server": {"host": HOST, "port": port},
        "upstreams": [{"name": "mock", "base_url": f"http://{HOST}:{upstream}"}],
        "routes": [{"match": {"model": "*"}, "upstream": "mock"}],
        "readiness": {"interval_s": 60},
    }
    if limits is not None:
        cfg["rate_limits"] = limits
    return yaml.safe_dump(cfg)


async def latencies(urls: dict[str, str], n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {name: [] for name in urls}
    async with aiohttp.ClientSession() as session:
        for url in urls.values():  # warm the connections
            async with session.post(url, json=BODY) as resp:
                await resp.read()
        for _ in range(n):
            for name, url in urls.items():  # interleaved: the machine's drift hits all alike
                start = time.perf_counter()
                async with session.post(url, json=BODY) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"{name}: HTTP {resp.status}")
                out[name].append(time.perf_counter() - start)
    return out


def end_to_end(n: int) -> dict[str, float]:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    with tempfile.TemporaryDirectory(prefix="safeproxy-resilience-") as tmp:
        fleet = Fleet(Path(tmp))
        redis_port, mock_port = free_port(), free_port()
        redis_proc = subprocess.Popen(
            ["taskset", "-c", LOAD_CORE, redis_server, "--port", str(redis_port),
             "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", tmp],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            py = sys.executable
            mock = fleet.start("mock", LOAD_CORE, [py, "-m", "safeproxy", "mock-upstream",
                                                   "--host", HOST, "--port", str(mock_port)],
                               mock_port)  # fmt: skip
            targets = {
                "no limits": None,
                "memory": {"rules": [RULE]},
                "redis": {"backend": "redis", "rules": [RULE],
                          "redis": {"url_env": "BENCH_REDIS_URL"}},
            }  # fmt: skip
            urls: dict[str, str] = {}
            for name, limits in targets.items():
                port = free_port()
                path = Path(tmp) / f"{name.replace(' ', '-')}.yaml"
                path.write_text(config(port, mock_port, limits))
                argv = ["env", f"BENCH_REDIS_URL=redis://{HOST}:{redis_port}", py, "-m",
                        "safeproxy", "serve", "--config", str(path)]  # fmt: skip
                server = fleet.start(name, PROXY_CORE, argv, port)
                wait_ready(server, "/healthz")
                urls[name] = server.url + "/v1/chat/completions"
            wait_ready(mock, "/v1/models")
            measured = asyncio.run(latencies(urls, n))
        finally:
            fleet.stop_all()
            redis_proc.terminate()
            redis_proc.wait(10)
    return {name: statistics.median(values) * 1e3 for name, values in measured.items()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--requests", type=int, default=2000, help="sequential requests per target")
    args = p.parse_args()
    us = in_process(batches=9, per_batch=5000)
    p50 = end_to_end(args.requests)
    base = p50["no limits"]
    print("### rate limits and breakers\n")
    print("| measure | value | target | verdict |\n|---|---:|---:|---|")
    ok = "PASS" if us <= MAX_MEMORY_US else "FAIL"
    print(f"| in process, memory: admission + breaker per request | {us:.1f} µs "
          f"| ≤ {MAX_MEMORY_US:.0f} µs | {ok} |")  # fmt: skip
    for name in ("memory", "redis"):
        added = p50[name] - base
        verdict = "PASS" if name == "memory" or added <= MAX_REDIS_ADDED_P50_MS else "FAIL"
        target = f"≤ {MAX_REDIS_ADDED_P50_MS} ms" if name == "redis" else "-"
        print(f"| end to end p50 added, {name} limits | {added:.3f} ms | {target} | {verdict} |")
    print("\n| target | p50 ms |\n|---|---:|")
    for name, value in p50.items():
        print(f"| {name} | {value:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
