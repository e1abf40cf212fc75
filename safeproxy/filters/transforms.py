"""Transforms of whole words a model reads through: ROT13, reversed and letter-spaced text.

Like decoded.py's decoders, each turns a text into Pieces that map back to the characters
they came from; the same linear-pattern rule holds for the `re` patterns here.
"""

from __future__ import annotations

import re
from collections import Counter

from safeproxy.filters.piece import Piece

# --- ROT13 and reversed text (whole-text transforms, taken when they read as language) ----

_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
# Words nearly every sentence has, and the words instructions are made of, in the six
# languages of the injection families. A transform is taken when its text has at least
# two of them, and more than the text as written.
_COMMON = (  # noqa: SIM905 (a word list reads better as prose)
    "the and you your all are is of to that this with for not ignore previous instructions "
    "system prompt password secret key please now tell me what how reveal rules "
    "und die der das ist nicht ich du alle les des est vous tous que los las por para "
    "una todas che non sono tutte"
).split()
_WORD = re.compile(r"[^\W\d_]+")


def _common_words(text: str) -> int:
    words = frozenset(_COMMON)
    return sum(1 for w in _WORD.findall(text.lower()) if w in words)


def _reads_better(view: str, text: str) -> bool:
    gained = _common_words(view)
    return gained >= 2 and gained > _common_words(text)


def _identity(kind: str, view: str) -> Piece:
    n = len(view)
    return Piece(kind, view, range(n), range(1, n + 1))


def decode_rot13(text: str, budget: int) -> list[Piece]:
    text = text[:budget]
    view = text.translate(_ROT13)
    return [_identity("rot13", view)] if _reads_better(view, text) else []


_REVERSED_EMAIL = re.compile(r"\b(?:moc|gro|ten|ude|vog|oi|ed|ku|rf)\.[a-z0-9.-]{1,64}@")


def decode_reversed(text: str, budget: int) -> list[Piece]:
    text = text[-budget:] if budget < len(text) else text
    view = text[::-1]
    if not (_reads_better(view, text) or _REVERSED_EMAIL.search(text.lower())):
        return []
    n = len(text)
    return [Piece("reversed", view, range(n - 1, -1, -1), range(n, 0, -1))]


# --- letter-spaced text ("i g n o r e", "p.a.s.s.w.o.r.d") --------------------------------

# Single non-space characters apart by one to three blanks; or single letters and digits apart
# by one punctuation mark.
_SPACED = re.compile(r"(?:(?<!\S)\S[ \t]{1,3}){4,}\S(?!\S)")
_PUNCT_SPACED = re.compile(r"(?:(?<![^\W_])[^\W_][.*_|,/\\~+-]){4,}[^\W_](?![^\W_])")
_PUNCT_SEPS = ".*_|,/\\~+-"


def decode_spaced(text: str, budget: int) -> list[Piece]:
    out: list[Piece] = []
    for pattern, seps in ((_SPACED, " \t"), (_PUNCT_SPACED, _PUNCT_SEPS)):
        for m in pattern.finditer(text):
            if budget <= 0:
                return out
            # A run reads at most twice the budget of text (a character and a gap each).
            piece = _unspace(text, m.start(), min(m.end(), m.start() + 2 * budget), seps)
            if piece is not None:
                out.append(piece)
                budget -= len(piece.text)
    return out


def _unspace(text: str, start: int, end: int, seps: str) -> Piece | None:
    """The characters of a spaced run joined (the run alternates one character and a gap of
    `seps`); a gap other than the usual one is a word break, read as one space."""
    chars: list[int] = []
    gaps: list[tuple[int, int]] = []
    i = start
    while i < end:
        chars.append(i)
        j = i + 1
        while j < end and text[j] in seps:
            j += 1
        gaps.append((i + 1, j))
        i = j
    gaps.pop()
    if sum(text[c].isalpha() for c in chars) < 3:
        return None  # digits with separators are the detectors' own business
    usual = Counter(text[a:b] for a, b in gaps).most_common(1)[0][0]
    out: list[str] = [text[chars[0]]]
    out_s: list[int] = [chars[0]]
    out_e: list[int] = [chars[0] + 1]
    for (a, b), c in zip(gaps, chars[1:], strict=True):
        if text[a:b] != usual:
            out.append(" ")
            out_s.append(a)
            out_e.append(b)
        out.append(text[c])
        out_s.append(c)
        out_e.append(c + 1)
    return Piece("spaced", "".join(out), out_s, out_e)


def spaced_tail(text: str, cap: int = 1024) -> int:
    """Where a spaced run at the end of a stream could still be growing: back over single
    characters and the gaps between them (at most `cap` characters), of either kind of run.
    A run with no letter yet holds nothing: digits alone are the detectors' business."""
    return min(_spaced_tail(text, cap, " \t", 3), _spaced_tail(text, cap, _PUNCT_SEPS, 1))


def _spaced_tail(text: str, cap: int, seps: str, widest: int) -> int:
    floor = max(0, len(text) - cap)
    i = len(text)
    gap = 0
    while i > floor and text[i - 1] in seps and gap < widest:
        i -= 1
        gap += 1
    start = i
    letters = False
    while i > floor and text[i - 1] not in seps and not text[i - 1].isspace():
        if i >= 2 and text[i - 2] not in seps and not text[i - 2].isspace():
            break  # text[i - 1] ends a longer word: the run (if any) starts after it
        i -= 1
        start = i
        letters = letters or text[i].isalpha()
        gap = 0
        while i > floor and text[i - 1] in seps and gap < widest:
            i -= 1
            gap += 1
        if gap == 0:
            break
    return start if letters else len(text)
