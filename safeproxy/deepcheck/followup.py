"""What a deep check's verdict leads to, beyond the request: metrics, the audit log's
`deep_check` follow-up record, the review queue, the safety breaker and quarantine.

`process` is the async job's whole life (judge, then record); the in-process queue, a
Redis consumer and `safeproxy worker` all run it. It returns only once every sink has the
result, so a Redis consumer acknowledges a job only after its result is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Protocol

from safeproxy.deepcheck.api import Turn
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.plan import CompiledCheck, DeepPlan, PolicyChecks
from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.deepcheck.turns import request_turns, with_reply
from safeproxy.filters.api import Mode, SharedRecords
from safeproxy.models import Exchange
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
        turns: list[Turn],
    ) -> None: ...


class RetryLater(Exception):
    """The judge could not answer this job now; it stays queued for another delivery."""


# (route label, identity, tenant, stage) of an async `unsafe` verdict.
OnViolation = Callable[[str, str, str, str], None]


class FollowUp:
    def __init__(
        self,
        policies: Mapping[str, PolicyChecks],
        metrics: Metrics,
        *,
        audit: AuditLog | None = None,
        review: ReviewSink | None = None,
        on_violation: OnViolation | None = None,
        review_shadow: bool = False,
    ) -> None:
        self._policies = policies
        self._metrics = metrics
        self._audit = audit
        self._review = review
        self._on_violation = on_violation
        self._review_shadow = review_shadow

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
            check.label, job.stage, "async", o.verdict, job.reason
        ).inc()
        if self._audit is not None:
            self._audit.write(
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
            )  # fmt: skip
        if o.verdict == "unsafe" and self._on_violation is not None:
            self._on_violation(job.route, job.limit_key, job.tenant, job.stage)
        if retry_errors:
            # At least once: the queue acknowledges the job when this returns, so the
            # result must be on disk first, not only handed to the writers.
            if self._audit is not None:
                await self._audit.sync()
            if self._review is not None:
                await self._review.flush()

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
            for stage in _shadow_stages(ex):
                turns = request_turns(ex.kind, ex.body)
                if stage == "output" and reply is not None:
                    turns = with_reply(turns, reply)
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
        turns: list[Turn],
    ) -> None:
        assert self._review is not None
        self._review.offer(
            request_id=ex.rid, policy=ex.route.policy if ex.route else "", route=ex.route_label,
            tenant=ex.tenant, stage=stage, source=source, flagged=flagged, record=record,
            finding_types=_types(ex), turns=turns,
        )  # fmt: skip


def _shadow_stages(ex: Exchange) -> list[str]:
    stages: list[str] = []
    for group in ex.filter_records:
        if type(group) is SharedRecords:
            continue
        for r in group:
            if r.mode is Mode.SHADOW and r.hits and r.stage not in stages:
                stages.append(r.stage)
    return stages


def _found(ex: Exchange) -> bool:
    return bool(_types(ex))


def _types(ex: Exchange) -> tuple[str, ...]:
    types: set[str] = set()
    for group in ex.filter_records:
        if type(group) is not SharedRecords:
            for r in group:
                types.update(r.types)
    return tuple(sorted(types))
