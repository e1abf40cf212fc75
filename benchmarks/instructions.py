"""Instructions per proxied request, floor vs safeproxy (no filters, the default policy, and
the default policy with every telemetry sink on), counted by valgrind's callgrind.

Wall-clock CPU on this 2-core VM moves by +-10 % between runs; instruction counts do not.
Each proxy runs under `valgrind --tool=callgrind` (the mock upstream runs natively) and gets
N1 and then N2 sequential non-streaming ~2 KB chat requests in two separate runs; startup and
shutdown cancel out in (I(N2) - I(N1)) / (N2 - N1). Use it to judge a hot-path change before
running proxy_overhead.py. Counts cover user space only (the kernel's share is the same work
for both proxies).

    python benchmarks/instructions.py            # N1=100, N2=600; about a minute per target
    python benchmarks/instructions.py --stream   # streams of 50 chunks: per stream and event
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proxy_overhead as po
from fleet import default_policy, free_port, safeproxy_config

ROOT = Path(__file__).resolve().parent.parent


def wait_up(url: str, limit_s: float = 180) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def drive(url: str, n: int, body: bytes) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(n):
            async with session.post(
                url, data=body, headers={"Content-Type": "application/json"}
            ) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"status {resp.status}")


def _unhurried(policy: dict[str, Any]) -> dict[str, Any]:
    """Valgrind runs code ~50x slower: wall-clock filter budgets would fail closed."""
    for stage in ("input", "output"):
        for spec in policy.get(stage, []):
            spec["budget_ms"] = 600_000
    return policy


def count(
    target: str, n: int, upstream_port: int, workdir: Path, sink_port: int = 0, body: bytes = b""
) -> int:
    port = free_port()
    out = workdir / f"callgrind-{target}-{n}.out"
    if target == "floor":
        argv = [sys.executable, str(ROOT / "benchmarks" / "passthrough.py"), "--port", str(port),
                "--upstream", f"http://127.0.0.1:{upstream_port}"]  # fmt: skip
    else:
        config = workdir / "safeproxy.yaml"
        policy = _unhurried(default_policy()) if target in ("policy", "telemetry") else None
        telemetry = None
        if target == "telemetry":  # every sink on: audit log, spans to a loopback receiver
            telemetry = {
                "tracing": {"otlp_endpoint": f"http://127.0.0.1:{sink_port}"},
                "audit": {"path": str(workdir / f"audit-{n}.jsonl")},
            }
        config.write_text(safeproxy_config(port, upstream_port, policy, telemetry))
        argv = [sys.executable, "-m", "safeproxy", "serve", "--config", str(config)]
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        wait_up(f"http://127.0.0.1:{port}/healthz")
        asyncio.run(drive(f"http://127.0.0.1:{port}/v1/chat/completions", n, body))
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    match = re.search(r"^(?:summary|totals):\s+(\d+)", out.read_text(errors="replace"), re.M)
    if match is None:
        raise RuntimeError(f"no totals in {out}")
    return int(match.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--n1", type=int, default=100)
    p.add_argument("--n2", type=int, default=600)
    p.add_argument(
        "--targets", default="floor,safeproxy,policy,telemetry", help="comma-separated subset"
    )
    p.add_argument("--stream", action="store_true", help="streamed requests (50 chunks each)")
    args = p.parse_args(argv)
    body = po.stream_body() if args.stream else po.plain_body()
    targets = [t for t in args.targets.split(",") if t]
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 2
    upstream_port = free_port()
    mock = subprocess.Popen(
        [sys.executable, "-m", "safeproxy", "mock-upstream", "--port", str(upstream_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sink_port = free_port()
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "otlp_sink.py"), "--port", str(sink_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(f"http://127.0.0.1:{upstream_port}/v1/models")
        wait_up(f"http://127.0.0.1:{sink_port}/healthz")
        per_request: dict[str, float] = {}
        with tempfile.TemporaryDirectory(prefix="safeproxy-cg-") as tmp:
            for target in targets:
                low = count(target, args.n1, upstream_port, Path(tmp), sink_port, body)
                high = count(target, args.n2, upstream_port, Path(tmp), sink_port, body)
                per_request[target] = (high - low) / (args.n2 - args.n1)
    finally:
        for proc in (mock, sink):
            proc.kill()
            proc.wait()
    if args.stream:
        print(f"| target | instructions / stream | per event ({po.EVENTS_PER_STREAM}) |")
        print("|---|---:|---:|")
        for target, value in per_request.items():
            per_event = value / po.EVENTS_PER_STREAM
            print(f"| {target} | {value / 1000:.1f}k | {per_event / 1000:.1f}k |")
    else:
        print("| target | instructions / request |\n|---|---:|")
        for target, value in per_request.items():
            print(f"| {target} | {value / 1000:.1f}k |")
    print()
    for label, a, b in (
        ("safeproxy / floor", "safeproxy", "floor"),
        ("default policy / floor", "policy", "floor"),
        ("telemetry on / off", "telemetry", "policy"),
    ):
        if a in per_request and b in per_request:
            print(f"{label}: {per_request[a] / per_request[b]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
