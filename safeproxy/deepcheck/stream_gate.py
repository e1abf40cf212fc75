"""Sync output deep checks on a stream: judge the text before the stream's end goes out.

The gate sits after the output filters (it sees what the client would get) and before
the socket. Two styles, per check:

- `end`: text flows as the filters release it; from the first event that ends the reply
  (a finish_reason, or [DONE]; the agent APIs' final events) the gate holds the rest,
  judges the whole text, and then releases it, or ends the stream with finish_reason
  "content_filter" (or an in-band error event) and [DONE] (the agent APIs: their own
  ends). What was sent before cannot be recalled: the decision records the verdict, so
  the safety breaker and the review queue still see it.
- `every_chars`: nothing goes out unjudged. Released text is held until `every_chars` of
  it have gathered, the whole reply so far is judged, and only then does it go out. The
  client sees the reply in steps of that size, each delayed by one judge call.

A block before any byte went out is a plain HTTP error (the relay raises the violation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from safeproxy.deepcheck.plan import CompiledCheck
from safeproxy.deepcheck.service import DeepChecks
from safeproxy.deepcheck.tap import TextTap
from safeproxy.errors import PolicyViolation
from safeproxy.exchange.state import Exchange
from safeproxy.upstream.sse import SSEEvent


class StreamGate:
    def __init__(
        self,
        deep: DeepChecks,
        ex: Exchange,
        tap: TextTap,
        checks: list[tuple[CompiledCheck, str]],
        block_style: str,
        on_overflow: str = "block",
    ) -> None:
        self._deep = deep
        self._ex = ex
        self._tap = tap
        self._checks = checks
        self._block_style = block_style
        self._on_overflow = on_overflow
        steps = [c.spec.every_chars for c, _ in checks if c.spec.stream == "every_chars"]
        self._step = min(steps) if steps else None
        self._judged = 0  # characters of the reply judged clean so far
        self._held: list[SSEEvent] = []
        self.finished = False

    async def feed(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        if self._step is None and not self._tap.ended and not self._held:
            return events
        self._held += events
        if self._step is not None and self._tap.truncated:
            return self._overflow()
        if self._step is not None and self._tap.length - self._judged >= self._step:
            return await self._judge(final=False)
        return ()

    async def finish(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        self._held += events
        if self._step is not None and self._tap.truncated:
            return self._overflow()
        return await self._judge(final=True)

    def abort(self, violation: PolicyViolation) -> Sequence[SSEEvent]:
        """An output filter blocked the stream: what the gate holds was never judged, so it
        is dropped, and the stream ends as a block (a plain HTTP error if nothing went out)."""
        return self._block(violation)

    def _overflow(self) -> Sequence[SSEEvent]:
        # The reply outgrew what is kept for judging: past here it cannot be judged whole.
        if self._on_overflow == "release":
            self._ex.degraded.append("deep_check:holdback_overflow_released")
            self._step = None  # what follows flows unjudged, as recorded
            out, self._held = self._held, []
            return out
        return self._block(
            PolicyViolation("deep_check.too_long", ("deep_check",), outcome="blocked_output")
        )

    async def _judge(self, *, final: bool) -> Sequence[SSEEvent]:
        text = self._tap.text
        blocked: PolicyViolation | None = None
        for check, reason in self._checks:
            if not final and check.spec.stream != "every_chars":
                continue
            outcome = await self._deep.judge_stream(self._ex, check, text)
            closed = outcome.verdict == "error" and check.judge.settings.on_error == "closed"
            # One record per check: the verdict that stopped the stream, or the last one.
            # A step judged uncertain, or failed open, goes on: the final verdict judges
            # the whole reply.
            if final or outcome.verdict == "unsafe" or closed:
                try:
                    self._deep.decide_stream(self._ex, check, reason, outcome)
                except PolicyViolation as exc:
                    blocked = exc
                    break
        if blocked is not None:
            return self._block(blocked)
        self._judged = self._tap.length
        out, self._held = self._held, []
        return out

    def _block(self, violation: PolicyViolation) -> list[SSEEvent]:
        self.finished = True
        self._held = []
        self._ex.outcome = violation.outcome
        if not self._ex.response_started:
            raise violation  # nothing went out: a plain HTTP error
        if self._tap.schema is not None:  # the agent APIs end a stream their own way
            return self._tap.schema.block(violation, self._block_style == "error_event")
        if self._block_style == "error_event":
            return [SSEEvent(violation.body().decode())]
        choices: list[dict[str, Any]] = []
        for index in self._tap.choices or [0]:
            choice: dict[str, Any] = {"index": index, "finish_reason": "content_filter"}
            if self._tap.completions:
                choice["text"] = ""
            else:
                choice["delta"] = {}
            choices.append(choice)
        final = orjson.dumps({**self._tap.template, "choices": choices}).decode()
        return [SSEEvent(final), SSEEvent("[DONE]")]
