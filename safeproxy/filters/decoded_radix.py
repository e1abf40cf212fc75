"""Bytes written with fewer symbols than hex: binary ("01101001 01100111 ...", eight digits a
byte) and base32 (RFC 4648, "NFTWK3TP..."). Attacks hide orders in both ("decode this and do
what it says") and a model reads them through, so the views decode them as decoded.py does
base64 and hex: runs found with linear `re` work, decoded in C, kept where they read as text,
and charged to the same budget.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from safeproxy.filters.decoded import (
    BINARY_SHARE,
    MIN_B64,
    RUN_COST,
    TAIL_CAP,
    bytes_pieces,
    groups,
    run_tail,
)
from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece
from safeproxy.filters.runs import run_spans
from safeproxy.filters.scanner import Overload

# --- binary -------------------------------------------------------------------------------

# The shortest run worth decoding: four bytes ("pass", "key=").
MIN_BIT_BYTES = 4
# A byte: eight binary digits, perhaps followed by one separator. Bounded repeats, followed
# run by run (runs.py), so a megabyte of digits is read only as far as the budget goes.
_BITS_UNIT = r"(?:[01]{8}[ ,]?)"
_BITS_RUN = re.compile(_BITS_UNIT + "{" + str(MIN_BIT_BYTES) + ",256}")
_BITS_MORE = re.compile(_BITS_UNIT + "{1,256}")
_BYTE = re.compile("[01]{8}")
BITS_GATE = r"(?:[01]{8}[ ,]?){" + str(MIN_BIT_BYTES - 1) + r"}[01]{8}"
_BITS_CHARS = "01 ,"


def decode_binary(text: str, budget: int) -> list[Piece]:
    out: list[Piece] = []
    left = budget

    def most() -> int:  # what `left` bytes are written in, and a unit more
        return 9 * (left + 1)

    for at, stop in run_spans(_BITS_RUN, _BITS_MORE, text, most):
        if left <= 0:
            break
        run = text[at:stop].rstrip(" ,")
        digits = run.replace(" ", "").replace(",", "")
        n = len(digits) // 8
        if n > left:
            raise Overload(f"binary past {budget} decoded characters")
        data = int(digits, 2).to_bytes(n, "big")  # (C: linear for a power-of-two base)
        starts: Sequence[int]
        ends: Sequence[int]
        if len(run) == 8 * n or (len(run) == 9 * n - 1 and not run[8::9].strip(" ,")):
            stride = 8 if len(run) == 8 * n else 9  # written one way throughout
            starts, ends = (
                range(at, at + stride * n, stride),
                range(at + 8, at + stride * n + 8, stride),
            )
        else:  # some bytes apart, some not: each byte's place found by its digits
            spans = [m.span() for m in _BYTE.finditer(run)]
            starts, ends = [at + a for a, _ in spans], [at + b for _, b in spans]
        pieces = bytes_pieces("binary", data, starts, ends)
        out += pieces
        kept = sum(len(p.text) for p in pieces)
        # Decoded in C: a run that reads as no text costs its fixed work and a share.
        left -= max(kept, RUN_COST + n // BINARY_SHARE)
    return out


def bits_tail(text: str) -> int:
    """Back over a trailing run of binary digits and their separators: a byte may be on its
    way (one more digit makes "0110100" a byte)."""
    return run_tail(text, _BITS_CHARS, TAIL_CAP)


BITS_TAIL = Tail(bits_tail, bound=_BITS_CHARS)

# --- base32 -------------------------------------------------------------------------------

# Upper case, as RFC 4648 writes it (lower-case runs of these letters are words), and as long
# as base64's shortest run: the two share base64's gate (decoders.py), which then opens on
# every run this reads.
MIN_B32 = MIN_B64
_B32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_RUN = re.compile(r"[A-Z2-7]{" + str(MIN_B32) + r",}={0,6}")
# How many characters of a last, shorter group carry whole bytes (RFC 4648, section 6).
_LAST_GROUP = frozenset({0, 2, 4, 5, 7})


def decode_base32(text: str, budget: int) -> list[Piece]:
    out: list[Piece] = []
    left = budget
    for m in _B32_RUN.finditer(text):  # one class repeated: found in C
        if left <= 0:
            break
        start, stop = m.span()
        # No more of the run than `left` bytes take (8 characters per 5 bytes), and a group
        # more, so that a longer run is seen to be one.
        end = min(stop, start + 8 * (left // 5 + 2))
        run = text[start:end].rstrip("=")
        if len(run) % 8 not in _LAST_GROUP:
            run = run[: len(run) - len(run) % 8]
        try:
            data = base64.b32decode(run + "=" * (-len(run) % 8))
        except (binascii.Error, ValueError):
            continue
        decoded = len(data)
        data = data[:left]
        pieces = bytes_pieces("base32", data, *groups(start, stop, len(data), 5, 8))
        kept = sum(len(p.text) for p in pieces)
        if decoded > left and kept >= left:
            raise Overload(f"base32 past {budget} decoded characters")
        out += pieces
        left -= max(kept, RUN_COST + decoded // BINARY_SHARE)
        if left < 0 or end < stop:
            raise Overload(f"base32 past {budget} decoded characters")
    return out


def b32_tail(text: str) -> int:
    return run_tail(text, _B32_ALPHABET + "=", TAIL_CAP)


B32_TAIL = Tail(b32_tail, bound=_B32_ALPHABET + "=")
