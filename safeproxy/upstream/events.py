"""Typed-event streams (the Responses API's and Anthropic's): how a schema reports the text
of one event to the output hook, and writes events back (upstream/wire.py's EventSchema)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from safeproxy.errors import ProxyError
from safeproxy.upstream.sse import SSEEvent

# A stream's text field: (item index, part index, field name), as the API numbers them.
TextKey = tuple[int, int, str]


class TextRef(NamedTuple):
    """One text field in a parsed event: `holder[field]` is a str."""

    key: TextKey
    holder: Any  # dict[str, Any] | list[Any]
    field: Any  # str | int


class Reading(NamedTuple):
    """What one stream event says about text.

    `deltas`: text increments of a field (the window is fed them, in place).
    `snapshots`: a field's whole text so far (a `.done` event, a final response object): the
    hook writes back what the client was sent of that field, so a snapshot never carries text
    the filters held or cut. `ends`: fields complete after this event (their held text goes
    out first); `ends_all` ends every field. `scrubbed`: the schema changed the payload itself
    (dropped logprobs), so it must be serialised again. `unknown`: the event carries text the
    schema cannot place (a new event type), so it is not relayed unread.
    """

    deltas: Sequence[TextRef] = ()
    snapshots: Sequence[TextRef] = ()
    ends: Sequence[TextKey] = ()
    ends_all: bool = False
    scrubbed: bool = False
    unknown: bool = False


class EventSchema(Protocol):
    """One stream's reader and writer of typed events (stateful: one per response)."""

    def read(self, event: SSEEvent, payload: dict[str, Any]) -> Reading:
        """The text this event carries; also notes what later writes need (ids, numbers)."""
        ...

    def delta(self, key: TextKey, text: str) -> SSEEvent:
        """A new event carrying `text` as the next increment of field `key`; it goes out
        before the event in hand, if any (see `passed`)."""
        ...

    def passed(self) -> None:
        """The event last read went out (or was dropped): a later `delta` follows it."""
        ...

    def block(self, violation: ProxyError, error_event: bool) -> list[SSEEvent]:
        """The events that end a stream the output filters blocked, the way this API's
        clients understand a safety stop (`error_event`: the policy asked for an error)."""
        ...
