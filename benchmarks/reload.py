"""Hot reload under load, and the time from SIGHUP to every worker serving the new generation.

    python benchmarks/reload.py [--workers 2] [--concurrency 16] [--reloads 20]

Starts the mock upstream and `safeproxy serve --workers N` with the bundled default policy,
then:

1. baseline: c=16 clients (half of the requests streamed) for a fixed number of requests;
2. under reloads: the same traffic while the config file is replaced (by rename) and SIGHUP
   sent `--reloads` times, one of them an invalid file; each reload waits until every worker
   reports its result in its status file. Failed requests (a non-200, a transport error, a
   stream without its `[DONE]`) are counted, and p50/p99 compared with the baseline;
3. SIGHUP to every worker serving: idle, `--timed` reloads of the default policy; the time
   from the signal to the last worker's status file naming the new hash, beside the
   compile time the workers report.

Bounded: fixed request counts and reload counts, every wait with a deadline. Prints tables.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from safeproxy.generation.status import read_status
from safeproxy.settings.loading import bundled_config

HOST = "127.0.0.1"
WAIT_S = 900.0  # a compile of the default policy takes tens of seconds on a busy machine


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# A smaller policy, for machines where 20 compiles of the default one do not fit the time.
LIGHT = {
    "input": [{"type": "pii", "entities": ["email", "credit_card", "ssn"]}, {"type": "secrets"}],
    "output": [{"type": "pii", "entities": ["email", "credit_card"]}],
}


def policy_file(path: Path, variant: int, *, invalid: bool = False, light: bool = False) -> None:
    """The bundled default config with one more output word per variant (a new generation
    each time), or one that fails to compile; replaced by rename. `light`: LIGHT instead of
    the default policy."""
    cfg: dict[str, Any] = yaml.safe_load(bundled_config("default.yaml").read_text())
    cfg["readiness"] = {"interval_s": 3600}
    if light:
        cfg["policies"]["default"] = json.loads(json.dumps(LIGHT))
    extra: dict[str, Any] = {"type": "blocklist", "words": [f"reloadword{variant}"]}
    if invalid:
        extra["patterns"] = [{"regex": "(unclosed"}]
    cfg["policies"]["default"].setdefault("output", []).append(extra)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(cfg, sort_keys=False))
    os.replace(tmp, path)


@contextlib.contextmanager
def servers(
    workdir: Path, workers: int, light: bool
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    config = workdir / "safeproxy.yaml"
    policy_file(config, 0, light=light)
    metrics = workdir / "metrics"
    metrics.mkdir()
    mock_port, port = free_port(), free_port()
    procs: list[subprocess.Popen[bytes]] = []
    with (workdir / "mock.log").open("wb") as log:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "safeproxy", "mock-upstream", "--port", str(mock_port),
             "--token-delay-ms", "1"], stdout=log, stderr=log))  # fmt: skip
    with (workdir / "proxy.log").open("wb") as log:
        proxy = subprocess.Popen(
            [sys.executable, "-m", "safeproxy", "serve", "--config", str(config),
             "--port", str(port), "--upstream", f"http://{HOST}:{mock_port}",
             "--workers", str(workers)],
            stdout=log, stderr=log, env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
        )  # fmt: skip
    procs.append(proxy)
    try:
        until(lambda: len(read_status(metrics)) == workers, "workers up", WAIT_S)
        yield proxy, f"http://{HOST}:{port}", metrics
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def until(check: Callable[[], bool], what: str, limit_s: float, every_s: float = 0.001) -> None:
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(every_s)


@dataclass
class Traffic:
    url: str
    latencies: list[float] = field(default_factory=list)
    failed: int = 0
    cut_streams: int = 0
    streams: int = 0

    async def run(self, concurrency: int, requests: int | None, stop: asyncio.Event) -> None:
        """`requests` in all, or until `stop` when None."""
        left = [requests if requests is not None else -1]
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(self._client(http, i, left, stop) for i in range(concurrency)))

    async def _client(
        self, http: aiohttp.ClientSession, i: int, left: list[int], stop: asyncio.Event
    ) -> None:
        n = 0
        while not stop.is_set() and left[0] != 0:
            if left[0] > 0:
                left[0] -= 1
            stream = (i + n) % 2 == 0
            n += 1
            body = {"model": "m", "stream": stream,
                    "messages": [{"role": "user", "content": f"Tell me about item {n}."}],
                    "mock": {"reply": "A reply in several chunks, all of them clean. " * 3,
                             "chunks": 12}}  # fmt: skip
            t0 = time.perf_counter()
            try:
                async with http.post(self.url + "/v1/chat/completions", json=body) as resp:
                    raw = await resp.read()
                    ok = resp.status == 200
            except aiohttp.ClientError:
                ok, raw = False, b""
            self.latencies.append(time.perf_counter() - t0)
            if stream:
                self.streams += 1
                if ok and not raw.rstrip().endswith(b"data: [DONE]"):
                    self.cut_streams += 1
                    ok = False
            self.failed += not ok


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=1000)[int(p * 10) - 1] if len(values) > 1 else 0.0


def reported(metrics: Path, since: float, workers: int) -> dict[str, dict[str, Any]]:
    """Every worker's status, once each has a reload result finished after `since`."""
    status = read_status(metrics)
    done = {
        w: s for w, s in status.items()
        if (s.get("last_reload") or {}).get("finished_unix", 0) >= since
    }  # fmt: skip
    return done if len(done) == workers else {}


async def under_reloads(
    proxy: subprocess.Popen[bytes], url: str, metrics: Path, config: Path, args: Any
) -> tuple[Traffic, Traffic, list[str]]:
    base = Traffic(url)
    await base.run(args.concurrency, args.baseline_requests, asyncio.Event())
    loaded = Traffic(url)
    stop = asyncio.Event()
    traffic = asyncio.ensure_future(loaded.run(args.concurrency, None, stop))
    results: list[str] = []
    seconds: list[float] = []
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + args.deadline_s
    for i in range(1, args.reloads + 1):
        if time.monotonic() > deadline:
            results.append(f"stopped at the deadline after {i - 1} reloads")
            break
        invalid = i == args.reloads // 2
        policy_file(config, i, invalid=invalid, light=args.light)
        sent = time.time()
        proxy.send_signal(signal.SIGHUP)

        def wait(since: float = sent) -> dict[str, dict[str, Any]]:
            until(lambda: bool(reported(metrics, since, args.workers)), "reload", WAIT_S, 0.01)
            return reported(metrics, since, args.workers)

        status = await loop.run_in_executor(None, wait)
        seconds.append(time.time() - sent)
        print(f"reload {i}: {seconds[-1]:.1f} s", file=sys.stderr, flush=True)
        outcome = {s["last_reload"]["result"] for s in status.values()}
        results.append("/".join(sorted(outcome)) + (" (invalid file)" if invalid else ""))
    stop.set()
    await traffic
    results.append(f"SIGHUP to all reported: mean {statistics.mean(seconds):.1f} s, "
                   f"max {max(seconds):.1f} s")  # fmt: skip
    return base, loaded, results


def sighup_to_serving(
    proxy: subprocess.Popen[bytes], metrics: Path, config: Path, workers: int, times: int
) -> list[tuple[float, float]]:
    """(seconds from SIGHUP to the last worker on the new hash, the slowest compile)."""
    out = []
    for i in range(times):
        before = {s["generation"] for s in read_status(metrics).values()}
        policy_file(config, 1000 + i)
        t0 = time.perf_counter()
        proxy.send_signal(signal.SIGHUP)

        def moved(old: set[str] = before) -> bool:
            status = read_status(metrics)
            hashes = {s["generation"] for s in status.values()}
            return len(status) == workers and len(hashes) == 1 and not hashes & old

        until(moved, "every worker on the new generation", WAIT_S)
        elapsed = time.perf_counter() - t0
        compile_s = max(s["last_reload"]["seconds"] for s in read_status(metrics).values())
        out.append((elapsed, compile_s))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--reloads", type=int, default=20)
    parser.add_argument("--baseline-requests", type=int, default=3000)
    parser.add_argument("--light", action="store_true", help="a smaller policy under load")
    parser.add_argument("--deadline-s", type=float, default=3600, help="no reload after this")
    parser.add_argument("--timed", type=int, default=3, help="idle SIGHUP-to-serving runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="safeproxy-reload-") as tmp:
        workdir = Path(tmp)
        config = workdir / "safeproxy.yaml"
        with servers(workdir, args.workers, args.light) as (proxy, url, metrics):
            base, loaded, results = asyncio.run(under_reloads(proxy, url, metrics, config, args))
            timed = sighup_to_serving(proxy, metrics, config, args.workers, args.timed)
            alive = proxy.poll() is None
    policy = "a light policy (LIGHT)" if args.light else "the default policy"
    print(f"\nreload under load: c={args.concurrency}, --workers {args.workers}, {policy}, "
          f"half the requests streamed, {args.reloads} reloads (one invalid file)")  # fmt: skip
    print(f"{'phase':<16}{'requests':>9}{'streams':>9}{'failed':>8}{'cut':>6}"
          f"{'p50 ms':>9}{'p99 ms':>9}")  # fmt: skip
    for name, t in (("baseline", base), ("under reloads", loaded)):
        p50, p99 = pct(t.latencies, 50) * 1000, pct(t.latencies, 99) * 1000
        print(f"{name:<16}{len(t.latencies):>9}{t.streams:>9}{t.failed:>8}{t.cut_streams:>6}"
              f"{p50:>9.1f}{p99:>9.1f}")  # fmt: skip
    tally: dict[str, int] = {}
    for r in results[:-1]:
        tally[r] = tally.get(r, 0) + 1
    print("reload results (all workers): " + ", ".join(f"{k} x{v}" for k, v in tally.items()))
    print("reload time under load, " + results[-1])
    print(f"\nSIGHUP -> every worker serving the new generation (default policy, idle, "
          f"--workers {args.workers})")  # fmt: skip
    print(f"{'run':<5}{'total s':>9}{'compile s':>11}{'rest ms':>9}")
    for i, (total, compile_s) in enumerate(timed, 1):
        print(f"{i:<5}{total:>9.3f}{compile_s:>11.3f}{(total - compile_s) * 1000:>9.1f}")
    print(f"proxy still running after the run: {alive}")
    return 0 if alive and not base.failed and not loaded.failed else 1


if __name__ == "__main__":
    sys.exit(main())
