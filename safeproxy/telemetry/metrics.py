"""Every Prometheus instrument of the proxy, built on an injected registry.

Metric and label names are public API (dashboards and alert rules use them). Label values come
from config names and fixed enums only, never from client input, so cardinality is bounded.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Outcomes a request can end with (a closed set: it is a label value).
OUTCOMES = (
    "allowed",
    "invalid_request",
    "upstream_error",
    "client_aborted",
)

# Proxy work is microseconds to milliseconds; upstream work is milliseconds to minutes.
OVERHEAD_BUCKETS = (
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5,
)  # fmt: skip
UPSTREAM_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
)  # fmt: skip


class Metrics:
    def __init__(self, registry: CollectorRegistry, *, multiprocess: bool = False) -> None:
        self.registry = registry
        self.requests = Counter(
            "safeproxy_requests",
            "Requests by route and outcome.",
            ["route", "outcome"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "safeproxy_in_flight_requests",
            "Requests being handled now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        # One process: read a plain counter at scrape time instead of taking the gauge's lock
        # twice per request. Several workers (multiprocess mode) need the gauge's own value.
        self._in_flight = 0
        self._live_gauge = multiprocess
        if not multiprocess:
            self.in_flight.set_function(lambda: self._in_flight)
        self.overhead = Histogram(
            "safeproxy_overhead_seconds",
            "Wall time the proxy adds to a request (total minus time waiting on the upstream).",
            buckets=OVERHEAD_BUCKETS,
            registry=registry,
        )
        self.upstream_seconds = Histogram(
            "safeproxy_upstream_seconds",
            "Upstream call duration, from send to the last body byte.",
            ["upstream"],
            buckets=UPSTREAM_BUCKETS,
            registry=registry,
        )
        self.upstream_ttft = Histogram(
            "safeproxy_upstream_ttft_seconds",
            "Time from sending to the upstream until its first streamed event.",
            ["upstream"],
            buckets=UPSTREAM_BUCKETS,
            registry=registry,
        )
        self.upstream_errors = Counter(
            "safeproxy_upstream_errors",
            "Upstream failures by upstream and error code.",
            ["upstream", "code"],
            registry=registry,
        )
        self.fallbacks = Counter(
            "safeproxy_fallbacks",
            "Requests sent to a fallback upstream after the primary could not take them.",
            ["route", "upstream"],
            registry=registry,
        )

        # `labels()` takes a lock and builds a key on every call; label sets are bounded, so
        # the children are kept here once made.
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Counter | Histogram, *labels: str) -> Any:
        key = (metric, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def request_done(self, route: str, outcome: str, overhead_s: float) -> None:
        self._child(self.requests, route, outcome).inc()
        self.overhead.observe(overhead_s)

    def upstream_done(self, upstream: str, seconds: float, ttft_s: float | None) -> None:
        self._child(self.upstream_seconds, upstream).observe(seconds)
        if ttft_s is not None:
            self._child(self.upstream_ttft, upstream).observe(ttft_s)

    def request_started(self) -> None:
        if self._live_gauge:
            self.in_flight.inc()
        else:
            self._in_flight += 1

    def request_finished(self) -> None:
        if self._live_gauge:
            self.in_flight.dec()
        else:
            self._in_flight -= 1
