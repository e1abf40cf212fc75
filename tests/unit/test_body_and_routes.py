"""Body parsing under caps, header hygiene, and model routing."""

from __future__ import annotations

import gzip
import json

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy
from pydantic import ValidationError

from safeproxy.edge.body import inflate, parse_object
from safeproxy.errors import BadRequest, PayloadTooLarge
from safeproxy.headers import RequestIds, downstream_headers, request_id, upstream_headers
from safeproxy.settings.loading import validate
from safeproxy.settings.schema import RequestLimits
from safeproxy.upstream.routes import Router, Target


def test_inflate_caps_output_at_every_step() -> None:
    assert inflate(gzip.compress(b"x" * 100), 100) == b"x" * 100
    with pytest.raises(PayloadTooLarge):
        inflate(gzip.compress(b"x" * 101), 100)
    with pytest.raises(BadRequest):
        inflate(gzip.compress(b"x" * 100)[:-4], 1000)


def test_inflate_reads_every_gzip_member_and_refuses_what_follows() -> None:
    """Found by tests/fuzz/test_fuzz_body.py: only the first member was read, and anything
    after it (a second member, junk) was silently dropped."""
    two = gzip.compress(b'{"a":') + gzip.compress(b"1}")
    assert inflate(two, 100) == b'{"a":1}' == gzip.decompress(two)
    with pytest.raises(PayloadTooLarge):  # the cap holds over all members together
        inflate(gzip.compress(b"x" * 60) + gzip.compress(b"x" * 60), 100)
    for junk in (b"junk", b"\x00" * 8 + b"\x01", b"\x01"):
        with pytest.raises(BadRequest):
            inflate(gzip.compress(b"{}") + junk, 100)
    # Zero padding after a member is skipped, as gzip(1) and gzip.decompress skip it.
    assert inflate(gzip.compress(b"{}") + b"\x00" * 8, 100) == b"{}"
    with pytest.raises(BadRequest):
        inflate(b"", 100)


def test_parse_object_depth_boundary() -> None:
    assert parse_object(b'{"a": {"b": [1]}}', 3)[0] == {"a": {"b": [1]}}
    with pytest.raises(BadRequest):
        parse_object(b'{"a": {"b": [1]}}', 2)
    assert parse_object(b'{"a": {"b": []}}', 3)
    with pytest.raises(BadRequest):
        parse_object(b'{"a": {"b": {}}}', 2)


@pytest.mark.parametrize(
    "body",
    [b'{"a":18446744073709551616,"b":"\\u003a"}', b'{"a":-9223372036854775809,"\\u003a":1}'],
)
def test_big_integers_read_the_same_whichever_parser_reads_them(body: bytes) -> None:
    """Found by tests/fuzz/test_fuzz_body.py: beyond 64 bits an integer is a float (orjson's
    rule), but a body holding a \\u003a escape (read by the exact parser) was refused."""
    value, wire = parse_object(body, 8)
    assert value == json.loads(body, parse_int=float)
    assert orjson.loads(wire) == value


def test_the_deepest_allowed_body_is_written_back() -> None:
    """Found by the long fuzz run: max_json_depth allowed 256, but orjson writes at most 254
    levels, so a body 255 deep within a 255 limit raised TypeError (a 500)."""
    body = b'{"k":' * 254 + b"1" + b"}" * 254  # 254 objects deep
    _value, wire = parse_object(body, 254)
    assert wire == body
    with pytest.raises(ValidationError):
        RequestLimits(max_json_depth=255)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(), kids, max_size=3),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values, max_size=4))
def test_parse_object_agrees_with_orjson(obj: dict[str, object]) -> None:
    value, wire = parse_object(orjson.dumps(obj), 64)
    assert value == obj
    assert orjson.loads(wire) == obj


@given(
    st.dictionaries(st.text(), json_values, min_size=1, max_size=4),
    st.data(),
    st.booleans(),
)
def test_a_duplicated_key_is_always_refused(
    obj: dict[str, object], data: st.DataObject, escape: bool
) -> None:
    """Whatever the keys and values hold (colons, escapes), a repeated key is a 400."""
    key = data.draw(st.sampled_from(sorted(obj)))
    value = data.draw(json_values)
    # Structural colons are written " :<TAB>"; a literal TAB never occurs inside a JSON
    # string, so every other colon is inside a string and may be written as \\u003a.
    text = json.dumps(obj, separators=(",", " :\t"))
    if escape:
        text = text.replace(":", "\\u003a").replace(" \\u003a\t", " :\t")
    dup = "{" + json.dumps(key) + " :\t" + json.dumps(value) + "," + text[1:]
    with pytest.raises(BadRequest):
        parse_object(dup.encode(), 64)


def test_request_id_rules() -> None:
    ids = RequestIds()
    assert request_id({"X-Request-ID": "ok.1:2-3_4"}, ids) == "ok.1:2-3_4"
    assert len(request_id({"X-Request-ID": "x" * 129}, ids)) == 32
    assert len(request_id({}, ids)) == 32
    assert request_id({}, ids) != request_id({}, ids)
    assert RequestIds().new()[:16] != ids.new()[:16]


def test_header_hygiene_both_ways() -> None:
    client = CIMultiDictProxy(
        CIMultiDict(
            {
                "Host": "proxy",
                "Authorization": "Bearer c",
                "Connection": "close, X-Hop",
                "X-Hop": "1",
                "TE": "trailers",
                "OpenAI-Organization": "org",
                "Content-Length": "5",
            }
        )
    )
    forward = ("OpenAI-Organization", "X-Hop")
    up = CIMultiDict(upstream_headers(client, rid="r", forward=forward, auth_header="Bearer u"))
    assert up.getall("Authorization") == ["Bearer u"]
    assert up["OpenAI-Organization"] == "org"
    assert "X-Hop" not in up and "TE" not in up and "Host" not in up
    assert "Content-Length" not in up
    upstream = CIMultiDictProxy(
        CIMultiDict({"Transfer-Encoding": "chunked", "Set-Cookie": "s=1", "X-Model": "m"})
    )
    down = downstream_headers(upstream, "r")
    assert dict(down) == {"X-Model": "m", "X-Request-ID": "r"}


def test_routes_first_match_wins_and_memo_is_bounded() -> None:
    settings = validate(
        {
            "upstreams": [
                {"name": "a", "base_url": "http://x"},
                {"name": "b", "base_url": "http://y"},
            ],
            "routes": [
                {
                    "name": "llama",
                    "match": {"model": "llama-*"},
                    "upstream": "a",
                    "fallbacks": [{"upstream": "b", "model": "small"}],
                },
                {"name": "rest", "match": {"model": "gpt-?o"}, "upstream": "b"},
            ],
        }
    )
    router = Router(settings)
    llama = router.route("llama-3-70b")
    assert llama is not None and llama.targets == (Target("a"), Target("b", "small"))
    rest = router.route("gpt-4o")
    assert rest is not None and rest.label == "rest"
    assert router.route("gpt-4o-mini") is None
    for i in range(10_000):
        router.route(f"m{i}")
    assert len(router._memo) <= 4096
