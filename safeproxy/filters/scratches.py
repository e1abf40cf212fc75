"""Per-thread Hyperscan scratch spaces: what every scan of a database needs, one per thread
that scans it (scanner.py, views.py, word_find.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import hyperscan


class _Local(threading.local):
    """One thread's view: the home thread scans with each database's own scratch; any other
    makes its own per database on first use. (`threading.local` runs this on each thread's
    first read, so a worker starts with no scratch and not at home.)"""

    def __init__(self) -> None:
        self.home = False
        self.scratches: dict[int, hyperscan.Scratch] = {}


class Scratches:
    """Per-thread scratch spaces for the databases of one owner.

    A scratch serves one scan at a time: large texts are scanned on a worker thread
    (exchange/guard.py) while the loop scans small ones. The thread that compiled the
    databases (the loop's, usually) keeps each database's own, which `db.scan` uses when
    given no scratch (None). Every request scans on the home thread, so its callers ask
    `local.home` (an attribute, not a call) before `get`:

        db.scan(data, match_event_handler=f, scratch=None if s.local.home else s.get(db))
    """

    def __init__(self) -> None:
        self.local = _Local()
        self.local.home = True  # (this thread's copy only)

    def get(self, db: hyperscan.Database) -> hyperscan.Scratch | None:
        local = self.local
        if local.home:
            return None
        scratch = local.scratches.get(id(db))
        if scratch is None:
            scratch = local.scratches[id(db)] = hyperscan.Scratch(db)
        return scratch

    def scan(self, db: hyperscan.Database, data: bytes, on_match: Callable[..., Any]) -> None:
        """`db.scan` with this thread's scratch (for scans off the per-request path)."""
        db.scan(data, match_event_handler=on_match, scratch=self.get(db))
