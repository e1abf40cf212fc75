"""Memory per open stream: N slow streams held open at once through safeproxy with the
bundled default policy (the floor, benchmarks/passthrough.py, gives its idle RSS only: its
client session holds 100 upstream connections, so it cannot hold N streams open).

The mock model writes one chunk every `--delay-ms` (30 chunks: the streams stay open while
they are measured). For each target: the RSS of the idle process (after a few warm-up
requests), then N concurrent streams are opened and each reads until its first content
chunk; once all N are open the RSS is sampled; then the streams are dropped. The table gives
the idle RSS and the added RSS per open stream (hold-back windows, parsers, tasks, buffers).

    python benchmarks/stream_memory.py [--streams 1000] [--delay-ms 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import yaml

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
from proxy_overhead import CHAT_PATH, chat_messages

TARGET = 32 * 1024  # the bound per open stream


def rss_bytes(server: Server) -> int:
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


# The first chunk with text: the stream is open end to end (headers, windows, parsers).
FIRST_TEXT = re.compile(rb'"content": ?"[^"]')


def body(delay_ms: int) -> bytes:
    reply = "Here is a short summary of the notes: the fox keeps jumping over the dog. " * 2
    mock = {"reply": reply, "chunks": 30, "delay_ms": delay_ms}
    request = {"model": "bench", "stream": True, "messages": chat_messages(), "mock": mock}
    return json.dumps(request).encode()


async def _hold(session: aiohttp.ClientSession, url: str, data: bytes, opened: Any) -> None:
    try:
        async with session.post(url, data=data, headers={"Content-Type": "application/json"}) as r:
            got = b""
            while not FIRST_TEXT.search(got):
                chunk = await r.content.readany()
                if not chunk:
                    raise RuntimeError(f"stream ended before its first text ({r.status}: {got!r})")
                got += chunk
            opened(None)
            await asyncio.sleep(3600)  # held open until cancelled
    except (OSError, aiohttp.ClientError, RuntimeError) as exc:
        opened(exc)


async def measure(server: Server, n: int, delay_ms: int) -> tuple[int, int, float]:
    """(idle RSS, RSS with n streams open, seconds to open them)."""
    url = server.url + CHAT_PATH
    data = body(delay_ms)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        quick = body(0)
        for _ in range(5):  # warm up
            async with session.post(url, data=quick) as r:
                await r.read()
        await asyncio.sleep(0.5)
        idle = rss_bytes(server)
        count = 0
        all_open = asyncio.Event()
        failed: list[BaseException] = []

        def opened(error: BaseException | None) -> None:
            nonlocal count
            if error is not None:
                failed.append(error)
                all_open.set()
                return
            count += 1
            if count == n:
                all_open.set()

        t0 = time.perf_counter()
        tasks = [asyncio.create_task(_hold(session, url, data, opened)) for _ in range(n)]
        try:
            await asyncio.wait_for(all_open.wait(), timeout=120)
            if failed:
                raise RuntimeError(f"{len(failed)} streams failed: {failed[0]}")
            took = time.perf_counter() - t0
            samples = []
            for _ in range(3):
                samples.append(rss_bytes(server))
                await asyncio.sleep(0.3)
            return idle, max(samples), took
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--streams", type=int, default=1000)
    p.add_argument("--delay-ms", type=int, default=1000)
    args = p.parse_args(argv)
    py = sys.executable
    rows: dict[str, tuple[int, int, float]] = {}
    floor_idle = 0
    with tempfile.TemporaryDirectory(prefix="safeproxy-memory-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            mock_port, floor_port, proxy_port = free_port(), free_port(), free_port()
            upstream = f"http://{HOST}:{mock_port}"
            mock = fleet.start("mock", LOAD_CORE, [py, "-m", "safeproxy", "mock-upstream",
                               "--host", HOST, "--port", str(mock_port)], mock_port)  # fmt: skip
            floor = fleet.start("floor", PROXY_CORE, [py, str(HERE / "passthrough.py"), "--host",
                                HOST, "--port", str(floor_port), "--upstream", upstream],
                                floor_port)  # fmt: skip
            cfg: dict[str, Any] = yaml.safe_load(
                safeproxy_config(proxy_port, mock_port, default_policy())
            )
            cfg["upstreams"][0]["max_connections"] = args.streams + 64
            cfg["server"]["max_in_flight"] = args.streams + 64
            # Every stream comes from this one address, all at once: not a slowloris.
            cfg["server"]["max_pending_heads_per_address"] = 0
            config = Path(tmp) / "proxy.yaml"
            config.write_text(yaml.safe_dump(cfg))
            proxy = fleet.start("safeproxy (default policy)", PROXY_CORE,
                                [py, "-m", "safeproxy", "serve", "--config", str(config)],
                                proxy_port)  # fmt: skip
            wait_ready(mock, "/v1/models")
            wait_ready(floor, "/healthz")
            floor_idle = rss_bytes(floor)
            wait_ready(proxy, "/healthz")
            rows[proxy.name] = asyncio.run(measure(proxy, args.streams, args.delay_ms))
        finally:
            fleet.stop_all()
    print(f"\n{args.streams} streams open at once (one chunk per {args.delay_ms} ms)\n")
    print("| target | idle RSS MiB | RSS open MiB | per open stream KiB | open in s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| floor (idle only) | {floor_idle / 2**20:.1f} | | | |")
    for name, (idle, busy, took) in rows.items():
        per = (busy - idle) / args.streams
        print(f"| {name} | {idle / 2**20:.1f} | {busy / 2**20:.1f} | {per / 1024:.1f} | "
              f"{took:.1f} |")  # fmt: skip
    idle, busy, _ = rows["safeproxy (default policy)"]
    per = (busy - idle) / args.streams
    verdict = "PASS" if per <= TARGET else "FAIL"
    print(f"\nsafeproxy: {per / 1024:.1f} KiB per open stream (target <= 32 KiB): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
