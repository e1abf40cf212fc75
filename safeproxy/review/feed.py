"""The review feed: candidates from the request path, batched into the review store.

`offer` is called on the event loop (from a request's end or an async job's result) and
only appends to a bounded buffer; a background task writes batches to the store (SQLite
on its own thread, or PostgreSQL) twice a second. A full buffer drops the item and counts it,
so a slow disk or a database that is down never slows requests. A store that is unavailable
is counted (`safeproxy_review_store_errors_total{operation="write"}`) and logged by the error's
type only; the batch stays buffered for the next flush. The request's decision is in the
audit log and the metrics already: the queue is a copy for reviewers, not the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import cast

from safeproxy.deepcheck.api import Turn
from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.review.item import ReviewItem, Source, Stage
from safeproxy.review.store import ReviewStore, StoreUnavailable
from safeproxy.telemetry.metrics import Metrics

log = logging.getLogger("safeproxy.review")
_FLUSH_S = 0.5
_MAX_BUFFER = 10_000


def render(turns: list[Turn]) -> str:
    """A conversation as a reviewer reads it: `role: text` blocks."""
    return "\n\n".join(f"{t.role}: {t.text}" for t in turns)


class ReviewFeed:
    def __init__(
        self,
        store: ReviewStore,
        metrics: Metrics,
        *,
        keep_text: bool,
        max_text_chars: int = 32_768,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._metrics = metrics
        self._keep_text = keep_text
        self._clock = clock
        self._buffer: list[ReviewItem] = []
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._max_text = max_text_chars
        self.dropped = 0
        self._failing = False  # the last flush found the store unavailable

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="safeproxy-review-feed")

    def offer(
        self,
        *,
        request_id: str,
        policy: str,
        route: str,
        tenant: str,
        stage: str,
        source: str,
        flagged: bool,
        record: DeepCheckRecord | None,
        finding_types: tuple[str, ...],
        turns: list[Turn] | None,
        policy_version: str | None = None,
    ) -> None:
        if len(self._buffer) >= _MAX_BUFFER:
            self.dropped += 1
            self._metrics.review_items.labels("dropped").inc()
            return
        self._buffer.append(
            ReviewItem(
                id=None,
                request_id=request_id,
                created_unix=self._clock(),
                policy=policy,
                route=route,
                tenant=tenant,
                stage=cast(Stage, stage),
                source=cast(Source, source),
                flagged=flagged,
                check=record.check if record else None,
                verdict=record.verdict if record else None,
                categories=record.categories if record else (),
                score=record.score if record else None,
                finding_types=finding_types,
                text=render(turns)[: self._max_text] if self._keep_text and turns else None,
                policy_version=policy_version or None,
            )
        )
        self._metrics.review_items.labels(source).inc()

    async def flush(self) -> None:
        """Store everything offered so far. Raises when the store failed; the batch then
        stays buffered for the next try (within the buffer's bound)."""
        await self._store_buffer()

    async def _store_buffer(self) -> int:
        """`flush`, telling how many items it stored."""
        async with self._lock:  # a caller waits for a flush already running, not skips it
            if not self._buffer:
                return 0
            batch, self._buffer = self._buffer, []
            try:
                await self._store.add_many(batch)
            except Exception:
                keep = batch[: max(0, _MAX_BUFFER - len(self._buffer))]
                lost = len(batch) - len(keep)
                if lost:
                    self.dropped += lost
                    self._metrics.review_items.labels("dropped").inc(lost)
                self._buffer[:0] = keep
                raise
            return len(batch)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(_FLUSH_S)  # a batching period, not a synchronisation
            try:
                stored = await self._store_buffer()
            except StoreUnavailable as exc:
                self._metrics.review_store_errors.labels(self._store.backend, "write").inc()
                # One line when the outage starts, one when it ends (not one per flush); no
                # traceback: the driver's message could quote a statement's values.
                if not self._failing:
                    log.warning("%s; review items are kept until it is back", exc)
                self._failing = True
            except Exception:
                log.exception("review items could not be stored; retrying")
            else:
                if self._failing and stored:
                    log.warning("review store is back; %d kept review items stored", stored)
                    self._failing = False

    async def close(self) -> None:
        if self._task is not None:
            # Cancel only between flushes: a batch being written is out of the buffer, and a
            # write cancelled half-way (a PostgreSQL transaction rolled back) would lose it.
            async with self._lock:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except StoreUnavailable as exc:
            self._metrics.review_store_errors.labels(self._store.backend, "write").inc()
            log.warning("%s at shutdown (%d review items lost)", exc, len(self._buffer))
        except Exception:
            log.exception(
                "review items could not be stored at shutdown (%d lost)", len(self._buffer)
            )
