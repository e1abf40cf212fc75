"""Request-shape limits of a policy: prompt size, message count, max_tokens, model allowlist.

They run before any pattern, on the parsed body; they never look at the text itself.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from safeproxy.filters.api import Action, FilterRecord, Mode, SharedRecords
from safeproxy.settings.policy import LimitsFilter

# Chat and completions (and Anthropic's Messages, where max_tokens is required), then the
# Responses API's name for the same cap.
_TOKEN_FIELDS = ("max_tokens", "max_completion_tokens", "max_output_tokens")


@dataclass(frozen=True, slots=True)
class LimitResult:
    """`reason` is set when the request is refused; `clamped` when max_tokens was lowered.
    `appended`: the only change was a `max_tokens` key added last (the body had none), so
    the serialised body changes only by that key at its end."""

    reason: str | None = None
    clamped: bool = False
    appended: int | None = None
    appended_field: str = "max_tokens"  # the key `appended` went to (the API's own cap)


class Limits:
    # What most requests get: nothing refused or changed (frozen, so one serves them all).
    _NOTHING: ClassVar[LimitResult] = LimitResult()

    def __init__(self, spec: LimitsFilter) -> None:
        self.spec = spec
        self._name = spec.name or spec.type
        self.mode = Mode(spec.mode)
        # The record of a request that passed: the same every time.
        self.passed = SharedRecords(
            [FilterRecord(self._name, "input", Action.CONTINUE, Action.CONTINUE, self.mode)]
        )

    def refused(self, reason: str) -> tuple[FilterRecord]:
        action = Action.BLOCK if self.mode is Mode.ENFORCE else Action.CONTINUE
        return (FilterRecord(self._name, "input", action, Action.BLOCK, self.mode, (reason,), 1),)

    def check(
        self,
        body: dict[str, Any],
        model: str,
        texts: Sequence[str],
        *,
        turns: int | None = None,
        cap_field: str | None = None,
    ) -> LimitResult:
        """`turns`: the request's messages or input items, as its API counts them (default:
        `messages`); `cap_field`: the key that caps the reply's tokens in its API, given to
        an unbounded generation (default: `max_tokens` for chat and completions, none for
        embeddings)."""
        spec = self.spec
        if turns is None:
            messages = body.get("messages")
            turns = len(messages) if isinstance(messages, list) else None
        if cap_field is None and ("messages" in body or "prompt" in body):
            cap_field = "max_tokens"
        if spec.models is not None and not any(
            fnmatch.fnmatchcase(model, glob) for glob in spec.models
        ):
            return LimitResult("limits.model_not_allowed")
        if spec.max_messages is not None and turns is not None and turns > spec.max_messages:
            return LimitResult("limits.max_messages")
        if spec.max_prompt_chars is not None and sum(map(len, texts)) > spec.max_prompt_chars:
            return LimitResult("limits.max_prompt_chars")
        clamped = False
        appended = None
        if spec.max_tokens is not None:
            for key in _TOKEN_FIELDS:
                asked = body.get(key)
                if (
                    isinstance(asked, int)
                    and not isinstance(asked, bool)
                    and asked > spec.max_tokens
                ):
                    if spec.on_max_tokens == "reject":
                        return LimitResult("limits.max_tokens")
                    body[key] = spec.max_tokens
                    clamped = True
            unbounded = cap_field is not None and not any(k in body for k in _TOKEN_FIELDS)
            if unbounded and spec.on_max_tokens == "clamp":
                assert cap_field is not None
                # An unbounded completion is clamped too: the cap is the policy's.
                body[cap_field] = spec.max_tokens
                appended = None if clamped else spec.max_tokens
                clamped = True
        if not clamped:
            return self._NOTHING
        return LimitResult(None, clamped, appended, cap_field or "max_tokens")
