"""Letters dressed as other symbols, which NFKC leaves as they are: small capitals (U+1D00
LATIN LETTER SMALL CAPITAL A), and the negative circled and negative squared capitals (U+1F150,
U+1F170). "Fancy text" generators write whole words in them, and a model reads them as the
letters they show, so normalisation folds each to its letter (normalize._fold_char). So are
braille's letter cells, and the Latin letters whose mark NFKD cannot take off because it is
drawn through the letter (a stroke or a bar: Polish ł, Vietnamese đ, Danish ø, Maltese ħ)
and the dotless i of Turkish: Polish "hasło" is "haslo" to the filters, as "contraseña" is
"contrasena", and a value or an order written with them no longer splits at that letter.

The table is read from Unicode's names over the blocks that hold such letters, rather than
listed: every letter of each kind, none forgotten. (The other dressed letters, circled,
squared, parenthesized, full-width and mathematical, fold under NFKC already. Regional
indicators stay: two of them are a flag.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# Latin-1 supplement, Latin extended-A and -B, IPA extensions, phonetic extensions, Latin
# extended-D, enclosed alphanumeric supplement.
_BLOCKS = (
    (0x00C0, 0x024F), (0x0250, 0x02AF), (0x1D00, 0x1D7F), (0xA720, 0xA7FF), (0x1F100, 0x1F1FF)
)  # fmt: skip
_NAME = re.compile(
    r"LATIN LETTER SMALL CAPITAL ([A-Z])|NEGATIVE (?:CIRCLED|SQUARED) LATIN CAPITAL LETTER ([A-Z])"
    r"|LATIN (?:SMALL|CAPITAL) LETTER ([A-Z]) WITH (?:STROKE|BAR|DIAGONAL STROKE|MIDDLE TILDE)"
    r"|LATIN SMALL LETTER DOTLESS (I)"
)


def _table() -> dict[int, str]:
    out: dict[int, str] = {}
    for first, last in _BLOCKS:
        for cp in range(first, last + 1):
            named = _NAME.fullmatch(unicodedata.name(chr(cp), ""))
            if named is not None:
                out[cp] = next(g for g in named.groups() if g).lower()
    return out


# Braille's letter cells (Grade 1, as every braille code writes a to z), by their dots: a
# model reads braille, and "⠊⠛⠝⠕⠗⠑" is "ignore" to it. Only letters: the same cells after
# a number sign are digits, which no filter would miss for reading them as letters.
_BRAILLE_DOTS = (
    "1", "12", "14", "145", "15", "124", "1245", "125", "24", "245", "13", "123", "134", "1345",
    "135", "1234", "12345", "1235", "234", "2345", "136", "1236", "2456", "1346", "13456",
    "1356",
)  # fmt: skip


def _braille() -> dict[int, str]:
    """U+2800 + the bits of a cell's dots (dot k is bit k-1) -> its letter."""
    return {
        0x2800 + sum(1 << (int(dot) - 1) for dot in dots): chr(ord("a") + i)
        for i, dots in enumerate(_BRAILLE_DOTS)
    }


# Code point -> the lower-case ASCII letter it shows (read-only: Unicode's data, computed once).
LETTERLIKE: Mapping[int, str] = MappingProxyType({**_table(), **_braille()})
