"""What a deep check's verdict leads to, beyond the request: metrics, the audit log's
`deep_check` follow-up record, the review queue, the safety breaker and quarantine.

`process` is the async job's whole life (judge, then record); the in-process queue, a
Redis consumer and `safeproxy worker` all run it. It returns only once every sink has the
result, so a Redis consumer acknowledges a job only after its result is recorded.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Protocol

from safeproxy.deepcheck.api import Turn
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.plan import CompiledCheck, DeepPlan, PolicyChecks
from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.deepcheck.turns import request_turns, with_reply
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import Mode, SharedRecords
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics


class ReviewSink(Protocol):
    """Where review candidates go (review/feed.py); `text` is already redacted or None."""

    async def flush(self) -> None:
        """Store what was offered so far."""
        ...

    def offer(
        self,
        *,
        request_id: str,
        policy: str,
        route: str,
        tenant: str,
        stage: str,
        source: str,
        flagged: bool,
        record: DeepCheckRecord | None,
        finding_types: tuple[str, ...],
        turns: list[Turn] | None,
        policy_version: str | None = None,
    ) -> None: ...


class RetryLater(Exception):
    """The judge could not answer this job now; it stays queued for another delivery."""


# What an async `unsafe` verdict changes: the route's safety breaker (a reply it counted
# clean was not: the route label), and quarantine (the identity and tenant).
OnLateOutput = Callable[[str], None]
OnViolation = Callable[[str, str], None]
# Request ids whose late violation was applied (a redelivered or second-stage verdict of
# the same request counts once).
_APPLIED_MAX = 10_000
# How long a Redis consumer waits for a result to be on disk before leaving the job pending.
_DURABLE_S = 10.0


class FollowUp:
    def __init__(
        self,
        policies: Mapping[str, PolicyChecks],
        metrics: Metrics,
        *,
        audit: AuditLog | None = None,
        review: ReviewSink | None = None,
        on_violation: OnViolation | None = None,
        on_late_output: OnLateOutput | None = None,
        review_shadow: bool = False,
    ) -> None:
        self._policies = policies
        self._metrics = metrics
        self._audit = audit
        self._review = review
        self._on_violation = on_violation
        self._on_late_output = on_late_output
        self._review_shadow = review_shadow
        self._applied: OrderedDict[tuple[str, str], None] = OrderedDict()

    def use(self, policies: Mapping[str, PolicyChecks]) -> None:
        """The checks of a new generation: a job queued before a reload is judged by the
        check of the same label in it, or dropped as `unknown_check` when it is gone (a
        Redis job may be read by a process that never knew the old generation)."""
        self._policies = policies

    def check_for(self, job: Job) -> CompiledCheck | None:
        policy = self._policies.get(job.policy)
        for check in policy.checks if policy is not None else ():
            if check.label == job.check:
                return check
        return None

    async def process(self, job: Job) -> None:
        """Judge one async job and record the result everywhere it goes."""
        await self._process(job, retry_errors=False)

    async def process_or_retry(self, job: Job) -> None:
        """As process, but a judge error raises RetryLater instead of being recorded: a
        Redis consumer then leaves the job pending, to be delivered again (until
        `max_deliveries`, when it is recorded as dropped)."""
        await self._process(job, retry_errors=True)

    async def _process(self, job: Job, *, retry_errors: bool) -> None:
        check = self.check_for(job)
        if check is None:  # the policy changed under a queued job: say so, judge nothing
            self.dropped(job, "unknown_check")
            return
        o = await check.judge.check(job.turns, job.context)
        if o.verdict == "error" and retry_errors:
            self._metrics.deep_check_errors.labels(check.label, o.error or "", "retry").inc()
            raise RetryLater(o.error or "error")
        decided = None
        if o.verdict == "error":
            # Off the request path nothing can be blocked any more: the error is recorded.
            decided = "open"
            self._metrics.deep_check_errors.labels(check.label, o.error or "", decided).inc()
        elif o.verdict == "unsafe":
            decided = "flag"
        record = DeepCheckRecord(
            check.label, check.judge.name, job.stage, "async", job.reason, o.verdict,
            o.categories, o.score, o.latency_s, o.error, decided, o.cached,
        )  # fmt: skip
        self._metrics.deep_checks.labels(
            check.label, check.judge.name, job.stage, "async", o.verdict, job.reason
        ).inc()
        if o.score is not None and self._metrics.drift is not None:
            self._metrics.drift.observe(job.route, job.policy, (), (o.score,))
        written = True
        if self._audit is not None:
            written = self._audit.write(
                {
                    "type": "deep_check",
                    "time": time.time(),
                    "request_id": job.request_id,
                    "policy": job.policy,
                    "route": job.route,
                    "tenant": job.tenant,
                    "queued_s": max(0.0, time.time() - job.created_unix),
                    **record.to_json(),
                }
            )
        if o.verdict in ("unsafe", "uncertain") and self._review is not None:
            self._review.offer(
                request_id=job.request_id, policy=job.policy, route=job.route, tenant=job.tenant,
                stage=job.stage, source=f"deep_check_{o.verdict}", flagged=o.verdict == "unsafe",
                record=record, finding_types=job.flagged, turns=list(job.turns),
                policy_version=job.policy_version,
            )  # fmt: skip
        if o.verdict == "unsafe":
            self._late_violation(job)
        if retry_errors:
            # At least once: the queue acknowledges the job when this returns, so the
            # result must be on disk first, not only handed to the writers.
            if not written:
                raise RetryLater("audit_queue_full")
            try:
                async with asyncio.timeout(_DURABLE_S):
                    if self._audit is not None:
                        await self._audit.sync()
                    if self._review is not None:
                        await self._review.flush()
            except TimeoutError:
                raise RetryLater("not_durable") from None

    def _late_violation(self, job: Job) -> None:
        late_output = self._on_late_output
        counted = job.stage == "output" and job.breaker_counted
        if counted and late_output is not None and self._once(job, "breaker"):
            late_output(job.route)
        violation = self._on_violation
        if not job.violation_counted and violation is not None and self._once(job, "quarantine"):
            violation(job.limit_key, job.tenant)

    def _once(self, job: Job, what: str) -> bool:
        key = (job.request_id, what)
        if key in self._applied:
            return False
        self._applied[key] = None
        if len(self._applied) > _APPLIED_MAX:
            self._applied.popitem(last=False)
        return True

    def dropped(self, job: Job | None, reason: str) -> None:
        """A job given up on (malformed, undeliverable, unknown, shut down): counted."""
        self._metrics.deep_checks_dropped.labels(job.check if job else "unknown", reason).inc()
        if self._audit is not None and job is not None:
            self._audit.write(
                {"type": "deep_check", "time": time.time(), "request_id": job.request_id,
                 "check": job.check, "stage": job.stage, "mode": "async", "verdict": "dropped",
                 "error": reason}
            )  # fmt: skip

    def offer_verdict(self, ex: Exchange, record: DeepCheckRecord) -> None:
        """A sync check's unsafe or uncertain verdict goes to review."""
        if self._review is None:
            return
        turns = request_turns(ex.kind, ex.body)
        plan = ex.deep
        if record.stage == "output" and plan is not None and plan.tap is not None:
            turns = with_reply(turns, plan.tap.text)
        self._offer(ex, record.stage, f"deep_check_{record.verdict}",
                    record.verdict == "unsafe", record, turns)  # fmt: skip

    def offer_request(self, ex: Exchange, plan: DeepPlan) -> None:
        """At the end of a request: shadow-mode hits, and the sample of allowed traffic."""
        if self._review is None:
            return
        reply = plan.tap.text if plan.tap is not None else None
        if self._review_shadow:
            for stage, types in _shadow_hits(ex).items():
                turns: list[Turn] | None = request_turns(ex.kind, ex.body)
                if stage == "output" and reply is not None and turns is not None:
                    turns = with_reply(turns, reply)
                if any(t.startswith(_SENSITIVE) for t in types):
                    # A shadow filter changes nothing: the text still holds the very value
                    # it found. Such an item keeps its finding types, not the text.
                    turns = None
                self._offer(ex, stage, "shadow", True, None, turns)
        if plan.review_sample and ex.outcome == "allowed" and not _found(ex):
            turns = request_turns(ex.kind, ex.body)
            if reply:
                turns = with_reply(turns, reply)
            self._offer(ex, "output" if reply else "input", "audit_sample", False, None, turns)

    def _offer(
        self,
        ex: Exchange,
        stage: str,
        source: str,
        flagged: bool,
        record: DeepCheckRecord | None,
        turns: list[Turn] | None,
    ) -> None:
        assert self._review is not None
        policy = ex.route.policy if ex.route else ""
        version = ex.generation.versions.get(policy) if ex.generation is not None else None
        self._review.offer(
            request_id=ex.rid, policy=policy, route=ex.route_label,
            tenant=ex.tenant, stage=stage, source=source, flagged=flagged, record=record,
            finding_types=_types(ex), turns=turns, policy_version=version,
        )  # fmt: skip


_SENSITIVE = ("pii.", "secret.")


def _shadow_hits(ex: Exchange) -> dict[str, set[str]]:
    """Finding types of shadow filters that found something, by stage."""
    hits: dict[str, set[str]] = {}
    for group in ex.filter_records:
        if type(group) is SharedRecords:
            continue
        for r in group:
            if r.mode is Mode.SHADOW and r.hits:
                hits.setdefault(r.stage, set()).update(r.types)
    return hits


def _found(ex: Exchange) -> bool:
    return bool(_types(ex))


def _types(ex: Exchange) -> tuple[str, ...]:
    types: set[str] = set()
    for group in ex.filter_records:
        if type(group) is not SharedRecords:
            for r in group:
                types.update(r.types)
    return tuple(sorted(types))
