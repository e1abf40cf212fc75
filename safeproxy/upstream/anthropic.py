"""Anthropic's Messages API (`POST /v1/messages`): model view, reply text, stream events, errors.

The model view: `system` (a string or text blocks); each message's content (a string or
blocks: `text`, `tool_use` names and every string of their `input`, `tool_result` content,
`thinking`, plain-text `document` sources and their titles); and every string of the tool
definitions. A block type that may carry text the proxy cannot read is refused
(`uninspectable_input`). Replies: `text` blocks, every string of `tool_use` input, `thinking`.

Streams: `content_block_delta` events carry `text_delta`, `input_json_delta` (a tool call's
input as JSON text) and `thinking_delta`; each content block has its own hold-back window,
and held text goes out before the block's `content_block_stop`. A block mid-stream closes
the open content blocks and ends the message with `stop_reason: "refusal"` (what Anthropic's
own safety stop sends, and what its SDK types name) and `message_stop`; with the policy's
`block_style: error_event` it is an `error` event instead.

Errors use Anthropic's shape, `{"type": "error", "error": {"type": ..., "message": ...}}`,
with the status codes the anthropic SDK maps to its exception classes; the proxy's own code
(and a violation's reason and finding types) ride along as extra fields.
"""

from __future__ import annotations

from typing import Any

import orjson

from safeproxy.errors import BadRequest, PolicyViolation, ProxyError
from safeproxy.upstream.events import Reading, TextKey, TextRef
from safeproxy.upstream.openai import Kind, Uninspectable, check_shape, strings, text_slot
from safeproxy.upstream.slot import Slot
from safeproxy.upstream.sse import SSEEvent

# Anthropic's error type per status (docs.anthropic.com, "Errors").
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 405: "invalid_request_error",
                408: "invalid_request_error", 413: "request_too_large",
                415: "invalid_request_error", 429: "rate_limit_error", 503: "overloaded_error",
                529: "overloaded_error"}  # fmt: skip
# Content blocks that carry no text the filters could read (images, opaque or server blocks).
_NO_TEXT_BLOCKS = frozenset(
    {"image", "redacted_thinking", "server_tool_use", "web_search_tool_result"}
)
# Stream deltas: delta type -> the field holding its text.
_DELTAS = {"text_delta": "text", "input_json_delta": "partial_json", "thinking_delta": "thinking"}
# Block types whose text a content_block_start may already hold -> (delta type, field).
_STARTS = {"text": ("text_delta", "text"), "thinking": ("thinking_delta", "thinking")}
_QUIET_DELTAS = frozenset({"signature_delta", "citations_delta"})


class MessagesApi:
    """upstream/wire.py's WireApi for `/v1/messages`."""

    __slots__ = ()

    def check_shape(self, body: dict[str, Any], max_messages: int) -> str:
        model = check_shape(Kind.MESSAGES, body, max_messages)
        system = body.get("system")
        if system is not None and not isinstance(system, (str, list)):
            raise BadRequest("'system' must be a string or an array", param="system")
        if isinstance(system, list):
            _check_blocks(system, "system")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest("'messages' must be a non-empty array", param="messages")
        if len(messages) > max_messages:
            raise BadRequest(f"'messages' has more than {max_messages} items", param="messages")
        for i, msg in enumerate(messages):
            if not isinstance(msg, dict) or not isinstance(msg.get("role"), str):
                raise BadRequest("each message needs a string 'role'", param=f"messages.{i}")
            content = msg.get("content")
            if isinstance(content, list):
                _check_blocks(content, f"messages.{i}.content")
            elif not isinstance(content, str):
                raise BadRequest(
                    "'content' must be a string or an array", param=f"messages.{i}.content"
                )
        return model

    def request_slots(self, body: dict[str, Any]) -> list[Slot]:
        slots: list[Slot] = []
        system = body.get("system")
        if isinstance(system, str):
            slots.append(Slot(body, "system"))
        elif isinstance(system, list):
            _blocks(slots, system, "system")
        for i, msg in enumerate(body.get("messages") or ()):
            if isinstance(msg.get("content"), str):
                slots.append(Slot(msg, "content"))
            else:
                _blocks(slots, msg["content"], f"messages.{i}.content")
        if "tools" in body:
            strings(slots, body, "tools")
        return slots

    def reply_slots(self, body: dict[str, Any]) -> list[Slot]:
        slots: list[Slot] = []
        content = body.get("content")
        for block in content if isinstance(content, list) else ():
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            if kind == "text":
                text_slot(slots, block, "text")
            elif kind == "thinking":
                text_slot(slots, block, "thinking")
            elif kind == "tool_use" and "input" in block:
                strings(slots, block, "input")
        return slots

    def reply_part(self, payload: dict[str, Any]) -> Any:
        message = payload.get("message")
        return message if isinstance(message, dict) else payload

    def error_body(self, exc: ProxyError) -> bytes:
        error: dict[str, Any] = {
            "type": _ERROR_TYPES.get(exc.status, "api_error"),
            "message": exc.message,
            "code": exc.code,
        }
        if isinstance(exc, PolicyViolation):
            error["reason"] = exc.reason
            error["findings"] = list(exc.types)
        return orjson.dumps({"type": "error", "error": error})

    def error_event(self, exc: ProxyError) -> bytes:
        return b"event: error\ndata: " + self.error_body(exc) + b"\n\n"

    def event_schema(self) -> MessagesEvents:
        return MessagesEvents()

    def turns(self, body: dict[str, Any]) -> int | None:
        messages = body.get("messages")
        return len(messages) if isinstance(messages, list) else None

    @property
    def token_cap(self) -> str:
        return "max_tokens"  # required by the API: never unbounded


MESSAGES_API = MessagesApi()


def _check_blocks(blocks: list[Any], where: str) -> None:
    for j, block in enumerate(blocks):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise BadRequest("each content block must be an object with a 'type'",
                             param=f"{where}.{j}")  # fmt: skip
        content = block.get("content")
        if block["type"] == "tool_result" and content is not None:
            if isinstance(content, list):
                _check_blocks(content, f"{where}.{j}.content")
            elif not isinstance(content, str):
                raise BadRequest("'content' must be a string or an array",
                                 param=f"{where}.{j}.content")  # fmt: skip


def _blocks(slots: list[Slot], blocks: list[Any], where: str) -> None:
    """The text of content blocks; text blocks of one array reach the model joined."""
    array = id(blocks)
    for j, block in enumerate(blocks):
        kind = block["type"]
        if kind == "text":
            if isinstance(block.get("text"), str):
                slots.append(Slot(block, "text", array))
        elif kind == "tool_use":
            text_slot(slots, block, "name")
            if "input" in block:
                strings(slots, block, "input")
        elif kind == "tool_result":
            content = block.get("content")
            if isinstance(content, str):
                slots.append(Slot(block, "content"))
            elif isinstance(content, list):
                _blocks(slots, content, f"{where}.{j}.content")
        elif kind == "thinking":
            text_slot(slots, block, "thinking")
        elif kind == "document":
            _document(slots, block, f"{where}.{j}")
        elif kind not in _NO_TEXT_BLOCKS:
            raise Uninspectable("a content block of this type cannot be inspected",
                                param=f"{where}.{j}")  # fmt: skip


def _document(slots: list[Slot], block: dict[str, Any], where: str) -> None:
    text_slot(slots, block, "title")
    text_slot(slots, block, "context")
    source = block.get("source")
    kind = source.get("type") if isinstance(source, dict) else None
    if kind == "text":
        assert isinstance(source, dict)
        text_slot(slots, source, "data")
    elif kind == "content":
        assert isinstance(source, dict)
        content = source.get("content")
        if isinstance(content, str):
            slots.append(Slot(source, "content"))
        elif isinstance(content, list):
            _blocks(slots, content, f"{where}.source.content")
    elif kind not in ("base64", "url", "file"):  # a PDF or an image: media, as chat's files
        raise Uninspectable("a document of this source cannot be inspected", param=where)


class MessagesEvents:
    """Anthropic's stream events (upstream/events.py's EventSchema)."""

    def passed(self) -> None:
        return None  # events carry no sequence numbers

    __slots__ = ("_open", "_output_tokens")

    def __init__(self) -> None:
        self._open: set[int] = set()  # content blocks started and not stopped
        self._output_tokens = 0

    def read(self, event: SSEEvent, payload: dict[str, Any]) -> Reading:
        kind = payload.get("type")
        index = payload.get("index")
        index = index if type(index) is int else 0
        if kind == "content_block_delta":
            delta = payload.get("delta")
            name = delta.get("type") if isinstance(delta, dict) else None
            field = _DELTAS.get(name) if isinstance(name, str) else None
            if field is None:
                return Reading(unknown=name not in _QUIET_DELTAS)
            assert isinstance(delta, dict) and isinstance(name, str)
            if not isinstance(delta.get(field), str):
                return Reading()
            return Reading(deltas=[TextRef((index, 0, name), delta, field)])
        if kind == "content_block_start":
            self._open.add(index)
            block = payload.get("content_block")
            if not isinstance(block, dict):
                return Reading()
            start = _STARTS.get(str(block.get("type")))
            if start is None or not isinstance(block.get(start[1]), str):
                return Reading()
            return Reading(snapshots=[TextRef((index, 0, start[0]), block, start[1])])
        if kind == "content_block_stop":
            self._open.discard(index)
            return Reading(ends=[(index, 0, name) for name in _DELTAS])
        if kind in ("message_delta", "message_stop"):
            usage = payload.get("usage")
            tokens = usage.get("output_tokens") if isinstance(usage, dict) else None
            if type(tokens) is int:
                self._output_tokens = tokens
            return Reading(ends_all=True)
        return Reading()

    def delta(self, key: TextKey, text: str) -> SSEEvent:
        index, _, name = key
        payload = {"type": "content_block_delta", "index": index,
                   "delta": {"type": name, _DELTAS[name]: text}}  # fmt: skip
        return SSEEvent(orjson.dumps(payload).decode(), "content_block_delta")

    def block(self, violation: ProxyError, error_event: bool) -> list[SSEEvent]:
        if error_event:
            return [SSEEvent(MESSAGES_API.error_body(violation).decode(), "error")]
        stop = "content_block_stop"
        out = [
            SSEEvent(orjson.dumps({"type": stop, "index": i}).decode(), stop)
            for i in sorted(self._open)
        ]
        self._open.clear()
        end = {"type": "message_delta", "delta": {"stop_reason": "refusal", "stop_sequence": None},
               "usage": {"output_tokens": self._output_tokens}}  # fmt: skip
        out.append(SSEEvent(orjson.dumps(end).decode(), "message_delta"))
        out.append(SSEEvent('{"type":"message_stop"}', "message_stop"))
        return out
