"""Numbers spelt digit by digit in words ("four one one one, one one ...") decoded to digits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from safeproxy.filters.piece import Piece

KIND = "numwords"

# Digit words of English and of the five languages the injection families know (es, pt, it,
# fr, de), lower case. Accented words are listed with and without their accents: the gate
# must see exactly what the decoder reads, so no general accent folding happens here.
# fmt: off
DIGIT_WORDS: dict[str, str] = {
    # English; "oh" and "nought" are 0 in phone and card talk
    "zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    # German; "zwo" is 2 on the telephone
    "null": "0", "eins": "1", "zwei": "2", "zwo": "2", "drei": "3", "vier": "4", "fünf": "5",
    "funf": "5", "fuenf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9",
    # French
    "zéro": "0", "un": "1", "une": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
    "sept": "7", "huit": "8", "neuf": "9",
    # Spanish
    "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
    "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
    # Portuguese; "meia" (half a dozen) is 6 in Brazilian phone talk
    "um": "1", "uma": "1", "dois": "2", "duas": "2", "três": "3", "quatro": "4", "meia": "6",
    "sete": "7", "oito": "8", "nove": "9",
    # Italian
    "due": "2", "tre": "3", "quattro": "4", "cinque": "5", "sei": "6", "sette": "7",
    "otto": "8",
}
# English teens and tens, read as two digits ("forty-one eleven" is 4111); other languages
# write these as one compound word or with "y"/"et", not handled.
TEENS: dict[str, str] = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}
TENS: dict[str, str] = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6",
    "seventy": "7", "eighty": "8", "ninety": "9",
}
# fmt: on
# "double five" is 55, "triple seven" 777 (English phone talk).
REPEATS = {"double": 2, "triple": 3}
# Words that may join two groups ("... one and one ..."), each language's "and".
CONNECTIVES = frozenset({"and", "und", "et", "y", "e"})

# A run is decoded when it holds this many digits, and this many of them come from words
# ("4 one 1 1" is a run): "one or two" and "I have one or two questions" stay prose.
MIN_DIGITS = 4
MIN_WORD_DIGITS = 1
# Between two words of one group: one space, hyphen, comma, dot or underscore. A longer
# separator of these characters (", ", " - ", a newline) is a group break, shown as one space
# (what the card, SSN and phone patterns accept between groups).
TIGHT = frozenset(" -,._")
BREAK_CHARS = frozenset(" \t\r\n,.;:_/|-\u2010\u2011\u2013\u2014")
MAX_SEP = 8
MAX_WORD = 9  # the longest word above ("seventeen"); longer letter runs are skipped unread

# Letter runs and ASCII digit runs: one simple, linear pattern.
_TOKEN = re.compile(r"[^\W\d_]+|[0-9]+")


class _Item(NamedTuple):
    """Digits read from text[start:end]: a word, a compound ("forty-one"), or a numeral."""

    digits: str
    start: int
    end: int
    word: bool


def _gate() -> str:
    words = sorted({*DIGIT_WORDS, *TEENS, *TENS, *REPEATS}, key=lambda w: (-len(w), w))
    # Hyperscan's CASELESS folds ASCII only: accented letters are given in both cases.
    alts = "|".join("".join(c if c.isascii() else f"(?:{c}|{c.upper()})" for c in w) for w in words)
    word = f"(?:{alts})"
    seps = "".join(sorted(BREAK_CHARS)).replace("-", "") + "-"
    sep = f"[{re.escape(seps[:-1])}\\-]"
    gap = f"(?:{sep}{{0,{MAX_SEP}}}|{sep}{{1,{MAX_SEP}}}(?:and|und|et|y|e){sep}{{1,{MAX_SEP}}})"
    end = "(?:[^a-z]|$)"
    return f"(?:^|[^a-z]){word}{gap}(?:{word}{end}|[0-9])|[0-9]{gap}{word}{end}"


# Matches wherever two number tokens, one of them a word, stand separated as the decoder
# allows: every run the decoder keeps holds such a pair. (Consumes the characters around a
# word instead of asserting them: no lookaround.)
GATE = _gate()


def decode_numwords(text: str, budget: int) -> list[Piece]:
    """One piece per run of number words (and digits among them), at most `budget` digits
    and group spaces in all."""
    return _scan(text, budget)[0]


def _scan(text: str, budget: int) -> tuple[list[Piece], int]:
    """The pieces, and the number of tokens examined (tests bound it by the text's length)."""
    pieces: list[Piece] = []
    run: list[_Item] = []
    size = 0  # characters of the pieces so far
    held = 0  # at most this many more for the open run (its digits and group breaks)
    after_and = -1  # end of a connective read after the run's last item, else -1
    counter = [0]
    for item in _items(text, counter):
        connective = item.digits == "&" and run and after_and < 0
        if connective and _sep_ok(text, run[-1].end, item.start, True):
            after_and = item.end
            continue
        joined = (
            item.digits not in ("&", "")
            and bool(run)
            and (
                _sep_ok(text, after_and, item.start, True)
                if after_and >= 0
                else _sep_ok(text, run[-1].end, item.start, False)
            )
        )
        if not joined:
            size += _flush(run, text, pieces)
            run, held = [], 0
        after_and = -1
        if item.digits in ("&", ""):  # another word: no run is open
            continue
        held += len(item.digits) + 1
        if size + held > budget:
            break  # the run so far is kept: the budget cuts it where it stood
        run.append(item)
    size += _flush(run, text, pieces)
    return pieces, counter[0]


def _sep_ok(text: str, start: int, end: int, breaking: bool) -> bool:
    """Whether text[start:end] may stand between two items of a run (non-empty if `breaking`:
    around a connective)."""
    if end - start > MAX_SEP:
        return False
    if breaking and end == start:
        return False
    return all(c in BREAK_CHARS for c in text[start:end])


def _tight(text: str, a: _Item, b: _Item) -> bool:
    """Whether two neighbours in a run belong to one group (nothing shown between them)."""
    sep = text[a.end : b.start]
    if not sep:
        return True
    if len(sep) > 1 or sep not in TIGHT:
        return False
    # "4111 1111": numerals keep the groups they were written in; "4 one 1 1" is one group.
    return (a.word or len(a.digits) == 1) and (b.word or len(b.digits) == 1)


def _flush(run: list[_Item], text: str, pieces: list[Piece]) -> int:
    """Append the run's piece if it is one; its length."""
    if not run:
        return 0
    total = sum(len(i.digits) for i in run)
    words = sum(len(i.digits) for i in run if i.word)
    if total < MIN_DIGITS or words < MIN_WORD_DIGITS:
        return 0
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for n, item in enumerate(run):
        if n and not _tight(text, run[n - 1], item):
            out.append(" ")  # a group break: it stands for the separator
            starts.append(run[n - 1].end)
            ends.append(item.start)
        for k, d in enumerate(item.digits):
            out.append(d)
            if item.word:  # every digit of a word stands for the whole word
                starts.append(item.start)
                ends.append(item.end)
            else:
                starts.append(item.start + k)
                ends.append(item.start + k + 1)
    pieces.append(Piece(KIND, "".join(out), starts, ends))
    return len(out)


def _items(text: str, counter: list[int]) -> Iterator[_Item]:
    """Number items in order; a connective comes as digits "&", any other word as "".

    Compounds ("forty-one", "double five") look one token ahead; each token is read once
    (`counter[0]` counts them).
    """
    tokens = _TOKEN.finditer(text)
    ahead: _Item | None = None
    while True:
        if ahead is not None:
            item, ahead = ahead, None
        else:
            m = next(tokens, None)
            if m is None:
                return
            counter[0] += 1
            item = _read(m.group(), m.start(), m.end())
        word = text[item.start : item.end].lower() if item.word else ""
        tens = TENS.get(word)
        repeat = REPEATS.get(word)
        if tens is None and repeat is None:
            yield item
            continue
        m = next(tokens, None)
        if m is not None:
            counter[0] += 1
            ahead = _read(m.group(), m.start(), m.end())
        digit = ahead is not None and len(ahead.digits) == 1 and ahead.digits.isdigit()
        unit = digit and ahead is not None and ahead.word
        close = ahead is not None and text[item.end : ahead.start] in (" ", "-")
        if tens is not None:
            if ahead is not None and close and unit and ahead.digits != "0":
                yield _Item(tens + ahead.digits, item.start, ahead.end, True)
                ahead = None
            else:
                yield _Item(tens + "0", item.start, item.end, True)
        elif repeat is not None:
            if ahead is not None and close and digit:
                yield _Item(ahead.digits * repeat, item.start, ahead.end, True)
                ahead = None
            else:
                yield _Item("", item.start, item.end, True)


def _read(token: str, start: int, end: int) -> _Item:
    """A token as an item: digits of a numeral or number word, "&" a connective, "" other."""
    if token[0] <= "9":  # the pattern's digit runs are ASCII only
        return _Item(token, start, end, False)
    if len(token) > MAX_WORD:
        return _Item("", start, end, True)
    word = token.lower()
    if word in CONNECTIVES:
        return _Item("&", start, end, True)
    return _Item(DIGIT_WORDS.get(word) or TEENS.get(word) or "", start, end, True)
