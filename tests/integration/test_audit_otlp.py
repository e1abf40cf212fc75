"""Audit records exported as OpenTelemetry logs over real OTLP (http/protobuf and gRPC) to
receivers on loopback: each log record's attributes are exactly the audit file's record, no
prompt text leaves, and a receiver that is down is counted while the proxy serves and the
file is written."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.logs.v1.logs_service_pb2_grpc import (
    LogsServiceServicer,
    add_LogsServiceServicer_to_server,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from pydantic import ValidationError

from safeproxy.telemetry.settings import AuditSettings
from tests.integration.test_deep_checks import wait_for
from tests.integration.test_otlp_export import receiver
from tests.support import Stack, audit_records, base_config, dead_url

__all__ = ["receiver"]

SECRET_TEXT = "my neighbour's parrot speaks Esperanto"
EMAIL = "jane.doe@corp-mail.org"


def config(audit: Path, otlp: dict[str, Any]) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["telemetry"] = {"audit": {"path": str(audit), "otlp": {"enabled": True, **otlp}}}
        cfg["policies"] = {"default": {"input": [{"type": "pii", "action": "redact"}]}}
        return cfg

    return build


def chat(stack: Stack, text: str) -> str:
    reply = httpx.post(
        stack.url + "/v1/chat/completions",
        json={"model": "m", "messages": [{"role": "user", "content": text}]},
    )
    assert reply.status_code == 200
    return reply.headers["x-request-id"]


def value(v: AnyValue) -> Any:
    """An OTLP AnyValue as the JSON value it came from (an empty one is null)."""
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind)


def log_records(requests: list[ExportLogsServiceRequest]) -> list[Any]:
    return [
        r for req in requests for rl in req.resource_logs for sl in rl.scope_logs
        for r in sl.log_records
    ]  # fmt: skip


def file_records(path: Path) -> list[dict[str, Any]]:
    return audit_records(path)


def check_export(requests: list[ExportLogsServiceRequest], bodies: bytes, audit: Path) -> None:
    by_rid: dict[str, dict[str, Any]] = {}
    names: set[str] = set()
    for record in log_records(requests):
        attrs = {kv.key: value(kv.value) for kv in record.attributes}
        names.add(record.event_name)
        if record.event_name == "safeproxy.audit.request":
            by_rid[attrs["request_id"]] = attrs
    in_file = [r for r in file_records(audit) if r["type"] == "request"]
    assert len(in_file) == 2 and names >= {"safeproxy.audit.request"}
    for record in in_file:
        assert by_rid[record["request_id"]] == record  # exactly the record's fields
    assert SECRET_TEXT.encode() not in bodies and EMAIL.encode() not in bodies


def test_audit_records_are_exported_as_otlp_logs_over_http(
    tmp_path: Path, receiver: tuple[str, list[tuple[str, str, bytes]]]
) -> None:
    url, bodies = receiver
    audit = tmp_path / "audit.jsonl"
    with Stack(config(audit, {"endpoint": url, "batch_delay_ms": 50})) as stack:
        chat(stack, SECRET_TEXT)
        chat(stack, f"mail {EMAIL} please")
    # Shutdown flushed the batch (as on SIGTERM).
    requests = []
    for path, content_type, body in bodies:
        assert path == "/v1/logs" and content_type == "application/x-protobuf"
        request = ExportLogsServiceRequest()
        request.ParseFromString(body)
        requests.append(request)
    check_export(requests, b"".join(b for _, _, b in bodies), audit)
    services = {
        a.value.string_value for req in requests for rl in req.resource_logs
        for a in rl.resource.attributes if a.key == "service.name"
    }  # fmt: skip
    assert services == {"safeproxy"}


class _GrpcReceiver(LogsServiceServicer):
    def __init__(self) -> None:
        self.requests: list[ExportLogsServiceRequest] = []

    def Export(self, request: ExportLogsServiceRequest, context: Any) -> ExportLogsServiceResponse:
        self.requests.append(request)
        return ExportLogsServiceResponse()


def test_audit_records_are_exported_as_otlp_logs_over_grpc(tmp_path: Path) -> None:
    receiver = _GrpcReceiver()
    server = grpc.server(ThreadPoolExecutor(max_workers=2))
    add_LogsServiceServicer_to_server(receiver, server)  # type: ignore[no-untyped-call]
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    audit = tmp_path / "audit.jsonl"
    otlp = {"endpoint": f"http://127.0.0.1:{port}", "protocol": "grpc", "batch_delay_ms": 50}
    try:
        with Stack(config(audit, otlp)) as stack:
            chat(stack, SECRET_TEXT)
            chat(stack, f"mail {EMAIL} please")
    finally:
        server.stop(grace=None)
    bodies = b"".join(r.SerializeToString() for r in receiver.requests)
    check_export(receiver.requests, bodies, audit)


def test_a_receiver_that_is_down_is_counted_and_the_file_still_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    audit = tmp_path / "audit.jsonl"
    otlp = {"endpoint": dead_url(), "timeout_s": 0.5, "batch_delay_ms": 50}
    failed = "safeproxy_audit_export_failed_records_total"
    with Stack(config(audit, otlp)) as stack:
        rids = [chat(stack, f"{SECRET_TEXT} {n}") for n in range(3)]
        wait_for("a failed export counted", lambda: (stack.metric(failed) or 0) >= 1)
    logged = {r["request_id"] for r in file_records(audit) if r["type"] == "request"}
    assert logged == set(rids)
    assert stack.metric(failed) is not None and stack.metric(failed) >= 3  # type: ignore[operator]
    messages = [r.getMessage() for r in caplog.records if r.name == "safeproxy.audit"]
    assert any("records not sent" in m for m in messages), messages
    assert not any(SECRET_TEXT in r.getMessage() for r in caplog.records)


def test_export_needs_the_file_and_refuses_text() -> None:
    with pytest.raises(ValidationError, match="set path too"):
        AuditSettings.model_validate({"otlp": {"enabled": True, "endpoint": "http://x"}})
    with pytest.raises(ValidationError, match="capture_content"):
        AuditSettings.model_validate(
            {"path": "a.jsonl", "capture_content": True, "otlp": {"enabled": True}}
        )
    assert AuditSettings.model_validate({"path": "a.jsonl", "otlp": {"enabled": True}}).otlp.enabled
