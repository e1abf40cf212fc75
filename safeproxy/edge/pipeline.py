"""One exchange, end to end: read → parse → route → upstream (with fallbacks) → relay → record."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from safeproxy.capture.tap import CaptureTap
from safeproxy.deepcheck.service import DeepChecks
from safeproxy.deepcheck.stream_gate import StreamGate
from safeproxy.edge.body import parse_object, read_body, serialise
from safeproxy.edge.decision_headers import DecisionHeaders
from safeproxy.edge.relay import error_reply, relay_json, relay_stream
from safeproxy.errors import (
    BreakerOpen,
    ClientError,
    NotFound,
    Overloaded,
    PolicyViolation,
    ProxyError,
    Quarantined,
    RateLimited,
    SafetyBreakerOpen,
    Unauthorized,
)
from safeproxy.exchange.admission import Admission, Ticket
from safeproxy.exchange.decision import OPERATIONS, output_violation
from safeproxy.exchange.guard import Guard
from safeproxy.exchange.state import Exchange
from safeproxy.generation.holder import GenerationHolder
from safeproxy.headers import RequestIds, credential, request_id, upstream_headers
from safeproxy.resilience.quarantine_gate import QuarantineGate
from safeproxy.resilience.safety import SafetyBreakers
from safeproxy.rollout.controller import Rollouts
from safeproxy.settings.schema import ServerSettings
from safeproxy.telemetry.recorder import Recorder
from safeproxy.telemetry.tracing import RequestSpans
from safeproxy.upstream.client import UpstreamCallError, UpstreamPool, UpstreamReply
from safeproxy.upstream.failures import error_reason
from safeproxy.upstream.openai import ROUTING_FIELDS, Kind, asking_usage, strip_routing_fields
from safeproxy.upstream.wire import WIRE_APIS

log = logging.getLogger("safeproxy.pipeline")

_TRACE_HEADERS = frozenset({"traceparent", "tracestate"})
# Outcomes that count towards quarantine (besides replies an output filter acted on).
_VIOLATIONS = frozenset({"blocked_input", "blocked_output"})

# Statuses that mean "not now" before any byte reached the client: a fallback may take over.
_FALLBACK_STATUSES = frozenset({429, 503})
# Endpoints whose streams report usage when asked (stream_options.include_usage).
_USAGE_KINDS = frozenset({Kind.CHAT, Kind.COMPLETIONS})
# Each kind's path (`Kind.value` is a descriptor: two Python calls per read).
_PATHS = {kind: kind.value for kind in Kind}


class Pipeline:
    def __init__(
        self,
        server: ServerSettings,
        generations: GenerationHolder,
        pools: Mapping[str, UpstreamPool],
        recorder: Recorder,
        guard: Guard,
        admission: Admission,
        safety: SafetyBreakers,
        quarantine: QuarantineGate,
        *,
        deep: DeepChecks | None = None,
        decision_headers: DecisionHeaders | None = None,
        rollouts: Rollouts | None = None,
    ) -> None:
        self._server = server
        self._generations = generations
        self._pools = pools
        self._recorder = recorder
        self._metrics, self._tracing = recorder.metrics, recorder.tracing
        self._guard = guard
        self._admission = admission
        self._safety = safety
        self._quarantine = quarantine
        self._deep, self._rollouts = deep, rollouts
        self._decided = decision_headers or DecisionHeaders({}, enabled=False)
        # Fixed for the process (their settings are not reloaded): read once, not per request.
        self._admitting, self._quarantining = admission.active, quarantine.enabled
        # Whether anything keys on the client (limits, quarantine, deep-check sampling).
        self._by_address = self._admitting or self._quarantining or deep is not None
        self._ids, self._in_flight = RequestIds(), 0
        # The in-flight gauge reads `_in_flight` itself, unless workers share it.
        self._gauge_in_flight = self._metrics.count_in_flight(lambda: self._in_flight)
        self._max_in_flight = server.max_in_flight

    async def other(self, request: web.Request) -> web.StreamResponse:
        """A JSON POST the proxy cannot inspect: forwarded only where a route allows it."""
        return await self.handle(request, Kind.OTHER)

    async def handle(self, request: web.Request, kind: Kind) -> web.StreamResponse:
        rid = request_id(request.headers, self._ids)
        path = request.path if kind is Kind.OTHER else _PATHS[kind]
        # Admission takes the generation once; the request keeps it to the end (a reload
        # meanwhile swaps the holder's reference, not this one).
        gen = self._generations.current
        ex = Exchange(
            rid=rid,
            kind=kind,
            started=time.perf_counter(),
            generation=gen,
            path=path,
            started_unix=time.time(),
            method=request.method,
        )
        if self._deep is not None:
            ex.rid_given = rid == request.headers.get("X-Request-ID")
        spans = None
        if self._tracing is not None:
            spans = self._tracing.start(request.headers, request.method, request.path, ex.started)
        if self._gauge_in_flight:
            self._metrics.request_started()
        self._in_flight += 1
        # What the client saw; 499 (nginx's "client closed request") when it went away.
        status = 499
        try:
            if self._in_flight > self._max_in_flight:
                raise Overloaded("the proxy is at capacity; retry shortly")
            headers = request.headers
            if self._by_address:
                who = gen.auth.identify(
                    credential(headers),
                    request.remote,
                    ",".join(headers.getall("X-Forwarded-For", ())) or None,
                )
            else:  # nothing counts per client: the address is not worth looking up
                who = gen.auth.identify(credential(headers), None, None)
            ex.tenant, ex.limit_key = who.tenant, who.limit_key
            if who.configured:
                ex.tenant_label = who.tenant
            if self._admitting:
                early = self._admission.enter_early(ex)
                try:
                    response = await self._run(request, ex, spans, early)
                finally:  # a body read that failed, a refusal: the early slots go back
                    self._admission.release(early)
            else:
                response = await self._run(request, ex, spans, None)
            if self._decided.enabled and not response.prepared:
                # A whole reply: its decision is final. (A stream's went out with it.)
                response.headers.update(self._decided.final(ex))
            status = response.status
            return response
        except ProxyError as exc:
            ex.outcome = _outcome(exc)
            reply = error_reply(exc, ex.rid, ex.kind)
            types = exc.types if isinstance(exc, PolicyViolation) else ()
            reply.headers.update(self._decided.final(ex, types))
            status = reply.status
            if not request.content.at_eof():
                # A body we refused to read must not be parsed as the next request.
                reply.force_close()
            return reply
        except UpstreamCallError as exc:
            error = exc.error
            ex.outcome = "upstream_error"
            ex.upstream_failure = error_reason(error, mid_stream=False) or ""
            reply = error_reply(error, ex.rid, ex.kind)
            if isinstance(error, BreakerOpen):
                # Failing fast: open breakers, or an upstream at its concurrency cap.
                ex.outcome = "shed" if error.code == "upstream_busy" else "breaker_open"
            reply.headers.update(self._decided.final(ex))
            status = reply.status
            return reply
        except (asyncio.CancelledError, ConnectionResetError):
            # The client went away; the upstream call was closed on the way out.
            ex.outcome = "client_aborted"
            raise
        finally:
            ex.status = status
            self._in_flight -= 1
            if self._gauge_in_flight:
                self._metrics.request_finished()
            try:
                if ex.deep is not None and self._deep is not None:
                    try:
                        self._deep.finish(ex)  # async checks queued: the record lists them
                    except Exception:  # a bug there must not cost the decision record
                        log.exception("deep checks could not be queued")
                        ex.degraded.append("deep_check:exception")
                self._recorder.record(ex, spans)
            finally:
                # Breakers and quarantine are kept right even if a telemetry sink failed;
                # the violation is read only where one of them will use it.
                quarantine = self._quarantining
                if ex.safety_judged or quarantine:
                    violation = output_violation(ex)
                    self._safety.record(ex, violation)
                    if quarantine and (violation or ex.outcome in _VIOLATIONS):
                        self._quarantine.count_violation(ex.limit_key, ex.tenant)

    async def close(self) -> None:
        """Finish what requests left running in the background (shared violation counts)."""
        await self._quarantine.close()

    def count_violation(self, key: str, tenant: str) -> None:
        """One policy violation of an identity (also from async deep-check verdicts)."""
        self._quarantine.count_violation(key, tenant)

    async def _run(
        self,
        request: web.Request,
        ex: Exchange,
        spans: RequestSpans | None,
        early: Ticket | None,
    ) -> web.StreamResponse:
        limits = self._server.limits
        raw = await read_body(request, limits, self._server.body_read_s)
        body, wire = parse_object(raw, limits.max_json_depth)
        ex.body_bytes = len(raw)
        ex.model = WIRE_APIS[ex.kind].check_shape(body, limits.max_messages)
        ex.stream = body.get("stream") is True
        ex.body = body
        ex.wire = (
            None if not ROUTING_FIELDS.isdisjoint(body) and strip_routing_fields(body) else wire
        )
        assert ex.generation is not None
        route = ex.generation.router.route(ex.model)
        if route is None:
            raise NotFound("no route for this model", param="model", code="model_not_found")
        # A configured tenant's label is its name; anyone else's is a shared placeholder.
        tenant = ex.tenant if ex.tenant_label == ex.tenant else None
        route, ex.policy_via, _ = ex.generation.tenants.choose(tenant, route)
        rollouts = self._rollouts
        if rollouts is not None and rollouts.rollouts:  # a canary's candidate may serve it
            route = rollouts.serve(ex, route, credential(request.headers))
        ex.route = route
        if self._quarantining and await self._quarantine.holds(ex.limit_key, ex.degraded):
            strict = self._quarantine.strict_policy
            if strict is None:
                raise Quarantined("this client is quarantined after repeated policy violations")
            ex.route = dataclasses.replace(route, policy=strict)
            ex.policy_via = "quarantine"
            ex.degraded.append("quarantine:strict")
            ex.quarantined = True
        # May refuse, re-route, or switch to a stricter policy (where a route has a safety
        # breaker); a quarantined client's verdicts do not count towards the route's model.
        if self._safety.guarding:
            self._safety.gate(ex, counts=ex.route is route)
        if self._admitting:
            ticket = await self._admission.admit(ex, early)
            try:
                return await self._guarded(request, ex, spans)
            finally:
                self._admission.release(ticket)
                self._admission.settle(ex, ticket)
        return await self._guarded(request, ex, spans)

    async def _guarded(
        self, request: web.Request, ex: Exchange, spans: RequestSpans | None
    ) -> web.StreamResponse:
        body = ex.body
        if spans is None:
            await self._guard.check(ex, body)
        else:
            spans.input_started = time.perf_counter()
            try:
                await self._guard.check(ex, body)
            finally:
                spans.input_ended = time.perf_counter()
        deep = self._deep
        plan = deep.plan(ex) if deep is not None else None
        if plan is not None:
            assert deep is not None
            await deep.check_input(ex, plan)
        if self._recorder.capture_content:
            ex.captured_input = _model_input(ex)
            ex.captured_output = []
        hook = self._guard.hook(ex)
        if plan is not None:
            assert deep is not None
            hook = deep.tap(ex, plan, hook)
        if self._recorder.capture_reply and ex.model_view is not None:
            tap = CaptureTap(hook, kind=ex.kind)  # outermost: reads the reply before any filter
            ex.reply_texts = tap.texts
            hook = tap
        reply = await self._send(request, ex, spans)
        try:
            if (
                ex.stream
                and 200 <= reply.status < 300
                and reply.content_type == "text/event-stream"
            ):
                gate = None
                if plan is not None and plan.tap is not None:
                    assert deep is not None
                    checks = deep.stream_checks(ex, plan)
                    if checks:
                        policy = plan.policy
                        gate = StreamGate(
                            deep, ex, plan.tap, checks, policy.block_style, policy.on_overflow
                        )
                decided = self._decided.input_stage(ex)
                return await relay_stream(ex, request, reply, hook, gate, decided)
            check = None
            if plan is not None and plan.tap is not None and 200 <= reply.status < 300:
                assert deep is not None
                check = functools.partial(deep.check_reply, ex, plan)
            return await relay_json(ex, reply, hook, check)
        finally:
            reply.close()
            if ex.upstream is not None:
                end = ex.upstream_end or time.perf_counter()
                elapsed = end - ex.upstream_sent
                self._metrics.upstream_done(ex.upstream, elapsed, ex.ttft)

    async def _send(
        self, request: web.Request, ex: Exchange, spans: RequestSpans | None
    ) -> UpstreamReply:
        """Try the route's targets in order; move on only when nothing was sent or received."""
        assert ex.route is not None
        targets = ex.route.targets
        payload = ex.wire if ex.wire is not None else serialise(ex.body)
        # Streams ask for usage (token counts for metrics and limits), where the upstream may.
        usage = ex.stream and ex.kind in _USAGE_KINDS
        asking: tuple[dict[str, Any], bytes, bool] | None = None
        for i, target in enumerate(targets):
            last = i == len(targets) - 1
            pool = self._pools[target.upstream]
            sent, wire, ex.hide_usage = ex.body, payload, False
            if usage and pool.settings.stream_usage:
                if asking is None:
                    copy, spliced, hide = asking_usage(ex.body, payload)
                    asking = copy, spliced if spliced is not None else serialise(copy), hide
                sent, wire, ex.hide_usage = asking
            body = wire if target.model is None else serialise({**sent, "model": target.model})
            headers = upstream_headers(
                request.headers,
                rid=ex.rid,
                forward=pool.forward_headers,
                auth_header=pool.auth_header,
            )
            ex.upstream = pool.name
            if spans is not None and self._tracing is not None:
                # Our CLIENT span's context replaces whatever trace context the client sent.
                carrier: dict[str, str] = {}
                op = OPERATIONS[ex.kind]
                self._tracing.upstream_attempt(spans, pool.name, op, ex.model, carrier)
                headers = [h for h in headers if h[0].lower() not in _TRACE_HEADERS]
                headers += carrier.items()
            if i:
                self._metrics.fallbacks.labels(ex.route.label, pool.name).inc()
            ex.upstream_sent = t = time.perf_counter()
            try:
                reply = await pool.send("POST", ex.path, body, headers)
            except UpstreamCallError as exc:
                ex.upstream_wait += time.perf_counter() - t
                if last or not exc.before_send:
                    raise
                # The request moves on: this attempt's failure is not the decision's.
                reason = error_reason(exc.error, mid_stream=False)
                if reason is not None:
                    self._metrics.upstream_failed(pool.name, reason)
                continue
            # The wait for this reply is booked by the relay, which reads its body.
            if reply.status in _FALLBACK_STATUSES and not last:
                elapsed = time.perf_counter() - t
                ex.upstream_wait += elapsed
                reply.close()
                # A call that was answered: timed like any other, and counted as a failure.
                self._metrics.upstream_done(pool.name, elapsed, None)
                self._metrics.upstream_failed(pool.name, f"http_{reply.status}")
                continue
            return reply
        raise AssertionError("a route always has at least one target")


def _outcome(exc: ProxyError) -> str:
    if isinstance(exc, PolicyViolation):
        return exc.outcome
    if isinstance(exc, Overloaded):
        return "shed"
    if isinstance(exc, RateLimited):
        return "rate_limited"
    if isinstance(exc, SafetyBreakerOpen):
        return "breaker_open"
    if isinstance(exc, Quarantined):
        return "quarantined"
    if isinstance(exc, Unauthorized):
        return "unauthorized"
    return "invalid_request" if isinstance(exc, ClientError) else "upstream_error"


def _model_input(ex: Exchange) -> Any:
    """What the model was sent (after any redaction), for content capture."""
    body = ex.body
    return next((body[key] for key in ("messages", "prompt", "input") if key in body), None)
