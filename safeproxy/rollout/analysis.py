"""One analysis interval: canary against baseline, metric by metric, as pass, fail or inconclusive.

A metric fails when canary minus baseline crosses its threshold (`max_increase` above, or
`max_decrease` below: a relaxed rule that lets PII out shows as a lower redact rate) with at
least `min_samples` in each arm; with fewer it is inconclusive, never a pass. An optional
metric with no samples in either arm (no deep checks, no reviewer labels) is skipped. The
interval fails if any metric fails; it passes only when every other metric passed and at
least one did; anything else (no traffic, a missing store) is inconclusive and holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from safeproxy.rollout.counts import ArmCounts
from safeproxy.settings.rollouts import Threshold

PASS, FAIL, INCONCLUSIVE, SKIPPED = "pass", "fail", "inconclusive", "skipped"

# metric -> (its value for one arm, that arm's sample count)
Measure = Callable[[ArmCounts], tuple[float | None, int]]


def _rate(num: str, den: str) -> Measure:
    def measure(c: ArmCounts) -> tuple[float | None, int]:
        n = int(getattr(c, den))
        return (int(getattr(c, num)) / n if n else None), n

    return measure


_ROUNDING = 1e-9

MEASURES: Mapping[str, Measure] = {
    "block_rate": _rate("blocked", "requests"),
    "redact_rate": _rate("redacted", "requests"),
    "output_violation_rate": _rate("output_violations", "requests"),
    "deep_unsafe_rate": _rate("deep_unsafe", "deep_checked"),
    "reviewer_fp_rate": _rate("false_positives", "reviewed"),
    "filter_error_rate": _rate("filter_errors", "requests"),
    "p99_latency_ms": lambda c: (c.p99_ms(), c.requests),
}


@dataclass(frozen=True, slots=True)
class MetricResult:
    metric: str
    canary: float | None
    baseline: float | None
    samples: tuple[int, int]  # (canary, baseline)
    threshold: Threshold
    verdict: str

    def to_json(self) -> dict[str, Any]:
        t = self.threshold
        return {
            "metric": self.metric, "canary": self.canary, "baseline": self.baseline,
            "difference": None if self.canary is None or self.baseline is None
            else self.canary - self.baseline,
            "samples": {"canary": self.samples[0], "baseline": self.samples[1]},
            "threshold": {"max_increase": t.max_increase, "max_decrease": t.max_decrease,
                          "min_samples": t.min_samples},
            "verdict": self.verdict,
        }  # fmt: skip


def judge_metric(name: str, t: Threshold, canary: ArmCounts, baseline: ArmCounts) -> MetricResult:
    cv, cn = MEASURES[name](canary)
    bv, bn = MEASURES[name](baseline)
    if t.optional and cn == 0 and bn == 0:
        verdict = SKIPPED
    elif cn < t.min_samples or bn < t.min_samples or cv is None or bv is None:
        verdict = INCONCLUSIVE
    else:
        diff = cv - bv
        # A difference exactly at its threshold passes; float rounding of two rates (58/150 -
        # 73/150 is -0.10000000000000003) must not turn that into a failed interval.
        up = t.max_increase is not None and diff > t.max_increase + _ROUNDING
        down = t.max_decrease is not None and -diff > t.max_decrease + _ROUNDING
        verdict = FAIL if up or down else PASS
    return MetricResult(name, cv, bv, (cn, bn), t, verdict)


def interval_verdict(results: list[MetricResult]) -> str:
    verdicts = [r.verdict for r in results]
    if FAIL in verdicts:
        return FAIL
    if INCONCLUSIVE in verdicts or PASS not in verdicts:
        return INCONCLUSIVE
    return PASS


def judge(
    thresholds: Mapping[Any, Threshold], canary: ArmCounts, baseline: ArmCounts
) -> tuple[str, list[MetricResult]]:
    results = [judge_metric(n, t, canary, baseline) for n, t in thresholds.items()]
    return interval_verdict(results), results
