"""Text normalisation for matching only, with an offset map back to the original text.

Detectors scan the normalised view; what is forwarded stays byte-identical unless a filter
redacts it, and a redaction cuts the original span that produced the match (invisible
characters inside it included). Steps, per code point:

1. Unicode tag characters (U+E0020..U+E007E, "ASCII smuggling") decode to the ASCII they hide.
2. Format characters (zero-width, bidi controls, soft hyphen, ...), variation selectors and
   the other characters that render as nothing (ignorable.py: Hangul fillers, controls) are
   dropped.
3. Decimal digits of every script become 0-9; dashes become "-".
4. NFKD, without combining marks, then casefold: full-width, ligatures, accents and case.
   Letters that NFKC leaves alone (small capitals, negative circled and squared letters:
   letterlike.py) read as the letters they show.
5. Every kind of whitespace becomes one ASCII space (runs are kept: lengths stay local).

Steps 1-5 are a Hangul syllable's exception: it stays whole (no detector reads jamo).

Plain ASCII takes a fast path: lower-casing and whitespace mapping keep every offset, so no
map is built at all. Other text is casefolded whole in C, with only the runs of characters
that casefold gets wrong folded one by one (`char_runs`); a text dense in such runs goes
through `str.translate` instead. A map is built only when some character folds to nothing
or to several characters, and it is answered on demand (`kept`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from functools import partial
from itertools import repeat
from operator import mul
from typing import NamedTuple, TypeVar

from safeproxy.filters.char_runs import (
    LIST_RUN_SPACING,
    RUN_SPACING,
    Mapped,
    RunMapper,
    bmp_only,
    bmp_table,
    exceptions,
    plain_blocks,
    runs_pattern,
)
from safeproxy.filters.ignorable import ignorable, invisible_control
from safeproxy.filters.kept import Grown, Kept
from safeproxy.filters.letterlike import LETTERLIKE

_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007E
# Read as ".": the ideographic full stops, and the middle dots and bullets that stand between
# the parts of a value ("jane\u00b7doe@acme\u00b7io", "4111\u20221111...") as a dot does
# (NFKD leaves them all).
_DOTS = "\u3002\uff61\u00b7\u0387\u2022\u2027\u2219\u22c5\u2e31\u30fb\uff65"
_ASCII_SPACE_CHARS = "\t\n\v\f\r\x1c\x1d\x1e\x1f"
_ASCII_SPACES = str.maketrans(_ASCII_SPACE_CHARS, " " * len(_ASCII_SPACE_CHARS))
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3

# The ASCII fast path in one C pass over bytes: lower case, every space-like control as
# " " (a dict-driven str.translate looks each character up), and every other control but NUL
# as NUL, the mark of a character that folds to nothing (ignorable.py).
_ASCII_FOLD = bytes(
    32
    if chr(b) in "\t\n\v\f\r\x1c\x1d\x1e\x1f"
    else 0
    if invisible_control(chr(b))
    else ord(chr(b).lower())
    if b < 128
    else b
    for b in range(256)
)
# The same fold, each control that folds to nothing (NUL aside) flagged by a byte no ASCII
# text holds, so the fast path asks `in` (an operator, not a call) whether any is there.
_DROPPED_FLAG = b"\x80"
_ASCII_FOLD_FLAGGED = bytes(
    _DROPPED_FLAG[0] if 0 < b < 128 and _ASCII_FOLD[b] == 0 else _ASCII_FOLD[b] for b in range(256)
)
# Marks a character that folds to nothing (NUL: the only code point that is 0 in UTF-32).
_VANISHED = "\x00"
_V = TypeVar("_V")
# Code points whose folding is cached; beyond this the cache is cleared (it is client input).
_CACHE_LIMIT = 1 << 16


class Normalized(NamedTuple):
    """A normalised view of `original`; `sources[i]` is the original index of `text[i]`.

    (A NamedTuple: one is made per scanned text, and a frozen dataclass costs more.)
    """

    text: str
    original: str
    sources: Sequence[int] | None  # None: the identity map (ASCII fast path)
    # The view's text as ASCII bytes, where the fast path found both texts ASCII (it made
    # them): what a scanner reads, without asking or encoding again. None: not known.
    ascii: bytes | None = None
    # The original's own ASCII bytes, where the fast path encoded them: what a decoded view's
    # gate reads (views.py), without encoding the text again. None: not known.
    raw: bytes | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that produced normalised [start, end) (end > start)."""
        if self.sources is None:
            return start, end
        return self.sources[start], self.sources[end - 1] + 1


# Normalized(...) without the Python frame of a NamedTuple's __new__ (the fast path makes
# one per scanned text).
_normalized = partial(tuple.__new__, Normalized)


class _Folds(dict[int, str]):
    """Code point -> its folding, computed on first sight (for `str.translate`)."""

    def __missing__(self, cp: int) -> str:
        if len(self) >= _CACHE_LIMIT:  # client input: the cache must stay bounded
            self.clear()
        folded = self[cp] = _fold_char(chr(cp))
        return folded


class _Derived(dict[int, _V]):
    """Code point -> something derived from its folding, computed on first sight and kept
    in a bounded cache (the code points are client input)."""

    def __init__(self, folds: _Folds) -> None:
        super().__init__()
        self._folds = folds

    def derive(self, cp: int) -> _V:
        raise NotImplementedError

    def __missing__(self, cp: int) -> _V:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        value = self[cp] = self.derive(cp)
        return value


class _Marked(_Derived[str]):
    """Code point -> its folding, with NUL for one that folds to nothing (a marker that
    keeps one character per character, so the offset map is picked out in C)."""

    def derive(self, cp: int) -> str:
        return self._folds[cp] or _VANISHED


class _Lengths(_Derived[str]):
    """Code point -> its folding's length as one character (folds are short: < 256)."""

    def derive(self, cp: int) -> str:
        return chr(min(255, len(self._folds[cp])))


class Normalizer:
    """Stateless but for bounded caches of per-code-point and per-run foldings."""

    def __init__(self) -> None:
        self._folds = _Folds()
        self._lengths = _Lengths(self._folds)
        self._marked = _Marked(self._folds)
        special = [*range(0x80), *fold_exceptions()]  # ASCII: its spaces are rewritten
        # Texts within the BMP are mapped through lists (a look-up costs half a dict's; about
        # 4 MB: one string per code point of the BMP).
        self._bmp_marked = bmp_table(
            lambda cp: chr(cp).casefold(), {c: self._marked[c] for c in special}
        )
        self._bmp_lengths = bmp_table(lambda _: "\x01", {c: self._lengths[c] for c in special})
        # The runs: what casefold gets wrong outside ASCII, and the ASCII controls that fold
        # to nothing (its spaces are rewritten after casefolding: _ascii_spaces).
        wide = [cp for cp in range(0x80) if invisible_control(chr(cp))] + special[0x80:]
        # Emoji fold to themselves: their blocks stay out of the class (bar an exception).
        plain = plain_blocks(
            lambda cp: len(chr(cp).casefold()) != 1 or _fold_char(chr(cp)) != chr(cp).casefold()
        )
        self._runs = RunMapper(runs_pattern(wide, plain), self._fold_run)
        self._run_lengths = Mapped(self._run_length)
        # The last text and its view: a shadow candidate's scan asks for the view of the
        # text the active policy's scan just normalised (one tuple, replaced whole, so a scan
        # on the offload thread and one on the loop never see half an entry).
        self._last: tuple[str, Normalized] = ("", Normalized("", "", None))

    def _fold_run(self, run: str) -> str:
        return run.translate(self._bmp_marked if bmp_only(run) else self._marked)

    def _run_length(self, run: str) -> str:
        return run.translate(self._bmp_lengths if bmp_only(run) else self._lengths)

    def normalize(self, text: str) -> Normalized:
        last_in, last_out = self._last
        if text == last_in:  # the held input: equal, or the same object
            return last_out
        if text.isascii():  # most text: _normalize's first case, without a call
            # The controls that fold to nothing are flagged in the same pass. A NUL of the
            # text's own (the joiner of texts scanned as one) stays: counting NULs on both
            # sides cost two more passes.
            raw = text.encode("ascii")
            folded = raw.translate(_ASCII_FOLD_FLAGGED)
            if _DROPPED_FLAG not in folded:
                out = _normalized((folded.decode("ascii"), text, None, folded, raw))
            else:
                out = self._normalize(text)
        else:
            out = self._normalize(text)
        self._last = (text, out)
        return out

    def _normalize(self, text: str) -> Normalized:
        if text.isascii():
            folded = text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
            marks = folded.count(_VANISHED)
            if not marks or marks == text.count(_VANISHED):  # no control to drop
                return Normalized(folded, text, None)
            if _VANISHED not in text:  # controls to drop, marked
                return self._without_vanished(folded, text)
            # Controls to drop and NULs to keep (rare): the general path below.
        if _VANISHED not in text:
            view = self._by_runs(text)
            if view is not None:
                return view
        return self._by_translate(text)

    def _by_runs(self, text: str) -> Normalized | None:
        """Casefold the text whole (C), folding only the runs of characters casefold gets
        wrong one by one; None for a text so dense in such runs that one `str.translate`
        costs less than a Python step per run."""
        # Within the BMP the whole is mapped through lists, cheaply: fewer runs are worth it.
        # That is asked only of a text with more (the test encodes the text); the split
        # stops there (a text dense in runs costs no more than that to turn down).
        split = self._runs.split(text, LIST_RUN_SPACING)
        if split is None:
            if bmp_only(text):
                return None
            split = self._runs.split(text, RUN_SPACING)
            if split is None:
                return None
        parts, runs = split
        # Folded runs are casefolded already, and casefolding is idempotent.
        folded = _ascii_spaces("".join(parts).casefold())
        if len(folded) == len(text):  # no character grew (a vanished one is marked)
            if _VANISHED not in folded:
                return Normalized(folded, text, None)
            return self._without_vanished(folded, text)
        # Some character grew: the map comes from each character's folded length (in C),
        # listed only if a finding must be mapped back.
        view = folded.replace(_VANISHED, "")
        return Normalized(view, text, Grown(partial(self._lengths_of, parts, runs), len(view)))

    def _lengths_of(self, parts: list[str], runs: list[str]) -> bytes:
        """Each original character's folded length, as one byte: 1 in the parts between
        runs, the run's own elsewhere."""
        lengths = [""] * len(parts)
        lengths[0::2] = map(mul, repeat("\x01"), map(len, parts[0::2]))
        lengths[1::2] = map(self._run_lengths.__getitem__, runs)
        return "".join(lengths).encode("latin-1")

    @staticmethod
    def _without_vanished(marked: str, text: str) -> Normalized:
        """The view of a text folded one character for one, NUL where one vanished."""
        # The kept positions: the non-zero code units of its UTF-32, found on demand.
        units = memoryview(marked.encode("utf-32-le")).cast("I")
        kept = Kept(len(text), partial(marked.count, _VANISHED), units)
        return Normalized(marked.replace(_VANISHED, ""), text, kept)

    def _by_translate(self, text: str) -> Normalized:
        if _VANISHED not in text:
            # One translate pass (a C loop, but a dict look-up per character: about 35 ns)
            # instead of three. Each character becomes one, unless some folds to several.
            bmp = bmp_only(text)
            marked = text.translate(self._bmp_marked if bmp else self._marked)
            if len(marked) == len(text):
                if _VANISHED not in marked:
                    return Normalized(marked, text, None)
                return self._without_vanished(marked, text)
            # Some character grew: the map comes from each one's folded length.
            grown = text.translate(self._bmp_lengths if bmp else self._lengths)
            view = marked.replace(_VANISHED, "")
            return Normalized(view, text, Grown(grown.encode("latin-1"), len(view)))
        folded = text.translate(self._folds)  # a NUL in the text: no marker can be used
        lengths = text.translate(self._lengths).encode("latin-1")
        if lengths.count(1) == len(lengths):
            return Normalized(folded, text, None)
        return Normalized(folded, text, Grown(lengths, len(folded)))


def _ascii_spaces(text: str) -> str:
    """Space-like ASCII controls as " " (casefold leaves them); each absent one costs a C find."""
    for c in _ASCII_SPACE_CHARS:
        if c in text:
            text = text.replace(c, " ")
    return text


def fold_exceptions() -> Iterator[int]:
    """The BMP code points outside ASCII that `_fold_char` folds otherwise than casefold."""
    return exceptions(_fold_char, LETTERLIKE)


def _fold_char(ch: str) -> str:
    cp = ord(ch)
    if _TAG_FIRST <= cp <= _TAG_LAST:
        return chr(cp - 0xE0000).lower()
    if _HANGUL_FIRST <= cp <= _HANGUL_LAST:
        # Decomposing a syllable into its jamo only cost a map: no detector reads jamo.
        return ch
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category == "Cf" or _is_variation_selector(cp) or ignorable(cp):
        return ""
    if category == "Cc" and invisible_control(ch):
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category == "Pd":  # en/em dashes, non-breaking hyphens: as typed by word processors
        return "-"
    if ch in _DOTS:
        return "."
    letter = LETTERLIKE.get(cp)
    if letter is not None:  # small capitals, negative circled and squared letters
        return letter
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # A lone combining mark folds to nothing: marks stacked on letters are obfuscation here.
    return kept.casefold().translate(_ASCII_SPACES)


def _is_variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF
