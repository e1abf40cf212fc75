"""One linear-time multi-pattern scan per policy: every rule compiled into a Hyperscan database.

Hyperscan runs in time linear in the input, whatever the patterns, and reports each match as
it ends (with SOM_LEFTMOST, also where it starts). It cannot compile large bounded repeats
with start-of-match tracking, so patterns may use `+`/`*`; each rule instead declares the
longest match it accepts (`max_len`). Longer matches are dropped here, and the streaming
hold-back uses `max_len - 1`, which keeps a split value from leaking.

Python's `re` never runs over untrusted text: validators only look at the matched span.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import hyperscan


@dataclass(frozen=True, slots=True)
class Pattern:
    rule: str
    regex: str
    max_len: int
    caseless: bool = True


@dataclass(frozen=True, slots=True)
class Match:
    """A leftmost-longest match of `patterns[index]` over the scanned text, [start, end)."""

    index: int
    start: int
    end: int


def _flags(pattern: Pattern) -> int:
    # UTF8 so that `.` and classes step over whole code points. Not UCP: the normalised view
    # already maps every script's digits and spaces to ASCII, and UCP classes blow up the
    # start-of-match automata.
    flags = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8
    if pattern.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    return int(flags)


def compile_error(pattern: Pattern) -> str | None:
    """Why Hyperscan cannot compile this pattern (backreferences, lookaround, ...), or None."""
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(
            expressions=[pattern.regex.encode()], ids=[0], elements=1, flags=[_flags(pattern)]
        )
    except hyperscan.error as exc:
        return str(exc) or "pattern is not supported"
    return None


class Scanner:
    """All patterns of one policy; compiled once at load, shared by every request."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = tuple(patterns)
        self._db: hyperscan.Database | None = None
        if self.patterns:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=[p.regex.encode() for p in self.patterns],
                ids=list(range(len(self.patterns))),
                elements=len(self.patterns),
                flags=[_flags(p) for p in self.patterns],
            )
            self._db = db

    @property
    def max_len(self) -> int:
        return max((p.max_len for p in self.patterns), default=0)

    def scan(self, text: str) -> list[Match]:
        """Matches sorted by start; per rule and start only the longest allowed one."""
        out = [Match(i, s, ends[0]) for (i, s), ends in self.candidates(text).items()]
        out.sort(key=lambda m: (m.start, -m.end, m.index))
        return _drop_contained(out)

    def candidates(self, text: str) -> dict[tuple[int, int], list[int]]:
        """(rule index, start) -> every allowed end, longest first (character offsets).

        Validators may reject the longest span and accept a shorter one (a card number
        followed by more digits), so every end is kept.
        """
        if self._db is None or not text:
            return {}
        data = text.encode("utf-8")
        found: dict[tuple[int, int], list[int]] = {}

        def on_match(index: int, start: int, end: int, _flags: int, _ctx: object) -> None:
            found.setdefault((index, start), []).append(end)

        self._db.scan(data, match_event_handler=on_match)
        to_char = _char_offsets(text, data)
        out: dict[tuple[int, int], list[int]] = {}
        for (index, start), ends in found.items():
            s = to_char(start)
            cap = self.patterns[index].max_len
            kept = sorted({e for e in map(to_char, ends) if e - s <= cap}, reverse=True)
            if kept:
                out[(index, s)] = kept
        return out


def _char_offsets(text: str, data: bytes) -> Callable[[int], int]:
    if len(data) == len(text):  # ASCII: byte and character offsets agree
        return _identity
    return _ToChar(data)


def _identity(offset: int) -> int:
    return offset


class _ToChar:
    """UTF-8 byte offset → character offset, computed only for the (rare) matches."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __call__(self, offset: int) -> int:
        return len(self._data[:offset].decode("utf-8", "ignore"))


def _drop_contained(matches: list[Match]) -> list[Match]:
    """Within one rule, a match inside an earlier, longer one adds nothing."""
    kept: list[Match] = []
    reach: dict[int, int] = {}
    for m in matches:
        if m.end <= reach.get(m.index, -1):
            continue
        reach[m.index] = m.end
        kept.append(m)
    return kept
