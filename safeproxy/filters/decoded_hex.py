"""Hex runs (`41 42`, `4142`, `0x41`, `\\x41`) decoded into pieces (decoded.py holds the
other decoders' common parts, and the hex stream tail)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from safeproxy.filters.decoded import BINARY_SHARE, MIN_HEX_BYTES, RUN_COST, bytes_pieces
from safeproxy.filters.piece import Piece
from safeproxy.filters.runs import Resume, run_spans
from safeproxy.filters.scanner import Overload

# --- hex --------------------------------------------------------------------------------

# A run of hex pairs, each perhaps written \x41 or 0x41, perhaps followed by one separator.
# The unit is repeated a bounded number of times per match, and a longer run is followed
# with `_HEX_MORE` (runs.py): one match of an unbounded repeat would read a whole megabyte of digits
# before any of it could be decoded (or found to be past the budget).
# Possessive (`?+`, `}+`): a unit parses one way only (a prefix cannot be left for its "0",
# nor a separator for the next unit), so giving back is never needed, and `re` does not try
# it: on a text of near-runs (seven units, then a break) that trying was two thirds of the
# search.
_HEX_UNIT = r"(?:(?:\\x|0x)?+[0-9A-Fa-f]{2}[ :,-]?+)"
# Where a run can start first. A match attempt right after two hex digits, a prefix, or a
# pair and its separator reads what the attempt at that pair read, one unit less: it ends
# where that one ended, so it finds a run only where that one already did. Not trying
# there keeps a text of near-runs from costing one attempt per unit, each read to the break
# (the same runs are found: tests/property/test_hex_runs.py).
_HEX_START = r"(?=[0-9A-Fa-f\\])(?<![0-9A-Fa-f]{2})(?<![0\\]x)(?<![0-9A-Fa-f]{2}[ :,-])"
_HEX_RUN = re.compile(_HEX_START + _HEX_UNIT + "{" + str(MIN_HEX_BYTES) + ",256}+")
_HEX_MORE = re.compile(_HEX_UNIT + "{1,256}+")
# After a run, the look-behinds would read it: the first three positions (a pair and its
# separator) are tried without them.
_HEX_RESUME = Resume(re.compile(_HEX_UNIT + "{" + str(MIN_HEX_BYTES) + ",256}+"), 3)
# The widest unit ("\x41,"): `n` bytes are written in at most this many characters each.
_HEX_WIDEST = 5
_HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")


def decode_hex(text: str, budget: int) -> list[Piece]:
    out: list[Piece] = []
    left = budget

    def most() -> int:  # what `left` bytes are written in, and a unit more
        return _HEX_WIDEST * (left + 1)

    # A run longer than `left` bytes is past the cap whatever it decodes to; shorter ones
    # are charged what they read as, or as binary (RUN_COST and a share of their bytes).
    for at, stop in run_spans(_HEX_RUN, _HEX_MORE, text, most, resume=_HEX_RESUME):
        if left <= 0:
            break
        run = text[at:stop]
        # Decoded in C. Each byte's place in the run is a fixed stride when the run is
        # written one way throughout (the common case, checked with slices), else found
        # pair by pair.
        # (The run holds only digits, prefixes and separators: deleting bytes is one C pass.)
        digits = run.replace("0x", "").encode("ascii").translate(None, b"\\x :,-").decode()
        n = len(digits) // 2
        if n > left:
            raise Overload(f"hex past {budget} decoded characters")
        digits = digits[: 2 * n]
        data = bytes.fromhex(digits)
        first = [p.start() for p, _ in zip(_HEX_PAIR.finditer(run), range(2), strict=False)]
        stride = first[1] - first[0] if len(first) == 2 else 2
        p0 = first[0]
        uniform = run[p0::stride][:n] == digits[0::2] and run[p0 + 1 :: stride][:n] == digits[1::2]
        if uniform:
            starts: Sequence[int] = range(at + p0, at + p0 + stride * n, stride)
            ends: Sequence[int] = range(at + p0 + 2, at + p0 + 2 + stride * n, stride)
        else:
            spans = [p.span() for p, _ in zip(_HEX_PAIR.finditer(run), range(n), strict=False)]
            starts = [at + a for a, _ in spans]
            ends = [at + b for _, b in spans]
        pieces = bytes_pieces("hex", data, starts, ends)
        out += pieces
        kept = sum(len(p.text) for p in pieces)
        # A run written one way throughout costs C work per byte; another, Python work per
        # pair (its positions): that one is charged every byte.
        left -= max(kept, RUN_COST + n // BINARY_SHARE if uniform else n)
    return out
