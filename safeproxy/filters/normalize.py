"""Text normalisation for matching only, with an offset map back to the original text.

Detectors scan the normalised view; what is forwarded stays byte-identical unless a filter
redacts it, and a redaction cuts the original span that produced the match (invisible
characters inside it included). Steps, per code point:

1. Unicode tag characters (U+E0020..U+E007E, "ASCII smuggling") decode to the ASCII they hide.
2. Format characters (zero-width, bidi controls, soft hyphen, ...) and variation selectors
   are dropped.
3. Decimal digits of every script become 0-9; dashes become "-".
4. NFKD, without combining marks, then casefold: full-width, ligatures, accents and case.
5. Every kind of whitespace becomes one ASCII space (runs are kept: lengths stay local).

Plain ASCII takes a fast path: lower-casing and whitespace mapping keep every offset, so no
map is built at all. Other text is folded by `str.translate`, and a map is built only when
some character folds to nothing or to several characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple, TypeVar

from safeproxy.filters.kept import Kept

_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007E
_FULL_STOPS = "\u3002\uff61"  # ideographic full stops (NFKD leaves them)
_ASCII_SPACES = str.maketrans("\t\n\v\f\r\x1c\x1d\x1e\x1f", "         ")
# The ASCII fast path in one C pass over bytes: lower case, and every space-like control as
# " " (a dict-driven str.translate looks each character up).
_ASCII_FOLD = bytes(
    32 if chr(b) in "\t\n\v\f\r\x1c\x1d\x1e\x1f" else ord(chr(b).lower()) if b < 128 else b
    for b in range(256)
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

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that produced normalised [start, end) (end > start)."""
        if self.sources is None:
            return start, end
        return self.sources[start], self.sources[end - 1] + 1


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


class _Changers(_Derived["str | None"]):
    """Keeps only the code points whose folding is not exactly one character."""

    def derive(self, cp: int) -> str | None:
        return None if len(self._folds[cp]) == 1 else chr(cp)


class _Lengths(_Derived[str]):
    """Code point -> its folding's length as one character (folds are short: < 256)."""

    def derive(self, cp: int) -> str:
        return chr(min(255, len(self._folds[cp])))


class Normalizer:
    """Stateless but for bounded caches of per-code-point foldings.

    The general path is two `str.translate` passes (C loops): one folds, one lists the
    characters whose folding changes the length (invisible ones, ligatures). Only when
    there are any is an offset map built, from their positions, in runs.
    """

    def __init__(self) -> None:
        self._folds = _Folds()
        self._changers = _Changers(self._folds)
        self._lengths = _Lengths(self._folds)
        self._marked = _Marked(self._folds)
        # The last text and its view: a shadow candidate's scan asks for the view of the
        # text the active policy's scan just normalised (one tuple, replaced whole, so a scan
        # on the offload thread and one on the loop never see half an entry).
        self._last: tuple[str, Normalized] = ("", Normalized("", "", None))

    def normalize(self, text: str) -> Normalized:
        last_in, last_out = self._last
        if text == last_in:  # the held input: equal, or the same object
            return last_out
        if text.isascii():  # most text: _normalize's first case, without a call
            folded = text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
            out = Normalized(folded, text, None)
        else:
            out = self._normalize(text)
        self._last = (text, out)
        return out

    def _normalize(self, text: str) -> Normalized:
        if text.isascii():
            folded = text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
            return Normalized(folded, text, None)
        if _VANISHED not in text:
            # One translate pass (a C loop, but a dict look-up per character: about 35 ns)
            # instead of three. Each character becomes one, unless some folds to several.
            marked = text.translate(self._marked)
            if len(marked) == len(text):
                if _VANISHED not in marked:
                    return Normalized(marked, text, None)
                # The kept positions: the non-zero code units of its UTF-32, found on demand.
                units = memoryview(marked.encode("utf-32-le")).cast("I")
                kept = Kept(len(text), partial(marked.count, _VANISHED), units)
                return Normalized(marked.replace(_VANISHED, ""), text, kept)
        folded = text.translate(self._folds)
        changers = text.translate(self._changers)
        if not changers:
            return Normalized(folded, text, None)
        folds = self._folds
        if len(changers) * 16 > len(text) and not any(folds[ord(c)] for c in set(changers)):
            # Many characters that only vanish (zero-width, bidi, tags...): the map is the kept
            # positions, picked in C from each character's folded length. One Python step per
            # such character cost 0.4 s for 1 MiB of them; a few (ZWJ in emoji) stay cheaper
            # one by one, below.
            lengths = text.translate(self._lengths).encode("latin-1")
            kept = Kept(len(text), partial(lengths.count, 0), lengths)
            return Normalized(folded, text, kept)
        positions: list[int] = []
        for ch in set(changers):
            at = text.find(ch)
            while at >= 0:
                positions.append(at)
                at = text.find(ch, at + 1)
        positions.sort()
        sources: list[int] = []
        prev = 0
        for at in positions:
            sources.extend(range(prev, at))
            sources.extend([at] * len(folds[ord(text[at])]))
            prev = at + 1
        sources.extend(range(prev, len(text)))
        return Normalized(folded, text, tuple(sources))


def _fold_char(ch: str) -> str:
    cp = ord(ch)
    if _TAG_FIRST <= cp <= _TAG_LAST:
        return chr(cp - 0xE0000).lower()
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category == "Cf" or _is_variation_selector(cp):
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category == "Pd":  # en/em dashes, non-breaking hyphens: as typed by word processors
        return "-"
    if ch in _FULL_STOPS:
        return "."
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # A lone combining mark folds to nothing: marks stacked on letters are obfuscation here.
    return kept.casefold().translate(_ASCII_SPACES)


def _is_variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF
