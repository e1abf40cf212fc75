"""The per-response hook seam: where output filtering plugs into a streamed reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from safeproxy.errors import PolicyViolation
from safeproxy.upstream.sse import SSEEvent


class ResponseHook(Protocol):
    """Opened once per upstream response; sees every event in order.

    `on_event` returns the events to send now (possibly none, while it holds text back);
    `on_end` runs once when the upstream stream ends and must release or drop what it held.
    `on_json` sees a non-streamed reply body; it returns None to send the upstream's bytes
    unchanged, or the (new) body to serialise and send instead, or raises PolicyViolation.
    """

    @property
    def finished(self) -> bool:
        """True once the hook ended the stream itself (a block): the relay stops reading."""
        ...

    @property
    def violation(self) -> PolicyViolation | None:
        """Set when output was blocked; before any byte was sent it becomes the HTTP error."""
        ...

    @property
    def released(self) -> bool:
        """Whether any model text was released; a block before that is a plain HTTP error."""
        ...

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]: ...

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        """The events of one read, in order (a hook may treat them as one batch)."""
        ...

    def on_end(self) -> Sequence[SSEEvent]: ...

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None: ...


class PassThrough:
    """The empty chain: every event goes out as it came in."""

    __slots__ = ()
    finished = False
    violation: PolicyViolation | None = None
    released = True

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        return (event,)

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        return events

    def on_end(self) -> Sequence[SSEEvent]:
        return ()

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        return None


class StreamGate(Protocol):
    """An async stage after the hook, for checks that must await (a sync deep check).

    `feed` gets the events the hook released and returns those to send now; `finish`
    gets the hook's tail and returns the stream's last events. Either may raise
    PolicyViolation while nothing was sent yet; `finished` says it ended the stream.
    """

    finished: bool

    async def feed(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]: ...

    async def finish(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]: ...

    def abort(self, violation: PolicyViolation) -> Sequence[SSEEvent]:
        """The hook blocked the stream: drop what is held (it was never judged) and end
        the stream; raises `violation` when nothing went out yet."""
        ...


# Runs after a whole reply passed the hook, before it is sent; may raise PolicyViolation.
ReplyCheck = Callable[[], Awaitable[None]]


class WrappedHook:
    """A hook around another (a tap): the relay's questions go to the inner hook."""

    def __init__(self, inner: ResponseHook) -> None:
        self._inner = inner

    @property
    def finished(self) -> bool:
        return self._inner.finished

    @property
    def violation(self) -> PolicyViolation | None:
        return self._inner.violation

    @property
    def released(self) -> bool:
        return self._inner.released
