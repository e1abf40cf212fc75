"""Tier-2 capture cost: µs per record written (sealed vs a plain JSON line, the baseline in the
same run) and replay re-scan records/s with the default policy:
python benchmarks/capture.py [--quick]

The writes run on the capture's writer thread, off the event loop but in the same process (its
CPU, part of it under the GIL); the `queue` row is the hand-over a request waits for."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from cryptography.fernet import Fernet

from safeproxy.capture.cipher import Sealer, sealer
from safeproxy.capture.settings import CaptureSettings
from safeproxy.capture.store import CaptureLog, CaptureStore
from safeproxy.replay.capture_source import captured_records
from safeproxy.replay.rescan import Rescanner
from safeproxy.replay.source import Window
from safeproxy.settings.loading import bundled_config, load_settings

SEED = 20261203
WORDS = ("the", "a", "of", "to", "and", "in", "that", "is", "for", "it", "with", "as", "was",
         "report", "summary", "customer", "quarterly", "model", "prompt", "review")  # fmt: skip


def prompt(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:chars]


def record(n: int, text: str, reply: str) -> dict[str, Any]:
    return {"v": 1, "request_id": f"req-{n:08d}", "time": 1.7e9 + n, "operation": "chat",
            "route": "main", "model": "m", "tenant": "t", "stream": False,
            "policy": {"name": "default", "version": "x"}, "generation": "g",
            "outcome": "allowed", "types": [], "input": {"texts": [text], "joined": []},
            "output": [reply]}  # fmt: skip


def per_call_us(fn: Callable[[int], object], n: int, rounds: int) -> float:
    """Median over `rounds` of the mean µs per call of `n` calls."""
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        for i in range(n):
            fn(i)
        samples.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n, rounds = (300, 3) if args.quick else (2000, 5)
    rng = random.Random(SEED)
    key = Fernet.generate_key().decode()
    seal = sealer("K", {"K": key})
    print(f"{'prompt':>7} {'plain µs':>9} {'sealed µs':>10} {'ratio':>6} {'queue µs':>9} "
          f"{'bytes/rec':>10} {'rescan rec/s':>13}")  # fmt: skip
    candidate = load_settings(bundled_config("default.yaml"))
    rescanner = Rescanner(candidate, os.environ)
    for kb in (1, 4, 16):
        recs = [record(i, prompt(rng, kb * 1024), prompt(rng, 512)) for i in range(64)]
        with tempfile.TemporaryDirectory() as tmp:
            cells = row(Path(tmp), recs, seal, rescanner, n, rounds)
        plain_us, sealed_us, queue_us, size, rate = cells
        print(f"{kb:>5}KB {plain_us:>9.1f} {sealed_us:>10.1f} {sealed_us / plain_us:>6.1f} "
              f"{queue_us:>9.2f} {size:>10.0f} {rate:>13.0f}")  # fmt: skip


def row(
    tmp: Path, recs: list[dict[str, Any]], seal: Sealer, rescanner: Rescanner, n: int, rounds: int
) -> tuple[float, float, float, float, float]:
    settings = CaptureSettings(enabled=True, path=str(tmp / "c"), key_env="K")
    store = CaptureStore(settings, seal)
    with (tmp / "plain.jsonl").open("ab") as plain:

        def write_plain(i: int) -> None:
            plain.write(orjson.dumps(recs[i % 64], option=orjson.OPT_APPEND_NEWLINE))
            plain.flush()

        plain_us = per_call_us(write_plain, n, rounds)
    sealed_us = per_call_us(lambda i: store.append(recs[i % 64]), n, rounds)
    store.close()
    size = sum(p.stat().st_size for p in store.files) / (n * rounds)
    log = CaptureLog(CaptureStore(settings, seal, tag="q"))
    queue_us = per_call_us(lambda i: log.write(recs[i % 64]), n, rounds)
    log.close()
    # Re-scan: decrypt, parse and run the default policy's input and output stages.
    replayed = 0
    t = time.perf_counter()
    for r in captured_records(tmp / "c", seal, Window()):
        rescanner.replay(r)
        replayed += 1
        if replayed >= n:
            break
    return plain_us, sealed_us, queue_us, size, replayed / (time.perf_counter() - t)


if __name__ == "__main__":
    main()
