"""The review queue on PostgreSQL (`PostgresReviewStore`), shared by every replica of a fleet.

psycopg 3's asyncio API over a small connection pool: the event loop never blocks on the
database. Imported only when `review.store.backend` is `postgres` (the `postgres` extra).

Several replicas write one queue. Ids come from an identity column (never reused). The row
count lives in a one-row table kept by statement triggers, as in SQLite: a batch's insert
locks that row until it commits, so two replicas never prune the same excess twice, and each
sees the other's committed rows (READ COMMITTED takes a new snapshot per statement). The
schema is created at most once at a time (an advisory lock), whichever replica comes first.

An unreachable server raises StoreUnavailable (its message is the error's type only: a
server's message can quote a statement's values). After a failure the store answers
StoreUnavailable at once for BACKOFF_S, as the Redis backends do, so an outage costs no
connection attempt per call (nor a log line per attempt from the pool). The pool reconnects
on the next call after that; nothing here retries, the caller decides (the feed keeps its
batch for the next flush).
"""

from __future__ import annotations

import builtins
import contextlib
import math
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, TypeVar, Unpack, cast

import psycopg
from psycopg_pool import AsyncConnectionPool

from safeproxy.review import rows
from safeproxy.review.item import LABELS, LabelMismatch, ReviewItem, labels_for
from safeproxy.review.store import MAX_ID, Filters, StoreUnavailable, export_pages

_T = TypeVar("_T")
_TABLE = "safeproxy_review_items"
_SELECT = rows.select(_TABLE)
_INSERT = rows.insert(_TABLE, "%s") + " RETURNING id"
_LABEL = (
    f"UPDATE {_TABLE} SET label = %s, note = %s, labelled_unix = {{stamp}} "  # noqa: S608
    f"WHERE id = %s RETURNING {rows.COLUMNS}"
)
_SERVER_NOW = "EXTRACT(EPOCH FROM clock_timestamp())::DOUBLE PRECISION"
_SCHEMA_LOCK = 0x5AFE_0001
BACKOFF_S = 1.0  # pg_advisory_xact_lock key: one replica creates the schema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS safeproxy_review_items (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id TEXT NOT NULL, created_unix DOUBLE PRECISION NOT NULL, policy TEXT NOT NULL,
    route TEXT NOT NULL, tenant TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL,
    flagged BOOLEAN NOT NULL, check_name TEXT, verdict TEXT, categories TEXT NOT NULL,
    score DOUBLE PRECISION, finding_types TEXT NOT NULL, text TEXT,
    label TEXT, note TEXT, labelled_unix DOUBLE PRECISION, policy_version TEXT
);
-- A table made before policy versions were kept gains the column (NULL in its old rows).
ALTER TABLE safeproxy_review_items ADD COLUMN IF NOT EXISTS policy_version TEXT;
CREATE INDEX IF NOT EXISTS safeproxy_review_label ON safeproxy_review_items (label, id);
CREATE INDEX IF NOT EXISTS safeproxy_review_source ON safeproxy_review_items (source, id);
CREATE INDEX IF NOT EXISTS safeproxy_review_policy ON safeproxy_review_items (policy, id);
CREATE INDEX IF NOT EXISTS safeproxy_review_route ON safeproxy_review_items (route, id);
CREATE INDEX IF NOT EXISTS safeproxy_review_tenant ON safeproxy_review_items (tenant, id);
CREATE INDEX IF NOT EXISTS safeproxy_review_labelled ON safeproxy_review_items (id)
    WHERE label IS NOT NULL;
CREATE INDEX IF NOT EXISTS safeproxy_review_counts ON safeproxy_review_items (policy, label)
    WHERE label IS NOT NULL;
CREATE TABLE IF NOT EXISTS safeproxy_review_count (
    one INTEGER PRIMARY KEY CHECK (one = 1), n BIGINT NOT NULL
);
INSERT INTO safeproxy_review_count
    VALUES (1, (SELECT COUNT(*) FROM safeproxy_review_items)) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION safeproxy_review_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE safeproxy_review_count SET n = n + (SELECT COUNT(*) FROM added); RETURN NULL; END
$$;
CREATE OR REPLACE FUNCTION safeproxy_review_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE safeproxy_review_count SET n = n - (SELECT COUNT(*) FROM removed); RETURN NULL; END
$$;
CREATE OR REPLACE TRIGGER safeproxy_review_added AFTER INSERT ON safeproxy_review_items
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION safeproxy_review_added();
CREATE OR REPLACE TRIGGER safeproxy_review_removed AFTER DELETE ON safeproxy_review_items
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION safeproxy_review_removed();
"""
# Errors that mean "the server cannot be reached now" (PoolTimeout is an OperationalError).
_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, OSError)


class PostgresReviewStore:
    """The review queue in a PostgreSQL database (a `ReviewStore`). `dsn` is a libpq
    connection string or URI (read from the environment by the caller, never from YAML)."""

    backend = "postgres"

    def __init__(
        self,
        dsn: str,
        *,
        max_items: int,
        max_text_chars: int,
        pool_max: int = 4,
        timeout_s: float = 5.0,
        clock: Callable[[], float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_items < 1 or max_text_chars < 1:
            raise ValueError("max_items and max_text_chars must be positive")
        self.max_items = max_items
        self.max_text_chars = max_text_chars
        self._clock = clock  # stamps labels; None: the server's clock
        self._monotonic = monotonic
        self._down_until = -math.inf
        # connect_timeout bounds each (re)connection attempt; the pool's timeout bounds how
        # long an operation waits for a connection, so a dead server fails fast.
        self._pool = AsyncConnectionPool(
            dsn,
            min_size=1,
            max_size=pool_max,
            open=False,
            timeout=timeout_s,
            reconnect_timeout=0,  # never give up reconnecting: the server may come back
            check=AsyncConnectionPool.check_connection,  # drop connections a restart broke
            kwargs={"connect_timeout": max(1, round(timeout_s)), "application_name": "safeproxy"},
            name="safeproxy-review",
        )
        self._opened = False
        self._schema_ready = False

    async def open(self) -> None:
        """Start the pool and create the schema. An unreachable server does not fail this:
        the pool keeps connecting in the background and the schema is made on first use."""
        if self._opened:
            raise RuntimeError("the review store is already open")
        await self._pool.open(wait=False)
        self._opened = True
        with contextlib.suppress(StoreUnavailable):  # then made by the first operation
            await self._ensure_schema()

    async def close(self) -> None:
        if self._opened:
            self._opened = False
            await self._pool.close()

    async def add_many(self, items: Sequence[ReviewItem]) -> builtins.list[int]:
        if not items:
            return []
        params = [_clean(rows.encode(i, self.max_text_chars)) for i in items]
        return await self._run(self._add_many, params)

    async def get(self, item_id: int) -> ReviewItem | None:
        if not 0 < item_id <= MAX_ID:
            return None
        return await self._run(self._get, item_id)

    async def list(
        self, *, limit: int, before_id: int | None = None, **filters: Unpack[Filters]
    ) -> builtins.list[ReviewItem]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        where, params = rows.where(filters, before_id, "%s")
        query = f"{_SELECT}{where} ORDER BY id DESC LIMIT %s"
        return await self._run(self._select, query, _clean((*params, limit)))

    async def label(self, item_id: int, label: str, note: str | None) -> ReviewItem | None:
        if label not in LABELS:
            raise ValueError(f"label must be one of: {', '.join(LABELS)}")
        if not 0 < item_id <= MAX_ID:
            return None
        now = self._clock() if self._clock is not None else None
        clean_note = _clean((note,))[0] if note is not None else None
        return await self._run(self._label, item_id, label, clean_note, now)

    async def iter_export(self, **filters: Unpack[Filters]) -> AsyncIterator[ReviewItem]:
        async for item in export_pages(self, filters):
            yield item

    async def label_counts(self) -> dict[str, dict[str, int]]:
        return await self._run(self._label_counts)

    # --- internals: each takes a connection inside one transaction ----------------------

    async def _run(self, fn: Callable[..., Any], *args: Any) -> _T:
        if not self._opened:
            raise RuntimeError("the review store is not open")
        if self._monotonic() < self._down_until:
            raise StoreUnavailable("review store: backing off after a failure")
        try:
            if not self._schema_ready:
                await self._ensure_schema()
            async with self._pool.connection() as conn, conn.transaction():
                return cast(_T, await fn(conn, *args))
        except _UNAVAILABLE as exc:
            self._down_until = self._monotonic() + BACKOFF_S
            raise StoreUnavailable(f"review store: {type(exc).__name__}") from exc
        except StoreUnavailable:
            self._down_until = self._monotonic() + BACKOFF_S
            raise

    async def _ensure_schema(self) -> None:
        try:
            async with self._pool.connection() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                await conn.execute(_SCHEMA)
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"review store: {type(exc).__name__}") from exc
        self._schema_ready = True

    async def _add_many(
        self, conn: psycopg.AsyncConnection[Any], params: builtins.list[tuple[object, ...]]
    ) -> builtins.list[int]:
        ids: builtins.list[int] = []
        async with conn.cursor() as cur:
            # One pipelined round trip for the batch; each statement returns its id.
            await cur.executemany(_INSERT, params, returning=True)
            while True:
                row = await cur.fetchone()
                assert row is not None  # RETURNING gives one row per statement
                ids.append(int(row[0]))
                if not cur.nextset():
                    break
            await self._prune(cur)
        return ids

    async def _prune(self, cur: psycopg.AsyncCursor[Any]) -> None:
        await cur.execute("SELECT n FROM safeproxy_review_count")
        row = await cur.fetchone()
        excess = (int(row[0]) if row else 0) - self.max_items
        if excess <= 0:
            return
        await cur.execute(
            "DELETE FROM safeproxy_review_items WHERE id IN (SELECT id FROM "
            "safeproxy_review_items WHERE label IS NOT NULL ORDER BY id LIMIT %s)",
            (excess,),
        )
        excess -= max(0, cur.rowcount)
        if excess > 0:
            await cur.execute(
                "DELETE FROM safeproxy_review_items WHERE id IN "
                "(SELECT id FROM safeproxy_review_items ORDER BY id LIMIT %s)",
                (excess,),
            )

    async def _get(self, conn: psycopg.AsyncConnection[Any], item_id: int) -> ReviewItem | None:
        cur = await conn.execute(f"{_SELECT} WHERE id = %s", (item_id,))
        row = await cur.fetchone()
        return None if row is None else rows.decode(row)

    async def _select(
        self, conn: psycopg.AsyncConnection[Any], query: str, params: tuple[object, ...]
    ) -> builtins.list[ReviewItem]:
        cur = await conn.execute(query, params)
        return [rows.decode(row) for row in await cur.fetchall()]

    async def _label(
        self,
        conn: psycopg.AsyncConnection[Any],
        item_id: int,
        label: str,
        note: str | None,
        now: float | None,
    ) -> ReviewItem | None:
        # FOR UPDATE: two reviewers on two replicas labelling one item take turns.
        cur = await conn.execute(
            "SELECT flagged FROM safeproxy_review_items WHERE id = %s FOR UPDATE", (item_id,)
        )
        found = await cur.fetchone()
        if found is None:
            return None
        if label not in labels_for(bool(found[0])):
            raise LabelMismatch(bool(found[0]))
        # Without an injected clock the server's clock stamps the label: one clock for all.
        stamp = "%s" if now is not None else _SERVER_NOW
        params = (label, note, now, item_id) if now is not None else (label, note, item_id)
        cur = await conn.execute(_LABEL.format(stamp=stamp), params)
        row = await cur.fetchone()
        return None if row is None else rows.decode(row)

    async def _label_counts(self, conn: psycopg.AsyncConnection[Any]) -> dict[str, dict[str, int]]:
        cur = await conn.execute(
            "SELECT policy, label, COUNT(*) FROM safeproxy_review_items "
            "WHERE label IS NOT NULL GROUP BY policy, label"
        )
        counts: dict[str, dict[str, int]] = {}
        for policy, label, n in await cur.fetchall():
            counts.setdefault(policy, {})[label] = int(n)
        return counts


def _clean(values: tuple[object, ...]) -> tuple[object, ...]:
    """PostgreSQL text holds no NUL character and only valid UTF-8, and a prompt may hold
    either: a NUL becomes U+FFFD and a lone surrogate `?`, rather than failing the batch."""
    return tuple(
        v.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
        if isinstance(v, str)
        else v
        for v in values
    )
