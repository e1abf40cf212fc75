"""Python calls per proxied request, floor vs safeproxy, counted by cProfile.

CPU time on this shared 2-core VM moves by +-10 % between runs; the number of Python calls a
request costs does not, and cProfile names the functions that make them. Each proxy runs in a
child process of this script, under a profiler that is off until told: after a warm-up of W
requests the child is signalled to start counting, gets N sequential ~2 KB chat requests (the
body of proxy_overhead.py), then is signalled to stop and write its stats. Calls counted are
every function call cProfile sees in the proxy's main thread (Python functions and the C
functions they call), background timers included (negligible over N requests).

Targets: ``floor`` (benchmarks/passthrough.py), ``safeproxy`` (empty chain), ``policy`` (the
bundled default policy, what production runs).

    python benchmarks/python_calls.py                  # N=500 requests per target
    python benchmarks/python_calls.py --stream         # streams of 50 chunks: per stream
    python benchmarks/python_calls.py --stream --pace-ms 5   # each chunk its own read
    python benchmarks/python_calls.py --top 30 --targets floor,policy
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import runpy
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proxy_overhead as po
from fleet import HOST, default_policy, free_port, safeproxy_config
from instructions import drive, stream_body

HERE = Path(__file__).resolve().parent
# Real-time signals: safeproxy serves SIGUSR1/SIGUSR2 itself (kill switch, rollback).
START = signal.SIGRTMIN + 3
STOP = signal.SIGRTMIN + 4
TARGETS = ("floor", "safeproxy", "policy")


# -- the child: a proxy under a profiler it starts and stops on signals ------------------------


def child(out: Path, argv: list[str]) -> None:
    """Run `argv` (a script path or `-m module ...`) in this process, profiled on demand."""
    prof = cProfile.Profile()

    def start(_sig: int, _frame: FrameType | None) -> None:
        prof.enable()
        out.with_suffix(".on").touch()

    def stop(_sig: int, _frame: FrameType | None) -> None:
        prof.disable()
        # Counted from the profiler's own entries, one per code object: pstats keys them by
        # file, line and name, so the generated __init__ of two dataclasses (both
        # "<string>:2") or the __new__ of two NamedTuples would count as one.
        calls: Counter[str] = Counter()
        for entry in prof.getstats():
            code = entry.code
            if isinstance(code, str):  # a C function
                calls[code] += entry.callcount
            else:
                calls[_short(code.co_filename, code.co_firstlineno, code.co_name)] += (
                    entry.callcount
                )
        out.with_suffix(".calls").write_text(json.dumps(calls))
        prof.dump_stats(out)

    signal.signal(START, start)
    signal.signal(STOP, stop)
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")


# -- the driver --------------------------------------------------------------------------------


def wait_for(path: Path, proc: subprocess.Popen[bytes], what: str, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while not path.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"the proxy exited ({proc.returncode}) waiting for {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {what} after {limit_s}s")
        time.sleep(0.05)


def wait_up(url: str, proc: subprocess.Popen[bytes], limit_s: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the proxy exited ({proc.returncode}) before serving")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def profile(
    target: str, upstream_port: int, workdir: Path, warm: int, n: int, body: bytes
) -> tuple[Counter[str], pstats.Stats]:
    """Calls per function over the `n` requests (exact: see `child`), and the cProfile
    stats (for --keep)."""
    port = free_port()
    if target == "floor":
        argv = [str(HERE / "passthrough.py"), "--host", HOST, "--port", str(port),
                "--upstream", f"http://{HOST}:{upstream_port}"]  # fmt: skip
    else:
        config = workdir / f"{target}.yaml"
        policy = default_policy() if target == "policy" else None
        config.write_text(safeproxy_config(port, upstream_port, policy))
        argv = ["-m", "safeproxy", "serve", "--config", str(config)]
    out = workdir / f"{target}.prof"
    me = str(Path(__file__).resolve())
    with (workdir / f"{target}.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, me, "--child", str(out), "--", *argv], stdout=log, stderr=log
        )
    try:
        url = f"http://{HOST}:{port}"
        wait_up(url + "/healthz", proc)
        asyncio.run(drive(url + po.CHAT_PATH, warm, body))
        proc.send_signal(START)
        wait_for(out.with_suffix(".on"), proc, "profiler start", 30)
        asyncio.run(drive(url + po.CHAT_PATH, n, body))
        proc.send_signal(STOP)
        wait_for(out, proc, "profile", 60)
        time.sleep(0.5)  # dump_stats writes the file in one go; let it finish
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    calls = Counter(json.loads(out.with_suffix(".calls").read_text()))
    return calls, pstats.Stats(str(out))


def _short(file: str, line: int, name: str) -> str:
    if file == "~":  # a C function
        return name
    for marker in ("site-packages/", "/safeproxy/", "/benchmarks/", "/lib/python3"):
        at = file.rfind(marker)
        if at >= 0:
            file = file[at + len(marker) :] if marker != "/safeproxy/" else file[at + 1 :]
            break
    return f"{file}:{line}({name})"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        child(Path(argv[1]), argv[3:])
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--n", type=int, default=500, help="requests counted per target")
    p.add_argument("--warm", type=int, default=50, help="requests before counting starts")
    p.add_argument("--targets", default=",".join(TARGETS), help="comma-separated subset")
    p.add_argument("--stream", action="store_true", help="streamed requests (50 chunks each)")
    p.add_argument(
        "--pace-ms",
        type=float,
        default=0,
        help="streams: the mock pauses this long before each chunk, so that each is its own read",
    )
    p.add_argument("--top", type=int, default=30, help="functions listed per safeproxy target")
    p.add_argument("--keep", type=Path, help="write each target's cProfile stats here")
    args = p.parse_args(argv)
    body = stream_body(args.pace_ms) if args.stream else po.plain_body()
    targets = [t for t in args.targets.split(",") if t]
    upstream_port = free_port()
    mock = subprocess.Popen(
        [sys.executable, "-m", "safeproxy", "mock-upstream", "--host", HOST,
         "--port", str(upstream_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    per_request: dict[str, float] = {}
    calls: dict[str, Counter[str]] = {}
    try:
        wait_up(f"http://{HOST}:{upstream_port}/v1/models", mock)
        with tempfile.TemporaryDirectory(prefix="safeproxy-calls-") as tmp:
            for target in targets:
                counted, stats = profile(target, upstream_port, Path(tmp), args.warm, args.n, body)
                per_request[target] = counted.total() / args.n
                calls[target] = counted
                if args.keep is not None:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    stats.dump_stats(str(args.keep / f"{target}.prof"))
    finally:
        mock.kill()
        mock.wait()

    unit = "stream" if args.stream else "request"
    print(f"### Python calls per {unit} (cProfile, {args.n} sequential {unit}s per target)\n")
    print(f"| target | calls / {unit} | gap to floor |\n|---|---:|---:|")
    floor = per_request.get("floor")
    for target, value in per_request.items():
        gap = f"{value - floor:+.0f}" if floor is not None else "-"
        print(f"| {target} | {value:.0f} | {gap} |")
    for target in targets:
        if target == "floor" or args.top <= 0:
            continue
        print(f"\n#### {target}: top {args.top} functions by own calls per {unit}\n")
        print(f"| function | calls / {unit} | floor |\n|---|---:|---:|")
        base = calls.get("floor", Counter())
        for name, n in calls[target].most_common(args.top):
            print(f"| `{name}` | {n / args.n:.1f} | {base.get(name, 0) / args.n:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
