"""Per-request instruments without locks, exported to Prometheus through a Collector.

prometheus_client guards every increment with a threading.Lock and validates on each call,
which costs several microseconds per request. The proxy updates these series only from its
event loop (one thread), so plain integers and lists suffice; the Collector turns them into
ordinary counter and histogram families at scrape time. Under `--workers N` the series must
be shared through prometheus_client's multiprocess files instead, so `SharedHotPath` keeps
the library's own instruments for that mode. Both expose the same names (`SPECS`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from safeproxy.filters.api import FilterRecord, SharedRecords

# Proxy and filter work is microseconds to milliseconds; upstream work is ms to minutes.
OVERHEAD_BUCKETS = (
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5,
)  # fmt: skip
FILTER_BUCKETS = (
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05, 0.1,
)  # fmt: skip
UPSTREAM_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
)  # fmt: skip
HOLDBACK_BUCKETS = (0, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: specs key tables directly
class Spec:
    name: str  # counters without the `_total` the exposition adds
    doc: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] | None = None  # None: a counter


REQUESTS = Spec("safeproxy_requests", "Requests by route and outcome.", ("route", "outcome"))
OVERHEAD = Spec(
    "safeproxy_overhead_seconds",
    "Wall time the proxy adds to a request (total minus time waiting on the upstream).",
    buckets=OVERHEAD_BUCKETS,
)
UPSTREAM = Spec(
    "safeproxy_upstream_seconds",
    "Upstream call duration, from send to the last byte.",
    ("upstream",),
    UPSTREAM_BUCKETS,
)
TTFT = Spec(
    "safeproxy_upstream_ttft_seconds",
    "Time from sending to the upstream until its first streamed event.",
    ("upstream",),
    UPSTREAM_BUCKETS,
)
VERDICTS = Spec(
    "safeproxy_filter_verdicts",
    "Filter verdicts per request and stage (action is the verdict; shadow mode records it "
    "without enforcing it).",
    ("policy", "filter", "stage", "action", "mode"),
)
FILTER_ERRORS = Spec(
    "safeproxy_filter_errors",
    "Filters that failed or overran their budget (decided by their on_error).",
    ("filter", "kind"),
)
FILTER_SECONDS = Spec(
    "safeproxy_filter_seconds",
    "Time of the scan a stage's filters share, per filter and stage.",
    ("filter", "stage"),
    FILTER_BUCKETS,
)
FINDINGS = Spec(
    "safeproxy_findings", "Findings by policy, filter and type.", ("policy", "filter", "type")
)
OUTPUT_CHECKED = Spec(
    "safeproxy_output_checked", "Replies whose text went through output filters.", ("route",)
)
OUTPUT_VIOLATIONS = Spec(
    "safeproxy_output_violations",
    "Replies in which an enforcing output filter blocked or redacted something.",
    ("route",),
)
DEGRADED = Spec(
    "safeproxy_degraded",
    "Checks skipped or weakened, each a recorded decision (fail-open, overflow released, "
    "pass-through, ...).",
    ("route", "reason"),
)
STREAM_BLOCKED = Spec(
    "safeproxy_stream_blocked", "Streams ended early by an output block.", ("route",)
)
RATE_LIMITED = Spec(
    "safeproxy_rate_limited",
    "Requests refused by a rate limit, by the kind of limit (requests, tokens, concurrent).",
    ("route", "kind"),
)
TOKENS = Spec(
    "safeproxy_tokens",
    "Tokens by direction (input, output) as the upstream's usage reports them, streams "
    "included, by route and tenant (a configured tenant name, or `default`).",
    ("route", "tenant", "direction"),
)
HOLDBACK = Spec(
    "safeproxy_stream_holdback_chars",
    "The most characters a filtered stream held back at once.",
    buckets=HOLDBACK_BUCKETS,
)
SPECS = (
    REQUESTS, OVERHEAD, UPSTREAM, TTFT, VERDICTS, FILTER_ERRORS, FILTER_SECONDS, FINDINGS,
    OUTPUT_CHECKED, OUTPUT_VIOLATIONS, DEGRADED, STREAM_BLOCKED, HOLDBACK, RATE_LIMITED, TOKENS,
)  # fmt: skip

Labels = tuple[str, ...]


class HotPath(Protocol):
    def inc(self, spec: Spec, labels: Labels) -> None: ...

    def add(self, spec: Spec, labels: Labels, amount: int) -> None: ...

    def observe(self, spec: Spec, labels: Labels, value: float) -> None: ...

    def request(
        self,
        route: str,
        outcome: str,
        overhead_s: float,
        tenant: str,
        tokens: tuple[int | None, int | None],
    ) -> None:
        """A request's own series: its count by outcome, its overhead, and its tokens
        (input, output; None when the reply did not say), in one call."""
        ...

    def shared_groups(
        self, policy: str, groups: Sequence[Sequence[FilterRecord]], input_s: float, output_s: float
    ) -> list[Sequence[FilterRecord]]:
        """Each shared group of clean records (SharedRecords) among `groups`: one verdict
        and one filter-time observation per record, the group taken as a whole, timed by
        its stage (`input_s`, `output_s`). Returns the other non-empty groups, in order, to
        be counted record by record. (One call for a request's groups: a clean request's
        are all shared.)"""
        ...


def _verdict_labels(policy: str, r: FilterRecord) -> Labels:
    return (policy, r.filter, r.stage, r.verdict.name.lower(), r.mode.value)


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

    def copy(self) -> _Buckets:
        out = _Buckets(self.bounds)
        out.counts = list(self.counts)
        out.sum = self.sum
        return out

    def add(self, other: _Buckets) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        self.sum += other.sum

    def cumulative(self) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        running = 0
        for bound, n in zip((*map(_le, self.bounds), "+Inf"), self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out


def _le(bound: float) -> str:
    return repr(float(bound))


class LocalHotPath(Collector):
    """One process: lock-free updates, read by the registry at scrape time."""

    def __init__(self, registry: CollectorRegistry) -> None:
        # defaultdicts: an increment is `+= 1`, with no lookup call of its own.
        self._counts: dict[Spec, defaultdict[Labels, int]] = {
            s: defaultdict(int) for s in SPECS if s.buckets is None
        }
        self._hists: dict[Spec, dict[Labels, _Buckets]] = {
            s: {} for s in SPECS if s.buckets is not None
        }
        # group.key (its id) -> (policy, group, its filter-time histogram); the group is held,
        # so its id is not reused. Groups are made once per compiled policy: bounded.
        self._shared: dict[int, tuple[str, SharedRecords, _Buckets]] = {}
        # The overhead histogram has no labels: its one series, at hand once it exists.
        self._overhead: _Buckets | None = None
        registry.register(self)

    # These run once or several times per request: lookups are subscripts and the bucket
    # is found inline (what _Buckets.observe does), so each costs one bisect at most.

    def inc(self, spec: Spec, labels: Labels) -> None:
        self._counts[spec][labels] += 1

    def add(self, spec: Spec, labels: Labels, amount: int) -> None:
        self._counts[spec][labels] += amount

    def request(
        self,
        route: str,
        outcome: str,
        overhead_s: float,
        tenant: str,
        tokens: tuple[int | None, int | None],
    ) -> None:
        # What inc, observe and add do, inline: every request moves these.
        counts = self._counts
        counts[REQUESTS][(route, outcome)] += 1
        series = self._overhead
        if series is None:  # the first request: the series appears with it, as observe's
            series = self._overhead = self._hists[OVERHEAD].setdefault(
                (), _Buckets(OVERHEAD_BUCKETS)
            )
        series.counts[bisect.bisect_left(series.bounds, overhead_s)] += 1
        series.sum += overhead_s
        tokens_in, tokens_out = tokens
        if tokens_in:
            counts[TOKENS][(route, tenant, "input")] += tokens_in
        if tokens_out:
            counts[TOKENS][(route, tenant, "output")] += tokens_out

    def shared_groups(
        self, policy: str, groups: Sequence[Sequence[FilterRecord]], input_s: float, output_s: float
    ) -> list[Sequence[FilterRecord]]:
        others: list[Sequence[FilterRecord]] = []
        table = self._shared
        # A stage's groups have the same time, so the bucket found for one serves the next.
        last: float | None = None
        bucket = 0
        for group in groups:
            if not group:
                continue
            if type(group) is not SharedRecords:
                others.append(group)
                continue
            key = group.key
            try:
                series = table[key][2]
            except KeyError:
                series = _Buckets(FILTER_BUCKETS)
                table[key] = (policy, group, series)
            seconds = input_s if group[0].stage == "input" else output_s
            if seconds != last:
                last, bucket = seconds, bisect.bisect_left(FILTER_BUCKETS, seconds)
            # Its count is the group's count.
            series.counts[bucket] += 1
            series.sum += seconds
        return others

    def observe(self, spec: Spec, labels: Labels, value: float) -> None:
        table = self._hists[spec]
        try:
            series = table[labels]
        except KeyError:
            assert spec.buckets is not None
            series = table[labels] = _Buckets(spec.buckets)
        series.counts[bisect.bisect_left(series.bounds, value)] += 1
        series.sum += value

    def collect(self) -> Iterator[Metric]:
        counts = {spec: dict(table) for spec, table in self._counts.items()}
        hists = {
            spec: {k: v.copy() for k, v in table.items()} for spec, table in self._hists.items()
        }
        # Shared groups become the per-filter series they stand for.
        for policy, group, seconds in self._shared.values():
            n = sum(seconds.counts)
            for r in group:
                labels = _verdict_labels(policy, r)
                counts[VERDICTS][labels] = counts[VERDICTS].get(labels, 0) + n
                key = (r.filter, r.stage)
                series = hists[FILTER_SECONDS].get(key)
                if series is None:
                    hists[FILTER_SECONDS][key] = seconds.copy()
                else:
                    series.add(seconds)
        for spec, table in counts.items():
            family = CounterMetricFamily(spec.name, spec.doc, labels=spec.labels)
            for labels, n in sorted(table.items()):
                family.add_metric(labels, n)
            yield family
        for spec, hist_table in hists.items():
            hist = HistogramMetricFamily(spec.name, spec.doc, labels=spec.labels)
            for labels, series in sorted(hist_table.items()):
                hist.add_metric(labels, series.cumulative(), series.sum)
            yield hist


class SharedHotPath:
    """Several worker processes: prometheus_client instruments in multiprocess mode."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._counters = {
            s: Counter(s.name, s.doc, s.labels, registry=registry)
            for s in SPECS
            if s.buckets is None
        }
        self._histograms = {
            s: Histogram(s.name, s.doc, s.labels, buckets=s.buckets, registry=registry)
            for s in SPECS
            if s.buckets is not None
        }

    def inc(self, spec: Spec, labels: Labels) -> None:
        counter = self._counters[spec]
        (counter.labels(*labels) if labels else counter).inc()

    def add(self, spec: Spec, labels: Labels, amount: int) -> None:
        counter = self._counters[spec]
        (counter.labels(*labels) if labels else counter).inc(amount)

    def observe(self, spec: Spec, labels: Labels, value: float) -> None:
        hist = self._histograms[spec]
        (hist.labels(*labels) if labels else hist).observe(value)

    def request(
        self,
        route: str,
        outcome: str,
        overhead_s: float,
        tenant: str,
        tokens: tuple[int | None, int | None],
    ) -> None:
        self.inc(REQUESTS, (route, outcome))
        self.observe(OVERHEAD, (), overhead_s)
        tokens_in, tokens_out = tokens
        if tokens_in:
            self.add(TOKENS, (route, tenant, "input"), tokens_in)
        if tokens_out:
            self.add(TOKENS, (route, tenant, "output"), tokens_out)

    def shared_groups(
        self, policy: str, groups: Sequence[Sequence[FilterRecord]], input_s: float, output_s: float
    ) -> list[Sequence[FilterRecord]]:
        others: list[Sequence[FilterRecord]] = []
        for group in groups:
            if not group:
                continue
            if type(group) is not SharedRecords:
                others.append(group)
                continue
            seconds = input_s if group[0].stage == "input" else output_s
            for r in group:
                self.inc(VERDICTS, _verdict_labels(policy, r))
                self.observe(FILTER_SECONDS, (r.filter, r.stage), seconds)
        return others
