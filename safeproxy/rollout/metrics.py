"""The rollout metrics, on the injected registry; names are public API (tested as strings)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge


class RolloutMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Each shadowed request counts one of these: the labelled child, looked up once.
        self._shadow: dict[tuple[str, str], Any] = {}
        self.requests = Counter(
            "safeproxy_rollout_requests",
            "Requests a running canary analysed, by arm (canary: served by the candidate).",
            ["route", "arm"],
            registry=registry,
        )
        self.shadow = Counter(
            "safeproxy_rollout_shadow",
            "Shadow comparisons of the candidate with the active policy, by disagreement "
            "(agree, allow_to_block, block_to_allow, redact_diff).",
            ["route", "result"],
            registry=registry,
        )
        self.intervals = Counter(
            "safeproxy_rollout_intervals",
            "Analysis intervals, by verdict (pass, fail, inconclusive).",
            ["route", "verdict"],
            registry=registry,
        )
        self.events = Counter(
            "safeproxy_rollout_events",
            "Rollout state changes (started, step, paused, resumed, promoted, "
            "awaiting_promotion, rolled_back, aborted, reset).",
            ["route", "event"],
            registry=registry,
        )
        self.share = Gauge(
            "safeproxy_rollout_share_percent",
            "The percent of identities the candidate serves on the route (0 after a rollback).",
            ["route"],
            registry=registry,
            multiprocess_mode="max",
        )
        self.step = Gauge(
            "safeproxy_rollout_step",
            "The canary step the rollout is at (0-based).",
            ["route"],
            registry=registry,
            multiprocess_mode="max",
        )
        self.metric = Gauge(
            "safeproxy_rollout_metric",
            "The last interval's value of an analysis metric, by arm.",
            ["route", "metric", "arm"],
            registry=registry,
            multiprocess_mode="max",
        )

    def shadow_counted(self, route: str, result: str) -> None:
        child = self._shadow.get((route, result))
        if child is None:
            child = self._shadow[(route, result)] = self.shadow.labels(route, result)
        child.inc()
