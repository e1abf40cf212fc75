"""OpenTelemetry spans of a request, rendered from its decision record.

Layout: one SERVER span per request; children for the input filters (INTERNAL), each
upstream attempt (CLIENT, whose context goes to the upstream as `traceparent`) and the
output filters (INTERNAL). No span per chunk: a stream's output filtering is one span over
the stream, carrying its filter CPU time. Attributes follow the GenAI semantic conventions
plus `safeproxy.*`; each finding is a span event with its type and rule, never its value.

Tracing is off unless an OTLP endpoint is configured (config or the standard OTEL_* variables);
then the pipeline holds no Tracing at all, and the hot path pays one `is None` test.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import Decision as SamplingDecision
from opentelemetry.sdk.trace.sampling import (
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode, set_span_in_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.exchange.decision import Decision, degraded_reason
from safeproxy.filters.api import Action
from safeproxy.telemetry.settings import TracingSettings

_ERROR_OUTCOMES = frozenset({"upstream_error", "filter_error"})


@dataclass(slots=True)
class RequestSpans:
    """The spans of one request while it runs (kept by the pipeline, not on the Exchange)."""

    server: Span | None  # None (or non-recording) when sampling left the request out
    context: Context | None
    # Monotonic -> epoch: spans need wall-clock nanoseconds, the pipeline reads perf_counter.
    epoch_offset_ns: int
    started: float
    # (upstream, perf_counter at send, the CLIENT span if one was started) per attempt.
    attempts: list[tuple[str, float, Span | None]] = field(default_factory=list)
    input_started: float = 0.0
    input_ended: float = 0.0


class DecisionSampler(Sampler):
    """Follows a sampled parent, samples other requests at a ratio, and always samples the
    spans of a decision being traced after the fact (`safeproxy.traced_because`)."""

    def __init__(self, ratio: float) -> None:
        self._ratio = ParentBased(TraceIdRatioBased(ratio))
        self._ratio_value = ratio

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if attributes and _FORCED in attributes:
            return SamplingResult(SamplingDecision.RECORD_AND_SAMPLE, attributes, trace_state)
        return self._ratio.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"DecisionSampler{{ratio={self._ratio_value}}}"


_FORCED = "safeproxy.traced_because"


class Tracing:
    def __init__(
        self,
        provider: TracerProvider,
        *,
        capture_content: bool = False,
        trace_all_decisions: bool = True,
        sample_ratio: float | None = None,
    ) -> None:
        """`sample_ratio`: set when the provider samples with DecisionSampler at that ratio;
        requests without a parent are then sampled here, before any span object is made
        (the SDK's own path costs ~10 us per request even for spans it drops)."""
        self.provider = provider
        self._ratio = sample_ratio
        self._random = random.Random()  # noqa: S311 - sampling, not secrecy
        self._tracer = provider.get_tracer("safeproxy")
        self._propagator = TraceContextTextMapPropagator()
        self._capture = capture_content
        self._all_decisions = trace_all_decisions

    def start(
        self, headers: Mapping[str, str], method: str, path: str, started: float
    ) -> RequestSpans:
        """The SERVER span, continuing the client's trace when it sent `traceparent`."""
        offset = time.time_ns() - int(time.perf_counter() * 1e9)
        attributes = {"http.request.method": method, "url.path": path}
        if self._ratio is not None and "traceparent" not in headers:
            if self._random.random() >= self._ratio:
                return RequestSpans(None, None, offset, started)  # not sampled: no spans
            attributes[_FORCED] = "ratio"  # sampled here: the SDK must not decide again
        parent = self._propagator.extract(headers)
        span = self._tracer.start_span(
            "safeproxy.request",
            context=parent,
            kind=SpanKind.SERVER,
            start_time=offset + int(started * 1e9),
            attributes=attributes,
        )
        return RequestSpans(span, set_span_in_context(span, parent), offset, started)

    def upstream_attempt(
        self, spans: RequestSpans, upstream: str, operation: str, model: str,
        headers: MutableMapping[str, str],
    ) -> None:  # fmt: skip
        """A CLIENT span for one upstream call; its context is injected into `headers`
        (sampled or not, so the upstream follows the same decision)."""
        if spans.context is None:  # not sampled: nothing to propagate but the timing
            spans.attempts.append((upstream, time.perf_counter(), None))
            return
        span = self._tracer.start_span(
            f"{operation} {model}", context=spans.context, kind=SpanKind.CLIENT
        )
        spans.attempts.append((upstream, time.perf_counter(), span))
        self._propagator.inject(headers, context=set_span_in_context(span, spans.context))

    def finish(
        self,
        spans: RequestSpans,
        d: Decision,
        *,
        upstream_sent: float,
        upstream_end: float,
        now: float,
        captured: tuple[Any, Any] = (None, None),
    ) -> int | None:
        """End every span of the request, rendered from its decision (times: perf_counter);
        the trace id, None when the request is not traced (the console links to it).

        A request sampling left out is traced now, as a trace of its own, when its decision
        is one someone will look for (anything but a plain `allowed`)."""
        ns = spans.epoch_offset_ns
        server = spans.server
        if server is not None and spans.context is not None and server.is_recording():
            context = spans.context
        elif self._all_decisions and (d.outcome != "allowed" or d.degraded):
            server = self._tracer.start_span(
                "safeproxy.request",
                kind=SpanKind.SERVER,
                start_time=ns + int(spans.started * 1e9),
                attributes={_FORCED: "decision"},
            )
            context = set_span_in_context(server)
        else:
            return None  # not sampled: the non-recording spans need no ending
        for i, (upstream, sent, attempt) in enumerate(spans.attempts):
            last = i == len(spans.attempts) - 1
            if attempt is None or not attempt.is_recording():  # traced after the fact
                attempt = self._tracer.start_span(
                    f"{d.operation} {d.model}",
                    context=context,
                    kind=SpanKind.CLIENT,
                    start_time=ns + int(sent * 1e9),
                    attributes={_FORCED: "decision"},
                )
            attempt.set_attributes(_client_attributes(d, upstream, last))
            attempt.end(end_time=ns + int(((upstream_end or now) if last else now) * 1e9))
        if spans.input_ended and any(r.stage == "input" for r in d.filters):
            self._stage_span(
                context, d, "input", ns + int(spans.input_started * 1e9),
                ns + int(spans.input_ended * 1e9),
            )  # fmt: skip
        if d.output_checked:
            # A whole reply is filtered once it has arrived; a stream, from its first event on.
            if d.stream:
                out_start = upstream_sent + (d.upstream_ttft_s or 0.0)
                out_end = upstream_end or now
            else:
                out_start = upstream_end or now
                out_end = out_start + d.output_filter_s
            self._stage_span(
                context, d, "output", ns + int(out_start * 1e9), ns + int(out_end * 1e9)
            )
        for check in d.deep_checks:
            if check.mode == "sync" and check.started:
                self._deep_check_span(context, check, ns)
        server.update_name(f"{d.operation} {d.model}" if d.model else "safeproxy.request")
        server.set_attributes(_attributes(d))
        if self._capture and captured[0] is not None:
            server.set_attribute("gen_ai.input.messages", orjson.dumps(captured[0]).decode())
        if self._capture and captured[1] is not None:
            server.set_attribute("gen_ai.output.messages", orjson.dumps(captured[1]).decode())
        if d.outcome in _ERROR_OUTCOMES or (d.upstream_failure and d.status >= 500):
            server.set_status(Status(StatusCode.ERROR, d.outcome))
        server.end(end_time=ns + int(now * 1e9))
        trace_id: int = server.get_span_context().trace_id
        return trace_id

    def _stage_span(
        self, context: Context, d: Decision, stage: str, start_ns: int, end_ns: int
    ) -> None:
        span = self._tracer.start_span(
            f"safeproxy.{stage}_filters",
            context=context,
            kind=SpanKind.INTERNAL,
            start_time=start_ns,
            attributes={
                "safeproxy.stage": stage,
                "safeproxy.filters.cpu_seconds": (
                    d.input_filter_s if stage == "input" else d.output_filter_s
                ),
            },
        )
        for r in d.filters:
            if r.stage != stage:
                continue
            if r.verdict is not Action.CONTINUE or r.error is not None:
                # Only filters that found or failed something: a clean filter adds nothing
                # a reader needs, and every event costs the exporter.
                span.add_event(
                    "safeproxy.filter",
                    {
                        "safeproxy.filter": r.filter,
                        "safeproxy.filter.verdict": r.verdict.name.lower(),
                        "safeproxy.filter.action": r.action.name.lower(),
                        "safeproxy.filter.mode": r.mode.value,
                        "safeproxy.filter.findings": r.hits,
                        "safeproxy.filter.error": r.error or "",
                    },
                    timestamp=start_ns,
                )
            for f in r.findings:
                span.add_event(
                    "safeproxy.finding",
                    {
                        "safeproxy.filter": r.filter,
                        "safeproxy.finding.type": f.type,
                        "safeproxy.finding.rule": f.rule,
                        "safeproxy.finding.start": f.start,
                        "safeproxy.finding.end": f.end,
                    },
                    timestamp=start_ns,
                )
        span.end(end_time=max(start_ns, end_ns))

    def _deep_check_span(self, context: Context, check: DeepCheckRecord, ns: int) -> None:
        start = ns + int(check.started * 1e9)
        span = self._tracer.start_span(
            "safeproxy.deep_check",
            context=context,
            kind=SpanKind.INTERNAL,
            start_time=start,
            attributes={
                "safeproxy.deep_check": check.check,
                "safeproxy.deep_check.judge": check.judge,
                "safeproxy.stage": check.stage,
                "safeproxy.deep_check.verdict": check.verdict,
                "safeproxy.deep_check.categories": list(check.categories),
                "safeproxy.deep_check.reason": check.reason or "",
                "safeproxy.deep_check.cached": check.cached,
                "safeproxy.deep_check.error": check.error or "",
            },
        )
        span.end(end_time=start + int(check.latency_s * 1e9))

    def shutdown(self) -> None:
        self.provider.shutdown()


def _client_attributes(d: Decision, upstream: str, last: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": d.operation,
        "gen_ai.request.model": d.model,
        "safeproxy.upstream": upstream,
    }
    if last:  # the call that answered is the one whose usage the reply reported
        _reply_attributes(d, attrs)
    return attrs


def _reply_attributes(d: Decision, attrs: dict[str, Any]) -> None:
    """What the reply told: the model that answered, its usage, how the call failed."""
    if d.response_model:
        attrs["gen_ai.response.model"] = d.response_model
    if d.tokens_in is not None:
        attrs["gen_ai.usage.input_tokens"] = d.tokens_in
    if d.tokens_out is not None:
        attrs["gen_ai.usage.output_tokens"] = d.tokens_out
    if d.upstream_failure:
        attrs["error.type"] = d.upstream_failure


def _attributes(d: Decision) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": d.operation,
        "gen_ai.request.model": d.model,
        "safeproxy.request_id": d.request_id,
        "safeproxy.route": d.route,
        "safeproxy.tenant": d.tenant,
        "safeproxy.decision": d.outcome,
        "safeproxy.policy.name": d.policy,
        "safeproxy.policy.version": d.policy_version,
        "safeproxy.findings.count": d.findings_count,
        "safeproxy.degraded": sorted({degraded_reason(e) for e in d.degraded}),
        "safeproxy.overhead_seconds": d.overhead_s,
        "http.response.status_code": d.status,
    }
    _reply_attributes(d, attrs)
    if d.upstream:
        attrs["safeproxy.upstream"] = d.upstream
    if d.deep_checks:
        attrs["safeproxy.deep_checks"] = [f"{c.check}:{c.verdict}" for c in d.deep_checks]
    return attrs


def otlp_tracing(settings: TracingSettings, environ: Mapping[str, str]) -> Tracing | None:
    """Tracing exported over OTLP (http/protobuf or gRPC), or None when no endpoint is set."""
    endpoint = (
        settings.otlp_endpoint
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    if not endpoint:
        return None
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or settings.otlp_protocol
    )
    exporter: SpanExporter
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcExporter,
        )

        exporter = GrpcExporter(endpoint=endpoint, insecure=endpoint.startswith("http://"))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter as HttpExporter,
        )

        signal_specific = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == endpoint
        if not signal_specific and not endpoint.rstrip("/").endswith("/v1/traces"):
            endpoint = endpoint.rstrip("/") + "/v1/traces"  # a base URL, as OTLP/HTTP defines
        exporter = HttpExporter(endpoint=endpoint)
    resource = Resource.create({"service.name": settings.service_name})
    if environ.get("OTEL_TRACES_SAMPLER"):
        provider = TracerProvider(resource=resource)  # the SDK reads the sampler variables
    else:
        provider = TracerProvider(resource=resource, sampler=DecisionSampler(settings.sample_ratio))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return Tracing(
        provider,
        capture_content=settings.capture_content,
        trace_all_decisions=settings.trace_all_decisions,
        sample_ratio=None if environ.get("OTEL_TRACES_SAMPLER") else settings.sample_ratio,
    )
