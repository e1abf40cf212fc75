"""The output-filter hook: a policy's output stage applied to a reply, streamed or whole.

Streams: each text field of each choice (`delta.content`, `delta.refusal`, every tool
call's `function.arguments`, completions' `text`) has its own hold-back window
(holdback.StreamRedactor). Chunks keep the upstream's framing and non-text fields; their
text is replaced by what the window releases, and a chunk left with nothing to say is
skipped. Held text goes out with the choice's final chunk, or in chunks made from the
last chunk's id and model when the stream ends. `logprobs` are dropped while output
filters run: they spell out the very tokens that were held or cut.

A block before any byte was sent becomes an HTTP error (the relay raises `violation`);
after that the stream ends with finish_reason "content_filter" and [DONE], or with an
in-band error event (`block_style: error_event`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import orjson

from safeproxy.errors import PolicyViolation
from safeproxy.filters.api import Action, FilterRecord, Finding, Mode
from safeproxy.filters.chain import Clock, run_stage
from safeproxy.filters.holdback import StreamRedactor
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.filters.view import reply_slots
from safeproxy.models import Exchange
from safeproxy.upstream.sse import SSEEvent

_TEMPLATE_KEYS = ("id", "object", "created", "model", "system_fingerprint")
# Text fields of a chat delta the client shows; reasoning models (vLLM, DeepSeek, OpenRouter)
# stream their reasoning as `reasoning_content` or `reasoning`.
TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")
FieldKey = tuple[int, str, int]  # (choice index, field, tool-call index)


class OutputHook:
    """One per upstream response (like an Envoy filter instance per stream)."""

    def __init__(
        self, policy: CompiledPolicy, ex: Exchange, clock: Clock = time.perf_counter
    ) -> None:
        self._policy = policy
        self._stage = policy.output
        self._ex = ex
        self._clock = clock
        self._windows: dict[FieldKey, StreamRedactor] = {}
        self._template: dict[str, Any] = {}
        self._completions = False
        self._seconds = 0.0
        self._error: str | None = None
        self.finished = False
        self.violation: PolicyViolation | None = None
        # Whether any model text went out: a block after that ends the stream in-band.
        self.released = False
        # Chunks without text (the role chunk) wait for the first text, so that headers go
        # out with checked text and a block before it is always a plain HTTP error.
        self._stash: list[SSEEvent] = []

    # --- whole replies -------------------------------------------------------------------

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        slots = reply_slots(body)
        result = run_stage(self._stage, [s.get() for s in slots], self._clock)
        self._ex.filter_records += result.records
        self._ex.degraded += result.degraded
        if result.blocked:
            outcome = "filter_error" if result.reason == "filter_error" else "blocked_output"
            raise PolicyViolation(result.reason or "blocked", result.types, outcome=outcome)
        if not result.changed:
            return None
        for slot, text in zip(slots, result.texts, strict=True):
            if text is not None:
                slot.set(text)
        for choice in body.get("choices") or ():
            if isinstance(choice, dict) and choice.get("logprobs") is not None:
                choice["logprobs"] = None
        self._ex.outcome = "redacted"
        return body

    # --- streams -------------------------------------------------------------------------

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        if event.data.strip() == "[DONE]":
            return [*self._flush_all(), event]  # _flush_all hands over any stash
        try:
            chunk = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            # Text we cannot read does not reach the client unread.
            self._ex.degraded.append("output:unreadable_event")
            return ()
        choices = chunk.get("choices") if isinstance(chunk, dict) else None
        if not isinstance(choices, list) or not choices:
            return self._after_text([event])  # usage, upstream errors: no model text
        for key in _TEMPLATE_KEYS:
            if key in chunk:
                self._template[key] = chunk[key]
        started = self._clock()
        out: list[SSEEvent] = []
        keep = False
        for pos, choice in enumerate(choices):
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", pos)
            index = index if isinstance(index, int) else pos
            final = choice.get("finish_reason") is not None
            if final:
                out += self._flush_choice(index, skip=_fields_of(choice))
            keep |= self._filter_choice(index, choice, final)
            choice.pop("logprobs", None)
        self._seconds += self._clock() - started
        if self._blocked():
            return self._block()
        if keep:
            out.append(SSEEvent(orjson.dumps(chunk).decode(), event.event, event.id, event.retry))
        return self._after_text(out)

    def _after_text(self, out: list[SSEEvent]) -> list[SSEEvent]:
        if not self.released:
            self._stash += out
            return []
        if self._stash:
            out, self._stash = [*self._stash, *out], []
        return out

    def _says(self, text: str) -> bool:
        if text:
            self.released = True
            return True
        return False

    def on_end(self) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        return self._flush_all()

    # --- internals -----------------------------------------------------------------------

    def _filter_choice(self, index: int, choice: dict[str, Any], final: bool) -> bool:
        """Replace each text field by what its window releases; True if the chunk says
        anything (text, a role, a tool call's id or name, a finish reason)."""
        says = final
        if isinstance(choice.get("text"), str):
            self._completions = True
            choice["text"] = self._feed((index, "text", 0), choice["text"], final)
            says |= self._says(choice["text"])
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            return says
        for name in TEXT_FIELDS:
            if isinstance(delta.get(name), str):
                delta[name] = self._feed((index, name, 0), delta[name], final)
                says |= self._says(delta[name])
        says |= any(k not in TEXT_FIELDS and k != "tool_calls" for k in delta)
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for pos, call in enumerate(calls):
                fn = call.get("function") if isinstance(call, dict) else None
                k = call.get("index", pos) if isinstance(call, dict) else pos
                if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                    fn["arguments"] = self._feed((index, "tool", k), fn["arguments"], final)
                    says |= self._says(fn["arguments"])
                says |= isinstance(call, dict) and bool(call.get("id") or (fn or {}).get("name"))
        return says

    def _feed(self, key: FieldKey, text: str, final: bool) -> str:
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
        try:
            return window.feed(text) + (window.end() if final else "")
        except Exception:
            return self._failed(text)

    def _failed(self, text: str) -> str:
        self._error = "exception"
        if any(
            s.on_error == "closed" and s.mode is Mode.ENFORCE for s in self._stage.specs.values()
        ):
            self.violation = PolicyViolation("filter_error", (), outcome="filter_error")
            return ""
        self._ex.degraded.append("output:exception")
        return text

    def _flush_choice(self, index: int, skip: set[FieldKey] = frozenset()) -> list[SSEEvent]:  # type: ignore[assignment]
        out: list[SSEEvent] = []
        for key, window in list(self._windows.items()):
            if key[0] != index or key in skip:
                continue
            try:
                tail = window.end()
            except Exception:
                tail = self._failed("")
            if self._says(tail):
                out.append(self._synthetic(key, tail))
        return out

    def _flush_all(self) -> list[SSEEvent]:
        out: list[SSEEvent] = []
        for index in sorted({k[0] for k in self._windows}):
            out += self._flush_choice(index)
        if self._blocked():
            return self._block()
        self.finished = True
        self._record()
        out, self._stash = [*self._stash, *out], []
        return out

    def _synthetic(self, key: FieldKey, text: str) -> SSEEvent:
        index, name, k = key
        choice: dict[str, Any] = {"index": index, "finish_reason": None}
        if name == "text":
            choice["text"] = text
        elif name == "tool":
            choice["delta"] = {"tool_calls": [{"index": k, "function": {"arguments": text}}]}
        else:
            choice["delta"] = {name: text}
        return SSEEvent(orjson.dumps({**self._template, "choices": [choice]}).decode())

    def _blocked(self) -> bool:
        if self.violation is not None:
            return True
        windows = [w for w in self._windows.values() if w.blocked]
        if not windows:
            return False
        findings = [f for w in windows for f in w.findings if self._stage.effects.blocks(f)]
        types = tuple(sorted({f.type for f in findings}))
        reason = types[0] if types else "stream.holdback_overflow"
        self.violation = PolicyViolation(reason, types, outcome="blocked_output")
        return True

    def _block(self) -> list[SSEEvent]:
        self.finished = True
        self._record()
        assert self.violation is not None
        self._ex.outcome = self.violation.outcome
        if self._policy.stream.block_style == "error_event":
            return [SSEEvent(self.violation.body().decode())]
        indexes = sorted({k[0] for k in self._windows}) or [0]
        choices: list[dict[str, Any]] = []
        for index in indexes:
            choice: dict[str, Any] = {"index": index, "finish_reason": "content_filter"}
            if self._completions:
                choice["text"] = ""
            else:
                choice["delta"] = {}
            choices.append(choice)
        final = SSEEvent(orjson.dumps({**self._template, "choices": choices}).decode())
        return [final, SSEEvent("[DONE]")]

    def _record(self) -> None:
        findings = [f for w in self._windows.values() for f in w.findings]
        overflows = sum(w.overflows for w in self._windows.values())
        self._ex.filter_records += records_for(
            self._stage.specs, findings, self._seconds, self._error
        )
        if overflows and self._policy.stream.on_overflow == "release":
            self._ex.degraded.append("output:holdback_overflow_released")
        if self._ex.outcome == "allowed" and any(self._stage.effects.cuts(f) for f in findings):
            self._ex.outcome = "redacted"


def records_for(
    specs: Any, findings: list[Finding], seconds: float, error: str | None
) -> list[FilterRecord]:
    out: list[FilterRecord] = []
    for name, spec in specs.items():
        mine = [f for f in findings if f.filter == name]
        verdict = Action.CONTINUE
        if mine:
            verdict = {"block": Action.BLOCK, "redact": Action.REWRITE}.get(
                spec.action, Action.CONTINUE
            )
        action = verdict if spec.mode is Mode.ENFORCE else Action.CONTINUE
        types = tuple(sorted({f.type for f in mine}))
        out.append(
            FilterRecord(
                name, "output", action, verdict, spec.mode, types, len(mine), error, seconds
            )
        )
    return out


def _fields_of(choice: dict[str, Any]) -> set[FieldKey]:
    """The windows a final chunk flushes itself (its own fields); others need a chunk."""
    index = choice.get("index", 0)
    keys: set[FieldKey] = set()
    if isinstance(choice.get("text"), str):
        keys.add((index, "text", 0))
    delta = choice.get("delta")
    if isinstance(delta, dict):
        for name in TEXT_FIELDS:
            if isinstance(delta.get(name), str):
                keys.add((index, name, 0))
        for pos, call in enumerate(delta.get("tool_calls") or ()):
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                keys.add((index, "tool", call.get("index", pos)))
    return keys
