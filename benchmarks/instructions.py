"""Instructions per proxied request and per streamed event, floor vs safeproxy (no filters,
the default policy, and optionally the default policy with every telemetry sink on), counted
by valgrind's callgrind.

Wall-clock CPU on this 2-core VM moves by +-10 % between runs; instruction counts do not.
Each proxy runs under `valgrind --tool=callgrind --instr-atstart=no` (the mock upstream and
this client run natively): start-up, including the default policy's Hyperscan compile, runs
uninstrumented (several times faster than instrumented), and a few warm-up requests of each
kind pass before `callgrind_control --instr=on` so lazy imports and first-use caches are not
counted. Then, per kind (plain requests, streams of 50 chunks), a batch of N1 and a batch of
N2 requests each end in a dump (`callgrind_control --dump`, which zeroes the counters); what
every batch pays once (the client's connection, the dump itself, idle timers) cancels in
(I(N2) - I(N1)) / (N2 - N1). Counts cover user space only (the kernel's share is the same work
for both proxies). PYTHONHASHSEED is fixed: set and dict layouts, hence counts, vary with it
(about 1 % between runs). Use it to judge a hot-path change before running proxy_overhead.py.

    python benchmarks/instructions.py                   # both kinds; a few minutes per target
    python benchmarks/instructions.py --stream          # streams only
    python benchmarks/instructions.py --tree ../old     # safeproxy from another checkout
    python benchmarks/instructions.py --keep /tmp/cg    # then callgrind_annotate /tmp/cg/*.out.2

`--tree PATH` runs safeproxy from that checkout (PYTHONPATH=PATH, its own bundled default
policy); the floor (benchmarks/passthrough.py), the mock upstream and the client stay this
checkout's, so two runs with different trees share a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proxy_overhead as po
from fleet import free_port, safeproxy_config

ROOT = Path(__file__).resolve().parent.parent
# A hang bound, not an expected time: valgrind runs the default policy's Hyperscan compile
# several times slower than native, and the machine is shared.
START_LIMIT_S = 900.0
REQUEST_LIMIT_S = 120.0  # one request under callgrind takes well under a second
CONTROL_LIMIT_S = 120.0
WARMUP = 5


@dataclass(frozen=True)
class Kind:
    """One kind of request the proxies are driven with, and its batch sizes."""

    name: str
    body: bytes
    n1: int
    n2: int


def wait_up(url: str, proc: subprocess.Popen[bytes] | None, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up within {limit_s:.0f} s")


async def drive(url: str, n: int, body: bytes) -> None:
    timeout = aiohttp.ClientTimeout(total=REQUEST_LIMIT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(n):
            async with session.post(
                url, data=body, headers={"Content-Type": "application/json"}
            ) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"status {resp.status}")


def stream_body(pace_ms: float) -> bytes:
    """proxy_overhead.py's stream, the mock pausing `pace_ms` before each content chunk."""
    body = orjson.loads(po.stream_body())
    if pace_ms > 0:
        body["mock"]["delay_ms"] = pace_ms
    return orjson.dumps(body)


def tree_policy(tree: Path) -> dict[str, Any]:
    """The `default` policy of `tree`'s bundled config, budgets unhurried: valgrind runs code
    ~50x slower, and wall-clock filter budgets would fail closed."""
    data = yaml.safe_load((tree / "safeproxy" / "config" / "default.yaml").read_text("utf-8"))
    policy: dict[str, Any] = data["policies"]["default"]
    for stage in ("input", "output"):
        for spec in policy.get(stage, []):
            spec["budget_ms"] = 600_000
    return policy


def target_argv(
    target: str, tree: Path, port: int, upstream_port: int, sink_port: int, workdir: Path
) -> tuple[list[str], dict[str, str], Path]:
    """The command line, environment and directory `target` runs with."""
    if target == "floor":
        argv = [sys.executable, str(ROOT / "benchmarks" / "passthrough.py"), "--port", str(port),
                "--upstream", f"http://127.0.0.1:{upstream_port}"]  # fmt: skip
        return argv, dict(os.environ, PYTHONHASHSEED="0"), ROOT
    config = workdir / f"safeproxy-{target}.yaml"
    policy = tree_policy(tree) if target in ("policy", "telemetry") else None
    telemetry = None
    if target == "telemetry":  # every sink on: audit log, spans to a loopback receiver
        telemetry = {
            "tracing": {"otlp_endpoint": f"http://127.0.0.1:{sink_port}"},
            "audit": {"path": str(workdir / "audit.jsonl")},
        }
    config.write_text(safeproxy_config(port, upstream_port, policy, telemetry))
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(tree))
    return [sys.executable, "-m", "safeproxy", "serve", "--config", str(config)], env, tree


def totals(path: Path) -> int:
    match = re.search(r"^(?:summary|totals):\s+(\d+)", path.read_text(errors="replace"), re.M)
    if match is None:
        raise RuntimeError(f"no totals in {path}")
    return int(match.group(1))


class Callgrind:
    """One process under callgrind, instrumentation off until `instrument()`."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, out: Path) -> None:
        self.out = out
        self.dumps = 0
        self.log = out.with_suffix(".log")
        with self.log.open("wb") as log:
            tool = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
            self.proc = subprocess.Popen(
                [*tool, f"--callgrind-out-file={out}", *argv],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
            )

    def control(self, *args: str) -> None:
        done = subprocess.run(
            ["callgrind_control", *args, str(self.proc.pid)],
            capture_output=True,
            text=True,
            timeout=CONTROL_LIMIT_S,
        )
        if done.returncode != 0:
            raise RuntimeError(f"callgrind_control {' '.join(args)}: {done.stderr[-2000:]}")

    def instrument(self) -> None:
        self.control("--instr=on")
        self.control("--zero")

    def dump(self) -> int:
        """Instructions since the last dump (or zero); a dump zeroes the counters."""
        self.control("--dump")
        self.dumps += 1
        return totals(Path(f"{self.out}.{self.dumps}"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]


def measure(
    target: str, tree: Path, kinds: Sequence[Kind], upstream_port: int, sink_port: int,
    workdir: Path,
) -> dict[str, float]:  # fmt: skip
    """Instructions per request of each kind for one target (one process for all kinds)."""
    port = free_port()
    argv, env, cwd = target_argv(target, tree, port, upstream_port, sink_port, workdir)
    proc = Callgrind(argv, env, cwd, workdir / f"callgrind-{target}.out")
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    result: dict[str, float] = {}
    try:
        started = time.monotonic()
        try:
            wait_up(f"http://127.0.0.1:{port}/healthz", proc.proc, START_LIMIT_S)
        except RuntimeError as exc:
            raise RuntimeError(f"{target}: {exc}\n{proc.tail()}") from exc
        up_s = time.monotonic() - started
        for kind in kinds:
            asyncio.run(drive(url, WARMUP, kind.body))
        proc.instrument()
        for kind in kinds:
            asyncio.run(drive(url, kind.n1, kind.body))
            low = proc.dump()
            asyncio.run(drive(url, kind.n2, kind.body))
            high = proc.dump()
            result[kind.name] = (high - low) / (kind.n2 - kind.n1)
            print(f"  {target} {kind.name}: up in {up_s:.0f} s; I({kind.n1})={low}, "
                  f"I({kind.n2})={high}, per request {result[kind.name]:.0f}",
                  file=sys.stderr, flush=True)  # fmt: skip
    finally:
        proc.stop()
    return result


LABELS = {
    "floor": "floor (passthrough.py)",
    "safeproxy": "safeproxy, no filters",
    "policy": "safeproxy, default policy",
    "telemetry": "+ telemetry (audit log, OTLP spans)",
}


def render(per: dict[str, dict[str, float]], events: int) -> str:
    def k(value: float | None) -> str:
        return "-" if value is None else f"{value / 1000:.1f}k"

    def ratio(value: float | None, floor: float | None) -> str:
        return "-" if value is None or not floor else f"{value / floor:.2f}"

    floor = per.get("floor", {})
    lines = [
        "| target | instr / request | instr / stream | instr / event "
        "| x floor (request) | x floor (event) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for target, counts in per.items():
        req, stream = counts.get("request"), counts.get("stream")
        event = None if stream is None else stream / events
        lines.append(
            f"| {LABELS.get(target, target)} | {k(req)} | {k(stream)} | {k(event)} "
            f"| {ratio(req, floor.get('request'))} | {ratio(stream, floor.get('stream'))} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--n1", type=int, default=40, help="small batch of plain requests")
    p.add_argument("--n2", type=int, default=200, help="large batch of plain requests")
    p.add_argument("--stream-n1", type=int, default=10, help="small batch of streams")
    p.add_argument("--stream-n2", type=int, default=50, help="large batch of streams")
    p.add_argument("--targets", default="floor,safeproxy,policy",
                   help="comma-separated subset of floor,safeproxy,policy,telemetry")  # fmt: skip
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--stream", action="store_true", help="streams only (50 chunks each)")
    kind.add_argument("--plain", action="store_true", help="plain requests only")
    p.add_argument("--pace-ms", type=float, default=20.0,
                   help="the mock's pause before each content chunk; 0: all at once")  # fmt: skip
    p.add_argument("--keep", type=Path, help="keep the callgrind files here (callgrind_annotate)")
    p.add_argument("--tree", type=Path, default=ROOT, help="run safeproxy from this checkout")
    args = p.parse_args(argv)
    if args.n2 <= args.n1 or args.stream_n2 <= args.stream_n1:
        p.error("N2 must exceed N1")
    tree = args.tree.resolve()
    if not (tree / "safeproxy" / "__init__.py").is_file():
        p.error(f"{tree} holds no safeproxy package")
    kinds = []
    if not args.stream:
        kinds.append(Kind("request", po.plain_body(), args.n1, args.n2))
    if not args.plain:
        kinds.append(Kind("stream", stream_body(args.pace_ms), args.stream_n1, args.stream_n2))
    targets = [t for t in args.targets.split(",") if t]
    unknown = set(targets) - set(LABELS)
    if unknown:
        p.error(f"unknown targets: {sorted(unknown)}")
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 2
    upstream_port, sink_port = free_port(), free_port()
    mock = subprocess.Popen(
        [sys.executable, "-m", "safeproxy", "mock-upstream", "--port", str(upstream_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "otlp_sink.py"), "--port", str(sink_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    per: dict[str, dict[str, float]] = {}
    try:
        wait_up(f"http://127.0.0.1:{upstream_port}/v1/models", mock, 60)
        wait_up(f"http://127.0.0.1:{sink_port}/healthz", sink, 60)
        with tempfile.TemporaryDirectory(prefix="safeproxy-cg-") as tmp:
            workdir = Path(tmp) if args.keep is None else args.keep
            workdir.mkdir(parents=True, exist_ok=True)
            for target in targets:  # one valgrind at a time: it is single-threaded
                per[target] = measure(target, tree, kinds, upstream_port, sink_port, workdir)
    finally:
        for proc in (mock, sink):
            proc.kill()
            proc.wait()
    sizes = ", ".join(f"{k.name}s N1={k.n1} N2={k.n2}" for k in kinds)
    print(f"### instructions (callgrind, user space; safeproxy from {tree}; {sizes}; "
          f"{po.EVENTS_PER_STREAM} events per stream, paced {args.pace_ms:g} ms)\n")  # fmt: skip
    print(render(per, po.EVENTS_PER_STREAM))
    return 0


if __name__ == "__main__":
    sys.exit(main())
