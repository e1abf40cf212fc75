"""Transforms of whole words a model reads through: ROT13, reversed and letter-spaced text.

Like decoded.py's decoders, each turns a text into Pieces that map back to the characters
they came from; the same linear-pattern rule holds for the `re` patterns here.
"""

from __future__ import annotations

import re
from collections import Counter

from safeproxy.filters.piece import Piece
from safeproxy.filters.runs import Lead, run_spans
from safeproxy.filters.scanner import Overload

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


def reads_better(view: str, text: str) -> bool:
    gained = _common_words(view)
    return gained >= 2 and gained > _common_words(text)


def _identity(kind: str, view: str) -> Piece:
    n = len(view)
    return Piece(kind, view, range(n), range(1, n + 1))


def decode_rot13(text: str, budget: int) -> list[Piece]:
    text = text[:budget]
    view = text.translate(_ROT13)
    return [_identity("rot13", view)] if reads_better(view, text) else []


_REVERSED_EMAIL = re.compile(r"\b(?:moc|gro|ten|ude|vog|oi|ed|ku|rf)\.[a-z0-9.-]{1,64}@")


def decode_reversed(text: str, budget: int) -> list[Piece]:
    text = text[-budget:] if budget < len(text) else text
    view = text[::-1]
    if not (reads_better(view, text) or _REVERSED_EMAIL.search(text.lower())):
        return []
    n = len(text)
    return [Piece("reversed", view, range(n - 1, -1, -1), range(n, 0, -1))]


# --- letter-spaced text ("i g n o r e", "p.a.s.s.w.o.r.d") --------------------------------

# Single non-space characters apart by one to three blanks; or single letters and digits apart
# by one punctuation mark. Each repeat is bounded, and a longer run is followed by its `_MORE`
# pattern (runs.py): one unbounded match would read a whole megabyte of "a b "
# before the budget could stop it.
_SPACED = re.compile(r"(?:(?<!\S)\S[ \t]{1,3}){4,256}\S(?!\S)")
_SPACED_MORE = re.compile(r"(?:[ \t]{1,3}\S(?!\S)){1,256}")
_PUNCT_SPACED = re.compile(r"(?:(?<![^\W_])[^\W_][.*_|,/\\~+-]){4,256}[^\W_](?![^\W_])")
_PUNCT_MORE = re.compile(r"(?:[.*_|,/\\~+-][^\W_](?![^\W_])){1,256}")
_PUNCT_SEPS = ".*_|,/\\~+-"
# Three single characters, each after a gap: every run (five at least) begins with one after
# its first character (see runs.Lead). Three, not one: a lone emoji between spaces is common.
_SPACED_LEAD = Lead(re.compile(r"[ \t](?:\S[ \t]{1,3}){2}\S[ \t]"), " \t")
_PUNCT_LEAD = Lead(re.compile(r"[.*_|,/\\~+-](?:[^\W_][.*_|,/\\~+-]){3}"), _PUNCT_SEPS)


def decode_spaced(text: str, budget: int) -> list[Piece]:
    """Both kinds of letter-spaced runs (blanks, then punctuation)."""
    out = decode_blank_spaced(text, budget)
    return out + decode_punct_spaced(text, budget - sum(len(p.text) for p in out))


def decode_blank_spaced(text: str, budget: int) -> list[Piece]:
    """Single characters apart by one to three blanks ("i g n o r e")."""
    return _decode_runs(text, budget, _SPACED, _SPACED_MORE, " \t", 4, _SPACED_LEAD)


def decode_punct_spaced(text: str, budget: int) -> list[Piece]:
    """Single letters and digits apart by one punctuation mark ("p.a.s.s")."""
    return _decode_runs(text, budget, _PUNCT_SPACED, _PUNCT_MORE, _PUNCT_SEPS, 2, _PUNCT_LEAD)


def _decode_runs(
    text: str,
    budget: int,
    first: re.Pattern[str],
    more: re.Pattern[str],
    seps: str,
    widest: int,
    lead: Lead,
) -> list[Piece]:
    """`widest`: a character and its widest gap. A run is followed no further than the
    characters `left` allows, and one more, so that a longer run is seen to be one."""
    out: list[Piece] = []
    left = budget

    def most() -> int:
        return widest * (left + 1)

    for start, end in run_spans(first, more, text, most, lead):
        if left <= 0:
            break
        piece = _unspace(text, start, end, seps, left)
        if piece is not None:
            out.append(piece)
            left -= len(piece.text)
    return out


def _unspace(text: str, start: int, end: int, seps: str, most: int) -> Piece | None:
    """The characters of a spaced run joined (the run alternates one character and a gap of
    `seps`); a gap other than the usual one is a word break, read as one space. A run of
    more than `most` characters is an Overload, found before any Python step per character
    (past the cap, the rest of the run would go unread)."""
    run = text[start:end]
    # The common case in C: every gap the same (one separator, or the same few blanks).
    for width in (1, 2, 3):
        gap = run[1 : 1 + width]
        chars = run[:: width + 1]
        uniform = gap.strip(seps) == "" and not any(c in chars for c in seps)
        if uniform and gap.join(chars) == run:
            if not _worth_joining(chars):
                return None
            if len(chars) > most:
                raise Overload(f"spaced text past {most} decoded characters")
            step = width + 1
            return Piece("spaced", chars, range(start, end, step), range(start + 1, end + 1, step))
    # Gaps of several widths: the word breaks are the gaps other than the usual one. The
    # characters and gaps are listed in C; Python steps once per character (the caller
    # reads at most its budget's worth).
    is_gap = _GAPS[seps]
    chars = is_gap.sub("", run)
    if not _worth_joining(chars):
        return None
    if len(chars) > most:
        raise Overload(f"spaced text past {most} decoded characters")
    gaps = [m.span() for m in is_gap.finditer(run)]
    usual = Counter(run[a:b] for a, b in gaps).most_common(1)[0][0]
    out: list[str] = [chars[0]]
    out_s: list[int] = [start]
    out_e: list[int] = [start + 1]
    for (a, b), c in zip(gaps, chars[1:], strict=True):
        if b - a != len(usual) or run[a:b] != usual:
            out.append(" ")
            out_s.append(start + a)
            out_e.append(start + b)
        out.append(c)
        out_s.append(start + b)
        out_e.append(start + b + 1)
    return Piece("spaced", "".join(out), out_s, out_e)


_GAPS = {" \t": re.compile("[ \t]+"), _PUNCT_SEPS: re.compile(r"[.*_|,/\\~+-]+")}


def _worth_joining(chars: str) -> bool:
    """Words, or an identifier of letters and digits ("D E 8 9 3 7 ..." is an IBAN, a
    country code and its digits). Digits alone with separators are the detectors' own
    business (one-by-one cards, phones and SSNs)."""
    letters = _letters(chars)
    return letters >= 3 or (letters >= 1 and len(chars) - letters >= 8)


def _letters(chars: str) -> int:
    return sum(map(str.isalpha, chars))  # one C call per character, no Python frame


def spaced_tail(text: str, cap: int = 1024) -> int:
    """Where a spaced run at the end of a stream could still be growing: back over single
    characters and the gaps between them (at most `cap` characters), of either kind of run.
    A run with no letter yet holds nothing: digits alone are the detectors' business."""
    if len(text) >= 2 and text[-2:].isalnum():
        return len(text)  # the last character ends a longer word: no run ends here (in C)
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


# --- Words split by hyphens ("ig-nore all pre-vious in-struc-tions") ----------------------

# A word of letters split by hyphens (ASCII, the Unicode hyphen and the non-breaking one; the
# soft hyphen is dropped by normalisation already). Linear: each letter is read once.
_HYPHENATED = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)+")
_HYPHENS = "-\u2010\u2011"
# Split words this close together are one stretch; a stretch's piece reads this much of the
# text on either side too, so a phrase of which only one word is split reads whole.
_NEAR = 48
_CONTEXT = 48
# A stretch is cut into pieces of about this much, so that the budget bounds what is made.
_LONGEST = 256


# A Hyperscan gate over the raw text (caseless): a word split twice, or two split words
# within five words ("f-orget the prior directives you w-ere given"). Ordinary prose has a
# compound now and then ("well-known"), rarely two so close; where it does, the piece is a
# few dozen characters.
def _hyphenated_gate(hyphen: str) -> str:
    return (
        rf"[a-z]{hyphen}[a-z]+{hyphen}[a-z]"
        rf"|[a-z]{hyphen}[a-z]+[^a-z\-]{{1,3}}(?:[a-z]+[^a-z\-]{{1,3}}){{0,5}}[a-z]+{hyphen}[a-z]"
    )


HYPHENATED_GATE = _hyphenated_gate(r"[\-\x{2010}\x{2011}]")
HYPHENATED_ASCII_GATE = _hyphenated_gate("-")  # (ASCII text has no other hyphen)


def decode_hyphenated(text: str, budget: int) -> list[Piece]:
    """Stretches of words split by hyphens, read with the hyphens inside words dropped (and
    the text around them): a model reads "in-struc-tions" as "instructions". A stretch counts
    with two split words, or one split twice; hyphens of compounds elsewhere in the piece go
    too ("state-of-the-art" reads "stateoftheart", which no rule names). Stops once `budget`
    characters of pieces are made."""
    out: list[Piece] = []
    left = budget
    group: list[re.Match[str]] = []

    def close() -> None:
        nonlocal left
        hyphens = sum(c in _HYPHENS for m in group for c in m.group())
        if len(group) >= 2 or hyphens >= 2:
            piece = _joined(text, group[0].start(), group[-1].end())
            out.append(piece)
            left -= len(piece.text)

    for m in _HYPHENATED.finditer(text):
        if left <= 0:
            break
        if group and (m.start() - group[-1].end() > _NEAR or m.end() - group[0].start() > _LONGEST):
            close()
            group = []
        group.append(m)
    if group and left > 0:
        close()
    return out


def _joined(text: str, first: int, last: int) -> Piece:
    """text[first - context : last + context], from word starts to word ends, with each
    hyphen between two letters dropped."""
    start = max(0, first - _CONTEXT)
    while start > 0 and text[start - 1].isalpha():
        start -= 1  # (a word is short: the walk is bounded by the context and one word)
    end = min(len(text), last + _CONTEXT)
    while end < len(text) and text[end].isalpha() and end - last < 2 * _CONTEXT:
        end += 1
    chars: list[str] = []
    starts: list[int] = []
    for i in range(start, end):
        c = text[i]
        if (
            c in _HYPHENS
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            continue
        chars.append(c)
        starts.append(i)
    return Piece("spaced", "".join(chars), starts, [i + 1 for i in starts])
