"""The per-API seam: what the proxy must know of a wire format to inspect it.

Each API the proxy inspects (OpenAI's chat/completions/embeddings, OpenAI's Responses,
Anthropic's Messages) answers the same questions through one `WireApi`: its shape check,
the model view of a request (slots), the text of a whole reply (slots), where a stream event
carries the model name and token usage, its error shape, and, for APIs whose streams are
typed events rather than chat chunks, an `EventSchema` that reads text deltas out of events
and writes events back. The pipeline, the guard, the relay and the output hooks consume this
interface; none of them asks which API it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol

from safeproxy.errors import ProxyError
from safeproxy.upstream import anthropic, responses
from safeproxy.upstream.events import EventSchema
from safeproxy.upstream.openai import OPENAI_APIS, Kind
from safeproxy.upstream.slot import Slot


class WireApi(Protocol):
    """What the pipeline knows of one API (stateless; one instance serves every request)."""

    def check_shape(self, body: dict[str, Any], max_messages: int) -> str:
        """Validate the fields the proxy relies on; returns the model. Raises BadRequest."""
        ...

    def request_slots(self, body: dict[str, Any]) -> list[Slot]:
        """Every text the model will see. Raises Uninspectable for text it cannot read."""
        ...

    def reply_slots(self, body: dict[str, Any]) -> list[Slot]:
        """Every text of a whole reply the client will see."""
        ...

    def reply_part(self, payload: dict[str, Any]) -> Any:
        """The object of a stream event (or a whole reply) that holds `model` and `usage`."""
        ...

    def error_body(self, exc: ProxyError) -> bytes:
        """An error reply's body in this API's error shape."""
        ...

    def error_event(self, exc: ProxyError) -> bytes:
        """An in-band error (after headers went out), encoded as this API's SSE event."""
        ...

    def event_schema(self) -> EventSchema | None:
        """A new stream reader for typed-event streams; None for chat-completions chunks."""
        ...

    def turns(self, body: dict[str, Any]) -> int | None:
        """How many messages or input items the request holds (a policy's max_messages);
        None where the API has no such list."""
        ...

    @property
    def token_cap(self) -> str | None:
        """The request key that caps the reply's tokens (a policy's max_tokens gives it to
        an unbounded generation); None for an API that generates no text."""
        ...


# Every kind's adapter; the request path indexes it (a lookup, no call of its own).
WIRE_APIS: Mapping[Kind, WireApi] = MappingProxyType(
    {**OPENAI_APIS, Kind.RESPONSES: responses.RESPONSES_API, Kind.MESSAGES: anthropic.MESSAGES_API}
)


def wire_api(kind: Kind) -> WireApi:
    """The adapter of an endpoint kind."""
    return WIRE_APIS[kind]
