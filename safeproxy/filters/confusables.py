"""Homoglyph skeleton table: non-ASCII look-alikes of a-z and 0-9, from Unicode's confusables."""

from __future__ import annotations

import json
from importlib.resources import files

# The data ships inside the confusable-homoglyphs wheel. It is read directly instead of through
# the package's own loader, which honours a CONFUSABLE_DATA directory override, opens the file
# in the locale's encoding, and loads its data at import time.
_DATA_PACKAGE = "confusable_homoglyphs"
_DATA_FILE = "confusables.json"
# The file names right-to-left characters wrapped in LEFT-TO-RIGHT MARKs (copied from the
# display column of confusables.txt); the marks are not part of the character.
_BIDI_MARKS = "\u200e\u200f"
_TARGETS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def skeleton_table() -> dict[int, str]:
    """Map each non-ASCII code point confusable with one ASCII letter or digit to it (lower-case).

    For `str.translate`. Reads the packaged data on every call (about 20 ms): build it once.
    """
    text = files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    # Each confusables.txt line "source -> prototype" is stored both ways: every character
    # lists its partners, with no direction kept.
    data: dict[str, list[dict[str, str]]] = json.loads(text)
    table: dict[int, str] = {}
    for key, partners in data.items():
        char = key.strip(_BIDI_MARKS)
        if len(char) != 1 or char.isascii():
            continue
        targets = {p["c"].strip(_BIDI_MARKS).lower() for p in partners} & _TARGETS
        # Each character is the source of one line at most, so it has at most one ASCII
        # prototype; two would mean the data changed shape, and guessing could mis-map.
        if len(targets) == 1:
            table[ord(char)] = targets.pop()
    return table
