"""The review feed's shutdown: a batch being written when the feed closes is not lost."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Sequence
from typing import cast

from prometheus_client import CollectorRegistry

from safeproxy.deepcheck.api import Turn
from safeproxy.review.feed import ReviewFeed
from safeproxy.review.item import ReviewItem
from safeproxy.review.store import ReviewStore
from safeproxy.telemetry.metrics import Metrics


class GatedStore:
    """A store whose writes wait for the test: `entered` is set when a write starts, and the
    write finishes once `release` is set."""

    backend = "gated"

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.stored: builtins.list[ReviewItem] = []

    async def add_many(self, items: Sequence[ReviewItem]) -> builtins.list[int]:
        self.entered.set()
        await self.release.wait()
        self.stored += items
        return list(range(len(items)))


def offer(feed: ReviewFeed, n: int) -> None:
    feed.offer(
        request_id=f"req-{n}", policy="default", route="main", tenant="t", stage="input",
        source="shadow", flagged=True, record=None, finding_types=("blocklist.word",),
        turns=[Turn("user", f"text {n}")],
    )  # fmt: skip


async def test_closing_during_a_write_lets_the_write_finish() -> None:
    store = GatedStore()
    feed = ReviewFeed(cast(ReviewStore, store), Metrics(CollectorRegistry()), keep_text=True)
    feed.start()
    offer(feed, 0)
    await asyncio.wait_for(store.entered.wait(), timeout=10)  # the feed's own flush began
    offer(feed, 1)  # arrives while the first batch is being written
    closing = asyncio.create_task(feed.close())
    await asyncio.sleep(0)  # let close() start waiting; the write is still held
    assert not closing.done()
    store.release.set()
    await asyncio.wait_for(closing, timeout=10)
    assert [i.request_id for i in store.stored] == ["req-0", "req-1"]
    assert feed.dropped == 0
