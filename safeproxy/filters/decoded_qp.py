"""Quoted-printable (RFC 2045): `=XX` for a byte, `=` at a line's end for no break. Mail
bodies and MIME parts use it, and an order written in it passes the plain text's filters:
with its blanks as `=20` ("Ignore=20all=20previous=20instructions") the words are glued by
digits, which no phrase's word gap takes; written whole ("=49=67=6E...") it has no words at
all. A model reads it through, so the views decode it, inline as percent-encoding is
(decoded.inline).

`=` followed by two hex digits is common in code (`width=20`, `x=ff`), and a view is the whole
text again, scanned again: so a text is decoded only when it holds several such units, in
upper case as RFC 2045 writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from safeproxy.filters.decoded import bytes_text, inline
from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece

# Units and soft line breaks (`=` ending a line: nothing): two or more in a row, or one inside
# a word ("Ignore=20all", "pro=\nmpt"). One between a name and a blank is code's
# (`width=20 `), and is not read: each read unit makes the whole text a view, scanned again.
# (Written to begin with its `=`, the look behind after it: `re` then searches for the `=`,
# instead of trying the look behind at every position, 2.5 times slower.)
_QP_RUN = re.compile(
    r"=(?:(?:[0-9A-F]{2}|\r?\n)(?:=(?:[0-9A-F]{2}|\r?\n))+"
    r"|(?<=[0-9A-Za-z]=)(?:[0-9A-F]{2}(?=[0-9A-Za-z])|\r?\n))"
)
_PIECE = re.compile(r"=([0-9A-F]{2})|=\r?\n")
# Units a text must hold before it is read as quoted-printable (one or two are code).
MIN_UNITS = 3
# The gate database is caseless: it opens on `=ff` too, and the decoder's run does not.
GATE = r"=[0-9a-f]{2}"
_HEX_UPPER = "0123456789ABCDEF"


# One unit is enough where it is an address's `@` (`mei.chen=40outlook.com`, as a mail
# header writes it): a name's last character, `=40`, a label and a dot.
_MAILBOX_AT = re.compile(r"[0-9A-Za-z_%+-]=40[0-9A-Za-z-]+\.[A-Za-z]{2}")


def _mailbox_at(text: str, budget: int) -> bool:
    """The first `=40` in the text is an address's `@` (one look: linear in any text)."""
    at = text.find("=40", 0, budget)
    return at > 0 and _MAILBOX_AT.match(text, at - 1, budget) is not None


def decode_quoted_printable(text: str, budget: int) -> list[Piece]:
    """The text with its =XX runs decoded (the rest as it is), when it holds MIN_UNITS or
    an address's `@`."""
    if text.count("=") < MIN_UNITS:
        if "=40" not in text or not _mailbox_at(text, budget):
            return []
    else:
        runs = islice(_QP_RUN.finditer(text, 0, budget), MIN_UNITS)  # (a run: one unit or more)
        if sum(m.group().count("=") for m in runs) < MIN_UNITS and not _mailbox_at(text, budget):
            return []

    def unescape(run: str, at: int) -> Iterable[tuple[str, int, int]] | None:
        if "\n" not in run:  # (most runs: every unit three characters)
            data = bytes.fromhex(run.replace("=", ""))
            n = len(data)
            starts: range | list[int] = range(at, at + 3 * n, 3)
            ends: range | list[int] = range(at + 3, at + 3 * n + 3, 3)
        else:
            units = [m for m in _PIECE.finditer(run) if m.group(1)]
            data = bytes.fromhex("".join(m.group(1) for m in units))
            starts = [at + m.start() for m in units]
            ends = [at + m.end() for m in units]
        decoded, cs, ce = bytes_text(data, starts, ends)
        return zip(decoded, cs, ce, strict=True)

    return inline("qp", text, _QP_RUN, unescape, budget)


def qp_tail(text: str) -> int:
    """A `=` with at most one hex digit after it ends the text: `=XX` may be arriving."""
    cut = text.rfind("=", max(0, len(text) - 2))
    return cut if cut >= 0 and not text[cut + 1 :].strip(_HEX_UPPER) else len(text)


QP_TAIL = Tail(qp_tail, bound="=" + _HEX_UPPER)
