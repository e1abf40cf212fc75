"""The pipeline's view of the policies: check a request's text, open a reply's output hook.

Input: the policy's limits run first, on the body's shape; then every text the model will
see (the API's adapter, upstream/wire.py) goes through the input stage in one pass. A block raises
PolicyViolation (400 `content_policy_violation`); a redaction writes the new text back into
exactly the field it came from, and the proxy then forwards a re-serialisation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from safeproxy.errors import NotFound, PolicyViolation
from safeproxy.exchange.event_hook import EventHook
from safeproxy.exchange.hooks import PassThrough, ResponseHook
from safeproxy.exchange.output_hook import OutputHook
from safeproxy.exchange.state import Exchange
from safeproxy.exchange.whole import WholeReply
from safeproxy.filters.api import Mode
from safeproxy.filters.chain import Clock, StageResult, run_stage, run_stage_reusing
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.filters.stage import Stage
from safeproxy.rollout.mark import RolloutMark
from safeproxy.rollout.shadow import compare
from safeproxy.upstream.openai import Kind, Uninspectable, joined_runs
from safeproxy.upstream.slot import Slot
from safeproxy.upstream.wire import WIRE_APIS

# Texts at least this long (all of one request's, in characters) are scanned off the loop:
# a worst-case text of this size takes a few milliseconds; a 4 KB prompt is far below.
OFFLOOP_CHARS = 32768


class Guard:
    """Checks a request's text and opens its reply's output hook with the policies of the
    exchange's generation; `policies` serves exchanges without one (unit tests)."""

    def __init__(
        self,
        policies: Mapping[str, CompiledPolicy] | None = None,
        clock: Clock = time.perf_counter,
        offload: bool = False,
        keep_view: bool = False,
    ) -> None:
        self.policies: Mapping[str, CompiledPolicy] = policies or {}
        # Tier-2 capture: keep each request's texts as scanned (Exchange.model_view).
        self._keep_view = keep_view
        self._clock = clock
        # One worker: large scans queue behind each other, never more than one thread of
        # them competing with the loop for the GIL.
        self._offload = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan") if offload else None
        )

    def check_request(self, ex: Exchange, body: dict[str, Any]) -> None:
        """The input check, on this thread."""
        checked = self._prepare(ex, body)
        if checked is not None:
            stage, slots, texts = checked
            self._settle(ex, slots, self._run_both(ex, stage, slots, texts))

    async def check(self, ex: Exchange, body: dict[str, Any]) -> None:
        """The input check; a large text is scanned on the worker thread, so the event loop
        goes on serving other requests meanwhile (Python validators hold the GIL, but give it
        up every switch interval; Hyperscan releases it). Small texts, nearly all of them,
        stay on the loop: a thread hop costs more than their scan."""
        checked = self._prepare(ex, body)
        if checked is None:
            return
        stage, slots, texts = checked
        # The texts are strings of the body, each at least as long there (escapes only
        # lengthen one): a body below the threshold needs no count.
        if (
            self._offload is None
            or 0 < ex.body_bytes < OFFLOOP_CHARS
            or sum(map(len, texts)) < OFFLOOP_CHARS
        ):
            result = self._run_both(ex, stage, slots, texts)
        else:
            # A shadow candidate's scan goes with the active one: a large text must not
            # hold the loop for the second scan either.
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                self._offload, self._run_both, ex, stage, slots, texts
            )
        self._settle(ex, slots, result)

    def _run_both(
        self, ex: Exchange, stage: Stage, slots: list[Slot], texts: list[str]
    ) -> StageResult:
        """The active policy's scan, then a shadow candidate's beside it (if any)."""
        joined = joined_runs(slots)
        result = run_stage(stage, texts, self._clock, joined=joined)
        mark = ex.rollout
        if mark is not None and mark.arm == "shadow":
            self._shadow(ex, mark, texts, joined, result)
        return result

    def _shadow(
        self,
        ex: Exchange,
        mark: RolloutMark,
        texts: list[str],
        joined: list[tuple[int, int]],
        active: StageResult,
    ) -> None:
        """A shadow rollout's candidate scans the same texts beside the active policy; what
        it finds changes nothing but the record (rollout/mark.py). The filters it shares
        with the active policy are not scanned again (filters/reuse.py)."""
        candidate = self._policies(ex).get(mark.candidate)
        if candidate is None:
            return
        assert ex.route is not None
        gen = ex.generation
        reuse = gen.reuse.get((ex.route.policy, mark.candidate)) if gen is not None else None
        if reuse is None:
            got = run_stage(candidate.input, texts, self._clock, joined=joined)
        else:
            got = run_stage_reusing(
                candidate.input,
                reuse.delta,
                reuse.shared,
                active,
                texts,
                self._clock,
                joined=joined,
            )
        mark.shadow = compare(active, got)

    def close(self) -> None:
        if self._offload is not None:
            self._offload.shutdown(wait=False, cancel_futures=True)

    def _prepare(
        self, ex: Exchange, body: dict[str, Any]
    ) -> tuple[Stage, list[Slot], list[str]] | None:
        """Limits first; then the stage and the texts to scan (None: nothing to scan)."""
        assert ex.route is not None
        if ex.kind is Kind.OTHER:
            if ex.path not in ex.route.pass_through_paths:
                raise NotFound(
                    "this endpoint is not inspected by the proxy; a route may allow it "
                    "with pass_through_paths",
                    code="uninspectable_endpoint",
                )
            ex.degraded.append("pass_through")
            return None
        gen = ex.generation  # (_policies, inline: every request comes here, and to hook)
        policy = (gen.policies if gen is not None else self.policies)[ex.route.policy]
        stage = policy.input
        # A shadow candidate scans the texts even where the active policy has no filters.
        shadow = ex.rollout is not None and ex.rollout.arm == "shadow"
        if stage.empty and not self._keep_view and not shadow:
            return None
        try:
            slots = WIRE_APIS[ex.kind].request_slots(body)
        except Uninspectable:
            if stage.empty:
                return None  # nothing scans it (a capture keeps nothing): as without capture
            if not ex.route.allow_uninspectable:
                raise
            ex.degraded.append("input:uninspectable_allowed")
            return None
        texts = [s.holder[s.key] for s in slots]  # (Slot.get, without a call per slot)
        if self._keep_view:
            # Before limits and filters: a candidate policy re-scans what this one saw.
            ex.model_view = (list(texts), joined_runs(slots))
        if stage.empty and not shadow:
            return None
        if stage.limits is not None:
            limits = stage.limits
            api = WIRE_APIS[ex.kind]
            limit = limits.check(
                body, ex.model, texts, turns=api.turns(body), cap_field=api.token_cap
            )
            if limit.reason is None:
                ex.filter_records.append(limits.passed)
            else:
                ex.filter_records.append(limits.refused(limit.reason))
                if limits.mode is Mode.ENFORCE:
                    raise PolicyViolation(limit.reason, (limit.reason,), outcome="blocked_input")
            if limit.clamped:
                wire = ex.wire
                if limit.appended is not None and wire is not None and wire.endswith(b"}"):
                    # A key added last to a dict serialises as that key before the closing
                    # brace: the same bytes as serialising the whole body again, for less.
                    key = limit.appended_field.encode()
                    ex.wire = wire[:-1] + b',"%s":%d}' % (key, limit.appended)
                else:
                    ex.wire = None
        return stage, slots, texts

    def _settle(self, ex: Exchange, slots: list[Slot], result: StageResult) -> None:
        ex.filter_records.append(result.records)
        ex.input_filter_s += result.seconds
        ex.near_threshold = result.near_threshold
        if result.degraded:
            ex.degraded += result.degraded
        if result.blocked:
            outcome = "filter_error" if result.reason == "filter_error" else "blocked_input"
            raise PolicyViolation(result.reason or "blocked", result.types, outcome=outcome)
        if result.changed:
            for slot, text in zip(slots, result.texts, strict=True):
                if text is not None:
                    slot.set(text)
            ex.wire = None
            ex.outcome = "redacted"

    def hook(self, ex: Exchange) -> ResponseHook:
        assert ex.route is not None
        gen = ex.generation  # (_policies, inline)
        policy = (gen.policies if gen is not None else self.policies)[ex.route.policy]
        if policy.output.empty or ex.kind is Kind.OTHER:
            return PassThrough()
        api = WIRE_APIS[ex.kind]
        schema = api.event_schema() if ex.stream else None
        if schema is not None:  # a typed-event stream (Responses, Anthropic Messages)
            return EventHook(policy, ex, api, schema, self._clock)
        if not ex.stream:  # relayed whole: no stream windows to open
            return WholeReply(policy, ex, self._clock)
        return OutputHook(policy, ex, self._clock)

    def _policies(self, ex: Exchange) -> Mapping[str, CompiledPolicy]:
        gen = ex.generation
        return gen.policies if gen is not None else self.policies
