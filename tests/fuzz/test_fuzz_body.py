"""Fuzzing the request parser: strict JSON under limits, and gzip under a decompressed cap.

The oracle is a strict reading built from the standard library: UTF-8 only, no duplicate
key at any depth, no NaN/Infinity or number that overflows to infinity, no unpaired
surrogate, nesting within the limit, a JSON object at the top. `parse_object` must accept
exactly what that reading accepts and read the same value (integers beyond 64 bits read as
floats, orjson's rule); anything else is a BadRequest, never another exception. For gzip,
the oracle is `gzip.decompress`: `inflate` gives the same bytes when they fit the cap, 413
when they do not, 400 for what is not gzip, and never inflates more than the cap to find out.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from typing import Any

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safeproxy.edge.body import inflate, parse_object
from safeproxy.errors import BadRequest, PayloadTooLarge
from tests.fuzz.budget import fuzz
from tests.fuzz.json_text import OBJECTS, VALUES, json_text

pytestmark = pytest.mark.fuzz

_I64_MIN, _U64_MAX = -(2**63), 2**64 - 1


class _Refused(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Refused("duplicate key")
    return obj


def _no_constant(name: str) -> Any:
    raise _Refused(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Refused(text)
    return value


def _int(text: str) -> int | float:
    value = int(text)
    return value if _I64_MIN <= value <= _U64_MAX else float(value)


def _no_surrogate(value: Any) -> None:
    if isinstance(value, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise _Refused("surrogate")
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_surrogate(k)
            _no_surrogate(v)
    elif isinstance(value, list):
        for v in value:
            _no_surrogate(v)


def _depth(root: Any) -> int:
    """Nesting depth, walked without recursion (bodies may nest thousands deep)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            stack.extend(
                (child, level + 1) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def reference(body: bytes, max_depth: int) -> dict[str, Any] | None:
    """The strict reading of `body`, or None where it must be refused."""
    try:
        text = body.decode("utf-8")  # strict: refuses surrogates encoded in UTF-8 (CESU)
        value = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_no_constant,
            parse_float=_finite,
            parse_int=_int,
        )
        _no_surrogate(value)
    except (_Refused, ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or _depth(value) > max_depth:
        return None
    return value


def same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON types (1 == 1.0 == True in Python, not in JSON)."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


def check(body: bytes, max_depth: int) -> None:
    expected = reference(body, max_depth)
    try:
        value, wire = parse_object(body, max_depth)
    except BadRequest:
        assert expected is None, "refused a body the strict reading accepts"
        return
    assert expected is not None, "accepted a body the strict reading refuses"
    assert same(value, expected)
    # What is forwarded reads back as what was checked.
    assert same(orjson.loads(wire), value)


@fuzz(150)
@given(doc=OBJECTS, data=st.data(), max_depth=st.integers(2, 8))
def test_any_written_form_reads_as_the_strict_reading(
    doc: Any, data: st.DataObject, max_depth: int
) -> None:
    """Whitespace, escapes (colons too), number forms, repeated keys at any depth."""
    check(data.draw(json_text(doc)).encode("utf-8"), max_depth)


_ENCODINGS = st.sampled_from(
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "latin-1",
     "cp1252"]
)  # fmt: skip
# Byte sequences that are not UTF-8: a stray continuation, overlong forms, a surrogate
# encoded in UTF-8, a code point beyond U+10FFFF, a truncated sequence, a lone BOM.
_BAD_UTF8 = st.sampled_from(
    [b"\x80", b"\xc0\x80", b"\xc1\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80",
     b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\xff", b"\xfe", b"\xef\xbb\xbf", b"\x00"]
)  # fmt: skip


@fuzz(300)
@given(
    doc=OBJECTS,
    data=st.data(),
    encoding=_ENCODINGS,
    bad=st.lists(st.tuples(st.integers(0, 10**6), _BAD_UTF8), max_size=3),
)
def test_other_encodings_and_broken_utf8_are_refused_or_read_as_utf8(
    doc: Any, data: st.DataObject, encoding: str, bad: list[tuple[int, bytes]]
) -> None:
    text = data.draw(json_text(doc))
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError:
        body = text.encode("utf-8")
    for at, junk in bad:
        at %= len(body) + 1
        body = body[:at] + junk + body[at:]
    check(body, 8)


_MUTATION = st.tuples(st.integers(0, 10**6), st.sampled_from(["drop", "insert", "flip"]),
                      st.integers(0, 255))  # fmt: skip


@fuzz(150)
@given(doc=OBJECTS, data=st.data(), edits=st.lists(_MUTATION, min_size=1, max_size=4),
       max_depth=st.integers(2, 8))  # fmt: skip
def test_mutated_bodies_are_refused_or_read_as_the_strict_reading(
    doc: Any, data: st.DataObject, edits: list[tuple[int, str, int]], max_depth: int
) -> None:
    body = bytearray(data.draw(json_text(doc)).encode("utf-8"))
    for at, op, byte in edits:
        at %= len(body) + 1
        if op == "insert":
            body[at:at] = bytes([byte])
        elif at < len(body):
            if op == "drop":
                del body[at]
            else:
                body[at] = byte
    check(bytes(body), max_depth)


@fuzz(300)
@given(body=st.binary(max_size=400), max_depth=st.integers(2, 8))
@example(body=b"\xef\xbb\xbf{}", max_depth=2)
@example(body=b'{"a":"\\ud800"}', max_depth=2)
@example(body=b'{"a":1e999}', max_depth=2)
@example(body=b"[" * 2000 + b"]" * 2000, max_depth=8)
def test_any_bytes_are_refused_or_read_as_the_strict_reading(body: bytes, max_depth: int) -> None:
    check(body, max_depth)


@fuzz(40)
@given(levels=st.integers(1, 1500), array=st.booleans(), max_depth=st.integers(2, 254))
@example(levels=255, array=False, max_depth=254)
@example(levels=254, array=True, max_depth=254)
def test_deep_nesting_is_refused_past_the_limit_without_recursion(
    levels: int, array: bool, max_depth: int
) -> None:
    """An object `levels` deep, nested through arrays or objects (past orjson's own limit too)."""
    inner = (
        "[" * (levels - 1) + "]" * (levels - 1)
        if array
        else '{"k":' * (levels - 1) + "1" + "}" * (levels - 1)
    )
    check(('{"k":' + inner + "}").encode() if levels > 1 else b'{"k":1}', max_depth)


# --- gzip ------------------------------------------------------------------------------


def gunzip(data: bytes) -> bytes | None:
    if not data:
        return None  # no gzip member at all (gzip.decompress reads it as empty)
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return None


_PAYLOADS = (
    st.binary(max_size=3000)
    | st.integers(0, 50_000).map(lambda n: b" " * n)
    | VALUES.map(lambda v: json.dumps(v).encode())
)


@st.composite
def gzip_bodies(draw: st.DrawFn) -> bytes:
    """One or more gzip members, then maybe something else; or not gzip at all."""
    members = [gzip.compress(draw(_PAYLOADS), compresslevel=draw(st.integers(0, 9)))
               for _ in range(draw(st.integers(1, 3)))]  # fmt: skip
    data = b"".join(members)
    tail = draw(st.sampled_from(["", "", "junk", "zeros", "truncate", "flip", "raw-deflate"]))
    if tail == "junk":
        data += draw(st.binary(min_size=1, max_size=20))
    elif tail == "zeros":
        data += b"\x00" * draw(st.integers(1, 8))
    elif tail == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif tail == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif tail == "raw-deflate":  # Content-Encoding: deflate's zlib stream, sent as gzip
        data = zlib.compress(draw(_PAYLOADS))
    return data


def check_inflate(data: bytes, cap: int) -> None:
    expected = gunzip(data)
    try:
        out = inflate(data, cap)
    except PayloadTooLarge:
        # Refused for size only if what it inflates to is over the cap (or it is not gzip
        # after all, found only past the cap).
        assert expected is None or len(expected) > cap
        return
    except BadRequest:
        assert expected is None, "refused gzip that gunzip reads"
        return
    assert expected is not None, "accepted what gunzip refuses"
    assert out == expected
    assert len(out) <= cap


@fuzz(150)
@given(data=gzip_bodies() | st.binary(max_size=200), cap=st.integers(1, 100_000))
def test_inflate_gives_gunzip_bytes_within_the_cap(data: bytes, cap: int) -> None:
    check_inflate(data, cap)
