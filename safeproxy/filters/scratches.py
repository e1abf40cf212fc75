"""Per-thread Hyperscan scratch spaces: what every scan of a database needs, one per thread
that scans it (scanner.py, views.py, word_find.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import hyperscan


class Scratches:
    """Per-thread scratch spaces for the databases of one owner.

    A scratch serves one scan at a time: large texts are scanned on a worker thread
    (exchange/guard.py) while the loop scans small ones. The thread that compiled the databases (the
    loop's, usually) keeps each database's own, which costs nothing to find (None)."""

    def __init__(self) -> None:
        self._local = threading.local()
        # The home thread's mark (thread-local, so other threads do not see it): one attribute
        # read tells the home thread, which scans on every request, without a call.
        self._local.scratches = None

    def get(self, db: hyperscan.Database) -> hyperscan.Scratch | None:
        try:
            mine: dict[int, hyperscan.Scratch] | None = self._local.scratches
        except AttributeError:  # a thread's first scan
            mine = self._local.scratches = {}
        if mine is None:
            return None
        scratch = mine.get(id(db))
        if scratch is None:
            scratch = mine[id(db)] = hyperscan.Scratch(db)
        return scratch

    def scan(self, db: hyperscan.Database, data: bytes, on_match: Callable[..., Any]) -> None:
        """`db.scan` with this thread's scratch (`get` and the scan in one call: every scan
        of a request comes here)."""
        try:
            mine: dict[int, hyperscan.Scratch] | None = self._local.scratches
        except AttributeError:
            mine = self._local.scratches = {}
        if mine is None:
            db.scan(data, match_event_handler=on_match)
            return
        scratch = mine.get(id(db))
        if scratch is None:
            scratch = mine[id(db)] = hyperscan.Scratch(db)
        db.scan(data, match_event_handler=on_match, scratch=scratch)
