"""One linear-time multi-pattern scan per policy: every rule compiled into a Hyperscan database.

Hyperscan runs in time linear in the input, whatever the patterns, and reports each match as
it ends (with SOM_LEFTMOST, also where it starts). It cannot compile large bounded repeats
with start-of-match tracking, so patterns may use `+`/`*`; each rule instead declares the
longest match it accepts (`max_len`). Longer matches are dropped here, and the streaming
hold-back uses `max_len - 1`, which keeps a split value from leaking.

Python's `re` never runs over untrusted text: validators only look at the matched span.

Text that is not ASCII is scanned, where it can be, as one byte per character (projection.py):
a pattern written in ASCII cannot tell one character outside ASCII from another, so a
database compiled without UTF-8 reads the projection exactly as the UTF-8 one reads the text,
at ASCII's speed, and its offsets are character offsets already.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import hyperscan

from safeproxy.filters.databases import Databases, given_or_default
from safeproxy.filters.gate import GateReading, GateRule, reading_ends
from safeproxy.filters.projection import CASE_TWINS, ascii_only, fold_twins, project
from safeproxy.filters.scratches import Scratches

# Reports one rule may make per scan: a floor, and an allowance per KiB of text.
# Each report costs Python work (a callback, then the candidate's checks: a few µs), so
# the cap is what bounds that work per KiB: 16 a KiB is one candidate of one rule per 64
# characters, beyond anything but a table of values (issue 13: 1 MiB within 100 ms).
REPORTS_FLOOR = 4096
REPORTS_PER_KIB = 16


@dataclass(frozen=True, slots=True)
class Pattern:
    rule: str
    regex: str
    max_len: int
    caseless: bool = True
    # Without start-of-match tracking (much cheaper for patterns that begin with a character
    # class): matches are reported with start -1, and the caller finds the start.
    som: bool = True
    # Only the first match counts (a scored phrase: its presence decides, not its count).
    # Compiled with SINGLEMATCH and without start tracking, so a text made of the phrase
    # costs one report, not one per repetition; the detector finds that one match's start.
    single: bool = False


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
    flags = hyperscan.HS_FLAG_UTF8
    if pattern.single:
        flags |= hyperscan.HS_FLAG_SINGLEMATCH  # the engine refuses it with SOM
    elif pattern.som:
        flags |= hyperscan.HS_FLAG_SOM_LEFTMOST
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
    """All patterns of one policy; compiled once at load, shared by every request.

    `presence_first`: for patterns that rarely match (phrases), a database without start
    tracking says first whether anything matches at all; only then does the full scan run.

    `gate`: phrase patterns' plain readings, presence only, scanned after the others over
    the same ASCII bytes (see gate.py); `candidates` says which of them matched.
    """

    def __init__(
        self,
        patterns: Sequence[Pattern],
        *,
        presence_first: bool = False,
        gate: Sequence[GateRule] = (),
        project: bool = True,
        for_ascii: bool = True,
        databases: Databases | None = None,
    ) -> None:
        """`databases`: where compiled databases are kept (databases.py; None: where the
        process environment says).
        `project`: read text outside ASCII as its projection where that reads the same
        (off: always as UTF-8, the reference the projection is tested against).
        `for_ascii`: off for patterns that only text outside ASCII reaches (a text that is
        ASCII would be read as UTF-8, the same answer): no ASCII databases to compile."""
        self.patterns = tuple(patterns)
        built = given_or_default(databases)
        self._scratches = Scratches()
        self._zeros = [0] * len(self.patterns)
        self._som = tuple(p.som and not p.single for p in self.patterns)
        # Whether the ASCII databases may read the projection of text that is not ASCII (gate
        # patterns are written for it: gate.py).
        self._narrow = project and all(ascii_only(p.regex) for p in self.patterns)
        # Where every pattern is caseless, a case twin is read as its ASCII letter (see
        # `fold_twins`), so the projection serves every text and the UTF-8 databases would
        # never be read. Not compiled: they are most of a policy's compile time (UTF-8
        # negated classes, the phrases' word gaps, cost seconds each).
        self._twins = (
            self._narrow
            and for_ascii
            and all(p.caseless for p in (*self.patterns, *(g.pattern for g in gate)))
        )
        utf8 = bool(self.patterns) and not self._twins
        self._db = _compile(built, self.patterns, _flags) if utf8 else None
        # Plain ASCII text (most of it) scans faster without UTF-8 decoding in the engine.
        ascii = [(p, _ascii_flags(p)) for p in self.patterns]
        self._gate = tuple(gate)
        self._db_ascii = _compile_with(built, ascii) if ascii and for_ascii else None
        # The gate's readings are a database of their own, scanned after the patterns'. In
        # one database with the patterns (start-of-match tracking, anchors), the same
        # readings cost the engine nearly twice as much: 4 KB of prose, 96 µs in one
        # database against 14 + 39 in two (issue 13).
        readings = [(g.pattern, _presence_ascii_flags(g.pattern)) for g in gate]
        self._db_gate = _compile_with(built, readings) if readings and for_ascii else None
        self._gate_table = gate[0].table if gate else b""
        assert all(g.table == self._gate_table for g in gate), "one gate, one table"
        self.gated = self._db_gate is not None
        # Where every rule is single-match, the presence database would be the main one again
        # (same flags): scanning it first would only scan twice.
        wanted = presence_first and not all(p.single for p in self.patterns)
        patterns = self.patterns
        self._presence = _compile(built, patterns, _presence_flags) if wanted and utf8 else None
        self._presence_ascii = (
            _compile(built, patterns, _presence_ascii_flags) if wanted and for_ascii else None
        )

    @property
    def max_len(self) -> int:
        return max((p.max_len for p in self.patterns), default=0)

    def scan(self, text: str) -> list[Match]:
        """Matches sorted by start; per rule and start only the longest allowed one."""
        out = [Match(i, s, ends[0]) for (i, s), ends in self.candidates(text).items()]
        out.sort(key=lambda m: (m.start, -m.end, m.index))
        return _drop_contained(out)

    def candidates(
        self, text: str, ascii: bytes | None = None, reading: GateReading | None = None
    ) -> dict[tuple[int, int], list[int]]:
        """(rule index, start) -> every allowed end, longest first (character offsets).

        Validators may reject the longest span and accept a shorter one (a card number
        followed by more digits), so every end is kept. `ascii`: the text's bytes, where
        the caller knows it is ASCII (normalize.Normalized.ascii). `reading` is filled with
        what the gate read; it is left open, with no ends, where the gate cannot tell (text
        read as UTF-8, or no text): every phrase scan then runs.
        """
        if not self.patterns or not text:
            return {}
        if ascii is not None:
            data = ascii
            size = read = length = len(data)
        else:
            data = text.encode("utf-8")
            size = read = len(data)
            length = len(text)
            if size != length:  # (_bytes, for text outside ASCII only: one call less)
                data, size = self._bytes(text, data)
                read = len(data)
        narrow = read == length  # one byte per character: the ASCII databases
        if narrow and self.gated:
            return self._gated(text, data, size, reading)  # the patterns, then the gate
        presence = self._presence_ascii if narrow else self._presence
        sc = self._scratches
        scratch = None if presence is None or sc.local.home else sc.get(presence)
        if presence is not None and not _any_match(presence, data, scratch):
            return {}
        db = self._db_ascii if narrow and self._db_ascii else self._db
        assert db is not None  # a text the projection cannot serve has the UTF-8 database
        found: dict[tuple[int, int], list[int]] = {}

        som = self._som
        counts = self._zeros[:]
        cap = REPORTS_FLOOR + REPORTS_PER_KIB * (size >> 10)  # (report_cap, inline)

        def on_match(index: int, start: int, end: int, _flags: int, _ctx: object) -> bool:
            found.setdefault((index, start if som[index] else -1), []).append(end)
            counts[index] += 1
            return counts[index] > cap  # True stops the scan

        try:  # past the cap, an Overload (see report_cap)
            db.scan(
                data, match_event_handler=on_match, scratch=None if sc.local.home else sc.get(db)
            )
        except hyperscan.ScanTerminated:
            raise Overload(f"over {cap} candidates for one rule") from None
        if not found:
            return {}
        return self._by_char(text, data, found)

    def _bytes(self, text: str, data: bytes | None = None) -> tuple[bytes, int]:
        """What the engine reads: the text's UTF-8 (`data`, if given), or its projection (one
        byte per character) where that reads the same; and the UTF-8 size (report caps go by
        it)."""
        if data is None:
            data = text.encode("utf-8")
        size = len(data)
        if size != len(text) and self._narrow:
            if any(c in text for c in CASE_TWINS):
                if not self._twins:
                    return data, size
                data = fold_twins(text).encode("utf-8")
            data = project(data)
        return data, size

    def _gated(
        self, text: str, data: bytes, size: int, reading: GateReading | None
    ) -> dict[tuple[int, int], list[int]]:
        assert self._db_gate is not None
        found: dict[tuple[int, int], list[int]] = {}
        som = self._som
        fired: dict[int, int] = {}  # gate rule -> its first end (presence: one report each)
        counts = self._zeros[:]
        cap = REPORTS_FLOOR + REPORTS_PER_KIB * (size >> 10)  # (report_cap, inline)

        def on_gate(index: int, start: int, end: int, _flags: int, _ctx: object) -> bool:
            fired.setdefault(index, end)
            return False

        def on_match(index: int, start: int, end: int, _flags: int, _ctx: object) -> bool:
            found.setdefault((index, start if som[index] else -1), []).append(end)
            counts[index] += 1
            return counts[index] > cap  # True stops the scan

        db, gate, sc = self._db_ascii, self._db_gate, self._scratches
        if db is not None:
            try:  # past the cap, an Overload (see report_cap)
                db.scan(
                    data,
                    match_event_handler=on_match,
                    scratch=None if sc.local.home else sc.get(db),
                )
            except hyperscan.ScanTerminated:
                raise Overload(f"over {cap} candidates for one rule") from None
        gate.scan(
            data.translate(self._gate_table),  # the skeleton's bytes (gate.py)
            match_event_handler=on_gate,
            scratch=None if sc.local.home else sc.get(gate),
        )
        if reading is not None:
            if fired:
                # Byte offsets are character offsets here, on ASCII text and on a
                # projection alike (gate.py: `reading_ends`).
                reading.ends = reading_ends(self._gate, fired)
            else:
                reading.open = False
        return self._by_char(text, data, found) if found else {}

    def _by_char(
        self, text: str, data: bytes, found: dict[tuple[int, int], list[int]]
    ) -> dict[tuple[int, int], list[int]]:
        to_char = _char_offsets(text, data, found)
        out: dict[tuple[int, int], list[int]] = {}
        patterns = self.patterns
        for (index, start), ends in found.items():
            if len(ends) == 1:  # most candidates: no set or sort to build (issue 13)
                e = to_char(ends[0])
                if start < 0:
                    out[(index, -1)] = [e]
                elif e - (s := to_char(start)) <= patterns[index].max_len:
                    out[(index, s)] = [e]
                continue
            if start < 0:  # no start tracked: the caller bounds the match
                out[(index, -1)] = sorted(set(map(to_char, ends)), reverse=True)
                continue
            s = to_char(start)
            cap = patterns[index].max_len
            kept = sorted({e for e in map(to_char, ends) if e - s <= cap}, reverse=True)
            if kept:
                out[(index, s)] = kept
        return out


def _char_offsets(
    text: str, data: bytes, found: dict[tuple[int, int], list[int]]
) -> Callable[[int], int]:
    if len(data) == len(text):  # ASCII: byte and character offsets agree
        return _identity
    # Convert every offset the matches use in one forward pass (each slice decoded once).
    offsets = sorted({o for (_i, start), ends in found.items() for o in (start, *ends) if o >= 0})
    table: dict[int, int] = {}
    byte = char = 0
    for offset in offsets:
        char += len(data[byte:offset].decode("utf-8", "ignore"))
        byte = offset
        table[offset] = char
    return table.__getitem__


def _compile(
    databases: Databases, patterns: Sequence[Pattern], flags: Callable[[Pattern], int]
) -> hyperscan.Database:
    return _compile_with(databases, [(p, flags(p)) for p in patterns])


def _compile_with(
    databases: Databases, patterns: Sequence[tuple[Pattern, int]]
) -> hyperscan.Database:
    return databases.compile([p.regex.encode() for p, _ in patterns], [f for _, f in patterns])


def _ascii_flags(pattern: Pattern) -> int:
    return _flags(pattern) & ~int(hyperscan.HS_FLAG_UTF8)


def _presence_ascii_flags(pattern: Pattern) -> int:
    return _presence_flags(pattern) & ~int(hyperscan.HS_FLAG_UTF8)


def _presence_flags(pattern: Pattern) -> int:
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH
    if pattern.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    return int(flags)


def _any_match(db: hyperscan.Database, data: bytes, scratch: hyperscan.Scratch | None) -> bool:
    hit = False

    def on_match(*_args: object) -> bool:
        nonlocal hit
        hit = True
        return True  # stop the scan: one match is enough

    with contextlib.suppress(hyperscan.ScanTerminated):  # what returning True raises
        if scratch is None:
            db.scan(data, match_event_handler=on_match)
        else:
            db.scan(data, match_event_handler=on_match, scratch=scratch)
    return hit


class Overload(Exception):
    """One rule reported more candidates than a text of this size can honestly hold."""


def report_cap(size: int) -> int:
    """Candidates one rule may report in a text of `size` bytes; a scan whose rule goes over
    it stops, with Overload (the scans inline this sum: one call less per scan).

    Hyperscan is linear, but each report costs a Python callback and then Python work on the
    candidate: a text made of nothing but candidates ("1-2 1-2 ...": one report every two
    characters, for two rules) took a second per MiB before any validator ran. Ordinary
    text, tables of phone numbers included, stays far below the cap; a text over it is a
    filter error, decided by the filter's `on_error` (closed: refused), never passed
    unchecked.
    """
    return REPORTS_FLOOR + REPORTS_PER_KIB * (size >> 10)


def _identity(offset: int) -> int:
    return offset


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
