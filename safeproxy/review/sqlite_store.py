"""The review queue on SQLite (`SqliteReviewStore`): add, list, label, export, count labels.

Every database call runs on one dedicated thread that owns the connection, so the event loop
never waits on disk and the connection is never shared between threads. Writes are serialised
by that thread; other processes on the same file are kept consistent by SQLite itself (WAL,
`BEGIN IMMEDIATE`, a busy timeout).

Listing pages by keyset (`id < before_id`, newest first): items added while a reader pages
have higher ids and never shift a later page, so a walk sees no duplicates and no gaps.
"""

from __future__ import annotations

import asyncio
import builtins
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, Unpack, cast

from safeproxy.review import rows
from safeproxy.review.item import LABELS, LabelMismatch, ReviewItem, labels_for
from safeproxy.review.store import MAX_ID, Filters, StoreUnavailable, export_pages

_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after pruning
    request_id TEXT NOT NULL, created_unix REAL NOT NULL, policy TEXT NOT NULL,
    route TEXT NOT NULL, tenant TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL,
    flagged INTEGER NOT NULL, check_name TEXT, verdict TEXT, categories TEXT NOT NULL,
    score REAL, finding_types TEXT NOT NULL, text TEXT,
    label TEXT, note TEXT, labelled_unix REAL, policy_version TEXT
);
CREATE INDEX IF NOT EXISTS items_label ON items (label, id);
CREATE INDEX IF NOT EXISTS items_source ON items (source, id);
CREATE INDEX IF NOT EXISTS items_policy ON items (policy, id);
CREATE INDEX IF NOT EXISTS items_route ON items (route, id);
CREATE INDEX IF NOT EXISTS items_tenant ON items (tenant, id);
-- Pruning takes the oldest labelled items first; label_counts groups labelled items only.
CREATE INDEX IF NOT EXISTS items_labelled ON items (id) WHERE label IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_counts ON items (policy, label) WHERE label IS NOT NULL;
-- The row count, kept by triggers: pruning needs it after every batch, and COUNT(*) scans.
CREATE TABLE IF NOT EXISTS item_count (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);
INSERT OR IGNORE INTO item_count VALUES (1, (SELECT COUNT(*) FROM items));
CREATE TRIGGER IF NOT EXISTS items_added AFTER INSERT ON items
    BEGIN UPDATE item_count SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS items_removed AFTER DELETE ON items
    BEGIN UPDATE item_count SET n = n - 1; END;
"""

_TABLE = "items"
_SELECT = rows.select(_TABLE)
_INSERT = rows.insert(_TABLE, "?")


class SqliteReviewStore:
    """The review queue in one SQLite file (a `ReviewStore`). `open()` before use, `close()`
    after."""

    backend = "sqlite"

    def __init__(
        self,
        path: str,
        *,
        max_items: int,
        max_text_chars: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_items < 1 or max_text_chars < 1:
            raise ValueError("max_items and max_text_chars must be positive")
        self.path = path
        self.max_items = max_items
        self.max_text_chars = max_text_chars
        self._clock = clock
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None

    async def open(self) -> None:
        """Connect (on the store's thread) and create the schema if it is missing."""
        if self._executor is not None:
            raise RuntimeError("the review store is already open")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-store")
        try:
            await self._run(self._open)
        except BaseException:
            self._executor.shutdown(wait=False)
            self._executor = None
            raise

    async def close(self) -> None:
        executor = self._executor
        if executor is None:
            return
        try:
            await self._run(self._close)
        finally:
            self._executor = None
            # Nothing is queued any more: the thread is idle and exits at once.
            executor.shutdown(wait=True)

    async def add_many(self, items: Sequence[ReviewItem]) -> builtins.list[int]:
        """Store new items (text cut to max_text_chars) and prune beyond max_items.

        Returns the ids in the order given. Pruning removes the oldest labelled items first
        (their judgement is already counted), then the oldest: a batch larger than max_items
        prunes some of its own items, whose ids are still returned.
        """
        if not items:
            return []
        return await self._run(self._add_many, items)

    async def get(self, item_id: int) -> ReviewItem | None:
        return await self._run(self._get, item_id)

    async def list(
        self, *, limit: int, before_id: int | None = None, **filters: Unpack[Filters]
    ) -> builtins.list[ReviewItem]:
        """At most `limit` matching items, newest (highest id) first, all with id < before_id."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        where, params = rows.where(filters, before_id, "?")
        sql = f"{_SELECT}{where} ORDER BY id DESC LIMIT ?"
        return await self._run(self._select, sql, (*params, limit))

    async def label(self, item_id: int, label: str, note: str | None) -> ReviewItem | None:
        """Label an item (a later label replaces an earlier one, note included).

        None when there is no such item; ValueError for an unknown label; LabelMismatch (a
        ValueError) for a label that contradicts whether safeproxy flagged the item.
        """
        if label not in LABELS:
            raise ValueError(f"label must be one of: {', '.join(LABELS)}")
        return await self._run(self._label, item_id, label, note, self._clock())

    async def iter_export(self, **filters: Unpack[Filters]) -> AsyncIterator[ReviewItem]:
        """Every matching item, newest first, read in pages of EXPORT_PAGE.

        Items added during the export are not included (they are newer than the first page).
        """
        async for item in export_pages(self, filters):
            yield item

    async def label_counts(self) -> dict[str, dict[str, int]]:
        """Labelled items per policy and label (labels with no items are absent)."""
        return await self._run(self._label_counts)

    # Everything below runs on the store's thread.

    async def _run(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self._executor is None:
            raise RuntimeError("the review store is not open")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        except sqlite3.OperationalError as exc:  # locked past the busy timeout, disk I/O
            raise StoreUnavailable(f"review store: {type(exc).__name__}") from exc

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the review store is not open")
        return self._conn

    def _open(self) -> None:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE for writes, so two
        # processes never deadlock upgrading a read lock); timeout is SQLite's busy timeout.
        conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: durable against a process crash; a power cut may lose the last
            # commits, which is acceptable for a review queue.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}")
            # In the same write transaction: two processes opening one older file do not
            # both add the column (the second would fail on a duplicate column).
            columns = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
            if "policy_version" not in columns:  # a store made before versions were kept
                conn.execute("ALTER TABLE items ADD COLUMN policy_version TEXT")
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _add_many(self, items: Sequence[ReviewItem]) -> builtins.list[int]:
        db = self._db()
        ids: builtins.list[int] = []
        db.execute("BEGIN IMMEDIATE")
        try:
            for item in items:
                cur = db.execute(_INSERT, self._row(item))
                ids.append(cast(int, cur.lastrowid))
            self._prune(db)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
        return ids

    def _row(self, item: ReviewItem) -> tuple[object, ...]:
        return rows.encode(item, self.max_text_chars)

    def _prune(self, db: sqlite3.Connection) -> None:
        (count,) = db.execute("SELECT n FROM item_count").fetchone()
        excess = int(count) - self.max_items
        if excess <= 0:
            return
        cur = db.execute(
            "DELETE FROM items WHERE id IN "
            "(SELECT id FROM items WHERE label IS NOT NULL ORDER BY id LIMIT ?)",
            (excess,),
        )
        excess -= cur.rowcount
        if excess > 0:
            db.execute(
                "DELETE FROM items WHERE id IN (SELECT id FROM items ORDER BY id LIMIT ?)",
                (excess,),
            )

    def _get(self, item_id: int) -> ReviewItem | None:
        if not 0 < item_id <= MAX_ID:
            return None
        row = self._db().execute(f"{_SELECT} WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else rows.decode(row)

    def _select(self, sql: str, params: tuple[object, ...]) -> builtins.list[ReviewItem]:
        return [rows.decode(row) for row in self._db().execute(sql, params)]

    def _label(self, item_id: int, label: str, note: str | None, now: float) -> ReviewItem | None:
        if not 0 < item_id <= MAX_ID:
            return None
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT flagged FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is not None:
                if label not in labels_for(bool(row[0])):
                    raise LabelMismatch(bool(row[0]))
                db.execute(
                    "UPDATE items SET label = ?, note = ?, labelled_unix = ? WHERE id = ?",
                    (label, note, now, item_id),
                )
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
        return None if row is None else self._get(item_id)

    def _label_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        rows = self._db().execute(
            "SELECT policy, label, COUNT(*) FROM items WHERE label IS NOT NULL "
            "GROUP BY policy, label"
        )
        for policy, label, n in rows:
            counts.setdefault(policy, {})[label] = int(n)
        return counts


def _rollback(db: sqlite3.Connection) -> None:
    # SQLite rolls back by itself on some errors (disk full): a second ROLLBACK would raise
    # and hide the first error.
    if db.in_transaction:
        db.execute("ROLLBACK")
