"""The review feed: candidates from the request path, batched into the review store.

`offer` is called on the event loop (from a request's end or an async job's result) and
only appends to a bounded buffer; a background task writes batches to the store (SQLite
on its own thread) twice a second. A full buffer drops the item and counts it, so a slow
disk never slows requests.
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
from safeproxy.review.store import ReviewStore
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
        async with self._lock:  # a caller waits for a flush already running, not skips it
            if not self._buffer:
                return
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

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(_FLUSH_S)  # a batching period, not a synchronisation
            try:
                await self.flush()
            except Exception:
                log.exception("review items could not be stored; retrying")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except Exception:
            log.exception(
                "review items could not be stored at shutdown (%d lost)", len(self._buffer)
            )
