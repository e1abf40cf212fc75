"""Numbers spelt digit by digit in words ("four one one one, one one ...") decoded to digits."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import NamedTuple

from safeproxy.filters.numword_windows import PairWindows
from safeproxy.filters.piece import Piece
from safeproxy.filters.scanner import Overload
from safeproxy.filters.word_find import WordFinder

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
# Parentheses too: an area code in words, "(three one two) 555-0188".
BREAK_CHARS = frozenset(" \t\r\n,.;:_/|()-\u2010\u2011\u2013\u2014")
MAX_SEP = 8
# A run needs two number words apart by 1 to this many separators (what the gate finds).
PAIR_SEP = 3
# ... the first of them one that may lead a pair: four letters or more, or one of these short
# words ("four one" and "two one" lead; "one one" does not). Which short words lead is
# measured: a few more, and Hyperscan changes strategy and the gate costs four times more.
SHORT_LEADS = frozenset({"two", "six", "uno", "zwo"})
# A run's leading numerals are looked for this far back from its first word.
MAX_HEAD = 96
MAX_NUMERAL = 24  # longer digit runs are no card, SSN or phone: not read as a run's part


class _Item(NamedTuple):
    """Digits read from text[start:end]: a word, a compound ("forty-one"), or a numeral."""

    digits: str
    start: int
    end: int
    word: bool


def _may_lead(word: str) -> bool:
    return len(word) >= 4 or word in SHORT_LEADS


def _gate(ascii_only: bool = False) -> str:
    def alternation(words: set[str]) -> str:
        # Hyperscan's CASELESS folds ASCII only: accented letters are given in both cases.
        return (
            "(?:"
            + "|".join(
                "".join(c if c.isascii() else f"(?:{c}|{c.upper()})" for c in w)
                for w in sorted(words, key=lambda w: (-len(w), w))
                if w.isascii() or not ascii_only
            )
            + ")"
        )

    words = {*DIGIT_WORDS, *TEENS, *TENS, *REPEATS}
    first = alternation({w for w in words if _may_lead(w)})
    chars = sorted(c for c in BREAK_CHARS if c.isascii() or not ascii_only)
    sep = "[" + "".join(f"\\x{ord(c):02x}" if c.isascii() else c for c in chars) + "]"
    # A tens or repeat word with one digit after it is one word to the decoder ("twenty 5",
    # "triple 4"): it may lead a pair too ("triple 4 one").
    compound = alternation({*TENS, *REPEATS}) + "[ -][0-9]"
    # Two number words apart by one to three separators, the first one that may lead a pair.
    # No word boundaries, no empty gap, no short first word that hides in common words
    # ("um" in "summary", "one" in "phone"): each made this gate cost three to four times as
    # much on prose; matching inside words only opens it more often, and the decoder decides.
    return f"(?:{first}|{compound}){sep}{{1,{PAIR_SEP}}}{alternation(words)}"


# Matches wherever two number words stand apart by separators alone: every run the decoder
# keeps holds such a pair.
GATE = _gate()
# The same for ASCII text (scanned without UTF-8 decoding): accented words cannot occur in it,
# and leaving them out makes the gate several times cheaper.
GATE_ASCII = _gate(ascii_only=True)

READ = frozenset({*DIGIT_WORDS, *TEENS, *TENS, *REPEATS})
# Where the text's number words are (word_find.py: no Python step per ordinary word).
_FINDER = WordFinder(READ)
# Where runs of number words may stand: around the pairs the gate matches.
_WINDOWS = PairWindows(GATE, GATE_ASCII, READ | CONNECTIVES, "".join(sorted(BREAK_CHARS)))
# Every beginning of a number word: a stream holds a last word that may still become one.
PREFIXES = frozenset(w[:i] for w in READ for i in range(1, len(w) + 1))
_SEP = "[" + re.escape("".join(sorted(BREAK_CHARS))) + "]"
_SEPS = re.compile(f"{_SEP}*")
# A group break around a connective: ", and ", " und ".
_JOINED = re.compile(
    rf"{_SEP}{{1,{MAX_SEP}}}(?:{'|'.join(sorted(CONNECTIVES))}){_SEP}{{1,{MAX_SEP}}}", re.IGNORECASE
)
_DIGIT = re.compile("[0-9]")
# A separator, then a numeral (no overlap between the two: nothing to backtrack).
_NUMERAL_AFTER = re.compile(
    rf"(?:{_SEP}{{0,{MAX_SEP}}}|{_JOINED.pattern})([0-9]{{1,{MAX_NUMERAL}}})(?![0-9])",
    re.IGNORECASE,
)


# What reading one number word or numeral costs of the budget: its Python work (a few
# microseconds: the word, its neighbours, the run) is that of about this many characters a
# decoder in C reads. Charged 1, a megabyte of "one x " read 64 K lone words (200 ms).
ITEM_COST = 8


def decode_numwords(text: str, budget: int, *, whole: bool = False) -> list[Piece]:
    """One piece per run of number words (and digits among them).

    Only the windows around pairs of number words are read (numword_windows.py): a lone
    word in prose costs nothing. The pieces hold at most `budget` characters in all; each
    number word or numeral read also costs ITEM_COST of it, so the work is bounded too. Once
    it is spent, decoding stops (the run being read is cut there); with `whole`, that is an
    Overload instead: the rest of the text would go unread (the decoded views' rule).
    """
    pieces, _, cut = _read_windows(text, budget)
    if cut and whole:
        raise Overload(f"number words past {budget} decoded characters")
    return pieces


def _scan(text: str, budget: int) -> tuple[list[Piece], int]:
    """The pieces, and the number of items read (tests bound it by the text's length)."""
    pieces, read, _ = _read_windows(text, budget)
    return pieces, read


def _read_windows(text: str, budget: int) -> tuple[list[Piece], int, bool]:
    """`_read_text` over each window that may hold a run: the pieces, the items read, and
    whether the budget stopped the reading. The windows' search may take two steps per item
    the budget could pay for (a pair's end, or a token of its walks: C work and a few
    hundred nanoseconds of Python each)."""
    windows, cut, _ = _WINDOWS.find(text, 2 * max(budget, 0) // ITEM_COST + 2)
    pieces: list[Piece] = []
    read = spent = 0
    for lo, hi in windows:
        found, n, stopped = _read_text(text[lo:hi], budget - spent)
        read += n
        spent += n * ITEM_COST + sum(len(p.text) for p in found)
        pieces += [p.shifted(lo) for p in found] if lo else found
        if stopped:
            return pieces, read, True
    return pieces, read, cut


def _read_text(text: str, budget: int) -> tuple[list[Piece], int, bool]:
    """The pieces, the number of items read, and whether the budget stopped the reading."""
    pieces: list[Piece] = []
    run: list[_Item] = []
    # Each item read costs ITEM_COST (a lone "one" in prose too: the budget bounds the
    # Python work as well as the pieces), and a kept piece its length; the open run is held
    # at its size.
    spent = held = 0
    counter = [0]
    cut = False
    for item in _items(text, counter):
        spent += ITEM_COST
        if not (item.digits and run and _sep_ok(text, run[-1].end, item.start)):
            spent += _flush(run, text, pieces)
            run, held = [], 0
        if item.digits:  # a lone "double" leaves no run open
            held += len(item.digits) + 1
            if spent + held > budget:
                cut = True
                break  # the run so far is kept: the budget cuts it where it stood
            run.append(item)
        elif spent > budget:
            cut = True
            break
    _flush(run, text, pieces)
    return pieces, counter[0], cut


def _sep_ok(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may stand between two items of a run."""
    if end - start <= MAX_SEP and _SEPS.fullmatch(text, start, end):
        return True
    return end - start <= 2 * MAX_SEP + 3 and _JOINED.fullmatch(text, start, end) is not None


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
    if total < MIN_DIGITS or not _word_pair(run, text):
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


def _word_pair(run: list[_Item], text: str) -> bool:
    """Whether two number words stand next to each other in the run, apart by separators
    alone: what the gate looks for (numerals with a single word are left to the detectors
    of digits)."""
    return any(
        a.word
        and b.word
        and _may_lead(text[a.start : a.end].lower())
        and 1 <= b.start - a.end <= PAIR_SEP
        and _SEPS.fullmatch(text, a.end, b.start)
        for a, b in itertools.pairwise(run)
    )


def _items(text: str, counter: list[int]) -> Iterator[_Item]:
    """Number words and the numerals next to them, in order (see `_words` for the words).

    Numerals are read only around words: forward from each word while separators and
    numerals alternate, and back from the next word (within MAX_HEAD) for a run's leading
    digits, never back past where the forward walk stopped; so each character is visited at
    most once, and digits far from any word (a table of figures) cost nothing.
    """
    last = 0
    for word in _words(text, counter):
        if _DIGIT.search(text, last, word.start):  # most gaps hold none: skip in C
            yield from _numerals(text, last, word.start, counter)
        yield word
        last = word.end
    yield from _numerals(text, last, len(text), counter, back=False)


def _numerals(
    text: str, lo: int, hi: int, counter: list[int], back: bool = True
) -> Iterator[_Item]:
    """The numerals of text[lo:hi] that follow its start or (if `back`) precede its end."""
    at = lo
    m = _NUMERAL_AFTER.match(text, at, hi) if lo > 0 else None  # at 0, no word is before
    while m is not None:
        counter[0] += 1
        yield _Item(m.group(1), m.start(1), m.end(1), False)
        at = m.end()
        m = _NUMERAL_AFTER.match(text, at, hi)
    head: list[_Item] = []
    j = hi
    floor = max(at, hi - MAX_HEAD) if back else hi
    while j > floor:
        k = end = _back_over_gap(text, j, floor)
        while k > floor and "0" <= text[k - 1] <= "9":
            k -= 1
        if k == end or end - k > MAX_NUMERAL or (k > 0 and "0" <= text[k - 1] <= "9"):
            break  # no digits, or a numeral too long or cut by the window: not this run's
        counter[0] += 1
        head.append(_Item(text[k:end], k, end, False))
        j = k
    yield from reversed(head)


def _back_over_gap(text: str, j: int, floor: int) -> int:
    """Where a gap that `_sep_ok` could accept, ending at j, may begin (not below floor)."""
    k = j
    while k > floor and j - k < MAX_SEP and text[k - 1] in BREAK_CHARS:
        k -= 1
    if k == j:
        return k
    for word in CONNECTIVES:  # ", and ": step over the word and the separators before it
        w = k - len(word)
        if w - 1 >= floor and text[w - 1] in BREAK_CHARS and text[w:k].lower() == word:
            i = w
            while i > floor and w - i < MAX_SEP and text[i - 1] in BREAK_CHARS:
                i -= 1
            return i
    return k


def _words(text: str, counter: list[int]) -> Iterator[_Item]:
    """Number words in order; a lone "double" comes as digits "".

    Compounds ("forty-one", "double five", "double 5") look one word ahead; each word is
    read once (`counter[0]` counts them).
    """
    matches = _FINDER.find(text, counter)
    ahead: _Item | None = None
    while True:
        if ahead is not None:
            item, ahead = ahead, None
        else:
            m = next(matches, None)
            if m is None:
                return
            item = _read(*m)
        word = text[item.start : item.end].lower()
        tens = TENS.get(word)
        repeat = REPEATS.get(word)
        if tens is None and repeat is None:
            yield item
            continue
        e = item.end
        if repeat is not None and _single_digit_after(text, e):
            yield _Item(text[e + 1] * repeat, item.start, e + 2, True)
            continue
        m = next(matches, None)
        if m is not None:
            ahead = _read(*m)
        close = ahead is not None and text[e : ahead.start] in (" ", "-")
        digit = ahead is not None and close and len(ahead.digits) == 1 and ahead.digits.isdigit()
        lead = tens or ""
        if ahead is not None and digit and (repeat is not None or ahead.digits != "0"):
            digits = ahead.digits * repeat if repeat is not None else lead + ahead.digits
            yield _Item(digits, item.start, ahead.end, True)
            ahead = None
        else:  # "twenty" alone is 20; "double" alone is no number
            yield _Item(lead + "0" if tens else "", item.start, e, True)


def _single_digit_after(text: str, at: int) -> bool:
    """Whether text[at:] is a space or hyphen, then one digit alone ("double 5")."""
    return (
        text[at : at + 1] in (" ", "-")
        and "0" <= text[at + 1 : at + 2] <= "9"
        and not "0" <= text[at + 2 : at + 3] <= "9"
    )


def _read(token: str, start: int, end: int) -> _Item:
    """A word as an item: a digit word's digits ("" for "double", "triple", "twenty"...)."""
    word = token.lower()
    return _Item(DIGIT_WORDS.get(word) or TEENS.get(word) or "", start, end, True)
