"""The `telemetry` section of the config: tracing, the audit log, the access log and the decision
headers (metrics are always on)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from safeproxy.settings.policy import EnvName
from safeproxy.settings.types import Strict


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


class AuditOtlpSettings(Strict):
    """Every audit record also as an OpenTelemetry log record over OTLP (telemetry/
    audit_export.py), beside the file. `endpoint` (a base URL, or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT
    / OTEL_EXPORTER_OTLP_ENDPOINT); `protocol` as for traces (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL /
    OTEL_EXPORTER_OTLP_PROTOCOL win). `timeout_s` bounds one send with its retries;
    `batch_delay_ms` and `queue_max` are the batch processor's delay and queue bound."""

    enabled: bool = False
    endpoint: str | None = None
    protocol: Literal["http/protobuf", "grpc"] = "http/protobuf"
    service_name: str = "safeproxy"
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    batch_delay_ms: int = Field(default=1000, gt=0)
    queue_max: int = Field(default=8192, gt=0)


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
    otlp: AuditOtlpSettings = AuditOtlpSettings()

    @model_validator(mode="after")
    def _export(self) -> AuditSettings:
        if self.otlp.enabled and self.path is None:
            raise ValueError("otlp export sends the audit log's records: set path too")
        if self.otlp.enabled and self.capture_content:
            raise ValueError(
                "otlp export cannot be combined with capture_content: the records would carry "
                "text off the host"
            )
        return self


class AccessLogSettings(Strict):
    """One logfmt line per proxied request on the `safeproxy.access` logger (INFO): method,
    path, status, decision, finding types, upstream time, proxy overhead, request id. Never
    text, keys or header values."""

    enabled: bool = False


class DecisionHeaderSettings(Strict):
    """`X-Safeproxy-Decision`, `-Findings`, `-Policy`, `-Policy-Version` and
    `-Decision-Stage` on every reply the pipeline answers: finding types only, never values."""

    enabled: bool = True


class DriftSettings(Strict):
    """Drift (M10): per route and policy, the finding-type mix and the deep-check scores of a
    recent window against a trailing reference (telemetry/drift.py). The recent window is the
    last `recent_buckets` complete buckets of `bucket_s`; the reference the `reference_buckets`
    before them. The alert threshold comes from the reference's own sub-windows, so none is
    configured here; `min_samples` is how many findings (or scores) a window needs before it
    is compared at all."""

    enabled: bool = True
    bucket_s: float = Field(default=300.0, gt=0)
    recent_buckets: int = Field(default=2, ge=1, le=12)
    # A multiple of recent_buckets: the reference splits into sub-windows of the recent size.
    reference_buckets: int = Field(default=24, ge=3, le=96)
    min_samples: int = Field(default=30, ge=1)
    # Memory is fixed per series; these cap it (README "Observability": the cost).
    max_series: int = Field(default=64, ge=1, le=1024)
    max_types: int = Field(default=24, ge=1, le=64)  # beyond: counted as `other`
    score_bins: int = Field(default=20, ge=2, le=100)

    @model_validator(mode="after")
    def _sub_windows(self) -> DriftSettings:
        if self.reference_buckets % self.recent_buckets or (
            self.reference_buckets // self.recent_buckets < 3
        ):
            raise ValueError(
                "reference_buckets must be a multiple of recent_buckets, at least 3 times it "
                "(the reference splits into sub-windows of the recent window's size)"
            )
        return self


class TelemetrySettings(Strict):
    tracing: TracingSettings = TracingSettings()
    audit: AuditSettings = AuditSettings()
    access_log: AccessLogSettings = AccessLogSettings()
    decision_headers: DecisionHeaderSettings = DecisionHeaderSettings()
    drift: DriftSettings = DriftSettings()
    # Tenants are recorded as a salted hash of the API key. Without this variable the salt
    # is random per process (hashes then differ between restarts and workers).
    tenant_salt_env: EnvName | None = None
