"""The model view: every piece of text the model will see in a request, or the client in a
reply, as slots that can be read and written back in place.

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
"""

from __future__ import annotations

from typing import Any, NamedTuple

from safeproxy.errors import BadRequest

# Content parts that carry no text the filters could read; they go through unchanged.
_MEDIA_PARTS = frozenset({"image_url", "input_audio", "file", "image", "audio"})


class Slot(NamedTuple):
    """One text field: `holder[key]` is a str. (A NamedTuple: several are made per request.)"""

    holder: Any  # dict[str, Any] | list[Any]
    key: Any  # str | int
    # The content array this text is a part of (its id), 0 for a field of its own: the
    # parts of one array reach the model joined, so they are also scanned joined.
    part_of: int = 0

    def get(self) -> str:
        value: str = self.holder[self.key]
        return value

    def set(self, text: str) -> None:
        self.holder[self.key] = text


class Uninspectable(BadRequest):
    code = "uninspectable_input"


def chat_slots(body: dict[str, Any]) -> list[Slot]:
    slots: list[Slot] = []
    for i, msg in enumerate(body.get("messages") or ()):
        # Messages are objects (checked with the request's shape); most carry only a role
        # and string content, so the rarer fields are looked for only when present.
        content = msg.get("content")
        if isinstance(content, str):
            slots.append(Slot(msg, "content"))
        elif isinstance(content, list):
            _parts(slots, content, f"messages.{i}.content")
        if "name" in msg:
            _text(slots, msg, "name")
        if "refusal" in msg:
            _text(slots, msg, "refusal")
        if "tool_calls" in msg or "function_call" in msg:
            _calls(slots, msg)
    for key in _RENDERED:
        if key in body:
            _strings(slots, body, key)
    return slots


# Request fields that chat templates render into the prompt (tool and function definitions
# with their parameter schemas, structured-output schemas, vLLM's documents, templates and
# guided decoding): every string in them is text the model sees.
_RENDERED = ("tools", "functions", "response_format", "documents", "chat_template",
             "chat_template_kwargs", "guided_json", "guided_choice", "guided_regex",
             "guided_grammar")  # fmt: skip


def _strings(slots: list[Slot], holder: Any, key: Any) -> None:
    """Every string inside holder[key], however nested (depth is capped at parse time)."""
    value = holder[key]
    if isinstance(value, str):
        slots.append(Slot(holder, key))
    elif isinstance(value, dict):
        for k in value:
            _strings(slots, value, k)
    elif isinstance(value, list):
        for j in range(len(value)):
            _strings(slots, value, j)


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
    for i, choice in enumerate(body.get("choices") or ()):
        if not isinstance(choice, dict):
            continue
        if isinstance(choice.get("text"), str):
            slots.append(Slot(choice, "text"))
        msg = choice.get("message")
        if isinstance(msg, dict):
            content = msg.get("content")
            if isinstance(content, str):
                slots.append(Slot(msg, "content"))
            elif isinstance(content, list):
                _parts(slots, content, f"choices.{i}.message.content")
            for key in _REPLY_TEXT:
                if key in msg:
                    _text(slots, msg, key)
            audio = msg.get("audio")
            if isinstance(audio, dict):
                _text(slots, audio, "transcript")
            if "tool_calls" in msg or "function_call" in msg:
                _calls(slots, msg)
    return slots


_REPLY_TEXT = ("refusal", "reasoning_content", "reasoning")


def _text(slots: list[Slot], holder: Any, key: str) -> None:
    if isinstance(holder, dict) and isinstance(holder.get(key), str):
        slots.append(Slot(holder, key))


def _parts(slots: list[Slot], content: list[Any], where: str) -> None:
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
            _text(slots, fn, "name")
            _text(slots, fn, "arguments")
    legacy = msg.get("function_call")
    if isinstance(legacy, dict):
        _text(slots, legacy, "name")
        _text(slots, legacy, "arguments")


def joined_runs(slots: list[Slot]) -> list[tuple[int, int]]:
    """[i, j) ranges of slots that are the text parts of one content array (two or more)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(slots):
        j = i + 1
        array = slots[i].part_of
        while array and j < len(slots) and slots[j].part_of == array:
            j += 1
        if j - i > 1:
            runs.append((i, j))
        i = j
    return runs
