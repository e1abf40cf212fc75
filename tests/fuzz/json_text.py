"""Hypothesis strategies for JSON request bodies as a hostile client writes them.

The same value can be written many ways: any whitespace between tokens, any character of a
string as a `\\uXXXX` escape (a colon too, which the duplicate-key check must see through),
numbers with exponents, fractions, signs and more than 64 bits. Bodies may repeat keys at any
depth, and arrive in other encodings (UTF-16/32, byte order marks) or with broken UTF-8.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# Characters that stress the parser: JSON's own syntax, escapes, controls, non-ASCII of every
# UTF-8 length, and code points near the surrogate range.
_TRICKY = st.sampled_from(
    [':', ',', '"', "\\", "{", "}", "[", "]", "/", "\x00", "\x1f", "\x7f", "\u2028",
     "\ufeff", "é", "ж", "✓", "\ud7ff", "\ue000", "\uffff", "😀", "\U0010ffff"]
)  # fmt: skip
TEXT = st.text(st.characters(exclude_categories=["Cs"]) | _TRICKY, max_size=12)
KEYS = st.sampled_from(["model", "messages", "role", "content", "stream", "a", "a:b", "é"]) | TEXT
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda kids: (
        st.lists(kids, max_size=4) | st.lists(st.tuples(KEYS, kids), max_size=4)
    ),  # an object as pairs: keys may repeat
    max_leaves=25,
)
_SPACE = st.sampled_from(["", "", " ", "\n", "\t", "\r\n", "  "])


@st.composite
def json_text(draw: st.DrawFn, value: Any) -> str:
    """`value` (objects as lists of pairs) written as JSON text in one of many equivalent ways."""
    ws = draw(_SPACE)
    if isinstance(value, tuple):  # (pairs,) marks an object at the top
        value = value[0]
        return ws + _object(draw, value) + draw(_SPACE)
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        return ws + _object(draw, value)
    if isinstance(value, list):
        inner = ("," + draw(_SPACE)).join(draw(json_text(v)) for v in value)
        return "[" + inner + draw(_SPACE) + "]"
    if isinstance(value, str):
        return _string(draw, value)
    if isinstance(value, float):
        return draw(st.sampled_from([repr(value), f"{value:e}", f"{value:E}"]))
    return json.dumps(value)


def _object(draw: st.DrawFn, pairs: list[tuple[str, Any]]) -> str:
    sep = draw(_SPACE) + ":" + draw(_SPACE)
    items = [_string(draw, k) + sep + draw(json_text(v)) for k, v in pairs]
    return "{" + ("," + draw(_SPACE)).join(items) + draw(_SPACE) + "}"


def _string(draw: st.DrawFn, text: str) -> str:
    """A JSON string of `text`, each character written plainly or as an escape."""
    out = ['"']
    for ch in text:
        how = draw(st.integers(0, 3))
        if ch in '"\\' or ord(ch) < 0x20 or how == 0:
            code = ord(ch)
            if code > 0xFFFF:  # a surrogate pair, as JSON writes astral characters
                code -= 0x10000
                hi, lo = 0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)
                esc = f"\\u{hi:04x}\\u{lo:04x}"
            else:
                esc = f"\\u{code:04x}"
            out.append(esc.upper().replace("\\U", "\\u") if how == 1 else esc)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def depth(value: Any) -> int:
    if isinstance(value, tuple):  # the top-level object
        return 1 + max((depth(v) for _, v in value[0]), default=0)
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        return 1 + max(depth(v) for _, v in value)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


# A top-level object: a 1-tuple holding its pairs (keys may repeat).
OBJECTS = st.lists(st.tuples(KEYS, VALUES), max_size=6).map(lambda pairs: (pairs,))
