"""The per-response hook seam: where output filtering plugs into a streamed reply."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from safeproxy.models import Exchange
from safeproxy.upstream.sse import SSEEvent


class ResponseHook(Protocol):
    """Opened once per upstream response; sees every event in order.

    `on_event` returns the events to send now (possibly none, while it holds text back);
    `on_end` runs once when the upstream stream ends and must release or drop what it held.
    `on_json` sees a non-streamed reply body; it returns None to send the upstream's bytes
    unchanged, or the (new) body to serialise and send instead.
    """

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]: ...

    def on_end(self) -> Sequence[SSEEvent]: ...

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None: ...


HookFactory = Callable[[Exchange], ResponseHook]


class PassThrough:
    """The empty chain: every event goes out as it came in."""

    __slots__ = ()

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        return (event,)

    def on_end(self) -> Sequence[SSEEvent]:
        return ()

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        return None


def pass_through(exchange: Exchange) -> ResponseHook:
    return PassThrough()
