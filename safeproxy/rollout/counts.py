"""ArmCounts: one arm's counts over one analysis interval, mergeable across workers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields
from typing import Any

# Upper bounds (ms) of the overhead histogram: a p99 from merged buckets, as Prometheus does.
LATENCY_BOUNDS_MS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 1e9)
# Outcomes of requests a policy judged (rate-limited or refused ones say nothing of it).
JUDGED = frozenset({"allowed", "redacted", "blocked_input", "blocked_output", "filter_error"})


@dataclass(slots=True)
class ArmCounts:
    requests: int = 0
    blocked: int = 0
    redacted: int = 0
    output_violations: int = 0
    filter_errors: int = 0
    deep_checked: int = 0
    deep_unsafe: int = 0
    reviewed: int = 0
    false_positives: int = 0
    latency: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BOUNDS_MS))

    def add_request(
        self, outcome: str, output_violation: bool, fail_open: bool, overhead_ms: float
    ) -> None:
        self.requests += 1
        self.blocked += outcome in ("blocked_input", "blocked_output")
        self.redacted += outcome == "redacted"
        self.output_violations += output_violation
        self.filter_errors += outcome == "filter_error" or fail_open
        self.latency[bisect.bisect_left(LATENCY_BOUNDS_MS, overhead_ms)] += 1

    def add_deep(self, unsafe: bool) -> None:
        self.deep_checked += 1
        self.deep_unsafe += unsafe

    def merge(self, other: ArmCounts) -> None:
        for f in fields(self):
            if f.name == "latency":
                self.latency = [a + b for a, b in zip(self.latency, other.latency, strict=True)]
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def p99_ms(self) -> float | None:
        total = sum(self.latency)
        if total == 0:
            return None
        rank = 0.99 * total
        seen = 0
        for bound, n in zip(LATENCY_BOUNDS_MS, self.latency, strict=True):
            seen += n
            if seen >= rank:
                return bound
        return LATENCY_BOUNDS_MS[-1]

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArmCounts:
        out = cls()
        for f in fields(cls):
            value = data.get(f.name)
            if f.name == "latency" and isinstance(value, list) and len(value) == len(out.latency):
                out.latency = [int(v) for v in value]
            elif isinstance(value, int):
                setattr(out, f.name, value)
        return out
