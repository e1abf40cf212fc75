"""The deep-check benchmark's targets and its report: the tables and verdicts it prints.

benchmarks/deepchecks.py measures; this module holds what a run is made of (Target) and
turns the measurements into the markdown tables (medians over rounds, the verdicts against
issue 6's numbers, and each proxy's deep-check counters).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MAX_ASYNC_RATIO = 1.10
MAX_SYNC_EXCESS_MS = 1.0
JUDGE_DELAY_S = 0.100
# A block is bounded in time as well as in count: a hung target cannot stall the run.
BLOCK_DEADLINE_S = 60.0

# Target keys, in table order; the fast ones get the larger blocks. The last four are
# context: a second no-deep-check proxy (how far two identical proxies differ, to read the
# async ratio by), the sync check against a judge that answers at once (and that judge
# direct), and the no-deep-check proxy with the client idle for one judge delay (untimed)
# before each request.
TARGETS = ("direct", "none", "async", "sync", "judge", "twin", "sync0", "judge0", "paced")
PROXIES = ("none", "async", "sync", "twin", "sync0")
COUNTED = ("none", "async", "sync", "sync0")  # the proxies whose deep-check counters show
LABELS = {
    "direct": "direct (mock model)",
    "none": "no deep checks (default policy)",
    "async": "async 5 %",
    "sync": "sync (every request)",
    "judge": "judge direct (POST /v1/completions)",
    "twin": "context: no deep checks, a second identical proxy",
    "sync0": "context: sync, judge answering at once",
    "judge0": "context: judge direct, answering at once",
    "paced": "context: no deep checks, 100 ms idle before each request",
}


@dataclass(slots=True)
class Target:
    key: str
    url: str
    body: Callable[[str], bytes]
    per_round: int
    pace_s: float = 0.0  # untimed idle before each request
    rounds: list[list[float]] = field(default_factory=list)  # seconds, one list per round
    sent: int = 0  # every request, warm-up included (the proxies' counters see them all)
    failures: int = 0
    cut_short: int = 0  # blocks that hit BLOCK_DEADLINE_S


_SAMPLE = re.compile(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 if there are none)."""
    total = 0.0
    for line in text.splitlines():
        m = _SAMPLE.match(line)
        if m is None or m.group(1) != name:
            continue
        have = dict(_LABEL.findall(m.group(2) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(m.group(3))
    return total


# -- report -------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of values, linear between closest ranks."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def render(targets: dict[str, Target], metrics: dict[str, str], rounds: int) -> str:
    def per_round(key: str, q: float) -> list[float]:
        return [pct(r, q) * 1e3 for r in targets[key].rounds]

    def p50(key: str) -> float:
        return statistics.median(per_round(key, 0.5))

    def p90(key: str) -> float:
        return statistics.median(per_round(key, 0.9))

    fast, slow = targets["direct"].per_round, targets["judge"].per_round
    lines = [
        f"### deep checks: latency at c=1 (medians of {rounds} interleaved rounds; "
        f"{fast} requests per round to fast targets, {slow} to 100 ms ones; "
        f"judge delay {JUDGE_DELAY_S * 1e3:.0f} ms)",
        "",
        "| target | requests/round | p50 ms | p90 ms | added p50 vs direct ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for key in TARGETS:
        t = targets[key]
        added = f"{p50(key) - p50('direct'):.3f}" if key in (*PROXIES, "paced") else "-"
        lines.append(
            f"| {LABELS[key]} | {t.per_round} | {p50(key):.3f} | {p90(key):.3f} | {added} |"
        )

    # The sync verdict comes from the medians above. The async ratio is taken within each
    # round (its targets ran back to back, so drift between rounds cancels) and its median
    # over rounds is the verdict. In brackets: the middle half of each figure computed
    # within single rounds (how far a round's noise moves it).
    def per_round_values(figure: Callable[[dict[str, float]], float]) -> list[float]:
        return [
            figure({k: pct(targets[k].rounds[r], 0.5) * 1e3 for k in TARGETS})
            for r in range(rounds)
        ]

    def rounds_range(figure: Callable[[dict[str, float]], float], fmt: str) -> str:
        values = per_round_values(figure)
        # The middle half: a burst of noise spoils a round or two, and min-max shows only it.
        return f"rounds' middle half {pct(values, 0.25):{fmt}} to {pct(values, 0.75):{fmt}}"

    def async_ratio(p: dict[str, float]) -> float:
        added = p["none"] - p["direct"]
        return (p["async"] - p["direct"]) / added if added > 0 else float("nan")

    def twin_ratio(p: dict[str, float]) -> float:
        added = p["none"] - p["direct"]
        return (p["twin"] - p["direct"]) / added if added > 0 else float("nan")

    def sync_excess(p: dict[str, float]) -> float:
        return p["sync"] - p["none"] - p["judge"]

    def instant_excess(p: dict[str, float]) -> float:
        return p["sync0"] - p["none"] - p["judge0"]

    def paced_excess(p: dict[str, float]) -> float:
        return p["sync"] - p["paced"] - p["judge"]

    medians = {k: p50(k) for k in TARGETS}
    ratio, excess = pct(per_round_values(async_ratio), 0.5), paced_excess(medians)
    added_none, added_async = p50("none") - p50("direct"), p50("async") - p50("direct")
    lines += [
        "",
        "| verdict | value | target | result |",
        "|---|---:|---:|---|",
        f"| async: added p50 (async 5 %) ÷ added p50 (no deep checks), median of rounds "
        f"| {ratio:.3f} ({rounds_range(async_ratio, '.2f')}; of the medians: "
        f"{added_async:.3f} / {added_none:.3f} ms = {async_ratio(medians):.3f}) "
        f"| ≤ {MAX_ASYNC_RATIO:.2f} | {'PASS' if ratio <= MAX_ASYNC_RATIO else 'FAIL'} |",
        # Like for like: while the judge thinks, the sync proxy sits idle for 100 ms, and on
        # this VM any process pays about 1 ms to wake from such a spell (the paced row: the
        # same proxy, idle as long before each request). The sync check's cost is what it
        # adds beyond that proxy and the judge.
        f"| sync: p50(sync) - p50(no deep checks, idle 100 ms before each request) - "
        f"p50(judge direct) | {excess:.3f} ms ({rounds_range(paced_excess, '.3f')}) "
        f"| ≤ {MAX_SYNC_EXCESS_MS:.1f} ms | {'PASS' if excess <= MAX_SYNC_EXCESS_MS else 'FAIL'} |",
        # Context, not verdicts. Two proxies with one config differ by process alone (memory
        # layout, what else runs): the async ratio cannot be read closer than this. With a
        # judge that answers at once nothing sits idle: what is left is the sync check's own
        # cost (prompt, judge call, verdict). Against the warm baseline the sync figure also
        # carries the wake-up after the judge's 100 ms.
        f"| context: added p50 (second no-deep-check proxy) ÷ added p50 (no deep checks), "
        f"median of rounds | {pct(per_round_values(twin_ratio), 0.5):.3f} "
        f"({rounds_range(twin_ratio, '.2f')}) | - | - |",
        f"| context: p50(sync, instant judge) - p50(no deep checks) - p50(instant judge "
        f"direct) | {instant_excess(medians):.3f} ms ({rounds_range(instant_excess, '.3f')}) "
        f"| - | - |",
        f"| context: p50(sync) - p50(no deep checks, warm) - p50(judge direct): with the "
        f"wake-up | {sync_excess(medians):.3f} ms ({rounds_range(sync_excess, '.3f')}) "
        f"| - | - |",
    ]

    lines += [
        "",
        "### deep-check counters (each proxy's /metrics at the end of the run)",
        "",
        "| proxy | requests sent | checks: safe | unsafe | uncertain | error | checked % "
        "| judge errors | dropped | judge call mean ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in COUNTED:
        text, sent = metrics[key], targets[key].sent
        if key == "none":  # the paced rows went to the same proxy
            sent += targets["paced"].sent
        checks = {
            v: metric(text, "safeproxy_deep_checks_total", verdict=v)
            for v in ("safe", "unsafe", "uncertain", "error")
        }
        done = sum(checks.values())
        errors = metric(text, "safeproxy_deep_check_errors_total")
        dropped = metric(text, "safeproxy_deep_checks_dropped_total")
        calls = metric(text, "safeproxy_deep_check_seconds_count")
        mean = metric(text, "safeproxy_deep_check_seconds_sum") / calls * 1e3 if calls else 0.0
        share = done / sent * 100 if sent else 0.0
        counts = " | ".join(f"{checks[v]:.0f}" for v in checks)
        lines.append(
            f"| {LABELS[key]} | {sent} | {counts} | {share:.2f} | {errors:.0f} | {dropped:.0f} "
            f"| {mean:.2f} |"
        )
    return "\n".join(lines)


def problems(targets: dict[str, Target]) -> list[str]:
    found: list[str] = []
    for t in targets.values():
        if t.failures:
            found.append(f"{t.key}: {t.failures} requests did not answer 200")
        if t.cut_short:
            found.append(f"{t.key}: {t.cut_short} blocks stopped at {BLOCK_DEADLINE_S:.0f} s")
        if any(not r for r in t.rounds):
            found.append(f"{t.key}: a round without a single answered request")
    return found


# -- main ---------------------------------------------------------------------------------------
