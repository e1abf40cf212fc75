"""CaptureTap: a response hook around another that keeps the reply as the upstream sent it.

Replay re-scans what the model wrote with a candidate's output filters, so the tap reads
each event *entering* the inner hook, before any filter redacted or cut it, through the
deep checks' TextTap (which reads every text field the output filters read).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safeproxy.deepcheck.tap import TextTap
from safeproxy.exchange.hooks import PassThrough, ResponseHook, WrappedHook
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEEvent

# Reply text kept per request (all choices); the rest is cut and the record says so.
MAX_REPLY_CHARS = 1 << 20


class CaptureTap(WrappedHook):
    def __init__(
        self, inner: ResponseHook, max_chars: int = MAX_REPLY_CHARS, kind: Kind = Kind.CHAT
    ) -> None:
        super().__init__(inner)
        self._seen = TextTap(PassThrough(), max_chars, kind)

    @property
    def truncated(self) -> bool:
        return self._seen.truncated

    def texts(self) -> list[str]:
        """Each choice's text as the upstream sent it."""
        return self._seen.texts()

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        self._seen.on_event(event)
        return self._inner.on_event(event)

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        self._seen.on_events(events)
        return self._inner.on_events(events)

    def on_end(self) -> Sequence[SSEEvent]:
        return self._inner.on_end()

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        self._seen.on_json(body)  # before the inner hook: it may change the body in place
        return self._inner.on_json(body)
