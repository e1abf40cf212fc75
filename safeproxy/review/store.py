"""What every review-queue backend offers (`ReviewStore`), and what a backend that cannot be
reached raises (`StoreUnavailable`).

The review service, its feed and the admin API see only this protocol; the SQL of each
backend lives in its own module (sqlite_store.py, the embedded default; postgres_store.py,
shared by a fleet's replicas). `build_store` (backends.py) picks one from the config.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Sequence
from typing import Protocol, TypedDict, Unpack

from safeproxy.review.item import ReviewItem

EXPORT_PAGE = 500
# Ids are signed 64-bit integers in both backends: a larger id cannot exist (or be bound).
MAX_ID = 2**63 - 1


class StoreUnavailable(Exception):
    """The store could not be reached (server down, connection lost, pool exhausted).

    Its message names the error's type only: a driver's message may quote the values of a
    failed statement, which can hold prompt text.
    """


class Filters(TypedDict, total=False):
    """What `list` and `iter_export` select by; an absent or None filter selects all.

    `label` is a label or "unlabelled"; `since_unix` is inclusive, `until_unix` exclusive
    (both on `created_unix`).
    """

    label: str | None
    source: str | None
    policy: str | None
    check: str | None
    stage: str | None
    route: str | None
    tenant: str | None
    since_unix: float | None
    until_unix: float | None


class ReviewStore(Protocol):
    """The review queue. `open()` before use, `close()` after. Listing pages by keyset
    (`id < before_id`, newest first), so items added while a reader pages never shift a later
    page. Any method may raise StoreUnavailable."""

    backend: str  # "sqlite" or "postgres": names the backend in metrics and logs

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def add_many(self, items: Sequence[ReviewItem]) -> builtins.list[int]:
        """Store new items (text cut to max_text_chars) and prune beyond max_items; the ids
        in the order given. Pruning takes the oldest labelled items first, then the oldest."""
        ...

    async def get(self, item_id: int) -> ReviewItem | None: ...

    async def list(
        self, *, limit: int, before_id: int | None = None, **filters: Unpack[Filters]
    ) -> builtins.list[ReviewItem]:
        """At most `limit` matching items, newest (highest id) first, all with id < before_id."""
        ...

    async def label(self, item_id: int, label: str, note: str | None) -> ReviewItem | None:
        """Label an item (the last label wins). None when there is no such item; ValueError
        for an unknown label; LabelMismatch for a label that contradicts `flagged`."""
        ...

    def iter_export(self, **filters: Unpack[Filters]) -> AsyncIterator[ReviewItem]:
        """Every matching item, newest first (items added meanwhile are not included)."""
        ...

    async def label_counts(self) -> dict[str, dict[str, int]]:
        """Labelled items per policy and label (labels with no items are absent)."""
        ...


async def export_pages(store: ReviewStore, filters: Filters) -> AsyncIterator[ReviewItem]:
    """`iter_export` for any backend: keyset pages of EXPORT_PAGE from the top."""
    before: int | None = None
    while True:
        page = await store.list(limit=EXPORT_PAGE, before_id=before, **filters)
        for item in page:
            yield item
        if len(page) < EXPORT_PAGE:
            return
        before = page[-1].id
