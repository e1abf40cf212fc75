"""The judged conversation: Turns from a request body (as forwarded) and from a reply.

Reads the same fields the input filters read (upstream/openai.py): message content and its
text parts, assistant tool-call names and arguments, completions prompts and embeddings
input. The body is the one the proxy forwards, so a judge sees redacted text, as the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from safeproxy.deepcheck.api import Turn
from safeproxy.errors import BadRequest
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.wire import wire_api


def request_turns(kind: Kind, body: dict[str, Any]) -> list[Turn]:
    """The conversation the model sees. Tool and function definitions come first, as `tool`
    text: the client wrote them, and the model reads them (an injection vector)."""
    if kind is Kind.CHAT:
        turns = [t for m in body.get("messages") or () if (t := _message_turn(m)) is not None]
        tools = "\n".join(_tool_texts(body))
        return [Turn("tool", tools), *turns] if tools else turns
    if kind in (Kind.RESPONSES, Kind.MESSAGES):
        # The agent APIs: every text of the model view (its adapter's slots), in order.
        try:
            slots = wire_api(kind).request_slots(body)
        except BadRequest:  # refused or let through unread: nothing the judge could read
            return []
        return [Turn("user", text) for text in (s.get() for s in slots) if text]
    key = "prompt" if kind is Kind.COMPLETIONS else "input"
    texts = _strings(body.get(key))
    if kind is Kind.COMPLETIONS:
        texts += _strings(body.get("suffix"))
    return [Turn("user", text) for text in texts if text]


def reply_text(body: dict[str, Any], kind: Kind = Kind.CHAT) -> str:
    """Every text the client gets from a whole reply: each choice's content, refusal,
    reasoning, audio transcript and tool-call arguments (what the output filters read; for
    the agent APIs, what their adapter's reply slots hold)."""
    return "\n\n".join(t for t in (s.get() for s in wire_api(kind).reply_slots(body)) if t)


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
    refusal = message.get("refusal")
    if isinstance(refusal, str):
        parts.append(refusal)
    calls = message.get("tool_calls")
    legacy = message.get("function_call")
    for call in [*(calls if isinstance(calls, list) else ()), {"function": legacy}]:
        fn = call.get("function") if isinstance(call, dict) else None
        if isinstance(fn, dict):
            parts += [v for k in ("name", "arguments") if isinstance(v := fn.get(k), str)]
    text = "\n".join(p for p in parts if p)
    if not isinstance(role, str) or not text:
        return None
    return Turn(role, text)


def _tool_texts(body: dict[str, Any]) -> Iterable[str]:
    for key in ("tools", "functions"):
        for item in body.get(key) or ():
            fn = item.get("function", item) if isinstance(item, dict) else None
            if isinstance(fn, dict):
                for field in ("name", "description"):
                    if isinstance(fn.get(field), str) and fn[field]:
                        yield fn[field]
                params = fn.get("parameters")
                if isinstance(params, dict):
                    yield orjson.dumps(params).decode()


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
