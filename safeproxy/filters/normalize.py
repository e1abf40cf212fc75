"""Text normalisation for matching only, with an offset map back to the original text.

Detectors scan the normalised view; what is forwarded stays byte-identical unless a filter
redacts it, and a redaction cuts the original span that produced the match (invisible
characters inside it included). Steps, per code point:

1. Unicode tag characters (U+E0020..U+E007E, "ASCII smuggling") decode to the ASCII they hide.
2. Format characters (zero-width, bidi controls, soft hyphen, ...) and variation selectors
   are dropped.
3. Decimal digits of every script become 0-9.
4. NFKD, without combining marks, then casefold: full-width, ligatures, accents and case.
5. Every kind of whitespace becomes one ASCII space (runs are kept: lengths stay local).

Plain ASCII takes a fast path: lower-casing and whitespace mapping keep every offset, so no
map is built at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007E
_ASCII_SPACES = str.maketrans("\t\n\v\f\r\x1c\x1d\x1e\x1f", "         ")
# Code points whose folding is cached; beyond this the cache is cleared (it is client input).
_CACHE_LIMIT = 1 << 16


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised view of `original`; `sources[i]` is the original index of `text[i]`."""

    text: str
    original: str
    sources: tuple[int, ...] | None  # None: the identity map (ASCII fast path)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that produced normalised [start, end) (end > start)."""
        if self.sources is None:
            return start, end
        return self.sources[start], self.sources[end - 1] + 1


class Normalizer:
    """Stateless but for a bounded cache of per-code-point foldings."""

    def __init__(self) -> None:
        self._fold: dict[str, str] = {}

    def normalize(self, text: str) -> Normalized:
        if text.isascii():
            return Normalized(text.lower().translate(_ASCII_SPACES), text, None)
        out: list[str] = []
        sources: list[int] = []
        fold = self._fold
        for i, ch in enumerate(text):
            mapped = fold.get(ch)
            if mapped is None:
                if len(fold) >= _CACHE_LIMIT:
                    fold.clear()
                mapped = fold[ch] = _fold_char(ch)
            if mapped:
                out.append(mapped)
                sources.extend([i] * len(mapped))
        return Normalized("".join(out), text, tuple(sources))


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
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # A lone combining mark folds to nothing: marks stacked on letters are obfuscation here.
    return kept.casefold().translate(_ASCII_SPACES)


def _is_variation_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF
