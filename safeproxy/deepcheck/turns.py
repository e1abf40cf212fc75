"""The judged conversation: Turns from a request body (as forwarded) and from a reply.

Reads the same fields the input filters read (filters/view.py): message content and its
text parts, assistant tool-call names and arguments, completions prompts and embeddings
input. The body is the one the proxy forwards, so a judge sees redacted text, as the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safeproxy.deepcheck.api import Turn
from safeproxy.models import Kind


def request_turns(kind: Kind, body: dict[str, Any]) -> list[Turn]:
    if kind is Kind.CHAT:
        return [t for m in body.get("messages") or () if (t := _message_turn(m)) is not None]
    key = "prompt" if kind is Kind.COMPLETIONS else "input"
    return [Turn("user", text) for text in _strings(body.get(key)) if text]


def reply_text(body: dict[str, Any]) -> str:
    """The first choice's text (message content and tool-call arguments, or completion)."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    choice = choices[0]
    if isinstance(choice.get("text"), str):
        return str(choice["text"])
    message = choice.get("message")
    if not isinstance(message, dict):
        return ""
    turn = _message_turn({**message, "role": "assistant"})
    return turn.text if turn is not None else ""


def with_reply(turns: list[Turn], text: str) -> list[Turn]:
    return [*turns, Turn("assistant", text)]


def _message_turn(message: Any) -> Turn | None:
    if not isinstance(message, dict):
        return None
    role = message.get("role")
    parts = list(_content_texts(message.get("content")))
    name = message.get("name")
    if isinstance(name, str) and name:
        parts.insert(0, name)
    for call in message.get("tool_calls") or ():
        fn = call.get("function") if isinstance(call, dict) else None
        if isinstance(fn, dict):
            parts += [v for k in ("name", "arguments") if isinstance(v := fn.get(k), str)]
    text = "\n".join(p for p in parts if p)
    if not isinstance(role, str) or not text:
        return None
    return Turn(role, text)


def _content_texts(content: Any) -> Iterable[str]:
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                yield part["text"]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
