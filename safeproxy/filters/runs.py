"""Runs of a repeated unit, found with `re` work bounded by what the caller can still use.

A pattern like `(?:unit){8,}` reads a whole run in one match: a megabyte of hex digits or of
"a b " before any of it can be decoded, or found to be past the decoding budget. Written as
a bounded repeat and followed chunk by chunk, the same run is read only as far as needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

# Leads that start no run, allowed one per this many characters (then `re` searches alone).
MISS_SPACING = 256


class Lead:
    """Where a run may start, found faster than by searching for the run itself.

    A pattern that begins with a look-behind makes `re` try a match at every position
    (30 ns a character); one that begins with a class of rare characters (the gap of a
    letter-spaced run) is searched in a tight C loop. `pattern` matches the run's first gaps;
    the run itself starts one character before the blanks (`gap`) that precede the match.
    """

    def __init__(self, pattern: re.Pattern[str], gap: str) -> None:
        self.pattern = pattern
        self.gap = gap

    def first(
        self, run: re.Pattern[str], text: str, pos: int, misses: list[int]
    ) -> re.Match[str] | None:
        """The first match of `run` at or after `pos`, as `run.search` finds it. Each lead
        that starts no run costs a Python step: past `misses[0]` of them (a text made of
        near-runs), the rest is left to `run.search`."""
        at = pos
        while misses[0] > 0:
            q = self.pattern.search(text, at)
            if q is None:
                return None
            k = q.start()
            # Back over the gap (a few characters) to the unit before it.
            while k > pos and text[k - 1] in self.gap:
                k -= 1
            for start in range(max(pos, k - 1), q.start() + 1):
                m = run.match(text, start)
                if m is not None:
                    return m
            misses[0] -= 1
            at = q.start() + 1
        return run.search(text, at)


class Resume(NamedTuple):
    """For a `first` that starts with look-behinds which skip positions whose match an
    earlier position's match contains (decoded_hex._HEX_START): after a run, those look-behinds
    would read the run, and skip positions no searched one contains. `pattern` (`first`
    without them) is tried at the first `reach` positions after a run instead."""

    pattern: re.Pattern[str]
    reach: int


def _resumed(resume: Resume, first: re.Pattern[str], text: str, pos: int) -> re.Match[str] | None:
    for at in range(pos, min(pos + resume.reach, len(text))):
        m = resume.pattern.match(text, at)
        if m is not None:
            return m
    return first.search(text, pos + resume.reach)


def run_spans(
    first: re.Pattern[str],
    more: re.Pattern[str],
    text: str,
    limit: Callable[[], int],
    lead: Lead | None = None,
    resume: Resume | None = None,
) -> Iterator[tuple[int, int]]:
    """Runs of a repeated unit: `first` (a bounded repeat) finds where one starts, `more`
    (the unit, a bounded repeat) follows it. A run is followed until it is `limit()`
    characters long at most, so the `re` work per run is what the caller can still use.
    With `lead`, candidates for a run's start are found first (see `Lead`); with `resume`,
    the search after a run starts as `Resume` says."""
    pos = 0
    misses = [len(text) // MISS_SPACING + 16]
    while True:
        if resume is not None and pos:
            m = _resumed(resume, first, text, pos)
        elif lead is None:
            m = first.search(text, pos)
        else:
            m = lead.first(first, text, pos, misses)
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
