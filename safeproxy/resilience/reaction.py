"""The seam through which the safety mechanisms report their reaction times (M3 and M4).

The mechanisms (safety breakers, quarantine, later a rollout) know when a violation began,
when they judged it bad and when their mitigation took effect; telemetry/safety_times.py turns
that into histograms. This Protocol keeps resilience/ free of telemetry imports: the
composition root passes the telemetry object, tests pass a fake.

Times are the injected clock's (monotonic seconds); `kind` is one of a fixed vocabulary
(telemetry/safety_times.py KINDS), never client input.
"""

from __future__ import annotations

from typing import Protocol


class ReactionTimes(Protocol):
    def detected(self, kind: str, first_violation_at: float, now: float) -> float:
        """A mechanism judged violations bad at `now`; the earliest of the violations that
        judgement rests on happened at `first_violation_at`. Returns the seconds recorded."""
        ...

    def mitigated(self, kind: str, detected_at: float, now: float) -> float:
        """The mitigation for a detection made at `detected_at` is in effect at `now`.
        Returns the seconds recorded."""
        ...
