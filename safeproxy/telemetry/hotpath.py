"""Per-request instruments without locks, exported to Prometheus through a Collector.

prometheus_client guards every increment with a threading.Lock and validates on each call,
which costs several microseconds per request. The proxy updates these series only from its
event loop (one thread), so plain integers and lists suffice; the Collector turns them into
ordinary counter and histogram families at scrape time. Under `--workers N` the series must
be shared through prometheus_client's multiprocess files instead, so `SharedHotPath` keeps
the library's own instruments for that mode. Both expose the same names.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

REQUESTS = ("safeproxy_requests", "Requests by route and outcome.")
OVERHEAD = (
    "safeproxy_overhead_seconds",
    "Wall time the proxy adds to a request (total minus time waiting on the upstream).",
)
UPSTREAM = ("safeproxy_upstream_seconds", "Upstream call duration, from send to the last byte.")
TTFT = (
    "safeproxy_upstream_ttft_seconds",
    "Time from sending to the upstream until its first streamed event.",
)


class HotPath(Protocol):
    def request_done(self, route: str, outcome: str, overhead_s: float) -> None: ...

    def upstream_done(self, upstream: str, seconds: float, ttft_s: float | None) -> None: ...


class _Buckets:
    """One histogram series: per-bucket counts (not cumulative), sum and count."""

    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last slot is +Inf
        self.sum = 0.0

    def observe(self, value: float) -> None:
        # bisect_left: the first bound >= value, i.e. Prometheus' `le` bucket.
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.sum += value

    def cumulative(self) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        running = 0
        for bound, n in zip((*map(repr, self.bounds), "+Inf"), self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out


class LocalHotPath(Collector):
    """One process: lock-free updates, read by the registry at scrape time."""

    def __init__(
        self,
        registry: CollectorRegistry,
        overhead_buckets: Sequence[float],
        upstream_buckets: Sequence[float],
    ) -> None:
        self._requests: dict[tuple[str, str], int] = {}
        self._overhead = _Buckets(overhead_buckets)
        self._upstream_buckets = upstream_buckets
        self._upstream: dict[str, _Buckets] = {}
        self._ttft: dict[str, _Buckets] = {}
        registry.register(self)

    def request_done(self, route: str, outcome: str, overhead_s: float) -> None:
        key = (route, outcome)
        self._requests[key] = self._requests.get(key, 0) + 1
        self._overhead.observe(overhead_s)

    def upstream_done(self, upstream: str, seconds: float, ttft_s: float | None) -> None:
        series = self._upstream.get(upstream)
        if series is None:
            series = self._upstream[upstream] = _Buckets(self._upstream_buckets)
        series.observe(seconds)
        if ttft_s is not None:
            ttft = self._ttft.get(upstream)
            if ttft is None:
                ttft = self._ttft[upstream] = _Buckets(self._upstream_buckets)
            ttft.observe(ttft_s)

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(*REQUESTS, labels=["route", "outcome"])
        for (route, outcome), n in sorted(self._requests.items()):
            requests.add_metric([route, outcome], n)
        yield requests
        overhead = HistogramMetricFamily(*OVERHEAD)
        overhead.add_metric([], self._overhead.cumulative(), self._overhead.sum)
        yield overhead
        for (name, doc), table in ((UPSTREAM, self._upstream), (TTFT, self._ttft)):
            family = HistogramMetricFamily(name, doc, labels=["upstream"])
            for upstream, series in sorted(table.items()):
                family.add_metric([upstream], series.cumulative(), series.sum)
            yield family


class SharedHotPath:
    """Several worker processes: prometheus_client instruments in multiprocess mode."""

    def __init__(
        self,
        registry: CollectorRegistry,
        overhead_buckets: Sequence[float],
        upstream_buckets: Sequence[float],
    ) -> None:
        self._requests = Counter(*REQUESTS, ["route", "outcome"], registry=registry)
        self._overhead = Histogram(*OVERHEAD, buckets=overhead_buckets, registry=registry)
        self._upstream = Histogram(
            *UPSTREAM, ["upstream"], buckets=upstream_buckets, registry=registry
        )
        self._ttft = Histogram(*TTFT, ["upstream"], buckets=upstream_buckets, registry=registry)

    def request_done(self, route: str, outcome: str, overhead_s: float) -> None:
        self._requests.labels(route, outcome).inc()
        self._overhead.observe(overhead_s)

    def upstream_done(self, upstream: str, seconds: float, ttft_s: float | None) -> None:
        self._upstream.labels(upstream).observe(seconds)
        if ttft_s is not None:
            self._ttft.labels(upstream).observe(ttft_s)
