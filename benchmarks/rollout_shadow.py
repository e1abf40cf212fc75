"""What a shadow candidate costs: c=16 traffic with no candidate, against the same proxy with a
shadow candidate scanning every request (sample 1.0), in the same run.

    python benchmarks/rollout_shadow.py [--requests 3000] [--rounds 3] [--concurrency 16]

Starts the mock upstream, then for each round and each variant `safeproxy serve` (one
process) with the bundled default policy:

- `no candidate`: the default policy alone (the baseline);
- `shadow 100 %`: the same, with a rollout on the route whose candidate (the default policy
  plus a blocklist) runs beside it on every request;
- `candidate alone`: the candidate as the route's only policy: its own filter time, which the
  issue bounds the shadow's cost by.

Each variant is driven by c clients (half of the requests streamed) for a fixed number of
requests; the table gives medians over the rounds of throughput, p50 and p99, the proxy's
CPU per request (from /proc), and ratios against the baseline of the same round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reload import HOST, Traffic, free_port, pct, until

from safeproxy.settings.loading import bundled_config

VARIANTS = ("no candidate", "shadow 100 %", "candidate alone")
BLOCK = {"type": "blocklist", "name": "extra-words", "words": ["forbidden-term"]}


def config(path: Path, variant: str) -> None:
    cfg: dict[str, Any] = yaml.safe_load(bundled_config("default.yaml").read_text())
    cfg["policies"]["candidate"] = {"extends": "default", "input": [BLOCK]}
    if variant == "shadow 100 %":
        cfg["rollouts"] = {
            cfg["routes"][0].get("name") or cfg["routes"][0]["upstream"]: {
                "candidate": "candidate",
                "mode": "shadow",
                "sample": 1.0,
                "start": "auto",
            }
        }
    elif variant == "candidate alone":
        cfg["routes"][0]["policy"] = "candidate"
    path.write_text(yaml.safe_dump(cfg))


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def healthy(url: str, path: str = "/healthz") -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url + path, timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def measure(workdir: Path, upstream: str, variant: str, args: Any) -> dict[str, float]:
    path = workdir / "safeproxy.yaml"
    config(path, variant)
    port = free_port()
    with (workdir / "proxy.log").open("ab") as log:
        proxy = subprocess.Popen(
            [sys.executable, "-m", "safeproxy", "serve", "--config", str(path),
             "--port", str(port), "--upstream", upstream], stdout=log, stderr=log)  # fmt: skip
    url = f"http://{HOST}:{port}"
    try:
        until(lambda: healthy(url), "proxy up", 600, 0.05)
        warm = Traffic(url)
        asyncio.run(warm.run(args.concurrency, 200, asyncio.Event()))
        t = Traffic(url)
        cpu0, t0 = cpu_s(proxy.pid), time.perf_counter()
        asyncio.run(t.run(args.concurrency, args.requests, asyncio.Event()))
        wall, cpu = time.perf_counter() - t0, cpu_s(proxy.pid) - cpu0
        assert t.failed == 0, f"{variant}: {t.failed} failed requests"
        return {
            "rps": args.requests / wall,
            "p50": pct(t.latencies, 50) * 1000,
            "p99": pct(t.latencies, 99) * 1000,
            "cpu_us": cpu / args.requests * 1e6,
        }
    finally:
        proxy.send_signal(signal.SIGTERM)
        proxy.wait(30)


def in_process(repeat: int = 9, calls: int = 2000) -> dict[str, float]:
    """In this process, on the traffic's prompts (median of `repeat` interleaved runs, CPU µs
    of this thread per request, so that other processes on a loaded machine count less):
    the request path's policy work (route choice, input check, decision, rollout count) with
    no candidate and with the shadow candidate, and the candidate's input stage alone: the
    filter time the shadow's cost is bounded by. Deterministic work, unlike the CPU column of
    a loaded machine."""
    from prometheus_client import CollectorRegistry

    from safeproxy.exchange.decision import TenantHasher, build
    from safeproxy.exchange.guard import Guard
    from safeproxy.exchange.state import Exchange
    from safeproxy.filters.chain import run_stage
    from safeproxy.filters.confusables import skeleton_table
    from safeproxy.filters.normalize import Normalizer
    from safeproxy.filters.policy import Compiler
    from safeproxy.filters.skeleton import Skeleton
    from safeproxy.generation.generation import Builder
    from safeproxy.rollout.controller import Rollouts
    from safeproxy.rollout.metrics import RolloutMetrics
    from safeproxy.settings.loading import validate
    from safeproxy.upstream.openai import Kind

    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    builder = Builder(compiler, TenantHasher(b"s"))
    fns: dict[str, Any] = {}
    for variant in VARIANTS[:2]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "c.yaml"
            config(path, variant)
            gen = builder.build(validate(yaml.safe_load(path.read_text())), 1)
        rollouts = Rollouts(RolloutMetrics(CollectorRegistry()), {})
        rollouts.sync(gen)
        guard = Guard()
        model = "m"
        route = gen.router.route(model)
        assert route is not None

        def one(n: int, gen: Any = gen, rollouts: Any = rollouts, route: Any = route,
                model: str = model, guard: Any = guard) -> None:  # fmt: skip
            ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, generation=gen)
            ex.route = rollouts.serve(ex, route, "Bearer k")
            text = f"Tell me about item {n}."
            guard.check_request(
                ex, {"model": model, "messages": [{"role": "user", "content": text}]}
            )
            rollouts.observe(ex, build(ex, policies=gen.versions, now=0.0, overhead_s=0.0))

        fns[variant] = one
        if variant == VARIANTS[1]:
            stage = gen.policies["candidate"].input
            fns["stage"] = lambda n, s=stage: run_stage(s, [f"Tell me about item {n}."])
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):  # interleaved: a busy spell hits every variant alike
        for name, fn in fns.items():
            runs[name].append(_timed(fn, calls))
    return {name: statistics.median(r) for name, r in runs.items()}


def _timed(fn: Any, calls: int) -> float:
    t0 = time.thread_time()
    for n in range(calls):
        fn(n)
    return (time.thread_time() - t0) / calls * 1e6


def report_in_process() -> None:
    got = in_process()
    base, shadow, stage = got[VARIANTS[0]], got[VARIANTS[1]], got["stage"]
    print(f"in process, us per request: no candidate {base:.1f}, shadow 100 % {shadow:.1f} "
          f"(+{shadow - base:.1f}); the candidate's input stage alone {stage:.1f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--stage-only", action="store_true", help="only the in-process stage")
    args = parser.parse_args()
    if args.stage_only:
        report_in_process()
        return 0
    mock_port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with (workdir / "mock.log").open("wb") as log:
            mock = subprocess.Popen(
                [sys.executable, "-m", "safeproxy", "mock-upstream", "--port", str(mock_port),
                 "--token-delay-ms", "0"], stdout=log, stderr=log)  # fmt: skip
        try:
            upstream = f"http://{HOST}:{mock_port}"
            until(lambda: healthy(upstream, "/v1/models"), "mock up", 60, 0.05)
            rows: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
            for r in range(args.rounds):
                for variant in VARIANTS:  # interleaved: drift hits every variant alike
                    rows[variant].append(measure(workdir, upstream, variant, args))
                    print(f"round {r + 1}: {variant} done", file=sys.stderr, flush=True)
        finally:
            mock.send_signal(signal.SIGTERM)
            mock.wait(30)
    print(f"c={args.concurrency}, {args.requests} requests per run (half streamed), "
          f"medians of {args.rounds} interleaved rounds; the default policy")  # fmt: skip
    print(f"{'variant':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>11}"
          f" {'CPU ratio':>10}")  # fmt: skip
    for variant in VARIANTS:
        med = {k: statistics.median(row[k] for row in rows[variant]) for k in rows[variant][0]}
        ratio = statistics.median(
            row["cpu_us"] / base["cpu_us"]
            for row, base in zip(rows[variant], rows[VARIANTS[0]], strict=True)
        )
        print(f"{variant:<16} {med['rps']:>8.0f} {med['p50']:>8.2f} {med['p99']:>8.2f}"
              f" {med['cpu_us']:>11.0f} {ratio:>10.2f}")  # fmt: skip
    added = statistics.median(
        s["cpu_us"] - b["cpu_us"] for s, b in zip(rows[VARIANTS[1]], rows[VARIANTS[0]], strict=True)
    )
    print(f"shadow added CPU: {added:.0f} us per request (this machine's noise included)")
    report_in_process()
    return 0


if __name__ == "__main__":
    sys.exit(main())
