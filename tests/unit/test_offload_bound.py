"""Guard.check skips counting the texts of a body below the off-loop threshold: the texts are
strings of the body, so together they are never longer (in characters) than it is in bytes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.edge.body import parse_object
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.wire import WIRE_APIS

_TEXT = st.text(max_size=40)
_PART = st.fixed_dictionaries({"type": st.just("text"), "text": _TEXT})
_MESSAGE = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["system", "user", "assistant"]),
        "content": st.one_of(_TEXT, st.lists(_PART, min_size=1, max_size=3)),
    },
    optional={"name": _TEXT},
)
_BODY = st.fixed_dictionaries(
    {"model": st.just("m"), "messages": st.lists(_MESSAGE, min_size=1, max_size=4)},
    optional={"tools": st.lists(st.fixed_dictionaries({"description": _TEXT}), max_size=2)},
)


@settings(max_examples=300, deadline=None)
@given(_BODY, st.booleans())
def test_the_texts_are_no_longer_than_the_body(body: dict[str, object], ascii: bool) -> None:
    raw = json.dumps(body, ensure_ascii=ascii).encode()
    parsed, _wire = parse_object(raw, 64)
    slots = WIRE_APIS[Kind.CHAT].request_slots(parsed)
    assert sum(len(s.holder[s.key]) for s in slots) <= len(raw)
