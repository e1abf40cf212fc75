"""Deep checks in the request's life: sampling, sync checks within a budget, async jobs.

The pipeline calls, in order: `plan` (after the input filters), `check_input` (sync input
checks, before the upstream call), `tap` (wrap the response hook when the reply's text is
needed), `check_reply` (sync output checks of a whole reply), `stream_gate` (sync output
checks of a stream), and `finish` (async checks become queued jobs, and the review queue
gets what it samples) just before the decision is recorded.

Every check leaves a DeepCheckRecord on the exchange, whatever happened: judged, failed
(and how `on_error` decided), queued, dropped, or skipped by the budget.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping

from safeproxy.deepcheck.api import JudgeContext, Stage, Turn
from safeproxy.deepcheck.followup import FollowUp
from safeproxy.deepcheck.guarded import GuardedJudge, JudgeOutcome
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.plan import CompiledCheck, DeepPlan, PolicyChecks
from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.deepcheck.sampler import Choice, Sampler, Signals, draw
from safeproxy.deepcheck.tap import TextTap
from safeproxy.deepcheck.turns import request_turns, with_reply
from safeproxy.errors import PolicyViolation
from safeproxy.exchange.decision import output_violation
from safeproxy.exchange.hooks import ResponseHook
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import Mode, SharedRecords
from safeproxy.settings.policy import DeepCheck, PolicySettings
from safeproxy.telemetry.metrics import Metrics
from safeproxy.upstream.openai import Kind

# The most reply text kept for judging and review (a longer reply is judged on this much).
MAX_REPLY_CHARS = 200_000
# Hands a job to the queue; False when it was not taken (full).
Submit = Callable[[Job], bool]


def compile_checks(
    policies: Mapping[str, PolicySettings],
    judges: Mapping[str, GuardedJudge],
    salts: Callable[[str, DeepCheck], bytes],
    clock: Callable[[], float],
) -> dict[str, PolicyChecks]:
    out: dict[str, PolicyChecks] = {}
    for name, policy in policies.items():
        checks = tuple(
            CompiledCheck(
                spec,
                spec.label,
                judges[spec.judge],
                Sampler(spec.sample, salts(name, spec), clock),
                spec.stage in ("input", "both"),
                spec.stage in ("output", "both"),
            )
            for spec in policy.deep_checks
        )
        out[name] = PolicyChecks(
            name,
            checks,
            any(c.on_output for c in checks),
            policy.stream.block_style,
            policy.stream.on_overflow,
            bool(policy.output),
            any(f.mode == "shadow" for f in policy.output),
        )
    return out


class DeepChecks:
    def __init__(
        self,
        policies: Mapping[str, PolicyChecks],
        metrics: Metrics,
        followup: FollowUp,
        submit: Submit,
        *,
        review_rate: float = 0.0,
        review_salt: bytes = b"review",
        review_wants_shadow: bool = False,
    ) -> None:
        self._policies = policies
        self._metrics = metrics
        self._followup = followup
        self._submit = submit
        self._review_rate = review_rate
        self._review_salt = review_salt
        self._review_shadow = review_wants_shadow

    # --- the request path ------------------------------------------------------------------

    def plan(self, ex: Exchange) -> DeepPlan | None:
        """After the input filters: None when neither deep checks nor review want this one
        (the common case costs a dict lookup)."""
        assert ex.route is not None
        # The plans of the request's generation (a reload may have swapped in others since).
        gen = ex.generation
        policy = (gen.deep if gen is not None else self._policies).get(ex.route.policy)
        if policy is None:
            return None
        shadow = self._review_shadow and (policy.shadow_output or _has_shadow_hits(ex))
        if not policy.checks and not shadow and self._review_rate <= 0:
            return None  # nothing here samples: the key is not worth computing
        key = _sample_key(ex)
        review = self._review_rate > 0 and draw(self._review_salt, key) < self._review_rate
        if not policy.checks and not review and not shadow:
            return None
        plan = DeepPlan(policy, key=key, review_sample=review)
        ex.deep = plan
        return plan

    async def check_input(self, ex: Exchange, plan: DeepPlan) -> None:
        """Sync input checks, before the upstream call."""
        checks = [c for c in plan.policy.checks if c.sync and c.on_input]
        turns = request_turns(ex.kind, ex.body) if checks else []
        if turns:
            await self._run_sync(ex, plan, checks, turns, "input")

    def tap(self, ex: Exchange, plan: DeepPlan, hook: ResponseHook) -> ResponseHook:
        """Wrap the hook to keep the reply's text, only when something may need it: a sync
        output check chosen for this request, an async one that chose it or may still
        (output filters may flag the reply), the review sample, or shadow output filters.
        Sync output checks choose now, on what the request showed so far."""
        if ex.kind is Kind.EMBEDDINGS or ex.kind is Kind.OTHER:
            return hook
        policy = plan.policy
        wanted = plan.review_sample or (self._review_shadow and policy.shadow_output)
        signals = _signals(ex)
        for check in policy.checks:
            if not check.on_output:
                continue
            if check.sync:
                wanted |= self._choose(ex, plan, check).reason is not None
            else:
                wanted |= check.sampler.might_choose(plan.key, signals) or (
                    policy.output_filters and check.sampler.takes_flagged
                )
        if wanted:
            plan.tap = TextTap(hook, MAX_REPLY_CHARS, ex.kind)
            return plan.tap
        return hook

    async def check_reply(self, ex: Exchange, plan: DeepPlan) -> None:
        """Sync output checks of a whole (non-streamed) reply, after the output filters."""
        checks = [c for c in plan.policy.checks if c.sync and c.on_output]
        if not checks or plan.tap is None:
            return
        turns = with_reply(request_turns(ex.kind, ex.body), plan.tap.text)
        await self._run_sync(ex, plan, checks, turns, "output")

    def stream_checks(self, ex: Exchange, plan: DeepPlan) -> list[tuple[CompiledCheck, str]]:
        """The sync output checks a stream must pass, with their sampling reasons."""
        out: list[tuple[CompiledCheck, str]] = []
        for check in plan.policy.checks:
            if check.sync and check.on_output and plan.tap is not None:
                choice = self._choose(ex, plan, check)
                if choice.reason is None:
                    self._skipped(ex, check, "output", choice)
                else:
                    out.append((check, choice.reason))
        return out

    async def judge_stream(self, ex: Exchange, check: CompiledCheck, text: str) -> JudgeOutcome:
        turns = with_reply(request_turns(ex.kind, ex.body), text)
        return await self._judge_sync(check, turns, ex, "output")

    def decide_stream(
        self, ex: Exchange, check: CompiledCheck, reason: str, outcome: JudgeOutcome
    ) -> None:
        """Record a stream's final verdict; raises PolicyViolation when it blocks."""
        self._decide(ex, check, "output", reason, outcome)

    def finish(self, ex: Exchange) -> None:
        """Queue the async checks and offer the request to the review queue; runs once, as
        the request ends (before its decision is recorded, which lists what was queued)."""
        plan = ex.deep
        if plan is None:
            return
        if ex.outcome in ("client_aborted", "invalid_request", "unauthorized"):
            return  # nothing (or nothing whole) was judged by the model or the client
        for check in plan.policy.checks:
            if check.sync:
                continue
            stages: list[Stage] = []
            if check.on_input:
                stages.append("input")
            if check.on_output:
                stages.append("output")
            for stage in stages:
                if stage == "output" and (plan.tap is None or not plan.tap.length):
                    continue
                choice = self._choose(ex, plan, check)
                if choice.reason is None:
                    self._skipped(ex, check, stage, choice)
                    continue
                self._enqueue(ex, plan, check, stage, choice.reason)
        self._followup.offer_request(ex, plan)

    # --- internals ---------------------------------------------------------------------------

    async def _run_sync(
        self,
        ex: Exchange,
        plan: DeepPlan,
        checks: list[CompiledCheck],
        turns: list[Turn],
        stage: Stage,
    ) -> None:
        """The chosen checks, one after another. Raises PolicyViolation on a block."""
        for check in checks:
            choice = self._choose(ex, plan, check)
            if choice.reason is None:
                self._skipped(ex, check, stage, choice)
                continue
            outcome = await self._judge_sync(check, turns, ex, stage)
            self._decide(ex, check, stage, choice.reason, outcome)

    def _choose(self, ex: Exchange, plan: DeepPlan, check: CompiledCheck) -> Choice:
        known = plan.choices.get(check.label)
        if known is None:
            known = plan.choices[check.label] = check.sampler.choose(plan.key, _signals(ex))
        return known

    async def _judge_sync(
        self, check: CompiledCheck, turns: list[Turn], ex: Exchange, stage: Stage
    ) -> JudgeOutcome:
        ctx = JudgeContext(ex.rid, stage, _policy(ex), ex.model)
        return await check.judge.check(turns, ctx, check.spec.latency_budget_ms / 1000)

    def _decide(
        self, ex: Exchange, check: CompiledCheck, stage: Stage, reason: str, o: JudgeOutcome
    ) -> None:
        decided: str | None = None
        violation: PolicyViolation | None = None
        outcome = "blocked_input" if stage == "input" else "blocked_output"
        if o.verdict == "unsafe":
            decided = check.spec.action
            if decided == "block":
                types = tuple(f"deep_check.{c}" for c in o.categories) or ("deep_check",)
                violation = PolicyViolation(f"deep_check.{check.label}", types, outcome=outcome)
        elif o.verdict == "error":
            decided = check.judge.settings.on_error
            self._metrics.deep_check_errors.labels(check.label, o.error or "", decided).inc()
            if decided == "closed":
                violation = PolicyViolation(
                    "deep_check_unavailable", ("deep_check",), outcome="filter_error"
                )
            else:
                ex.degraded.append(f"{check.label}:deep_check_failed_open")
        if stage == "output" and o.verdict != "error":
            # A judged reply counts for the safe-output ratio and the safety breaker, as
            # one the output filters checked does.
            ex.output_checked = True
        record = DeepCheckRecord(
            check.label, check.judge.name, stage, "sync", reason, o.verdict, o.categories,
            o.score, o.latency_s, o.error, decided, o.cached, time.perf_counter() - o.latency_s,
        )  # fmt: skip
        self._add(ex, record)
        self._metrics.deep_checks.labels(
            check.label, check.judge.name, stage, "sync", o.verdict, reason
        ).inc()
        if o.verdict in ("unsafe", "uncertain"):
            self._followup.offer_verdict(ex, record)
        if violation is not None:
            raise violation

    def _skipped(self, ex: Exchange, check: CompiledCheck, stage: Stage, choice: Choice) -> None:
        if choice.skipped is None:
            return
        self._metrics.deep_checks_skipped.labels(check.label, choice.skipped).inc()
        mode = check.spec.mode
        self._add(ex, DeepCheckRecord(check.label, check.judge.name, stage, mode, None, "skipped",
                                      error=choice.skipped))  # fmt: skip

    def _enqueue(
        self, ex: Exchange, plan: DeepPlan, check: CompiledCheck, stage: Stage, reason: str
    ) -> None:
        turns = request_turns(ex.kind, ex.body)
        if stage == "output":
            assert plan.tap is not None
            turns = with_reply(turns, plan.tap.text)
        violated = output_violation(ex)
        job = Job(
            ex.rid, check.label, _policy(ex), ex.route_label, ex.tenant, ex.limit_key,
            stage, ex.model, tuple(turns), reason, _flagged(ex), ex.started_unix,
            breaker_counted=ex.safety_judged and ex.output_checked and not violated,
            violation_counted=violated or ex.outcome in ("blocked_input", "blocked_output"),
            policy_version=_version(ex),
        )  # fmt: skip
        verdict = "queued"
        if not self._submit(job):
            verdict = "dropped"
            self._metrics.deep_checks_dropped.labels(check.label, "queue_full").inc()
        self._add(ex, DeepCheckRecord(check.label, check.judge.name, stage, "async", reason,
                                      verdict))  # fmt: skip

    @staticmethod
    def _add(ex: Exchange, record: DeepCheckRecord) -> None:
        if ex.deep_checks is None:
            ex.deep_checks = []
        ex.deep_checks.append(record)


def _sample_key(ex: Exchange) -> str:
    """What sampling draws on: the proxy's own request id, or, for an id the client chose,
    that id hashed with the text the model sees. A client can then neither pin a draw by
    reusing one id, nor pick ids for a text; a replay (same id, same text) draws the same."""
    if not ex.rid_given:
        return ex.rid
    h = hashlib.blake2b(ex.rid.encode(), digest_size=16)
    for turn in request_turns(ex.kind, ex.body):
        h.update(b"\x00" + turn.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _has_shadow_hits(ex: Exchange) -> bool:
    return any(
        r.mode is Mode.SHADOW and r.hits
        for group in ex.filter_records
        if type(group) is not SharedRecords
        for r in group
    )


def _policy(ex: Exchange) -> str:
    return ex.route.policy if ex.route is not None else ""


def _version(ex: Exchange) -> str:
    """The version of the request's policy in the generation it took at admission."""
    return ex.generation.versions.get(_policy(ex), "") if ex.generation is not None else ""


def _signals(ex: Exchange) -> Signals:
    return Signals(
        flagged=bool(_flagged(ex)),
        near_threshold=ex.near_threshold,
        quarantined=ex.quarantined,
        identity=ex.limit_key,
        tenant=ex.tenant,
    )


def _flagged(ex: Exchange) -> tuple[str, ...]:
    """Finding types of every filter that found something (shadow filters included)."""
    types: set[str] = set()
    for group in ex.filter_records:
        if type(group) is SharedRecords:
            continue
        for r in group:
            types.update(r.types)
    return tuple(sorted(types))
