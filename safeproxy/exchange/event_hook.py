"""The output-filter hook for typed-event streams (the Responses API, Anthropic's Messages).

The API's EventSchema (upstream/events.py) says which text each event carries; this hook owns
the windows. Every text field (an output item's part, a content block) has its own hold-back
window (holdback.StreamRedactor), exactly as a chat choice's fields do (output_hook.py):
a delta's text is replaced by what its window releases; an event left with no text and
nothing else to say is skipped; held text goes out as a new delta event just before the event
that ends its field; a snapshot (`.done` events, the final response) carries what the client
was sent of its field. An event whose text went out whole and unchanged is the upstream's own
bytes. Non-text events and the item structure pass through, in order.

Events before the first released text wait with it (so that headers go out with checked
text, and a block before any is a plain HTTP error in the API's error shape); a block after
that ends the stream with the schema's own stop events.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import orjson

from safeproxy.exchange.held import HeldWindows
from safeproxy.exchange.state import Exchange
from safeproxy.exchange.whole import check_whole
from safeproxy.filters.chain import Clock
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.upstream.events import EventSchema, TextKey
from safeproxy.upstream.sse import SSEEvent
from safeproxy.upstream.wire import WireApi


class EventHook(HeldWindows[TextKey]):
    """One per upstream response of a typed-event API."""

    def __init__(
        self,
        policy: CompiledPolicy,
        ex: Exchange,
        api: WireApi,
        schema: EventSchema,
        clock: Clock = time.perf_counter,
    ) -> None:
        super().__init__(policy, ex, clock)
        self._api = api
        self._schema = schema
        # Per field: the upstream text fed to its window, and what the client was sent.
        self._fed: dict[TextKey, str] = {}
        self._sent: dict[TextKey, str] = {}

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        slots = self._api.reply_slots(body)
        return body if check_whole(self._stage, self._ex, slots, self._clock) else None

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        return [o for e in events for o in self.on_event(e)]

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        try:
            return self._on_event(event)
        finally:
            self._schema.passed()

    def _on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        try:
            payload = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            self._ex.degraded.append("output:unreadable_event")
            return ()
        if not isinstance(payload, dict):
            self._ex.degraded.append("output:unreadable_event")
            return ()
        started = self._clock()
        reading = self._schema.read(event, payload)
        if reading.unknown:
            self._seconds += self._clock() - started
            self._ex.degraded.append("output:unreadable_event")
            return ()
        out: list[SSEEvent] = []
        rewrote = reading.scrubbed
        ending = set(reading.ends)
        if reading.ends_all:
            ending.update(self._windows)
        # An event that only carried deltas, all of them held: it has nothing left to say.
        silent = bool(reading.deltas) and not reading.snapshots
        for ref in reading.deltas:
            given = ref.holder[ref.field]
            text = self._feed(ref.key, given)
            if ref.key in ending:
                ending.discard(ref.key)
                text += self._end(ref.key)
            ref.holder[ref.field] = text
            rewrote |= text != given
            silent &= not text and bool(given)
        for ref in reading.snapshots:
            self._snapshot(ref.key, ref.holder[ref.field], ref.key in ending, out)
            ending.discard(ref.key)
        for key in sorted(ending):
            if key in self._windows:
                self._emit(key, self._end(key), out)
        for ref in reading.snapshots:
            sent = self._sent.get(ref.key, "")
            if ref.holder[ref.field] != sent:
                ref.holder[ref.field] = sent
                rewrote = True
        self._seconds += self._clock() - started
        if self._blocked():
            return self._block()
        if silent:
            return self._after_text(out)
        # Held text written before this event (its number taken, this one renumbered).
        rewrote |= bool(out)
        if rewrote:
            event = SSEEvent(orjson.dumps(payload).decode(), event.event, event.id, event.retry)
        out.append(event)
        return self._after_text(out)

    def on_end(self) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        out: list[SSEEvent] = []
        for key in sorted(self._windows):
            self._emit(key, self._end(key), out)
        if self._blocked():
            return self._block()
        self.finished = True
        self._record()
        out, self._stash = [*self._stash, *out], []
        return out

    # --- internals -----------------------------------------------------------------------

    def _snapshot(self, key: TextKey, text: str, ends: bool, out: list[SSEEvent]) -> None:
        """A field's whole text so far: feed what its window has not seen; the new release
        goes out as a delta when the client follows the field by deltas (else the snapshot
        itself carries it)."""
        fed = self._fed.get(key, "")
        known = key in self._windows
        if not text.startswith(fed):
            # The upstream contradicts its own deltas: the client keeps what it was sent.
            self._ex.degraded.append("output:snapshot_mismatch")
            released = self._end(key) if ends and known else ""
        else:
            released = self._feed(key, text[len(fed) :]) if len(text) > len(fed) else ""
            if ends:
                released += self._end(key)
        if known:
            self._emit(key, released, out)
        else:
            self._says(released)

    def _emit(self, key: TextKey, text: str, out: list[SSEEvent]) -> None:
        """Held text of a field the client follows by deltas, as a new delta event."""
        if self._says(text):
            out.append(self._schema.delta(key, text))

    def _feed(self, key: TextKey, text: str) -> str:
        window = self._window(key)
        self._fed[key] = self._fed.get(key, "") + text
        try:
            released = window.feed(text)
        except Exception:
            released = self._failed(text)
        self._sent[key] = self._sent.get(key, "") + released
        self._says(released)
        return released

    def _end(self, key: TextKey) -> str:
        window = self._windows.get(key)
        if window is None:
            return ""
        try:
            tail = window.end()
        except Exception:
            tail = self._failed("")
        self._sent[key] = self._sent.get(key, "") + tail
        return tail

    def _block(self) -> list[SSEEvent]:
        self.finished = True
        self._record()
        assert self.violation is not None
        self._ex.outcome = self.violation.outcome
        style = self._policy.stream.block_style == "error_event"
        return self._schema.block(self.violation, style)
