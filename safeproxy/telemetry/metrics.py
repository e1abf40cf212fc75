"""Every Prometheus instrument of the proxy, built on an injected registry.

Metric and label names are public API (dashboards and alert rules use them). Label values come
from config names and fixed enums only, never from client input, so cardinality is bounded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from safeproxy.exchange.decision import Decision, degraded_reason, output_violation
from safeproxy.filters.api import Action
from safeproxy.resilience.breaker import State, Transition
from safeproxy.telemetry import hotpath as h
from safeproxy.telemetry.drift import DriftTracker
from safeproxy.telemetry.hotpath import HotPath, LocalHotPath, SharedHotPath
from safeproxy.telemetry.safety_times import SafetyTimes
from safeproxy.telemetry.settings import DriftSettings


class Metrics:
    """The proxy's instruments. Per-request series live in `hot` (see hotpath.py); the
    reaction-time SLIs (M3, M4) in `safety_times`; drift (M10), when `drift` settings are
    given and enabled, in `drift`, on `clock`."""

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        multiprocess: bool = False,
        policies: Mapping[str, str] | None = None,
        drift: DriftSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.hot: HotPath = SharedHotPath(registry) if multiprocess else LocalHotPath(registry)
        self.safety_times = SafetyTimes(registry)
        self.drift: DriftTracker | None = None
        if drift is not None and drift.enabled:
            self.drift = DriftTracker(registry, drift, clock=clock)
        self.policy_info = Gauge(
            "safeproxy_policy_info",
            "The version (a content hash) of each loaded policy; value 1.",
            ["policy", "version"],
            registry=registry,
            multiprocess_mode="max",
        )
        self._multiprocess = multiprocess
        for name, version in (policies or {}).items():
            self.policy_info.labels(name, version).set(1)
        self.config_info = Gauge(
            "safeproxy_config_info",
            "The runtime generation (content hash of the effective config) served; value 1.",
            ["generation"],
            registry=registry,
            multiprocess_mode="liveall",  # per worker: which ones are behind after a reload
        )
        self.config_reloads = Counter(
            "safeproxy_config_reloads",
            "Config reloads and rollbacks by result (success, failure); a failure changes "
            "nothing (the previous generation keeps serving).",
            ["result"],
            registry=registry,
        )
        for result in ("success", "failure"):
            self.config_reloads.labels(result)
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
            "Upstream failures by upstream and reason (a fixed vocabulary: http_429, "
            "http_503, http_4xx, http_5xx, connect, connect_timeout, timeout, reset, "
            "malformed, stream_reset, stream_timeout).",
            ["upstream", "reason"],
            registry=registry,
        )
        # Breakers change state rarely: prometheus_client's own instruments (multiprocess too).
        self.breaker_open = Gauge(
            "safeproxy_breaker_open",
            "1 while a circuit breaker is open or half-open (probing), else 0.",
            ["kind", "target"],
            registry=registry,
            multiprocess_mode="max",
        )
        self.breaker_forced = Gauge(
            "safeproxy_breaker_forced",
            "1 while an operator holds a breaker in `state` (open or closed: the "
            "kill-switch), else 0.",
            ["kind", "target", "state"],
            registry=registry,
            multiprocess_mode="max",
        )
        self.breaker_transitions = Counter(
            "safeproxy_breaker_transitions",
            "Circuit breaker state changes, by the state entered (open counts trips).",
            ["kind", "target", "to"],
            registry=registry,
        )
        self.quarantines = Counter(
            "safeproxy_quarantines",
            "Identities put into quarantine after repeated policy violations.",
            registry=registry,
        )
        self.quarantined = Gauge(
            "safeproxy_quarantined_identities",
            "Identities in quarantine now (this process).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.fallbacks = Counter(
            "safeproxy_fallbacks",
            "Requests sent to a fallback upstream after the primary could not take them.",
            ["route", "upstream"],
            registry=registry,
        )

        self._deep_checks(registry)

    def _deep_checks(self, registry: CollectorRegistry) -> None:
        # Deep checks are sampled (a few per cent of requests): prometheus_client's own
        # instruments, labelled by config names (check, judge) and fixed enums.
        self.deep_checks = Counter(
            "safeproxy_deep_checks",
            "Deep checks done, by check, judge, stage, mode, verdict (safe, unsafe, uncertain, "
            "error) and sampling reason.",
            ["check", "judge", "stage", "mode", "verdict", "reason"],
            registry=registry,
        )
        self.deep_check_errors = Counter(
            "safeproxy_deep_check_errors",
            "Deep checks that got no verdict, by error and by what on_error decided.",
            ["check", "error", "decided"],
            registry=registry,
        )
        self.deep_check_seconds = Histogram(
            "safeproxy_deep_check_seconds",
            "Judge call latency (cache hits excluded).",
            ["judge"],
            registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self.deep_checks_dropped = Counter(
            "safeproxy_deep_checks_dropped",
            "Async deep checks dropped because their queue was full or unreachable.",
            ["check", "reason"],
            registry=registry,
        )
        self.deep_checks_skipped = Counter(
            "safeproxy_deep_checks_skipped",
            "Sampled deep checks skipped by the per-minute budget (max_per_minute).",
            ["check", "reason"],
            registry=registry,
        )
        self.deep_check_queue_depth = Gauge(
            "safeproxy_deep_check_queue_depth",
            "Async deep-check jobs waiting in this process's queue.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.deep_check_cache = Counter(
            "safeproxy_deep_check_cache",
            "Verdict cache lookups by judge and result (hit, miss).",
            ["judge", "result"],
            registry=registry,
        )
        self.review_items = Counter(
            "safeproxy_review_items",
            "Items put in the human review queue, by source (`dropped`: lost to a full buffer).",
            ["source"],
            registry=registry,
        )
        self.audit_export_failed = Counter(
            "safeproxy_audit_export_failed_records",
            "Audit records the OTLP logs export could not send (the receiver down or refusing); "
            "the audit file has them.",
            registry=registry,
        )
        self.review_store_errors = Counter(
            "safeproxy_review_store_errors",
            "Review-queue operations that failed because the store was unavailable, by "
            "backend (sqlite, postgres) and operation (write: a feed batch, kept for the next "
            "flush; read, label: an admin call, answered 503; start).",
            ["backend", "operation"],
            registry=registry,
        )
        self.console_refused = Counter(
            "safeproxy_console_refused",
            "Console requests refused: `session` (a POST with no live session), `csrf` (a "
            "mutation without the session's CSRF token), `login` (a wrong token), "
            "`login_csrf` (a login form without its nonce), `throttled` (a login from a peer "
            "past its allowance of wrong admin tokens).",
            ["reason"],
            registry=registry,
        )
        self.review_labels = Gauge(
            "safeproxy_review_labels",
            "Labelled review items, by policy and label.",
            ["policy", "label"],
            registry=registry,
            multiprocess_mode="mostrecent",
        )
        self.review_false_positive_ratio = Gauge(
            "safeproxy_review_false_positive_ratio",
            "Measured false-positive rate per policy: false_positive / (true_positive + "
            "false_positive) among labelled items the proxy flagged.",
            ["policy"],
            registry=registry,
            multiprocess_mode="mostrecent",
        )
        self.review_false_negative_ratio = Gauge(
            "safeproxy_review_false_negative_ratio",
            "Measured false-negative rate per policy: false_negative / (false_negative + "
            "true_negative) among labelled items the proxy let through.",
            ["policy"],
            registry=registry,
            multiprocess_mode="mostrecent",
        )

    def generation_served(
        self,
        generation: str,
        versions: Mapping[str, str],
        replaced: tuple[str, Mapping[str, str]] | None = None,
    ) -> None:
        """The info series of a generation now served, and of the one it replaced (gone,
        or 0 under multiprocess mode, which cannot remove a series: `max` across workers
        then shows 1 for as long as any worker still serves it)."""
        stale: list[tuple[Gauge, tuple[str, ...]]] = []
        if replaced is not None:
            old_hash, old_versions = replaced
            if old_hash != generation:
                stale.append((self.config_info, (old_hash,)))
            stale += [
                (self.policy_info, (name, version))
                for name, version in old_versions.items()
                if versions.get(name) != version
            ]
        for gauge, labels in stale:
            gauge.labels(*labels).set(0)
            if not self._multiprocess:
                gauge.remove(*labels)
        self.config_info.labels(generation).set(1)
        for name, version in versions.items():
            self.policy_info.labels(name, version).set(1)

    def breaker_changed(self, kind: str, t: Transition) -> None:
        """A breaker moved: its gauge (1 while open or probing) and the transitions count."""
        self.breaker_open.labels(kind, t.target).set(0 if t.new is State.CLOSED else 1)
        self.breaker_transitions.labels(kind, t.target, t.new.name.lower()).inc()

    def breaker_held(self, kind: str, target: str, held: State | None) -> None:
        """The kill-switch's position: which state (if any) an operator holds it in."""
        for state in (State.OPEN, State.CLOSED):
            self.breaker_forced.labels(kind, target, state.value).set(int(held is state))

    def record(self, d: Decision) -> None:
        """Every series one decision moves. Labels are config names and fixed enums only.

        Runs for every request: the exchange's fields are read directly (the decision's
        properties are one call each), and what a clean request does not have is tested
        before anything is built for it."""
        hot = self.hot
        ex = d.exchange
        route = d.route
        hot.request(route, ex.outcome, d.overhead_s, ex.tenant_label, (ex.tokens_in, ex.tokens_out))
        if ex.upstream_failure and ex.upstream is not None:
            self.upstream_failed(ex.upstream, ex.upstream_failure)
        policy = d.policy
        found: tuple[str, ...] = ()  # finding types, for drift
        # The clean common case: shared groups, counted as wholes (what is left, in order,
        # is counted record by record).
        others = hot.shared_groups(policy, ex.filter_records, ex.input_filter_s, ex.output_filter_s)
        for group in others:
            seconds = ex.input_filter_s if group[0].stage == "input" else ex.output_filter_s
            for r in group:
                verdict = (policy, r.filter, r.stage, _ACTIONS[r.verdict], r.mode.value)
                hot.inc(h.VERDICTS, verdict)
                hot.observe(h.FILTER_SECONDS, (r.filter, r.stage), seconds)
                if r.error is not None:
                    hot.inc(h.FILTER_ERRORS, (r.filter, r.error))
                if r.types:
                    found += r.types
                    for kind in r.types:
                        hot.inc(h.FINDINGS, (policy, r.filter, kind))
        drift = self.drift
        if drift is not None:
            checks = ex.deep_checks
            if checks:
                scores = [c.score for c in checks if c.score is not None]
                if found or scores:
                    drift.observe(route, policy, found, scores)
            elif found:
                drift.observe(route, policy, found)
        if ex.output_checked:
            hot.inc(h.OUTPUT_CHECKED, (route,))
            # A violation needs a record of its own (shared groups are clean) or a deep check.
            if (others or ex.deep_checks) and output_violation(ex):
                hot.inc(h.OUTPUT_VIOLATIONS, (route,))
        for entry in ex.degraded:
            hot.inc(h.DEGRADED, (route, degraded_reason(entry)))
        if ex.stream and ex.outcome == "blocked_output":  # Decision.stream_blocked
            hot.inc(h.STREAM_BLOCKED, (route,))
        if ex.limited_kind:
            hot.inc(h.RATE_LIMITED, (route, ex.limited_kind))
        if ex.holdback_chars is not None:
            hot.observe(h.HOLDBACK, (), ex.holdback_chars)

    def upstream_failed(self, upstream: str, reason: str) -> None:
        """One failure of an upstream (a config name) for a reason of upstream/failures.py."""
        self.upstream_errors.labels(upstream, reason).inc()

    def upstream_done(self, upstream: str, seconds: float, ttft_s: float | None) -> None:
        self.hot.observe(h.UPSTREAM, (upstream,), seconds)
        if ttft_s is not None:
            self.hot.observe(h.TTFT, (upstream,), ttft_s)

    def count_in_flight(self, count: Callable[[], int]) -> bool:
        """One process: the gauge reads `count` (the caller's own count of requests in
        flight) at scrape time, and request_started/finished need not be called; returns
        whether they still must be (several workers share the gauge's value)."""
        if self._live_gauge:
            return True
        self.in_flight.set_function(count)
        return False

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


# Verdict label values, lower case as in the config.
_ACTIONS = {a: a.name.lower() for a in Action}
