"""Clamping an unbounded completion splices `max_tokens` into the forwarded bytes: they must
equal a fresh serialisation of the clamped body, whatever the body holds."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.edge.body import parse_object
from safeproxy.exchange.guard import Guard
from safeproxy.exchange.state import Exchange
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.policy import PolicySettings
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.routes import Route, Target

POLICY = PolicySettings.model_validate({"input": [{"type": "limits", "max_tokens": 512}]})
GUARD = Guard(
    compile_policies({"p": POLICY}, Compiler(Normalizer(), Skeleton(skeleton_table()), {}))
)
ROUTE = Route("r", "p", (Target("u"),))

SCALARS = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
EXTRA = st.dictionaries(
    st.text(min_size=1, max_size=12).filter(lambda k: k not in ("messages", "model")),
    SCALARS | st.lists(SCALARS, max_size=3),
    max_size=4,
)


@settings(max_examples=200)
@given(
    extra=EXTRA,
    content=st.text(max_size=60),
    tokens=st.none() | st.integers(min_value=1, max_value=2000),
)
def test_the_forwarded_bytes_are_the_clamped_body(
    extra: dict[str, Any], content: str, tokens: int | None
) -> None:
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": content}]}
    body.update(extra)
    for key in ("max_tokens", "max_completion_tokens"):
        body.pop(key, None)
    if tokens is not None:
        body["max_tokens"] = tokens
    parsed, wire = parse_object(orjson.dumps(body), 32)
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, body=parsed, wire=wire, route=ROUTE)
    GUARD.check_request(ex, parsed)
    assert parsed.get("max_tokens") == min(tokens or 512, 512)
    sent = ex.wire if ex.wire is not None else orjson.dumps(parsed)
    assert sent == orjson.dumps(parsed)
    assert orjson.loads(sent) == parsed
