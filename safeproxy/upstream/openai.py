"""The OpenAI wire format: request kinds and their shape checks, the model view (every piece
of text the model will see, as slots), and token usage on streams.

The model view: every piece of text the model will see in a request, or the client in a reply,
as slots that can be read and written back in place.

Requests: chat messages (string content, the text of content parts, `name`, assistant
`tool_calls` function names and arguments, `refusal`), every string of the fields chat
templates render (tool and function definitions with their schemas, response formats,
documents), completions prompts and suffixes, and embeddings input. Replies: message
content, refusals, reasoning (`reasoning_content` / `reasoning`), audio transcripts and
tool-call arguments, or completion text.
A REWRITE writes into exactly these fields, and the proxy forwards a re-serialisation of the
parsed body, never the client's bytes.

What cannot be read as text (token-id prompts, unknown content-part types) is refused
rather than forwarded unseen.

Token usage: asking a stream for it, and knowing the chunk that carries it.

A streamed reply carries no usage unless the request asks with `stream_options.include_usage`;
then the upstream adds one last chunk with `"choices": []` and the counts. The proxy needs the
counts for every request (the token metrics and the token rate limit), so it asks on every
stream; when the client did not, that chunk is read and not relayed, so the client gets the
stream it asked for.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

from safeproxy.errors import BadRequest, ProxyError, error_event
from safeproxy.upstream.slot import Slot, new_slot

MAX_MODEL_CHARS = 256

# Body fields some SDKs and gateways use to choose an upstream or credential. Upstreams come
# only from config, so these never reach a model server (a peer gateway's SSRF/key-theft bug).
ROUTING_FIELDS = frozenset(
    {
        "api_base",
        "base_url",
        "api_key",
        "api_version",
        "api_type",
        "azure_endpoint",
        "azure_ad_token",
        "deployment_id",
        "custom_llm_provider",
        "organization",
        "extra_headers",
        "proxy",
        "proxies",
    }
)


class Kind(enum.Enum):
    """An endpoint the proxy understands; the value is the upstream path."""

    CHAT = "/v1/chat/completions"
    COMPLETIONS = "/v1/completions"
    EMBEDDINGS = "/v1/embeddings"
    RESPONSES = "/v1/responses"  # OpenAI's Responses API (upstream/responses.py)
    MESSAGES = "/v1/messages"  # Anthropic's Messages API (upstream/anthropic.py)
    # Any other JSON endpoint: the proxy cannot read its text, so only a route that lists
    # the path in `pass_through_paths` forwards it (unfiltered, recorded as degraded).
    OTHER = "*"

    # Identity hash, in C: Enum's own __hash__ is Python code (hash of the name), called on
    # every lookup keyed by a kind, several per request. Members are singletons and compare
    # by identity, so the identity hash agrees with equality.
    __hash__ = object.__hash__


def check_shape(kind: Kind, body: dict[str, Any], max_messages: int) -> str:
    """Validate the fields the proxy relies on; returns the model name. Raises BadRequest."""
    # Bodies are parsed JSON, whose values have exact types: `type(x) is T` gives the
    # isinstance answer without a call (these run on every request, several per message).
    model = body.get("model")
    if type(model) is not str or not model:
        raise BadRequest("'model' must be a non-empty string", param="model")
    if len(model) > MAX_MODEL_CHARS:
        raise BadRequest("'model' is too long", param="model")
    stream = body.get("stream", False)
    if stream is not None and type(stream) is not bool:
        raise BadRequest("'stream' must be a boolean", param="stream")
    if kind is Kind.CHAT:
        _check_messages(body.get("messages"), max_messages)
    elif kind is Kind.COMPLETIONS:
        if not _is_prompt(body.get("prompt")):
            raise BadRequest("'prompt' must be a string or a list", param="prompt")
    elif kind in (Kind.OTHER, Kind.RESPONSES, Kind.MESSAGES):
        pass  # the other APIs check their own fields (upstream/wire.py)
    elif not _is_prompt(body.get("input")):
        raise BadRequest("'input' must be a string or a list", param="input")
    return model


def _check_messages(messages: Any, max_messages: int) -> None:
    if type(messages) is not list or not messages:  # (exact types: see check_shape)
        raise BadRequest("'messages' must be a non-empty array", param="messages")
    if len(messages) > max_messages:
        raise BadRequest(f"'messages' has more than {max_messages} items", param="messages")
    for i, msg in enumerate(messages):
        if type(msg) is not dict:
            raise BadRequest("each message must be an object", param=f"messages.{i}")
        if type(msg.get("role")) is not str:
            raise BadRequest("each message needs a string 'role'", param=f"messages.{i}.role")
        content = msg.get("content")
        if content is not None and type(content) is not str and type(content) is not list:
            raise BadRequest(
                "'content' must be a string, an array or null", param=f"messages.{i}.content"
            )


def _is_prompt(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and len(value) > 0)


def strip_routing_fields(body: dict[str, Any]) -> bool:
    """Drop routing fields; True if there were any."""
    found = ROUTING_FIELDS.intersection(body)
    for key in found:
        del body[key]
    return bool(found)


# Content parts that carry no text the filters could read; they go through unchanged.
_MEDIA_PARTS = frozenset(
    {"image_url", "input_audio", "file", "image", "audio", "input_image", "input_file"}
)


class Uninspectable(BadRequest):
    code = "uninspectable_input"


def chat_slots(body: dict[str, Any]) -> list[Slot]:
    slots: list[Slot] = []
    for i, msg in enumerate(body.get("messages") or ()):
        # Messages are objects (checked with the request's shape); most carry only a role
        # and string content, so the rarer fields are looked for only when present.
        content = msg.get("content")
        if type(content) is str:  # parsed JSON: exact types (see check_shape)
            slots.append(new_slot((msg, "content", 0)))
        elif type(content) is list:
            parts(slots, content, f"messages.{i}.content")
        if "name" in msg:
            text_slot(slots, msg, "name")
        if "refusal" in msg:
            text_slot(slots, msg, "refusal")
        if "tool_calls" in msg or "function_call" in msg:
            _calls(slots, msg)
    for key in _RENDERED:
        if key in body:
            strings(slots, body, key)
    return slots


# Request fields that chat templates render into the prompt (tool and function definitions
# with their parameter schemas, structured-output schemas, vLLM's documents, templates and
# guided decoding): every string in them is text the model sees.
_RENDERED = ("tools", "functions", "response_format", "documents", "chat_template",
             "chat_template_kwargs", "guided_json", "guided_choice", "guided_regex",
             "guided_grammar")  # fmt: skip


def strings(slots: list[Slot], holder: Any, key: Any) -> None:
    """Every string inside holder[key], however nested (depth is capped at parse time)."""
    value = holder[key]
    if isinstance(value, str):
        slots.append(Slot(holder, key))
    elif isinstance(value, dict):
        for k in value:
            strings(slots, value, k)
    elif isinstance(value, list):
        for j in range(len(value)):
            strings(slots, value, j)


def prompt_slots(body: dict[str, Any], field: str) -> list[Slot]:
    """A completions `prompt` or embeddings `input`: a string or a list of strings."""
    value = body.get(field)
    slots: list[Slot] = []
    if isinstance(body.get("suffix"), str):  # completions: text after the insertion point
        slots.append(Slot(body, "suffix"))
    if isinstance(value, str):
        return [Slot(body, field), *slots]
    for i, item in enumerate(value or ()):
        if not isinstance(item, str):
            raise Uninspectable(
                "token-id input cannot be inspected by the content policy", param=f"{field}.{i}"
            )
        slots.append(Slot(value, i))
    return slots


def reply_slots(body: dict[str, Any]) -> list[Slot]:
    """The text of a non-streamed chat or completions reply."""
    slots: list[Slot] = []
    # A reply is parsed JSON: exact types, so `type(x) is T` is isinstance (see check_shape).
    for i, choice in enumerate(body.get("choices") or ()):
        if type(choice) is not dict:
            continue
        # Keys most replies lack are looked for before their values are read.
        if "text" in choice and type(choice["text"]) is str:
            slots.append(Slot(choice, "text"))
        msg = choice.get("message")
        if type(msg) is dict:
            content = msg.get("content")
            if type(content) is str:
                slots.append(new_slot((msg, "content", 0)))
            elif type(content) is list:
                parts(slots, content, f"choices.{i}.message.content")
            for key in _REPLY_TEXT:
                if key in msg:
                    text_slot(slots, msg, key)
            if "audio" in msg:
                audio = msg["audio"]
                if isinstance(audio, dict):
                    text_slot(slots, audio, "transcript")
            if "tool_calls" in msg or "function_call" in msg:
                _calls(slots, msg)
    return slots


_REPLY_TEXT = ("refusal", "reasoning_content", "reasoning")


def text_slot(slots: list[Slot], holder: Any, key: str) -> None:
    if isinstance(holder, dict) and isinstance(holder.get(key), str):
        slots.append(Slot(holder, key))


def parts(slots: list[Slot], content: list[Any], where: str) -> None:
    """The text of a content array's parts (chat's and the Responses API's part types)."""
    array = id(content)
    for j, part in enumerate(content):
        if isinstance(part, str):
            slots.append(Slot(content, j, array))
            continue
        if not isinstance(part, dict):
            raise Uninspectable("content parts must be objects", param=f"{where}.{j}")
        kind = part.get("type")
        if kind in ("text", "input_text", "output_text") and isinstance(part.get("text"), str):
            slots.append(Slot(part, "text", array))
        elif kind == "refusal" and isinstance(part.get("refusal"), str):
            slots.append(Slot(part, "refusal", array))
        elif kind not in _MEDIA_PARTS:
            raise Uninspectable(
                "a content part of this type cannot be inspected", param=f"{where}.{j}"
            )


def _calls(slots: list[Slot], msg: dict[str, Any]) -> None:
    calls = msg.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        fn = call.get("function") if isinstance(call, dict) else None
        if isinstance(fn, dict):
            text_slot(slots, fn, "name")
            text_slot(slots, fn, "arguments")
    legacy = msg.get("function_call")
    if isinstance(legacy, dict):
        text_slot(slots, legacy, "name")
        text_slot(slots, legacy, "arguments")


def joined_runs(slots: list[Slot]) -> list[tuple[int, int]]:
    """[i, j) ranges of slots that are the text parts of one content array (two or more)."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(slots)
    while i < n:
        j = i + 1
        array = slots[i].part_of
        while array and j < n and slots[j].part_of == array:
            j += 1
        if j - i > 1:
            runs.append((i, j))
        i = j
    return runs


_ASK = b',"stream_options":{"include_usage":true}}'


def ask_stream_usage(body: dict[str, Any], wire: bytes | None) -> tuple[bool, bytes | None]:
    """Set `stream_options.include_usage` on a streamed request's body.

    Returns (hide, wire): `hide` when the proxy asked and the client did not, so the usage
    chunk is the proxy's to drop; `wire` the bytes to forward (spliced when the option is
    added, None when the body must be serialised again).
    """
    if "stream_options" not in body:
        body["stream_options"] = {"include_usage": True}
        # A key added last to a dict serialises just before the closing brace (orjson keeps
        # insertion order): the same bytes as serialising the whole body again, for less.
        if wire is not None and wire.endswith(b"}") and len(body) > 1:
            return True, wire[:-1] + _ASK
        return True, None
    opts = body["stream_options"]
    if isinstance(opts, dict) and opts.get("include_usage") is True:
        return False, wire  # the client asked: the chunk is its own
    if opts is None or isinstance(opts, dict):
        body["stream_options"] = {**(opts or {}), "include_usage": True}
        return True, None
    return False, wire  # not an object: the upstream answers for it, as without the proxy


def asking_usage(body: dict[str, Any], wire: bytes) -> tuple[dict[str, Any], bytes | None, bool]:
    """A copy of `body` that asks for usage, its bytes (None: serialise the copy) and `hide`
    (see ask_stream_usage). The body itself stays the client's, for upstreams that do not ask
    (`upstreams[].stream_usage: false`)."""
    copy = dict(body)
    hide, spliced = ask_stream_usage(copy, wire)
    return copy, spliced, hide


def is_usage_chunk(chunk: dict[str, Any]) -> bool:
    """The usage-only chunk that ends a stream asked for usage: no choices, a usage object."""
    return chunk.get("choices") == [] and isinstance(chunk.get("usage"), dict)


def counts(usage: Any) -> tuple[int | None, int | None]:
    """(input tokens, output tokens) of a `usage` object (chat/completions or Responses names)."""
    if type(usage) is not dict:  # parsed JSON: exact types
        return None, None
    # (As usage.get(a, usage.get(b)), without asking for b where a is there.)
    tokens_in = usage["prompt_tokens"] if "prompt_tokens" in usage else usage.get("input_tokens")
    tokens_out = (
        usage["completion_tokens"] if "completion_tokens" in usage else usage.get("output_tokens")
    )
    return (
        tokens_in if type(tokens_in) is int and tokens_in >= 0 else None,
        tokens_out if type(tokens_out) is int and tokens_out >= 0 else None,
    )


class OpenAIApi:
    """Chat completions, completions and embeddings (upstream/wire.py's WireApi)."""

    __slots__ = ("check_shape", "kind", "reply_slots", "request_slots", "token_cap")

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        # The kind's functions bound once: each request calls them directly, not through a
        # method that asks which kind it is.
        self.check_shape: Callable[[dict[str, Any], int], str] = functools.partial(
            check_shape, kind
        )
        self.request_slots: Callable[[dict[str, Any]], list[Slot]] = (
            chat_slots
            if kind is Kind.CHAT
            else functools.partial(
                prompt_slots, field="prompt" if kind is Kind.COMPLETIONS else "input"
            )
        )
        self.reply_slots: Callable[[dict[str, Any]], list[Slot]] = reply_slots
        # The request key that caps the reply's tokens (WireApi.token_cap).
        self.token_cap: str | None = "max_tokens" if kind in (Kind.CHAT, Kind.COMPLETIONS) else None

    def reply_part(self, payload: dict[str, Any]) -> Any:
        return payload

    def error_body(self, exc: ProxyError) -> bytes:
        return exc.body()

    def error_event(self, exc: ProxyError) -> bytes:
        return error_event(exc)

    def event_schema(self) -> None:
        return None  # chat chunks: exchange/output_hook.py reads them

    def turns(self, body: dict[str, Any]) -> int | None:
        messages = body.get("messages") if self.kind is Kind.CHAT else None
        return len(messages) if type(messages) is list else None  # parsed JSON: exact types


OPENAI_APIS = {kind: OpenAIApi(kind) for kind in (Kind.CHAT, Kind.COMPLETIONS, Kind.EMBEDDINGS,
                                                   Kind.OTHER)}  # fmt: skip
