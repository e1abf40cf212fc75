"""M3 and M4, the reaction-time safety SLIs: time to detect and time to mitigate.

    safeproxy_time_to_detect_seconds{kind}    first violation a window later judges bad ->
                                              the moment the proxy marks it (M3)
    safeproxy_time_to_mitigate_seconds{kind}  that detection -> the mitigation in effect (M4)

`kind` is a fixed vocabulary (KINDS); an unknown kind raises instead of minting a series.
The API is the two calls of resilience/reaction.py, so any mechanism can report:

    times.detected("canary", first_violation_at=t0, now=t1)   # a failed analysis interval
    times.mitigated("canary", detected_at=t1, now=t2)          # rollback complete everywhere

Times are the caller's clock (the proxy's injected monotonic clock); a negative duration (two
processes' clocks) is recorded as 0. What each kind measures is documented in README
"Observability" (safety SLIs). Events are rare (trips, quarantines, rollbacks), so these are
prometheus_client's own histograms, which also work under `--workers N`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram

# safety_breaker: a route's safety breaker tripped on its window; kill_switch: an operator
# threw it open (M4 only); quarantine: an identity quarantined; canary: a rollout's failed
# analysis (reported by the rollout; its M4 ends when every worker serves the baseline).
KINDS = ("safety_breaker", "kill_switch", "quarantine", "canary")

# Detection rests on windows of seconds to minutes (a breaker's window_s, a quarantine's
# window_s, an analysis interval), so seconds to an hour.
DETECT_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
# Mitigation is an in-process switch (0 to the next request), a store round trip, or a reload
# on every worker (the target: 1 s plus one reload): milliseconds to minutes.
MITIGATE_BUCKETS = (
    0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
)  # fmt: skip


class SafetyTimes:
    """Implements resilience.reaction.ReactionTimes on an injected registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.detect = Histogram(
            "safeproxy_time_to_detect_seconds",
            "M3: from the first violation that a window later judged bad to the moment the "
            "proxy marked it, by kind of detection.",
            ["kind"],
            registry=registry,
            buckets=DETECT_BUCKETS,
        )
        self.mitigate = Histogram(
            "safeproxy_time_to_mitigate_seconds",
            "M4: from a detection to its mitigation in effect (breaker open and a request on "
            "its open action, quarantine applied, rollback complete), by kind.",
            ["kind"],
            registry=registry,
            buckets=MITIGATE_BUCKETS,
        )
        for kind in KINDS:  # every series exists from the start: rate() reads 0, not nothing
            self.detect.labels(kind)
            self.mitigate.labels(kind)

    def detected(self, kind: str, first_violation_at: float, now: float) -> float:
        return _observe(self.detect, kind, now - first_violation_at)

    def mitigated(self, kind: str, detected_at: float, now: float) -> float:
        return _observe(self.mitigate, kind, now - detected_at)


def _observe(hist: Histogram, kind: str, seconds: float) -> float:
    if kind not in KINDS:
        raise ValueError(f"unknown reaction kind {kind!r}; one of {', '.join(KINDS)}")
    seconds = max(0.0, seconds)
    hist.labels(kind).observe(seconds)
    return seconds
