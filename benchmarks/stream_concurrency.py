"""Streams at concurrency 16, side by side: the floor (benchmarks/passthrough.py) against
safeproxy with the bundled default policy, and optionally the same policy run from another
checkout (`--baseline-tree`, e.g. a `git worktree` of an older commit), all in one run.

Each stream is the mock's 50-chunk reply of proxy_overhead.py (52 events with the role chunk
and the finish, then [DONE]), unpaced. Every proxy runs alone on core 1, the mock and the
client on core 0 (fleet.py). Per round and target: N streams from 16 concurrent clients;
streams/s from wall time, the proxy's CPU per stream and per upstream event from
/proc/PID/stat. Rounds interleave the targets; the table gives medians and ratios to the
floor of the same run. Every stream's text is checked against the mock's reply.

    python benchmarks/stream_concurrency.py [--streams 800] [--rounds 3] [--baseline-tree DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import (
    HERE,
    HOST,
    LOAD_CORE,
    PROXY_CORE,
    Fleet,
    Server,
    default_policy,
    free_port,
    safeproxy_config,
    wait_ready,
)
from proxy_overhead import CHAT_PATH, STREAM_CHUNKS, stream_body, stream_reply

CONCURRENCY = 16
EVENTS = STREAM_CHUNKS + 2  # the role chunk, 50 content chunks, the finish chunk


async def _stream(session: aiohttp.ClientSession, url: str, body: bytes) -> bool:
    async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
        data = await r.read()
        ok = r.status == 200
    chunks = [orjson.loads(e[6:]) for e in data.split(b"\n\n") if e[6:7] == b"{"]
    text = "".join(c.get("delta", {}).get("content") or "" for k in chunks for c in k["choices"])
    return ok and text == stream_reply() and data.rstrip().endswith(b"data: [DONE]")


async def _round(server: Server, n: int) -> tuple[float, float, int]:
    """(streams/s, CPU s of the proxy, failures) for n streams at CONCURRENCY."""
    body = stream_body()
    url = server.url + CHAT_PATH
    todo = iter(range(n))
    failures = 0
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=60)
    ) as session:
        for _ in range(CONCURRENCY):  # warm the connections
            await _stream(session, url, body)

        async def worker() -> None:
            nonlocal failures
            for _ in todo:
                failures += not await _stream(session, url, body)

        cpu0, t0 = server.cpu_s(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        wall, cpu = time.perf_counter() - t0, server.cpu_s() - cpu0
    return n / wall, cpu, failures


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--streams", type=int, default=800, help="streams per target and round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--baseline-tree", type=Path, help="another checkout's safeproxy, same policy")
    args = p.parse_args(argv)
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="safeproxy-streams-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            mock_port, floor_port = free_port(), free_port()
            upstream = f"http://{HOST}:{mock_port}"
            mock = fleet.start("mock", LOAD_CORE, [py, "-m", "safeproxy", "mock-upstream",
                               "--host", HOST, "--port", str(mock_port)], mock_port)  # fmt: skip
            targets = {"floor": fleet.start("floor", PROXY_CORE, [py, str(HERE / "passthrough.py"),
                       "--host", HOST, "--port", str(floor_port), "--upstream", upstream],
                       floor_port)}  # fmt: skip
            trees = {"safeproxy (default policy)": None}
            if args.baseline_tree is not None:
                trees[f"baseline {args.baseline_tree.name}"] = args.baseline_tree
            for name, tree in trees.items():
                port = free_port()
                config = Path(tmp) / f"{port}.yaml"
                config.write_text(safeproxy_config(port, mock_port, default_policy()))
                argv_ = [py, "-m", "safeproxy", "serve", "--config", str(config)]
                if tree is not None:  # the other checkout's package, first on the path
                    argv_ = ["env", f"PYTHONPATH={tree}", *argv_]
                targets[name] = fleet.start(name, PROXY_CORE, argv_, port)
            wait_ready(mock, "/v1/models")
            for server in targets.values():
                wait_ready(server, "/healthz")
            rows: dict[str, list[tuple[float, float, int]]] = {name: [] for name in targets}
            for r in range(args.rounds):
                for name, server in targets.items():
                    rows[name].append(asyncio.run(_round(server, args.streams)))
                print(f"round {r + 1} done", file=sys.stderr)
        finally:
            fleet.stop_all()
    head = f"c={CONCURRENCY}, {args.streams} streams per round ({EVENTS} events + [DONE], "
    head += f"unpaced), medians of {args.rounds} rounds; proxies alone on core {PROXY_CORE}"
    print(f"\n{head}\n")
    print(
        "| target | streams/s | vs floor | CPU µs/stream | CPU µs/event | CPU vs floor | failed |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    floor_rate = statistics.median(x[0] for x in rows["floor"])
    floor_cpu = statistics.median(x[1] for x in rows["floor"]) / args.streams
    for name, got in rows.items():
        rate = statistics.median(x[0] for x in got)
        cpu = statistics.median(x[1] for x in got) / args.streams
        failed = sum(x[2] for x in got)
        print(f"| {name} | {rate:,.0f} | {rate / floor_rate:.0%} | {cpu * 1e6:,.0f} | "
              f"{cpu / EVENTS * 1e6:.1f} | {cpu / floor_cpu:.2f}x | {failed} |")  # fmt: skip
    return 0 if all(x[2] == 0 for got in rows.values() for x in got) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
