"""Every Prometheus instrument of the proxy, built on an injected registry.

Metric and label names are public API (dashboards and alert rules use them). Label values come
from config names and fixed enums only, never from client input, so cardinality is bounded.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from safeproxy.telemetry.hotpath import HotPath, LocalHotPath, SharedHotPath

# Proxy work is microseconds to milliseconds; upstream work is milliseconds to minutes.
OVERHEAD_BUCKETS = (
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5,
)  # fmt: skip
UPSTREAM_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
)  # fmt: skip


class Metrics:
    """The proxy's instruments. Per-request series live in `hot` (see hotpath.py)."""

    def __init__(self, registry: CollectorRegistry, *, multiprocess: bool = False) -> None:
        self.registry = registry
        self.hot: HotPath = (
            SharedHotPath(registry, OVERHEAD_BUCKETS, UPSTREAM_BUCKETS)
            if multiprocess
            else LocalHotPath(registry, OVERHEAD_BUCKETS, UPSTREAM_BUCKETS)
        )
        self.request_done = self.hot.request_done
        self.upstream_done = self.hot.upstream_done
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
        # Rare events (errors, fallbacks) keep prometheus_client's instruments.
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
