"""One-for-one character maps run in C over text that one legacy code page can hold.

`str.translate` looks every character up in Python (25-45 ns a character); a text in one
script (Russian, Arabic, Greek, Hebrew, Thai, Latin with accents) is dense in characters a
map such as the confusables skeleton changes, so splitting it into runs does not help. Such a
text fits a single-byte code page (cp1251 holds Russian with its quotes and dashes), and the
standard codecs encode and decode those in C: the map becomes `bytes.translate` over the
encoded text, three C passes.

The code page is chosen by the text's first character outside ASCII; a text that the page
cannot hold whole (several scripts, emoji) is left to the caller (None).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# Tried in this order: the first that holds a character is the one chosen for it.
CODECS = (
    "cp1251",  # Cyrillic
    "cp1256",  # Arabic, Persian, Urdu
    "cp1253",  # Greek
    "cp1255",  # Hebrew
    "cp874",  # Thai
    "cp1250",  # Central European
    "cp1252",  # Western European
    "cp1254",  # Turkish
    "cp1257",  # Baltic
)
_WIDE = re.compile("[^\x00-\x7f]")


class CodePageMap:
    """`table` (code point -> one character; absent: left as it is) as byte tables, one per
    code page that holds every character the map gives for its own characters."""

    def __init__(self, table: Mapping[int, str], codecs: Sequence[str] = CODECS) -> None:
        # First character outside ASCII -> (codec, its byte table).
        self._pick: dict[str, tuple[str, bytes]] = {}
        for codec in codecs:
            tables = _byte_table(table, codec)
            if tables is None:
                continue
            chars, byte_table = tables
            for ch in chars:
                self._pick.setdefault(ch, (codec, byte_table))

    def map(self, text: str) -> str | None:
        """`text.translate(table)`, or None where no code page holds the text whole (ASCII
        text included: the caller has a faster way for it)."""
        first = _WIDE.search(text)
        if first is None:
            return None
        picked = self._pick.get(first.group())
        if picked is None:
            return None
        codec, byte_table = picked
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            return None
        return data.translate(byte_table).decode(codec)


def _byte_table(table: Mapping[int, str], codec: str) -> tuple[list[str], bytes] | None:
    """(the code page's characters outside ASCII, its byte table), or None if the map sends
    one of its characters out of it."""
    out = bytearray(range(256))
    chars: list[str] = []
    for b in range(256):
        try:
            ch = bytes([b]).decode(codec)
        except UnicodeDecodeError:  # a byte the page leaves undefined: never encoded
            continue
        if len(ch) != 1:
            return None
        target = table.get(ord(ch), ch)
        try:
            encoded = target.encode(codec)
        except UnicodeEncodeError:
            return None
        if len(encoded) != 1:
            return None
        out[b] = encoded[0]
        if b >= 0x80:
            chars.append(ch)
    return chars, bytes(out)
