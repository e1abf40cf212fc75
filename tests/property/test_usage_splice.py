"""Asking a stream for usage splices `stream_options` into the forwarded bytes: they must equal
a fresh serialisation of the body, whatever it holds, also after a max_tokens clamp splice."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.edge.body import parse_object, serialise
from safeproxy.exchange.state import Exchange
from safeproxy.upstream.openai import Kind, asking_usage
from tests.property.test_clamp_splice import EXTRA, GUARD, ROUTE

OPTIONS = (
    st.none()
    | st.integers(-(2**53), 2**53)
    | st.dictionaries(
        st.sampled_from(["include_usage", "continuous_usage_stats", "x"]), st.booleans(), max_size=2
    )
)
ABSENT = object()


@settings(max_examples=200)
@given(
    extra=EXTRA,
    content=st.text(max_size=60),
    options=st.just(ABSENT) | OPTIONS,
    tokens=st.none() | st.integers(min_value=1, max_value=2000),
)
def test_the_forwarded_bytes_are_the_body_that_asks_for_usage(
    extra: dict[str, Any], content: str, options: Any, tokens: int | None
) -> None:
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": content}]}
    body.update(extra)
    for key in ("max_tokens", "max_completion_tokens", "stream_options"):
        body.pop(key, None)
    body["stream"] = True
    if tokens is not None:
        body["max_tokens"] = tokens
    if options is not ABSENT:
        body["stream_options"] = options
    parsed, wire = parse_object(orjson.dumps(body), 32)
    # As the pipeline does it: the guard (a max_tokens clamp may splice) and then the ask.
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, body=parsed, wire=wire, route=ROUTE)
    GUARD.check_request(ex, parsed)
    client = orjson.dumps(parsed)
    payload = ex.wire if ex.wire is not None else serialise(parsed)
    sent, spliced, hide = asking_usage(parsed, payload)
    assert orjson.dumps(parsed) == client  # the client's body is left as it was
    asked = isinstance(options, dict) and options.get("include_usage") is True
    readable = options is ABSENT or options is None or isinstance(options, dict)
    assert hide == (readable and not asked)
    if options is ABSENT:
        assert sent["stream_options"] == {"include_usage": True}
    elif readable:  # the client's other options are kept
        assert sent["stream_options"] == {**(options or {}), "include_usage": True}
    else:  # not an object: forwarded as it came
        assert sent["stream_options"] == options
    wire_out = spliced if spliced is not None else serialise(sent)
    assert wire_out == orjson.dumps(sent)
    assert {k: v for k, v in sent.items() if k != "stream_options"} == {
        k: v for k, v in parsed.items() if k != "stream_options"
    }
