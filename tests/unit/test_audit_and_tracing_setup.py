"""The audit log's file handling (rotation, durability modes, the bounded queue, close) and
how tracing is switched on (config, the standard OTEL_* variables, protocol choice)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
    OTLPSpanExporter as GrpcExporter,
)
from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
    OTLPSpanExporter as HttpExporter,
)

from safeproxy.exchange.decision import TenantHasher, degraded_reason
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.settings import AuditSettings, TracingSettings
from safeproxy.telemetry.tracing import Tracing, otlp_tracing


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text().splitlines()]


@pytest.mark.parametrize("fsync", ["every_record", "interval"])
def test_close_writes_out_every_record(tmp_path: Path, fsync: str) -> None:
    path = tmp_path / "a" / "audit.jsonl"
    log = AuditLog(AuditSettings(path=str(path), fsync=fsync))  # type: ignore[arg-type]
    log.start()
    for i in range(500):
        log.write({"type": "request", "n": i})
    log.close()
    assert [r["n"] for r in lines(path)] == list(range(500))
    log.write({"type": "late"})  # after close: ignored, not an error
    assert len(lines(path)) == 500


def test_the_log_rotates_by_size_and_keeps_n_backups(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(AuditSettings(path=str(path), max_bytes=1000, backups=2))
    log.start()
    for i in range(100):
        log.write({"type": "request", "n": i, "pad": "x" * 40})
    log.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    for name in files:
        assert (tmp_path / name).stat().st_size <= 1000
    kept = [r["n"] for name in reversed(files) for r in lines(tmp_path / name)]
    # The newest records, in order and without a gap; the oldest rotated away.
    assert kept == list(range(100 - len(kept), 100)) and 0 < len(kept) < 100


def test_a_full_queue_drops_and_counts_instead_of_growing(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(AuditSettings(path=str(path), queue_max=10))
    # Not started: nothing drains the queue, so it fills.
    for i in range(25):
        log.write({"n": i})
    assert log.dropped == 15
    log.start()
    log.close()
    assert [r["n"] for r in lines(path)] == list(range(10))


async def test_sync_returns_once_every_record_so_far_is_on_disk(tmp_path: Path) -> None:
    # `interval`: without sync() the records would wait for the next batch and fsync.
    log = AuditLog(AuditSettings(path=str(tmp_path / "a.jsonl"), fsync="interval",
                                 fsync_interval_ms=60_000))  # fmt: skip
    log.start()
    try:
        for i in range(3):
            log.write({"type": "request", "n": i})
        await log.sync()
        lines = (tmp_path / "a.jsonl").read_text().splitlines()
        assert [json.loads(line)["n"] for line in lines] == [0, 1, 2]
        await log.sync()  # nothing new: still returns
    finally:
        log.close()


def test_tracing_is_off_without_an_endpoint() -> None:
    assert otlp_tracing(TracingSettings(), {}) is None


def test_the_standard_variables_turn_tracing_on_and_pick_the_protocol() -> None:
    http = otlp_tracing(TracingSettings(), {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"})
    grpc = otlp_tracing(
        TracingSettings(),
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
        },
    )
    configured = otlp_tracing(TracingSettings(otlp_endpoint="http://127.0.0.1:2/"), {})
    for tracing, kind in ((http, HttpExporter), (grpc, GrpcExporter), (configured, HttpExporter)):
        assert isinstance(tracing, Tracing)
        exporter = _exporter(tracing)
        assert isinstance(exporter, kind)
        tracing.shutdown()
    # A base URL gets OTLP/HTTP's signal path.
    assert configured is not None and _exporter(configured)._endpoint.endswith(":2/v1/traces")


def _exporter(tracing: Tracing) -> Any:
    processor = tracing.provider._active_span_processor._span_processors[0]
    return processor.span_exporter  # type: ignore[attr-defined]


def test_tenants_are_salted_hashes_never_the_key() -> None:
    a, b = TenantHasher(b"salt-1"), TenantHasher(b"salt-2")
    key = "Bearer sk-abc123"
    assert a(key) == a(key) != b(key)
    assert "sk-abc123" not in a(key) and a(key).startswith("t-")
    assert a(None) == "anonymous"


def test_degraded_entries_map_to_bounded_reasons() -> None:
    assert degraded_reason("pii:timeout") == "fail_open"
    assert degraded_reason("output:holdback_overflow_released") == "holdback_overflow_released"
    assert degraded_reason("pass_through") == "pass_through"
    assert degraded_reason("anything:new") == "other"
