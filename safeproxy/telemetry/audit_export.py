"""Audit records also as OpenTelemetry log records over OTLP (`AuditExport`), so a fleet's log
pipeline receives them; and `build_audit_log`, the audit log with it when configured.

The OpenTelemetry SDK's logs API: a LoggerProvider of its own (never the global one), a
BatchLogRecordProcessor (emitting appends to its queue on the event loop; a background thread
encodes and sends), and the OTLP exporter of the same transport as the traces' (http/protobuf
by default, or gRPC). Each audit record becomes one log record whose attributes are exactly
the record's fields (nested values as OTLP maps and arrays, None as an empty value) and whose
event name is `safeproxy.audit.<type>`: the same no-text guarantee as the file, which holds no
prompt text (the settings refuse export together with `capture_content`).

A receiver that is down costs nothing on the request path: the exporter's retries run on the
processor's thread, a batch it could not send is counted
(`safeproxy_audit_export_failed_records_total`) and logged (its size, never its records), and
the file is written as before. The processor's queue is bounded (it drops beyond it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import (
    BatchLogRecordProcessor,
    LogRecordExporter,
    LogRecordExportResult,
)
from opentelemetry.sdk.resources import Resource

from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.settings import AuditOtlpSettings, AuditSettings

log = logging.getLogger("safeproxy.audit")
SCOPE = "safeproxy.audit"


class AuditExport:
    """Emits audit records as log records into `provider` (which owns the export)."""

    def __init__(self, provider: LoggerProvider) -> None:
        self._provider = provider
        self._logger = provider.get_logger(SCOPE)

    def emit(self, line: bytes) -> None:
        """One record, as the audit file's JSON line: parsed back, so every value is plain
        JSON (the record itself may hold pre-serialised fragments)."""
        record: dict[str, Any] = orjson.loads(line)
        when = record.get("time")
        self._logger.emit(
            timestamp=int(when * 1e9) if isinstance(when, int | float) else None,
            severity_number=SeverityNumber.INFO,
            severity_text="INFO",
            event_name=f"{SCOPE}.{record.get('type', 'record')}",
            attributes=record,
        )

    def shutdown(self) -> None:
        """Send what is queued (bounded by the exporter's timeout), then stop."""
        self._provider.shutdown()


class CountingExporter(LogRecordExporter):
    """The OTLP exporter, with every batch it could not send counted and logged."""

    def __init__(self, inner: LogRecordExporter, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        try:
            result = self._inner.export(batch)
        except Exception as exc:  # an exporter should not raise; if it does, count it too
            log.warning("audit export over OTLP raised %s", type(exc).__name__)
            result = LogRecordExportResult.FAILURE
        if result is not LogRecordExportResult.SUCCESS:
            self._metrics.audit_export_failed.inc(len(batch))
            log.warning("audit export over OTLP failed: %d records not sent", len(batch))
        return result

    def shutdown(self) -> None:
        self._inner.shutdown()  # type: ignore[no-untyped-call]  # (the SDK leaves it untyped)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)


def otlp_exporter(settings: AuditOtlpSettings, environ: Mapping[str, str]) -> LogRecordExporter:
    """The OTLP log exporter: the endpoint from the settings, else the standard variables."""
    endpoint = (
        settings.endpoint
        or environ.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    if not endpoint:
        raise ValueError(
            "telemetry.audit.otlp: no endpoint (set endpoint, or OTEL_EXPORTER_OTLP_ENDPOINT)"
        )
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or settings.protocol
    )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import (
            OTLPLogExporter as GrpcExporter,
        )

        insecure = endpoint.startswith("http://")
        return GrpcExporter(endpoint=endpoint, insecure=insecure, timeout=settings.timeout_s)
    from opentelemetry.exporter.otlp.proto.http._log_exporter import (
        OTLPLogExporter as HttpExporter,
    )

    signal_specific = environ.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT") == endpoint
    if not signal_specific and not endpoint.rstrip("/").endswith("/v1/logs"):
        endpoint = endpoint.rstrip("/") + "/v1/logs"  # a base URL, as OTLP/HTTP defines
    return HttpExporter(endpoint=endpoint, timeout=settings.timeout_s)


def audit_export(
    settings: AuditOtlpSettings,
    environ: Mapping[str, str],
    metrics: Metrics,
    exporter: LogRecordExporter | None = None,
) -> AuditExport:
    """The export the settings ask for (`exporter` replaces the OTLP one, for tests)."""
    provider = LoggerProvider(resource=Resource.create({"service.name": settings.service_name}))
    inner = exporter if exporter is not None else otlp_exporter(settings, environ)
    provider.add_log_record_processor(
        BatchLogRecordProcessor(
            CountingExporter(inner, metrics),
            schedule_delay_millis=settings.batch_delay_ms,
            max_queue_size=settings.queue_max,
        )
    )
    return AuditExport(provider)


def build_audit_log(
    settings: AuditSettings, environ: Mapping[str, str], metrics: Metrics
) -> AuditLog | None:
    """The audit log the settings ask for (None without a path), exporting over OTLP too
    when `otlp.enabled`."""
    if settings.path is None:
        return None
    export = audit_export(settings.otlp, environ, metrics) if settings.otlp.enabled else None
    return AuditLog(settings, export=export)
