"""The names that open a detector's named holds, looked for together in one scan per event.

A stream asks every hold on every event. A named hold (holds.Named) searches the window for
its names with Python's `re` first, 2-4 µs each on prose where there is none (issue 16); one
Hyperscan scan of the window's last characters (the longest reach) for all of them costs
about one, and a hold whose names are not there answers its plain run without being asked.

The scan may find more than a hold would (fewer word boundaries, any case, a name that began
before its reach): a hold found open is asked and gives its own answer, so finding too much
costs a call, never a value.
"""

from __future__ import annotations

from collections.abc import Sequence

import hyperscan

from safeproxy.filters.databases import Databases, given_or_default
from safeproxy.filters.holds import Hold, Named, hold_functions
from safeproxy.filters.rules import Rule
from safeproxy.filters.scratches import Scratches


class NameGate:
    """The named holds of `rules`, which of them a window's end opens, and the hold
    functions (holds.hold_functions) that answer for it."""

    def __init__(self, rules: Sequence[Rule], named: Sequence[Named], databases: Databases) -> None:
        self._rules = tuple(rules)
        self._named = tuple(named)
        self._reach = max(n.reach for n in self._named)
        self._ends = [n for n in self._named if n.ends]
        flags = int(hyperscan.HS_FLAG_CASELESS)
        self._db = databases.compile(
            [n.names.encode() for n in self._named], [flags] * len(self._named)
        )
        self._scratches = Scratches()
        # Most events open none; a window with names opens a subset of these few (bounded).
        self._closed = hold_functions(self._rules, opened=frozenset())
        self._opened: dict[frozenset[Named], list[Hold]] = {}

    @classmethod
    def of(cls, rules: Sequence[Rule], databases: Databases | None = None) -> NameGate | None:
        """None where no rule's hold is named (nothing compiled). `databases`: as Scanner's."""
        named = list(dict.fromkeys(r.hold for r in rules if isinstance(r.hold, Named)))
        return cls(rules, named, given_or_default(databases)) if named else None

    def holds(self, text: str) -> list[Hold]:
        """The hold functions for a window ending `text`."""
        opened = self.opened(text)
        if not opened:
            return self._closed
        holds = self._opened.get(opened)
        if holds is None:
            holds = self._opened[opened] = hold_functions(self._rules, opened)
        return holds

    def opened(self, text: str) -> frozenset[Named]:
        """The named holds with a name that ends within their reach of `text`'s end, or a
        start of one that ends it."""
        tail = text[-self._reach :]
        data = tail.encode("utf-8")
        ends: dict[int, int] = {}

        def on_match(index: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            if end > ends.get(index, -1):  # (the engine does not promise an order)
                ends[index] = end

        db, sc = self._db, self._scratches
        db.scan(data, match_event_handler=on_match, scratch=None if sc.local.home else sc.get(db))
        opened = [n for n in self._ends if text.endswith(n.ends)]
        if not ends:
            return frozenset(opened)
        size = len(tail)
        for index, end in ends.items():
            # Names are ASCII (holds.Named), so a name's end is a character boundary.
            at = end if len(data) == size else len(data[:end].decode("utf-8"))
            named = self._named[index]
            if at > size - named.reach:
                opened.append(named)
        return frozenset(opened)
