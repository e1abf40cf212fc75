"""Where a finished request's decision goes: metrics always; spans, the audit log and the access
log when on.

The one place that turns an Exchange into a Decision (decision.py) and hands the same record
to every sink, so they cannot disagree.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType

from opentelemetry.sdk.trace import TracerProvider

from safeproxy.capture.record import capture_record
from safeproxy.capture.store import CaptureLog
from safeproxy.exchange.decision import Decision, TenantHasher
from safeproxy.exchange.state import Exchange
from safeproxy.telemetry.access_log import LOGGER, AccessLog
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.audit_export import build_audit_log
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.recent import RecentDecisions
from safeproxy.telemetry.settings import TelemetrySettings
from safeproxy.telemetry.tracing import RequestSpans, Tracing, otlp_tracing

# An exchange without a generation (a unit test's) has no policy version to stamp.
_NONE: Mapping[str, str] = MappingProxyType({})


class Recorder:
    def __init__(
        self,
        metrics: Metrics,
        tenants: TenantHasher,
        *,
        tracing: Tracing | None = None,
        audit: AuditLog | None = None,
        capture_content: bool = False,
        audit_content: bool = False,
        access: AccessLog | None = None,
        capture: CaptureLog | None = None,
        capture_reply: bool = False,
    ) -> None:
        self.metrics = metrics
        self.tracing = tracing
        self.audit = audit
        self.access = access
        # Tier-2 capture (encrypted, for replay): the request's texts, and with
        # `capture_reply` the reply's as the upstream sent it.
        self.capture = capture
        self.capture_reply = capture is not None and capture_reply
        self.tenants = tenants
        # Keep the (redacted) text of requests and replies for the audit log or spans.
        self.capture_content = capture_content
        self._audit_content = audit_content
        # Told, after the sinks, of the decisions of requests a rollout marked (the rollout
        # analysis counts them); an unmarked request is none of theirs.
        self.observers: list[Callable[[Exchange, Decision], None]] = []
        # The last decisions, for the console's decisions page (set when it is on).
        self.recent: RecentDecisions | None = None

    def record(self, ex: Exchange, spans: RequestSpans | None) -> Decision:
        now = time.perf_counter()
        overhead = now - ex.started - ex.upstream_wait
        if overhead < 0.0:
            overhead = 0.0
        # The versions of the generation the request took at admission, not of the one
        # serving now: after a reload, a stream that began before it was filtered by the old.
        gen = ex.generation
        versions = gen.versions if gen is not None else _NONE
        route = ex.route  # (decision.build, inline: once per request)
        policy = route.policy if route is not None else ""
        decision = Decision(ex, policy, versions.get(policy, ""), overhead, now - ex.started)
        self.metrics.record(decision)
        if self.audit is not None:
            self.audit.write(decision.to_json(content=self._audit_content))
        if self.access is not None:
            self.access.write(decision)
        if self.capture is not None:
            captured = capture_record(ex, decision)
            if captured is not None:
                self.capture.write(captured)
        trace_id = None
        if spans is not None and self.tracing is not None:
            trace_id = self.tracing.finish(
                spans,
                decision,
                upstream_sent=ex.upstream_sent,
                upstream_end=ex.upstream_end,
                now=now,
                captured=(ex.captured_input, ex.captured_output),
            )
        if self.recent is not None:
            self.recent.add(decision, trace_id)
        if ex.rollout is not None:
            for observe in self.observers:
                observe(ex, decision)
        return decision

    def close(self) -> None:
        if self.capture is not None:
            self.capture.close()
        if self.audit is not None:
            self.audit.event("shutdown")
            self.audit.close()
        if self.tracing is not None:
            self.tracing.shutdown()


def recorder_for(
    telemetry: TelemetrySettings,
    metrics: Metrics,
    env: Mapping[str, str],
    provider: TracerProvider | None,
) -> Recorder:
    """The recorder the telemetry settings ask for: spans, audit log and access log."""
    salt = env.get(telemetry.tenant_salt_env, "") if telemetry.tenant_salt_env else ""
    tracing_settings = telemetry.tracing
    tracing = (
        Tracing(
            provider,
            capture_content=tracing_settings.capture_content,
            trace_all_decisions=tracing_settings.trace_all_decisions,
        )
        if provider is not None
        else otlp_tracing(tracing_settings, env)
    )
    audit_settings = telemetry.audit
    audit = build_audit_log(audit_settings, env, metrics)
    capture = (tracing is not None and tracing_settings.capture_content) or (
        audit is not None and audit_settings.capture_content
    )
    return Recorder(
        metrics,
        TenantHasher(salt.encode()),
        tracing=tracing,
        audit=audit,
        capture_content=capture,
        audit_content=audit_settings.capture_content,
        access=AccessLog(logging.getLogger(LOGGER)) if telemetry.access_log.enabled else None,
    )
