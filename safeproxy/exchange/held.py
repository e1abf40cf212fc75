"""What both stream output hooks share (output_hook.py for chat chunks, event_hook.py for
typed events): the hold-back windows of one reply's text fields, the events that wait for
the first released text, the block decision, and the reply's filter records."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from safeproxy.errors import PolicyViolation
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import Action, FilterRecord, Finding, Mode, OnError
from safeproxy.filters.chain import Clock
from safeproxy.filters.holdback import StreamRedactor
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.filters.stage import FilterSpec
from safeproxy.upstream.sse import SSEEvent

K = TypeVar("K", bound=Hashable)


class HeldWindows(Generic[K]):
    """One per streamed reply: a window per text field (keyed as the API numbers fields)."""

    def __init__(self, policy: CompiledPolicy, ex: Exchange, clock: Clock) -> None:
        self._policy = policy
        self._stage = policy.output
        self._ex = ex
        self._clock = clock
        self._windows: dict[K, StreamRedactor] = {}
        self._seconds = 0.0
        self._error: str | None = None
        self.finished = False
        self.violation: PolicyViolation | None = None
        # Whether any model text went out: a block after that ends the stream in-band.
        self.released = False
        # Events before the first text wait for it, so that headers go out with checked
        # text and a block before it is always a plain HTTP error.
        self._stash: list[SSEEvent] = []

    def _window(self, key: K) -> StreamRedactor:
        window = self._windows.get(key)
        if window is None:
            stream = self._policy.stream
            window = self._windows[key] = StreamRedactor(
                self._stage.finder,
                self._stage.effects,
                context_chars=stream.context_chars,
                max_pending_chars=stream.max_pending_chars,
                on_overflow=stream.on_overflow,
            )
        return window

    def _says(self, text: str) -> bool:
        if text:
            self.released = True
            return True
        return False

    def _failed(self, text: str) -> str:
        """A window raised: fail closed (a block) if a filter says so, else pass `text`."""
        self._error = "exception"
        if any(
            s.on_error is OnError.CLOSED and s.mode is Mode.ENFORCE
            for s in self._stage.specs.values()
        ):
            self.violation = PolicyViolation("filter_error", (), outcome="filter_error")
            return ""
        self._ex.degraded.append("output:exception")
        return text

    def _after_text(self, out: list[SSEEvent]) -> list[SSEEvent]:
        if not self.released:
            self._stash += out
            return []
        if self._stash:
            out, self._stash = [*self._stash, *out], []
        return out

    def _blocked(self) -> bool:
        if self.violation is not None:
            return True
        # Asked after every event: a loop, not a list, for the usual answer (none is).
        for w in self._windows.values():
            if w.blocked:
                break
        else:
            return False
        windows = [w for w in self._windows.values() if w.blocked]
        findings = [f for w in windows for f in w.findings if self._stage.effects.blocks(f)]
        types = tuple(sorted({f.type for f in findings}))
        reason = types[0] if types else "stream.holdback_overflow"
        self.violation = PolicyViolation(reason, types, outcome="blocked_output")
        return True

    def _record(self) -> None:
        ex = self._ex
        ex.output_checked = True
        findings = [f for w in self._windows.values() for f in w.findings]
        overflows = sum(w.overflows for w in self._windows.values())
        ex.holdback_chars = max((w.max_held for w in self._windows.values()), default=0)
        ex.filter_records.append(
            records_for(self._stage.specs, findings, self._error)
            if findings or self._error
            else self._stage.clean
        )
        ex.output_filter_s += self._seconds
        if overflows and self._policy.stream.on_overflow == "release":
            ex.degraded.append("output:holdback_overflow_released")
        if ex.outcome == "allowed" and any(self._stage.effects.cuts(f) for f in findings):
            ex.outcome = "redacted"


def records_for(
    specs: Mapping[str, FilterSpec], findings: list[Finding], error: str | None
) -> list[FilterRecord]:
    out: list[FilterRecord] = []
    for name, spec in specs.items():
        mine = [f for f in findings if f.filter == name]
        verdict = spec.action.verdict() if mine else Action.CONTINUE
        action = verdict if spec.mode is Mode.ENFORCE else Action.CONTINUE
        types = tuple(sorted({f.type for f in mine}))
        out.append(
            FilterRecord(
                name, "output", action, verdict, spec.mode, types, len(mine), error, tuple(mine)
            )
        )
    return out
