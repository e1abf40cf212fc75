"""Runs of a repeated unit, found with `re` work bounded by what the caller can still use.

A pattern like `(?:unit){8,}` reads a whole run in one match: a megabyte of hex digits or of
"a b " before any of it can be decoded, or found to be past the decoding budget. Written as
a bounded repeat and followed chunk by chunk, the same run is read only as far as needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator


def run_spans(
    first: re.Pattern[str], more: re.Pattern[str], text: str, limit: Callable[[], int]
) -> Iterator[tuple[int, int]]:
    """Runs of a repeated unit: `first` (a bounded repeat) finds where one starts, `more`
    (the unit, a bounded repeat) follows it. A run is followed until it is `limit()`
    characters long at most, so the `re` work per run is what the caller can still use."""
    pos = 0
    while True:
        m = first.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        most = limit()
        while end - start < most:
            n = more.match(text, end)
            if n is None or n.end() == end:
                break
            end = n.end()
        yield start, end
        pos = end
