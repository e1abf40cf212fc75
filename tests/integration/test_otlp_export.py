"""Spans leave over real OTLP, http/protobuf and gRPC, to receivers on loopback, configured
the way a user would (`telemetry.tracing`), and decode as a collector would decode them.
Shutdown flushes the batch, as on SIGTERM."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import grpc
import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc import (
    TraceServiceServicer,
    add_TraceServiceServicer_to_server,
)

from tests.support import Stack, base_config


class _Receiver(BaseHTTPRequestHandler):
    bodies: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.bodies.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    bodies: list[tuple[str, str, bytes]] = []
    handler = type("Receiver", (_Receiver,), {"bodies": bodies})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_spans_are_exported_over_otlp_http(
    receiver: tuple[str, list[tuple[str, str, bytes]]],
) -> None:
    url, bodies = receiver

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["telemetry"] = {
            "tracing": {"otlp_endpoint": url, "service_name": "proxy-under-test", "sample_ratio": 1}
        }
        return cfg

    with Stack(build) as stack:
        resp = httpx.post(
            stack.url + "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        )
        rid = resp.headers["x-request-id"]
    assert bodies, "nothing was exported"
    spans = []
    services = set()
    for path, content_type, body in bodies:
        assert path == "/v1/traces" and content_type == "application/x-protobuf"
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for rs in request.resource_spans:
            services |= {a.value.string_value for a in rs.resource.attributes
                         if a.key == "service.name"}  # fmt: skip
            spans += [s for ss in rs.scope_spans for s in ss.spans]
    assert services == {"proxy-under-test"}
    servers = [s for s in spans if s.kind == 2]  # SPAN_KIND_SERVER
    assert len(servers) == 1 and servers[0].name == "chat m"
    server = servers[0]
    assert {s.name for s in spans if s.parent_span_id == server.span_id} == {"chat m"}
    attrs = {a.key: a.value for a in server.attributes}
    assert attrs["safeproxy.request_id"].string_value == rid
    assert attrs["safeproxy.decision"].string_value == "allowed"
    assert attrs["gen_ai.operation.name"].string_value == "chat"
    client = [s for s in spans if s.kind == 3]  # SPAN_KIND_CLIENT
    assert len(client) == 1 and client[0].parent_span_id == server.span_id
    assert client[0].trace_id == server.trace_id


class _GrpcReceiver(TraceServiceServicer):
    def __init__(self) -> None:
        self.requests: list[ExportTraceServiceRequest] = []

    def Export(
        self, request: ExportTraceServiceRequest, context: Any
    ) -> ExportTraceServiceResponse:
        self.requests.append(request)
        return ExportTraceServiceResponse()


def test_spans_are_exported_over_otlp_grpc() -> None:
    receiver = _GrpcReceiver()
    server = grpc.server(ThreadPoolExecutor(max_workers=2))
    add_TraceServiceServicer_to_server(receiver, server)  # type: ignore[no-untyped-call]
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["telemetry"] = {
            "tracing": {
                "otlp_endpoint": f"http://127.0.0.1:{port}",
                "otlp_protocol": "grpc",
                "sample_ratio": 1,
            }
        }
        return cfg

    try:
        with Stack(build) as stack:
            rid = httpx.post(
                stack.url + "/v1/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
            ).headers["x-request-id"]
    finally:
        server.stop(grace=None)
    spans = [
        s
        for r in receiver.requests
        for rs in r.resource_spans
        for ss in rs.scope_spans
        for s in ss.spans
    ]
    servers = [s for s in spans if s.kind == 2]
    assert len(servers) == 1
    attrs = {a.key: a.value.string_value for a in servers[0].attributes}
    assert attrs["safeproxy.request_id"] == rid and attrs["safeproxy.decision"] == "allowed"
