"""OpenAI's Responses API (`POST /v1/responses`): its model view, reply text and stream events.

The model view: `instructions`; `input` as a string or as items (messages with content parts,
earlier `function_call` items with their names and arguments, `function_call_output` results,
reasoning summaries, custom tool calls and their outputs); and every string of the fields
rendered into the prompt (tool definitions with their schemas, the `text` format's schema, a
stored prompt's variables). An item type that may carry text the proxy cannot read is refused
(`uninspectable_input`), as chat's unknown content parts are.

Replies: the text of every output item (message `output_text` and `refusal` parts, function
call arguments, reasoning text and summaries, custom tool call input, MCP call arguments,
code interpreter code; audio transcripts on streams). Streams are typed events
(`response.output_text.delta`, `response.function_call_arguments.delta`, ...); their `.done`
events and the final response object repeat the whole text, which the output hook replaces
with what the client was sent (upstream/events.py).

A block mid-stream ends the stream with `response.incomplete` and
`incomplete_details.reason = "content_filter"` (the reason OpenAI gives for its own content
filter), or with an `error` event when the policy's `block_style` is `error_event`. Errors are
OpenAI's shape, which the openai SDK maps to its exception classes.
"""

from __future__ import annotations

from typing import Any

import orjson

from safeproxy.errors import BadRequest, ProxyError, error_event
from safeproxy.upstream.events import Reading, TextKey, TextRef
from safeproxy.upstream.openai import (
    Kind,
    Uninspectable,
    check_shape,
    parts,
    strings,
    text_slot,
)
from safeproxy.upstream.slot import Slot
from safeproxy.upstream.sse import SSEEvent

# Request fields rendered into the prompt: every string in them is text the model reads.
_RENDERED = ("tools", "text", "prompt")
# Input items that carry no text the model reads as such (references, tool actions, images).
_NO_TEXT_ITEMS = frozenset(
    {"item_reference", "image_generation_call", "web_search_call", "computer_call",
     "computer_call_output"}
)  # fmt: skip
# Stream fields: `response.<field>.delta` carries an increment in `delta`; the `.done` event
# repeats the whole text under the name given here.
_SNAPSHOT_FIELD = {
    "output_text": "text",
    "refusal": "refusal",
    "function_call_arguments": "arguments",
    "reasoning_text": "text",
    "reasoning_summary_text": "text",
    "custom_tool_call_input": "input",
    "mcp_call_arguments": "arguments",
    "code_interpreter_call_code": "code",
    "audio.transcript": "",  # its `.done` event repeats nothing
}
# `.delta` events whose string is not text (base64 audio): media, never read, as in requests.
_MEDIA_DELTAS = frozenset({"response.audio.delta"})
# Output items whose one text field streams as `response.<field>.delta`: type -> (field, key).
_ITEM_FIELDS = {
    "function_call": ("function_call_arguments", "arguments"),
    "custom_tool_call": ("custom_tool_call_input", "input"),
    "mcp_call": ("mcp_call_arguments", "arguments"),
    "code_interpreter_call": ("code_interpreter_call_code", "code"),
}
_PART_FIELDS = {"output_text": ("output_text", "text"), "refusal": ("refusal", "refusal"),
                "reasoning_text": ("reasoning_text", "text"),
                "summary_text": ("reasoning_summary_text", "text")}  # fmt: skip
_FINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})


class ResponsesApi:
    """upstream/wire.py's WireApi for `/v1/responses`."""

    __slots__ = ()

    def check_shape(self, body: dict[str, Any], max_messages: int) -> str:
        model = check_shape(Kind.RESPONSES, body, max_messages)
        instructions = body.get("instructions")
        if instructions is not None and not isinstance(instructions, str):
            raise BadRequest("'instructions' must be a string", param="instructions")
        items = body.get("input")
        if items is None or isinstance(items, str):
            return model
        if not isinstance(items, list):
            raise BadRequest("'input' must be a string or an array", param="input")
        if len(items) > max_messages:
            raise BadRequest(f"'input' has more than {max_messages} items", param="input")
        for i, item in enumerate(items):
            _check_item(item, f"input.{i}")
        return model

    def request_slots(self, body: dict[str, Any]) -> list[Slot]:
        slots: list[Slot] = []
        text_slot(slots, body, "instructions")
        items = body.get("input")
        if isinstance(items, str):
            slots.append(Slot(body, "input"))
        for i, item in enumerate(items if isinstance(items, list) else ()):
            _input_item(slots, item, f"input.{i}")
        for key in _RENDERED:
            if key in body:
                strings(slots, body, key)
        return slots

    def reply_slots(self, body: dict[str, Any]) -> list[Slot]:
        slots: list[Slot] = []
        text_slot(slots, body, "output_text")  # a convenience field some servers fill in
        output = body.get("output")
        for i, item in enumerate(output if isinstance(output, list) else ()):
            slots += [Slot(r.holder, r.field) for r in item_refs(item, i)]
        return slots

    def reply_part(self, payload: dict[str, Any]) -> Any:
        response = payload.get("response")
        return response if isinstance(response, dict) else payload

    def error_body(self, exc: ProxyError) -> bytes:
        return exc.body()

    def error_event(self, exc: ProxyError) -> bytes:
        return error_event(exc)  # `{"error": ...}`: the openai SDK raises APIError on it

    def event_schema(self) -> ResponsesEvents:
        return ResponsesEvents()

    def turns(self, body: dict[str, Any]) -> int | None:
        items = body.get("input")  # a string is one user message
        return len(items) if isinstance(items, list) else 1 if isinstance(items, str) else None

    @property
    def token_cap(self) -> str:
        return "max_output_tokens"


RESPONSES_API = ResponsesApi()


def _check_item(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise BadRequest("each input item must be an object", param=where)
    kind = item.get("type", "message")
    if not isinstance(kind, str):
        raise BadRequest("an input item's 'type' must be a string", param=f"{where}.type")
    if kind == "message":
        if not isinstance(item.get("role"), str):
            raise BadRequest("each message needs a string 'role'", param=f"{where}.role")
        if not isinstance(item.get("content"), (str, list)):
            raise BadRequest("'content' must be a string or an array", param=f"{where}.content")
    elif kind == "function_call":
        for key in ("name", "arguments"):
            if not isinstance(item.get(key), str):
                raise BadRequest(f"'{key}' must be a string", param=f"{where}.{key}")
    elif kind == "function_call_output" and not isinstance(item.get("output"), (str, list)):
        raise BadRequest("'output' must be a string or an array", param=f"{where}.output")


def _input_item(slots: list[Slot], item: dict[str, Any], where: str) -> None:
    kind = item.get("type", "message")
    if kind == "message":
        content = item["content"]
        if isinstance(content, str):
            slots.append(Slot(item, "content"))
        else:
            parts(slots, content, f"{where}.content")
    elif kind == "function_call":
        text_slot(slots, item, "name")
        text_slot(slots, item, "arguments")
    elif kind in ("function_call_output", "custom_tool_call_output"):
        output = item.get("output")
        if isinstance(output, list):
            parts(slots, output, f"{where}.output")
        else:
            text_slot(slots, item, "output")
    elif kind == "custom_tool_call":
        text_slot(slots, item, "input")
    elif kind == "reasoning":
        for field in ("summary", "content"):
            for part in item.get(field) or ():
                if isinstance(part, dict):
                    text_slot(slots, part, "text")
    elif kind not in _NO_TEXT_ITEMS:
        raise Uninspectable("an input item of this type cannot be inspected", param=where)


def item_refs(item: Any, index: int) -> list[TextRef]:
    """Every text field of one output item, keyed as its stream events number it."""
    refs: list[TextRef] = []
    if not isinstance(item, dict):
        return refs
    kind = item.get("type")
    named = _ITEM_FIELDS.get(kind) if isinstance(kind, str) else None
    if named is not None:
        _ref(refs, (index, 0, named[0]), item, named[1])
        if kind == "mcp_call":  # what the remote tool answered: whole, never streamed
            _ref(refs, (index, 1, "mcp_call_output"), item, "output")
    elif kind in ("message", "reasoning"):
        for field in ("content", "summary"):
            for j, part in enumerate(item.get(field) or ()):
                named = _PART_FIELDS.get(str(part.get("type"))) if isinstance(part, dict) else None
                if named is not None:
                    _ref(refs, (index, j, named[0]), part, named[1])
    return refs


def _ref(refs: list[TextRef], key: TextKey, holder: dict[str, Any], field: str) -> None:
    if isinstance(holder.get(field), str):
        refs.append(TextRef(key, holder, field))


class ResponsesEvents:
    """The Responses API's stream events (upstream/events.py's EventSchema)."""

    __slots__ = ("_in_hand", "_items", "_response", "_seq", "_shift")

    def __init__(self) -> None:
        self._items: dict[int, str] = {}  # output index -> item id, for events we write
        self._response: dict[str, Any] = {"object": "response"}
        self._seq = 0
        # Events this proxy wrote into the stream so far: every later upstream event's
        # sequence_number moves up by as many, so the client sees them strictly increasing.
        self._shift = 0
        # The upstream event being read, while held text may still go out before it.
        self._in_hand: dict[str, Any] | None = None

    def read(self, event: SSEEvent, payload: dict[str, Any]) -> Reading:
        reading = self._read(payload)
        seq = payload.get("sequence_number")
        if type(seq) is int:
            if self._shift:
                seq = payload["sequence_number"] = seq + self._shift
                reading = reading._replace(scrubbed=True)  # renumbered: written anew
            self._seq = seq
            self._in_hand = payload
        return reading

    def passed(self) -> None:
        self._in_hand = None

    def _read(self, payload: dict[str, Any]) -> Reading:
        kind = payload.get("type")
        if not isinstance(kind, str):
            return Reading()
        index = payload.get("output_index")
        index = index if type(index) is int else 0
        if kind.endswith(".delta") or kind.endswith(".done"):
            field = kind[9:].rpartition(".")[0]  # "response.<field>.delta"
            if field in _SNAPSHOT_FIELD:
                return self._field(payload, index, field, kind.endswith(".done"))
            if kind.endswith(".delta") and isinstance(payload.get("delta"), str):
                # Text we cannot place does not go out (base64 audio is not text).
                return Reading(unknown=kind not in _MEDIA_DELTAS)
        if kind in ("response.content_part.added", "response.content_part.done",
                    "response.reasoning_summary_part.added",
                    "response.reasoning_summary_part.done"):  # fmt: skip
            part = payload.get("part")
            named = _PART_FIELDS.get(str(part.get("type"))) if isinstance(part, dict) else None
            if named is None:
                return Reading()
            assert isinstance(part, dict)
            j = payload.get("summary_index", payload.get("content_index"))
            key = (index, j if type(j) is int else 0, named[0])
            refs = [TextRef(key, part, named[1])] if isinstance(part.get(named[1]), str) else []
            return Reading(snapshots=refs, ends=[key] if kind.endswith(".done") else ())
        if kind in ("response.output_item.added", "response.output_item.done"):
            item = payload.get("item")
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self._items[index] = item["id"]
            refs = item_refs(item, index)
            ends = [r.key for r in refs] if kind.endswith(".done") else []
            return Reading(snapshots=refs, ends=ends)
        response = payload.get("response")
        if isinstance(response, dict):
            self._response = response
            output = response.get("output")
            refs = [r for i, it in enumerate(output or ()) for r in item_refs(it, i)]
            return Reading(snapshots=refs, ends_all=kind in _FINAL)
        return Reading()

    def _field(self, payload: dict[str, Any], index: int, field: str, done: bool) -> Reading:
        j = payload.get("summary_index", payload.get("content_index"))
        key = (index, j if type(j) is int else 0, field)
        scrubbed = bool(payload.get("logprobs"))
        if scrubbed:  # they spell out the very tokens that were held or cut
            payload["logprobs"] = []
        if not done:
            if not isinstance(payload.get("delta"), str):
                return Reading(scrubbed=scrubbed)
            return Reading(deltas=[TextRef(key, payload, "delta")], scrubbed=scrubbed)
        name = _SNAPSHOT_FIELD[field]
        refs = [TextRef(key, payload, name)] if name and isinstance(payload.get(name), str) else []
        return Reading(snapshots=refs, ends=[key], scrubbed=scrubbed)

    def delta(self, key: TextKey, text: str) -> SSEEvent:
        index, j, field = key
        kind = f"response.{field}.delta"
        in_hand = self._in_hand
        if in_hand is not None:  # this delta takes its number; it and the rest move up
            seq = in_hand["sequence_number"]
            in_hand["sequence_number"] = self._seq = seq + 1
            self._shift += 1
        else:  # after the last event read
            self._seq += 1
            seq = self._seq
        payload: dict[str, Any] = {"type": kind, "sequence_number": seq}
        payload["item_id"] = self._items.get(index, "")
        payload["output_index"] = index
        if field == "reasoning_summary_text":
            payload["summary_index"] = j
        elif field in ("output_text", "refusal", "reasoning_text"):
            payload["content_index"] = j
        payload["delta"] = text
        if field == "output_text":
            payload["logprobs"] = []
        return SSEEvent(orjson.dumps(payload).decode(), kind)

    def block(self, violation: ProxyError, error_event: bool) -> list[SSEEvent]:
        self._seq += 1
        if error_event:
            error: dict[str, Any] = {"type": "error", "code": violation.code}
            error["message"] = violation.message
            error["param"], error["sequence_number"] = None, self._seq
            return [SSEEvent(orjson.dumps(error).decode(), "error")]
        response = {**self._response, "status": "incomplete",
                    "incomplete_details": {"reason": "content_filter"}}  # fmt: skip
        payload: dict[str, Any] = {"type": "response.incomplete", "sequence_number": self._seq,
                                   "response": response}  # fmt: skip
        return [SSEEvent(orjson.dumps(payload).decode(), "response.incomplete")]
