"""The projection: UTF-8 text read as one byte per character, for databases compiled for
ASCII (scanner.py, views.py). A pattern written in ASCII cannot tell one character outside
ASCII from another, so it reads the projection as it reads the text, at ASCII's speed, with
offsets that are character offsets already; which patterns those are (`ascii_only`), and
the two characters that caseless UTF-8 matching reads as ASCII letters (`CASE_TWINS`)."""

from __future__ import annotations

import re

# UTF-8's continuation bytes: dropped, each character leaves its lead byte alone.
_CONTINUATION = bytes(range(0x80, 0xC0))
# The characters outside ASCII that Hyperscan's caseless UTF-8 mode reads as ASCII letters
# (long s and the Kelvin sign; found by scanning every code point): a text holding one is
# read as UTF-8.
CASE_TWINS = ("\u017f", "\u212a")
# Escapes naming characters outside ASCII (or classes of them) in a pattern; an escaped
# backslash is matched too, as itself, so that the letter after it is not read as an escape
# (`\\u` is a backslash and a "u").
_ESCAPE = re.compile(r"\\(?:\\|x[89a-fA-F]|x\{|[0-3][0-7]{2}|[uUNpPQEc])")
_ESCAPED_BACKSLASH = "\\\\"


def fold_twins(text: str) -> str:
    """`text` with each case twin as the ASCII letter that caseless UTF-8 matching reads it as
    in a class or a literal (`\\w` and `\\b` alone would not: normalised text, which the
    filters scan, never holds either, since NFKC folds both)."""
    return text.replace("\u017f", "s").replace("\u212a", "k")


def project(data: bytes) -> bytes:
    """The UTF-8 `data` as one byte per character: ASCII as it is, every other character
    as its lead byte (a byte outside ASCII). One C pass."""
    return data.translate(None, _CONTINUATION)


def ascii_only(regex: str) -> bool:
    """Whether `regex` names ASCII alone: then, without UCP, every character outside ASCII
    (but CASE_TWINS) is alike to it, in a class, a negated class, `.`, `\\W` or `\\b`, and
    it matches a text's projection where it matches the text. Cautious: an escape that
    might name another character says no."""
    return regex.isascii() and all(m.group() == _ESCAPED_BACKSLASH for m in _ESCAPE.finditer(regex))
