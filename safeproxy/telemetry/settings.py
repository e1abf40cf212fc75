"""The `telemetry` section of the config: tracing and the audit log (metrics are always on)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from safeproxy.config_types import Strict
from safeproxy.policy_settings import EnvName


class TracingSettings(Strict):
    """OpenTelemetry tracing. Off unless an OTLP endpoint is set here or in the standard
    OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT variables."""

    otlp_endpoint: str | None = None
    # OTEL_EXPORTER_OTLP_PROTOCOL (or ..._TRACES_PROTOCOL) wins over this when set.
    otlp_protocol: Literal["http/protobuf", "grpc"] = "http/protobuf"
    service_name: str = "safeproxy"
    # Head sampling of requests that arrive without a sampled parent (a client's sampled
    # `traceparent` is always followed). OTEL_TRACES_SAMPLER, when set, replaces this.
    # Spans cost the Python SDK ~100 us each to build and encode, so tracing every request
    # would several-fold the proxy's CPU; see README "Observability".
    sample_ratio: float = Field(default=0.01, ge=0.0, le=1.0)
    # Every request that was not plainly allowed (blocked, redacted, failed, degraded) is
    # traced whatever the sampling said: those are the decisions someone will look for.
    trace_all_decisions: bool = True
    # Forwarded (already redacted) message text on spans; off by default.
    capture_content: bool = False


class AuditSettings(Strict):
    """The audit log: JSON Lines, one record per request plus config and lifecycle events."""

    path: str | None = None  # None: no audit log
    capture_content: bool = False  # the redacted text as forwarded / delivered, never the original
    max_bytes: int = Field(default=104_857_600, gt=0)  # rotate at this size
    backups: int = Field(default=5, ge=0)  # rotated files kept: audit.jsonl.1 ... .N
    # every_record: fsync after each record; interval: at most fsync_interval_ms apart.
    fsync: Literal["every_record", "interval"] = "interval"
    fsync_interval_ms: int = Field(default=1000, gt=0)
    # Records waiting for the writer; beyond this they are dropped and counted.
    queue_max: int = Field(default=65536, gt=0)


class TelemetrySettings(Strict):
    tracing: TracingSettings = TracingSettings()
    audit: AuditSettings = AuditSettings()
    # Tenants are recorded as a salted hash of the API key. Without this variable the salt
    # is random per process (hashes then differ between restarts and workers).
    tenant_salt_env: EnvName | None = None
