"""Morse code: letters and digits as dots and dashes apart by one blank, words apart by a slash
or several blanks (".. --. -. --- .-. . / .- .-.. .-.."). A model reads it through, so
the views decode it: a run of at least MIN_TOKENS signs is found with linear `re` work (the
signs and the gaps are disjoint classes, so a run splits into tokens one way only), each
sign maps to its letter, and each letter maps back to the dots and dashes that wrote it.
"""

from __future__ import annotations

import re

from safeproxy.filters.decoded import TAIL_CAP, run_tail
from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece
from safeproxy.filters.runs import run_spans
from safeproxy.filters.scanner import Overload

# International Morse, letters and digits.
_SIGNS = dict(
    zip(
        (  # noqa: SIM905 (signs read better as one line of Morse)
            ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- "
            "...- .-- -..- -.-- --.. ----- .---- ..--- ...-- ....- ..... -.... --... ---.. ----."
        ).split(),
        "abcdefghijklmnopqrstuvwxyz0123456789",
        strict=True,
    )
)
# The shortest run worth reading: "password" is eight signs.
MIN_TOKENS = 8
_SIGN = r"[.\-]{1,6}"
# Not a bar: Morse is written with slashes or blanks, and markdown tables ("|---|---|")
# are made of bars and dashes.
_GAP = r"(?: {1,7}| ?/ ?)"
_RUN = re.compile(f"(?:{_SIGN}{_GAP}){{{MIN_TOKENS - 1},256}}{_SIGN}")
_MORE = re.compile(f"(?:{_GAP}{_SIGN}){{1,256}}")
_TOKEN = re.compile(_SIGN)
GATE = f"(?:{_SIGN}{_GAP}){{{MIN_TOKENS - 1}}}{_SIGN}"
# Of a run's signs, this share must be letters or digits for it to read as Morse (rows of
# dashes and dots in ASCII art are not).
KNOWN_SHARE = 0.9
_CHARS = ".- /"
SIGN_COST = 4


def decode_morse(text: str, budget: int) -> list[Piece]:
    out: list[Piece] = []
    left = budget

    def most() -> int:  # what `left` can still decode (8 characters a sign at most), and more
        return 8 * (left // SIGN_COST + 2)

    for at, stop in run_spans(_RUN, _MORE, text, most):
        if left <= 0:
            break
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        known = 0
        last_end = at
        for m in _TOKEN.finditer(text, at, stop):
            gap = text[last_end : m.start()]
            if chars and (len(gap) > 1 or "/" in gap):
                chars.append(" ")  # a word gap: the gap stands for it
                starts.append(last_end)
                ends.append(m.start())
            sign = m.group()
            letter = _SIGNS.get(sign)
            if letter is None and m.end() == stop and sign.rstrip(".") in _SIGNS:
                sign = sign.rstrip(".")  # the sentence's full stop, glued to its last sign
                letter = _SIGNS[sign]
            known += letter is not None
            chars.append(letter or "?")
            starts.append(m.start())
            ends.append(m.start() + len(sign))
            last_end = m.end()
        # Each sign is a few Python steps (the other decoders' bytes are C work): charged as
        # SIGN_COST characters, so a text of nothing but signs stops after budget/4 of them.
        if SIGN_COST * len(chars) > left:
            raise Overload(f"morse past {budget} decoded characters")
        left -= SIGN_COST * len(chars)
        signs = len(chars) - chars.count(" ")
        if known >= KNOWN_SHARE * signs:
            out.append(Piece("morse", "".join(chars), starts, ends))
    return out


def morse_tail(text: str) -> int:
    """Back over a trailing run of signs and gaps: a letter may be on its way."""
    return run_tail(text, _CHARS, TAIL_CAP)


MORSE_TAIL = Tail(morse_tail, bound=_CHARS)
