"""The pipeline's view of the policies: check a request's text, open a reply's output hook.

Input: the policy's limits run first, on the body's shape; then every text the model will
see (filters/view.py) goes through the input stage in one pass. A block raises
PolicyViolation (400 `content_policy_violation`); a redaction writes the new text back into
exactly the field it came from, and the proxy then forwards a re-serialisation.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from safeproxy.errors import NotFound, PolicyViolation
from safeproxy.filters.chain import Clock, run_stage
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.filters.stream import OutputHook
from safeproxy.filters.view import Slot, Uninspectable, chat_slots, prompt_slots
from safeproxy.hooks import PassThrough, ResponseHook
from safeproxy.models import Exchange, Kind


class Guard:
    def __init__(
        self, policies: Mapping[str, CompiledPolicy], clock: Clock = time.perf_counter
    ) -> None:
        self.policies = policies
        self._clock = clock

    def check_request(self, ex: Exchange, body: dict[str, Any]) -> None:
        assert ex.route is not None
        if ex.kind is Kind.OTHER:
            if ex.path not in ex.route.pass_through_paths:
                raise NotFound(
                    "this endpoint is not inspected by the proxy; a route may allow it "
                    "with pass_through_paths",
                    code="uninspectable_endpoint",
                )
            ex.degraded.append("pass_through")
            return
        policy = self.policies[ex.route.policy]
        stage = policy.input
        if stage.empty:
            return
        try:
            slots = _slots(ex.kind, body)
        except Uninspectable:
            if not ex.route.allow_uninspectable:
                raise
            ex.degraded.append("input:uninspectable_allowed")
            return
        texts = [s.get() for s in slots]
        if stage.limits is not None:
            limits = stage.limits
            limit = limits.check(body, ex.model, texts)
            if limit.reason is None:
                ex.filter_records.append(limits.passed)
            else:
                ex.filter_records.append(limits.refused(limit.reason))
                if limits.spec.mode == "enforce":
                    raise PolicyViolation(limit.reason, (limit.reason,), outcome="blocked_input")
            if limit.clamped:
                wire = ex.wire
                if limit.appended is not None and wire is not None and wire.endswith(b"}"):
                    # A key added last to a dict serialises as that key before the closing
                    # brace: the same bytes as serialising the whole body again, for less.
                    ex.wire = wire[:-1] + b',"max_tokens":%d}' % limit.appended
                else:
                    ex.wire = None
        result = run_stage(stage, texts, self._clock)
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
        policy = self.policies[ex.route.policy]
        if policy.output.empty or ex.kind is Kind.OTHER:
            return PassThrough()
        return OutputHook(policy, ex, self._clock)


def _slots(kind: Kind, body: dict[str, Any]) -> list[Slot]:
    if kind is Kind.CHAT:
        return chat_slots(body)
    if kind is Kind.COMPLETIONS:
        return prompt_slots(body, "prompt")
    return prompt_slots(body, "input")
