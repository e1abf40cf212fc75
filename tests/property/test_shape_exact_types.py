"""The request shape checks and the text slots test parsed JSON's exact types (`type(x) is
T`) rather than calling isinstance; on anything a JSON parser makes they give isinstance's
answers: the same model, the same refusal (message and field), the same slots."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.errors import BadRequest, ProxyError
from safeproxy.upstream.openai import (
    MAX_MODEL_CHARS,
    Kind,
    Uninspectable,
    chat_slots,
    check_shape,
    counts,
    reply_slots,
)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=4)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
# One of each JSON type as often as anything st.recursive makes (it favours containers).
ANY = st.sampled_from([None, True, False, 0, 1, -1, 1.5, "", "x", [], [1], {}, {"a": 1}]) | JSON
CONTENT = st.text(max_size=8) | st.lists(JSON, max_size=2) | ANY
MESSAGE = st.fixed_dictionaries(
    {"role": st.just("user") | JSON}, optional={"content": CONTENT, "name": JSON}
)


FIELDS = ("model", "stream", "messages", "message", "role", "content")


@st.composite
def bodies(draw: st.DrawFn, broken: str) -> dict[str, Any]:
    """A well-formed chat body with the `broken` field (of the body, or of one message)
    replaced by any JSON value, so that its check is reached."""
    messages: list[Any] = [
        {"role": "user", "content": draw(st.text(max_size=8))}
        for _ in range(draw(st.integers(1, 4)))
    ]
    body: dict[str, Any] = {"model": "m", "messages": messages}
    at = draw(st.integers(0, len(messages) - 1))
    if broken in ("model", "stream", "messages"):
        body[broken] = draw(ANY | st.just("x" * (MAX_MODEL_CHARS + 1)))
    elif broken == "message":
        messages[at] = draw(st.one_of(ANY, MESSAGE))
    else:
        messages[at][broken] = draw(ANY if broken == "role" else CONTENT)
    return body


def _parsed(value: Any) -> Any:
    """As the proxy gets it: through a JSON parser (exact dict, list, str, int, ...)."""
    return orjson.loads(orjson.dumps(value))


def _reference_check(body: dict[str, Any], max_messages: int) -> str:
    """check_shape for chat as it was written with isinstance."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("'model' must be a non-empty string", param="model")
    if len(model) > MAX_MODEL_CHARS:
        raise BadRequest("'model' is too long", param="model")
    stream = body.get("stream", False)
    if stream is not None and not isinstance(stream, bool):
        raise BadRequest("'stream' must be a boolean", param="stream")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("'messages' must be a non-empty array", param="messages")
    if len(messages) > max_messages:
        raise BadRequest(f"'messages' has more than {max_messages} items", param="messages")
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise BadRequest("each message must be an object", param=f"messages.{i}")
        if not isinstance(msg.get("role"), str):
            raise BadRequest("each message needs a string 'role'", param=f"messages.{i}.role")
        content = msg.get("content")
        if content is not None and not isinstance(content, (str, list)):
            raise BadRequest(
                "'content' must be a string, an array or null", param=f"messages.{i}.content"
            )
    return model


def _outcome(check: Any, *args: Any) -> Any:
    try:
        return ("ok", check(*args))
    except ProxyError as exc:
        return (type(exc).__name__, exc.message, exc.param)


@pytest.mark.parametrize("broken", FIELDS)
@given(data=st.data(), cap=st.sampled_from([2, 8]))
def test_chat_shape_check_gives_isinstance_answers(
    broken: str, data: st.DataObject, cap: int
) -> None:
    body = _parsed(data.draw(bodies(broken)))
    assert _outcome(check_shape, Kind.CHAT, body, cap) == _outcome(_reference_check, body, cap)


@given(st.lists(MESSAGE, min_size=1, max_size=4))
def test_chat_slots_are_the_string_contents(messages: list[dict[str, Any]]) -> None:
    body = _parsed({"model": "m", "messages": messages})
    try:
        slots = [(s.key, s.get()) for s in chat_slots(body)]
    except Uninspectable:
        return  # a content array with a part that is not text: refused, as before
    contents = [m["content"] for m in body["messages"] if isinstance(m.get("content"), str)]
    assert [text for key, text in slots if key == "content"] == contents


@given(
    st.lists(
        JSON | st.fixed_dictionaries({}, optional={"message": MESSAGE | JSON, "text": JSON}),
        max_size=3,
    ),
    JSON,
)
def test_reply_slots_and_usage_read_what_isinstance_reads(choices: list[Any], usage: Any) -> None:
    body = _parsed({"choices": choices, "usage": usage})
    want = []
    for choice in body["choices"]:
        if not isinstance(choice, dict):
            continue
        if isinstance(choice.get("text"), str):
            want.append(choice["text"])
        msg = choice.get("message")
        if isinstance(msg, dict) and isinstance(msg.get("content"), str):
            want.append(msg["content"])
    try:
        got = [s.get() for s in reply_slots(body) if s.key in ("text", "content")]
    except Uninspectable:
        return
    assert got == want
    tokens = counts(body["usage"])
    if not isinstance(body["usage"], dict):
        assert tokens == (None, None)
