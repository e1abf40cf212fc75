"""The confusables skeleton: homoglyphs and leetspeak folded to ASCII, one character for one.

Keyword and phrase rules (injection families, blocklists) match on this view of the
normalised text. Every character maps to exactly one character, so offsets stay those of
the normalised view and word boundaries are judged there ("k1ll!" reads "kill" and still
ends at the "!").
"""

from __future__ import annotations

from collections.abc import Mapping

from safeproxy.filters.char_runs import (
    BMP_END,
    LIST_RUN_SPACING,
    RunMapper,
    bmp_identity_table,
    bmp_only,
    plain_blocks,
    runs_pattern,
)
from safeproxy.filters.codepages import CodePageMap

# Leetspeak digits and symbols read as the letters they stand for.
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
        "|": "l"}  # fmt: skip


# Lower-case Greek and Cyrillic letters that read as Latin in most fonts but that Unicode's
# confusables list pairs only with Latin small capitals (so its table leaves them out).
# Greek epsilon kappa tau nu eta; Cyrillic ka te em en ve palochka dze qa we.
EXTRA = {
    "\u03b5": "e",
    "\u03ba": "k",
    "\u03c4": "t",
    "\u03bd": "v",
    "\u03b7": "n",
    "\u043a": "k",
    "\u0442": "t",
    "\u043c": "m",
    "\u043d": "h",
    "\u0432": "b",
    "\u04cf": "l",
    "\u0455": "s",
    "\u051b": "q",
    "\u051d": "w",
}


class Skeleton:
    """Built once per process from a confusables table (code point -> one ASCII character)."""

    def __init__(self, confusables: Mapping[int, str]) -> None:
        table: dict[int, str] = {cp: t for cp, t in confusables.items() if len(t) == 1}
        table.update({ord(k): v for k, v in EXTRA.items()})
        # Homoglyphs only, for PII and secret patterns: digits and symbols keep their meaning.
        self._letters = table
        # Text in one script (Cyrillic, Arabic, Greek: dense in homoglyphs) through a code
        # page, in C; most characters of other text are no homoglyph: only runs of them are
        # translated.
        self._pages = CodePageMap(table)
        bmp = sorted(cp for cp in table if cp < BMP_END)
        # (One class for all text: written negated, it costs no more on text within the BMP
        # than a class without the characters above it, and no encoding is needed to tell.)
        self._runs = RunMapper(
            runs_pattern(bmp, plain_blocks(table.__contains__)), lambda run: run.translate(table)
        )
        # Text within the BMP too dense in homoglyphs for runs (Cyrillic among CJK and kana)
        # is mapped through a list: a look-up costs half a dict's (about 2.6 MB).
        self._bmp = bmp_identity_table(table)
        self._last: tuple[str, str] = ("", "")
        self._last_fold: tuple[str, str] = ("", "")
        # Plain ASCII only meets the leet map: a 256-entry bytes table is far faster.
        self._ascii = bytes(ord(LEET.get(chr(b), chr(b))) if b < 128 else b for b in range(256))
        # Text outside ASCII meets it character by character (`_leet`).
        self._leet = tuple(LEET.items())

    def letters(self, norm: str) -> str:
        """Homoglyphs folded, nothing else (`j\u043ehn@gmail.com` reads `john@gmail.com`)."""
        if norm.isascii():
            return norm
        # Both views of a text are asked for in turn: keep the last answer. (The input is
        # held, so `is` cannot be fooled by a reused address.)
        last_in, last_out = self._last
        if norm is last_in:
            return last_out
        out = self._pages.map(norm)
        if out is None:
            out = self._by_runs(norm)
        self._last = (norm, out)
        return out

    def _by_runs(self, norm: str) -> str:
        """`norm.translate(self._letters)`: runs of homoglyphs mapped one by one, or the whole
        text through a table where they lie too close."""
        # Within the BMP the whole is mapped through a list, cheaply: fewer runs are worth it
        # (a MiB of Cyrillic, CJK and kana with a run per 8 characters: 40 -> 28 ms).
        split = self._runs.split(norm, LIST_RUN_SPACING)
        if split is None:
            if bmp_only(norm):
                return norm.translate(self._bmp)
            split = self._runs.split(norm)
            if split is None:
                return norm.translate(self._letters)
        return "".join(split[0])

    def fold(self, norm: str) -> str:
        """Homoglyphs and leetspeak folded: the view phrase rules match on."""
        if norm.isascii():
            return norm.encode("ascii").translate(self._ascii).decode("ascii")
        # The phrase rules of both scripts' detectors ask in turn (injection_scripts.py).
        last_in, last_out = self._last_fold
        if norm is last_in:
            return last_out
        out = _leet(self.letters(norm), self._leet)
        self._last_fold = (norm, out)
        return out


def _leet(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """Each leetspeak character of `text` replaced by its letter.

    A C find per character of LEET and a C replace per one present: encoding the text to
    UTF-8 for a bytes table and decoding it back cost more (16 KB of CJK: 51 -> 14 µs; a
    MiB of Cyrillic, CJK and kana: 24 -> 11 ms). No letter is itself a leetspeak character,
    so replacing one character at a time makes one mapping."""
    for c, letter in pairs:
        if c in text:
            text = text.replace(c, letter)
    return text
