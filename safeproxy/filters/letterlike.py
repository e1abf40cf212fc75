"""Letters dressed as other symbols, which NFKC leaves as they are: small capitals (U+1D00
LATIN LETTER SMALL CAPITAL A), and the negative circled and negative squared capitals (U+1F150,
U+1F170). "Fancy text" generators write whole words in them, and a model reads them as the
letters they show, so normalisation folds each to its letter (normalize._fold_char).

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

# IPA extensions, phonetic extensions, Latin extended-D, enclosed alphanumeric supplement.
_BLOCKS = ((0x0250, 0x02AF), (0x1D00, 0x1D7F), (0xA720, 0xA7FF), (0x1F100, 0x1F1FF))
_NAME = re.compile(
    r"LATIN LETTER SMALL CAPITAL ([A-Z])|NEGATIVE (?:CIRCLED|SQUARED) LATIN CAPITAL LETTER ([A-Z])"
)


def _table() -> Mapping[int, str]:
    out: dict[int, str] = {}
    for first, last in _BLOCKS:
        for cp in range(first, last + 1):
            named = _NAME.fullmatch(unicodedata.name(chr(cp), ""))
            if named is not None:
                out[cp] = (named.group(1) or named.group(2)).lower()
    return MappingProxyType(out)


# Code point -> the lower-case ASCII letter it shows (read-only: Unicode's data, computed once).
LETTERLIKE: Mapping[int, str] = _table()
