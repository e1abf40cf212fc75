"""A deep check's entry in the decision record (leaf module: the Exchange holds these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DeepCheckRecord:
    """What one deep check did for one request and stage.

    `verdict`: safe | unsafe | uncertain | error (a sync check or a finished async one),
    `queued` (an async check handed to the queue; its result follows in the audit log as
    a `deep_check` record with the same request id), `dropped` (queue full or unreachable),
    or `skipped` (chosen, but the per-minute budget was spent). `reason` is why the request
    was sampled. `decided` is what the verdict did: block, flag, open (an error let
    through), closed (an error blocked it), or None.
    """

    check: str
    judge: str
    stage: str
    mode: str
    reason: str | None
    verdict: str
    categories: tuple[str, ...] = ()
    score: float | None = None
    latency_s: float = 0.0
    error: str | None = None
    decided: str | None = None
    cached: bool = False
    # perf_counter() when the judge was called (sync checks; for the trace's span only).
    started: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "judge": self.judge,
            "stage": self.stage,
            "mode": self.mode,
            "reason": self.reason,
            "verdict": self.verdict,
            "categories": list(self.categories),
            "score": self.score,
            "latency_s": self.latency_s,
            "error": self.error,
            "decided": self.decided,
            "cached": self.cached,
        }
