"""What drift (M10) costs: CPU per request for its bookkeeping, memory per route and policy,
and the evaluation when a bucket completes.

* CPU: `Metrics.record` on the same decisions with drift off (the baseline) and on, in the same
  run, interleaved batch by batch; the difference is the bookkeeping. Decisions: clean (a
  shared group, no findings: the common case), one with two finding types, one with a finding
  and a sync deep-check score, and a mix of 90 / 8 / 2 %. CPU time (`process_time`), median of
  the batches. Target: at most 2 µs per request.
* Memory: tracemalloc over `--series` route x policy pairs filled with findings of every type
  slot and scores in every bin (the most a series ever holds), per series.
* Evaluation: one series' JSD and KS with their thresholds (what a bucket boundary costs).

    python benchmarks/drift.py [--batches 15] [--batch 20000] [--series 64]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.exchange.decision import Decision
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import Action, FilterRecord, Mode, SharedRecords
from safeproxy.telemetry.drift import DriftTracker
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.settings import DriftSettings
from safeproxy.upstream.openai import Kind

CLEAN = SharedRecords(
    (FilterRecord("pii", "input", Action.CONTINUE, Action.CONTINUE, Mode.ENFORCE),
     FilterRecord("secrets", "input", Action.CONTINUE, Action.CONTINUE, Mode.ENFORCE))
)  # fmt: skip


def decision(types: tuple[str, ...] = (), score: float | None = None) -> Decision:
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, model="m")
    if types:
        found = FilterRecord("pii", "input", Action.REWRITE, Action.REWRITE, Mode.ENFORCE, types)
        ex.filter_records = [(found,)]
    else:
        ex.filter_records = [CLEAN]
    if score is not None:
        ex.deep_checks = [DeepCheckRecord("guard", "guard", "input", "sync", "rate", "safe",
                                          score=score)]  # fmt: skip
    return Decision(ex, "default", "v1", 0.0, 0.0)


def mixes() -> dict[str, list[Decision]]:
    clean = decision()
    found = decision(("pii.email", "pii.phone"))
    scored = decision(("pii.email",), 0.42)
    mixed = [clean] * 90 + [found] * 8 + [scored] * 2
    return {"clean": [clean], "two finding types": [found], "finding + score": [scored],
            "mixed 90/8/2 %": mixed}  # fmt: skip


def cpu_us(record: Callable[[Decision], None], decisions: list[Decision], n: int) -> float:
    batch = (decisions * (n // len(decisions) + 1))[:n]
    start = time.process_time_ns()
    for d in batch:
        record(d)
    return (time.process_time_ns() - start) / n / 1000


def cpu_table(batches: int, n: int) -> None:
    off = Metrics(CollectorRegistry())
    on = Metrics(CollectorRegistry(), drift=DriftSettings())
    print("### drift bookkeeping, CPU per request (Metrics.record)\n")
    print(f"median of {batches} batches of {n}, off and on interleaved\n")
    print("| decisions | drift off µs | drift on µs | added µs | ratio | target ≤ 2 µs |")
    print("|---|---:|---:|---:|---:|---|")
    for name, decisions in mixes().items():
        base, with_drift, added = [], [], []
        for _ in range(batches):
            b = cpu_us(off.record, decisions, n)
            w = cpu_us(on.record, decisions, n)
            base.append(b)
            with_drift.append(w)
            added.append(w - b)
        b, w, a = (statistics.median(x) for x in (base, with_drift, added))
        verdict = "met" if a <= 2.0 else "MISSED"
        print(f"| {name} | {b:.2f} | {w:.2f} | {a:+.2f} | {w / b:.2f} | {verdict} |")


def memory_table(series: int) -> None:
    settings = DriftSettings(max_series=max(series, 1))
    types = [f"type.{i}" for i in range(settings.max_types)]
    scores = [(i + 0.5) / settings.score_bins for i in range(settings.score_bins)]
    registry = CollectorRegistry()
    clock = [0.0]
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    drift = DriftTracker(registry, settings, clock=lambda: clock[0])
    ring = settings.recent_buckets + settings.reference_buckets + 1
    for bucket in range(ring):  # every bucket holds a count in every slot
        clock[0] = bucket * settings.bucket_s
        for s in range(series):
            drift.observe(f"route{s}", "default", types, scores)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    total = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    slots = ring * (settings.max_types + 1 + settings.score_bins)
    print("\n### drift memory\n")
    print("| series | buckets | counters per series | bytes total | bytes per series |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {series} | {ring} | {slots} | {total} | {total / series:.0f} |")
    print("\n(includes the four gauges' children, and counts larger than 256, which Python keeps "
          "as objects of their own)")  # fmt: skip


def evaluation_table(batches: int) -> None:
    settings = DriftSettings()
    clock = [0.0]
    drift = DriftTracker(CollectorRegistry(), settings, clock=lambda: clock[0])
    ring = settings.recent_buckets + settings.reference_buckets + 1
    for bucket in range(ring):
        clock[0] = bucket * settings.bucket_s
        for i in range(200):
            drift.observe("main", "default", (f"type.{i % 7}",), ((i % 10) / 10,))
    runs = []
    for _ in range(batches):
        start = time.process_time_ns()
        for _ in range(100):
            drift.evaluate("main", "default")
        runs.append((time.process_time_ns() - start) / 100 / 1000)
    print("\n### drift evaluation (once per series per bucket)\n")
    print("| measure | µs |\n|---|---:|")
    print(f"| JSD + KS with both thresholds, one series | {statistics.median(runs):.1f} |")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--batches", type=int, default=15)
    p.add_argument("--batch", type=int, default=20000)
    p.add_argument("--series", type=int, default=64)
    args = p.parse_args()
    cpu_table(args.batches, args.batch)
    memory_table(args.series)
    evaluation_table(args.batches)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
