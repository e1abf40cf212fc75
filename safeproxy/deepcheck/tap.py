"""TextTap: a response hook around another that keeps the text the client was sent.

Output deep checks judge what the client actually got (after output filters), so the tap
reads each event *leaving* the inner hook. It parses events only for requests that need
their text (sampled, or risk-selectable later), never for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from safeproxy.deepcheck.turns import reply_text
from safeproxy.exchange.hooks import ResponseHook, WrappedHook
from safeproxy.exchange.output_hook import text_refs
from safeproxy.upstream.events import EventSchema
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEEvent
from safeproxy.upstream.wire import wire_api

_TEMPLATE_KEYS = ("id", "object", "created", "model", "system_fingerprint")


class TextTap(WrappedHook):
    def __init__(self, inner: ResponseHook, max_chars: int, kind: Kind = Kind.CHAT) -> None:
        super().__init__(inner)
        self._kind = kind
        # Typed-event streams (the agent APIs) are read by their API's schema; it also knows
        # how to end such a stream, for a gate that blocks it (deepcheck/stream_gate.py).
        self.schema: EventSchema | None = wire_api(kind).event_schema()
        # Per choice index: its text as it went out (every text field the output filters
        # read: content, refusal, reasoning, tool-call arguments, completions text).
        self._parts: dict[int, list[str]] = {}
        self._max = max_chars
        self.length = 0  # characters of reply text seen so far, over all choices
        self.truncated = False
        # Set once a choice finished (finish_reason) or the stream said [DONE].
        self.ended = False
        self.completions = False
        self.template: dict[str, Any] = {}

    @property
    def choices(self) -> list[int]:
        return sorted(self._parts)

    @property
    def text(self) -> str:
        """The reply as the client got it; choices (n > 1) one after another."""
        return "\n\n".join("".join(self._parts[i]) for i in sorted(self._parts))

    def texts(self) -> list[str]:
        """Each choice's text, in choice order."""
        return ["".join(self._parts[i]) for i in sorted(self._parts)]

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        out = self._inner.on_event(event)
        for e in out:
            self._read(e)
        return out

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        out = self._inner.on_events(events)
        for e in out:
            self._read(e)
        return out

    def on_end(self) -> Sequence[SSEEvent]:
        out = self._inner.on_end()
        for e in out:
            self._read(e)
        return out

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        changed = self._inner.on_json(body)
        self._add(0, reply_text(changed if changed is not None else body, self._kind))
        self.ended = True
        return changed

    def _read(self, event: SSEEvent) -> None:
        if event.data.strip() == "[DONE]":
            self.ended = True
            return
        try:
            chunk = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            return
        if not isinstance(chunk, dict):
            return
        if self.schema is not None:
            reading = self.schema.read(event, chunk)
            for ref in reading.deltas:
                self._add(0, ref.holder[ref.field])
            self.ended |= reading.ends_all
            return
        for key in _TEMPLATE_KEYS:
            if key in chunk and key not in self.template:
                self.template[key] = chunk[key]
        for pos, choice in enumerate(chunk.get("choices") or ()):
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", pos)
            index = index if isinstance(index, int) and not isinstance(index, bool) else pos
            if choice.get("finish_reason") is not None:
                self.ended = True
            if isinstance(choice.get("text"), str):
                self.completions = True
            self._parts.setdefault(index, [])
            for _key, holder, field in text_refs(index, choice):
                self._add(index, holder[field])

    def _add(self, index: int, text: str) -> None:
        if not text:
            return
        room = self._max - self.length
        if room <= 0:
            self.truncated = True
            return
        if len(text) > room:
            text, self.truncated = text[:room], True
        self._parts.setdefault(index, []).append(text)
        self.length += len(text)
