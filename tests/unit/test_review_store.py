"""Both review-store backends, on a real SQLite file and a real PostgreSQL server: round trips,
filters, keyset paging, labels, truncation, pruning order, export and label counts.

Every test that takes `stores` runs once per backend; `stores(...)` makes an unopened store at
the test's own location (one SQLite file, or one fresh database), so a second call reopens it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.review.item import LabelMismatch, ReviewItem
from safeproxy.review.postgres_store import PostgresReviewStore
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.review.store import EXPORT_PAGE, ReviewStore
from tests.fake_clock import FakeClock
from tests.postgres_server import PostgresServer, postgres_server

__all__ = ["postgres_server"]

BACKENDS = ("sqlite", "postgres")


def make(n: int = 0, **changes: Any) -> ReviewItem:
    item = ReviewItem(
        id=None,
        request_id=f"req-{n}",
        created_unix=1000.0 + n,
        policy="default",
        route="chat",
        tenant="team-a",
        stage="input",
        source="deep_check_unsafe",
        flagged=True,
        check="judge",
        verdict="unsafe",
        categories=("S1", "S10"),
        score=0.75,
        finding_types=("pii.email",),
        text=f"text {n}",
    )
    return dataclasses.replace(item, **changes)


Stores = Callable[..., ReviewStore]


def store_at(
    location: str, *, max_items: int, max_text_chars: int, clock: Callable[[], float] | None = None
) -> ReviewStore:
    """A store at a SQLite path, or at a PostgreSQL DSN (one with `host=`)."""
    if location.startswith("host="):
        return PostgresReviewStore(
            location, max_items=max_items, max_text_chars=max_text_chars, clock=clock
        )
    if clock is None:
        return SqliteReviewStore(location, max_items=max_items, max_text_chars=max_text_chars)
    return SqliteReviewStore(
        location, max_items=max_items, max_text_chars=max_text_chars, clock=clock
    )


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "review.sqlite3")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.database()


@pytest.fixture
def stores(location: str) -> Stores:
    def make_store(**kwargs: Any) -> ReviewStore:
        return store_at(location, **kwargs)

    return make_store


@pytest.fixture
async def store(stores: Stores) -> AsyncIterator[ReviewStore]:
    s = stores(max_items=1000, max_text_chars=100)
    await s.open()
    yield s
    await s.close()


async def ids_of(store: ReviewStore, **filters: Any) -> list[int | None]:
    return [i.id for i in await store.list(limit=500, **filters)]


async def test_an_item_comes_back_as_it_went_in_with_its_id(store: ReviewStore) -> None:
    item = make(
        1, check=None, verdict=None, score=None, categories=(), text=None, policy_version="3f2a"
    )
    ids = await store.add_many([make(0), item])
    assert ids[1] > ids[0]
    assert await store.get(ids[1]) == dataclasses.replace(item, id=ids[1])
    assert await store.get(ids[0]) == make(0, id=ids[0])
    assert await store.get(ids[1] + 1) is None
    assert await store.get(2**70) is None  # beyond SQLite's integers: absent, not an error


async def test_items_survive_a_reopen(stores: Stores) -> None:
    first = stores(max_items=3, max_text_chars=10)
    await first.open()
    await first.add_many([make(0), make(1)])
    await first.close()
    second = stores(max_items=3, max_text_chars=10)
    await second.open()
    try:
        # The kept row count survives too: two more items prune exactly one.
        await second.add_many([make(2), make(3)])
        assert [i.request_id for i in await second.list(limit=10)] == ["req-3", "req-2", "req-1"]
    finally:
        await second.close()


async def test_the_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = str(tmp_path / "r.sqlite3")
    store = SqliteReviewStore(path, max_items=3, max_text_chars=10)
    await store.open()
    await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_closed_store_refuses_work(stores: Stores) -> None:
    s = stores(max_items=3, max_text_chars=10)
    with pytest.raises(RuntimeError):
        await s.get(1)
    await s.open()
    await s.close()
    with pytest.raises(RuntimeError):
        await s.add_many([make()])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [5, 4, 3, 2, 1, 0]),
        ({"source": "shadow"}, [3]),
        ({"policy": "strict"}, [4]),
        ({"check": "moderation"}, [2]),
        ({"stage": "output"}, [5, 1]),
        ({"stage": "output", "source": "audit_sample"}, [5]),
        ({"since_unix": 1002.0}, [5, 4, 3, 2]),  # inclusive
        ({"until_unix": 1002.0}, [1, 0]),  # exclusive
        ({"since_unix": 1001.0, "until_unix": 1004.0}, [3, 2, 1]),
        ({"label": "true_positive"}, [0]),
        ({"label": "unlabelled"}, [5, 4, 3, 2, 1]),
        ({"policy": "nobody"}, []),
        ({"route": "other"}, [2]),
        ({"tenant": "team-b"}, [3]),
    ],
)
async def test_filters_select_exactly_their_items(
    store: ReviewStore, filters: dict[str, Any], expected: list[int]
) -> None:
    items = [
        make(0),
        make(1, stage="output"),
        make(2, check="moderation", route="other"),
        make(3, source="shadow", tenant="team-b"),
        make(4, policy="strict"),
        make(5, stage="output", source="audit_sample", flagged=False),
    ]
    ids = await store.add_many(items)
    await store.label(ids[0], "true_positive", None)
    assert await ids_of(store, **filters) == [ids[n] for n in expected]


async def test_bad_list_arguments_are_refused(store: ReviewStore) -> None:
    with pytest.raises(ValueError):
        await store.list(limit=0)
    with pytest.raises(ValueError):
        await store.list(limit=10, label="maybe")


async def test_keyset_pages_walk_newest_first(store: ReviewStore) -> None:
    ids = await store.add_many([make(n) for n in range(7)])
    first = await store.list(limit=3)
    second = await store.list(limit=3, before_id=first[-1].id)
    last = await store.list(limit=3, before_id=second[-1].id)
    assert [i.id for i in first + second + last] == ids[::-1]
    assert await store.list(limit=3, before_id=ids[0]) == []
    assert await store.list(limit=3, before_id=-5) == []
    assert [i.id for i in await store.list(limit=1, before_id=2**80)] == [ids[-1]]


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=40, deadline=None)
@given(
    total=st.integers(0, 40),
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=60),
    added_while_paging=st.lists(st.integers(0, 3), max_size=60),
)
def test_any_page_sizes_enumerate_every_item_exactly_once(
    backend: str,
    request: pytest.FixtureRequest,
    total: int,
    sizes: list[int],
    added_while_paging: list[int],
) -> None:
    """Whatever the page sizes, and however many items arrive between pages, a walk from
    the top returns exactly the items present when it started, each once, newest first."""

    async def walk(location: str) -> None:
        store = store_at(location, max_items=10_000, max_text_chars=100)
        await store.open()
        try:
            ids = await store.add_many([make(n) for n in range(total)])
            seen: list[int | None] = []
            before: int | None = None
            for step in range(10_000):
                page = await store.list(limit=sizes[step % len(sizes)], before_id=before)
                seen += [i.id for i in page]
                if not page:
                    break
                before = page[-1].id
                extra = added_while_paging[step] if step < len(added_while_paging) else 0
                await store.add_many([make(1000 + n) for n in range(extra)])
            assert seen == ids[::-1]
        finally:
            await store.close()

    if backend == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        asyncio.run(walk(server.database()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(walk(str(Path(tmp) / "r.sqlite3")))


async def test_labels_can_change_and_the_last_one_wins(stores: Stores) -> None:
    clock = FakeClock(5000.0)
    s = stores(max_items=10, max_text_chars=10, clock=clock)
    await s.open()
    try:
        (flagged, allowed) = await s.add_many([make(0), make(1, flagged=False)])
        first = await s.label(flagged, "false_positive", "benign quote")
        assert first is not None
        assert (first.label, first.note, first.labelled_unix) == (
            "false_positive",
            "benign quote",
            5000.0,
        )
        clock.advance(60)
        again = await s.label(flagged, "true_positive", None)
        expected = dataclasses.replace(first, label="true_positive", note=None)
        assert again == dataclasses.replace(expected, labelled_unix=5060.0)
        assert await s.get(flagged) == again
        labelled = await s.label(allowed, "false_negative", None)
        assert labelled is not None and labelled.label == "false_negative"
        assert await s.label(allowed + 100, "true_negative", None) is None
    finally:
        await s.close()


async def test_unknown_or_contradicting_labels_are_refused(store: ReviewStore) -> None:
    (flagged, allowed) = await store.add_many([make(0), make(1, flagged=False)])
    with pytest.raises(ValueError, match="label must be one of"):
        await store.label(flagged, "maybe", None)
    with pytest.raises(LabelMismatch) as refused:
        await store.label(flagged, "false_negative", None)
    assert refused.value.allowed == (
        "true_positive",
        "false_positive",
        "needs_policy_change",
        "unsure",
    )
    with pytest.raises(LabelMismatch):
        await store.label(allowed, "true_positive", None)
    both = await store.label(allowed, "needs_policy_change", "rule too narrow")
    assert both is not None and both.label == "needs_policy_change"
    unchanged = await store.get(flagged)
    assert unchanged is not None and unchanged.label is None


async def test_text_is_cut_to_max_text_chars(stores: Stores) -> None:
    s = stores(max_items=10, max_text_chars=5)
    await s.open()
    try:
        ids = await s.add_many([make(0, text="é" * 9), make(1, text="abc"), make(2, text=None)])
        got = [await s.get(i) for i in ids]
        assert [g.text if g else "missing" for g in got] == ["é" * 5, "abc", None]
    finally:
        await s.close()


async def test_pruning_drops_the_oldest_labelled_items_first_then_the_oldest(
    stores: Stores,
) -> None:
    s = stores(max_items=5, max_text_chars=10)
    await s.open()
    try:
        ids = await s.add_many([make(n) for n in range(5)])
        await s.label(ids[3], "true_positive", None)
        await s.label(ids[1], "false_positive", None)
        more = await s.add_many([make(5)])
        assert await ids_of(s) == [more[0], ids[4], ids[3], ids[2], ids[0]]  # ids[1] went
        more += await s.add_many([make(6), make(7)])
        # ids[3], the last labelled one, then the oldest unlabelled (ids[0]).
        assert await ids_of(s) == [more[2], more[1], more[0], ids[4], ids[2]]
        # A batch larger than the cap keeps its newest items.
        batch = await s.add_many([make(10 + n) for n in range(7)])
        assert await ids_of(s) == batch[:1:-1]
        assert len(set(ids + more + batch)) == 15  # ids are never reused
    finally:
        await s.close()


async def test_export_reads_every_matching_item_across_pages(stores: Stores) -> None:
    s = stores(max_items=5000, max_text_chars=10)
    await s.open()
    try:
        count = 2 * EXPORT_PAGE + 7
        ids = await s.add_many(
            [make(n, stage="output" if n % 3 else "input") for n in range(count)]
        )
        everything = [i.id async for i in s.iter_export()]
        assert everything == ids[::-1]
        inputs = [i async for i in s.iter_export(stage="input")]
        assert [i.id for i in inputs] == [ids[n] for n in range(count) if n % 3 == 0][::-1]
        assert [i async for i in s.iter_export(policy="nobody")] == []
    finally:
        await s.close()


async def test_an_export_of_an_exact_page_multiple_ends(store: ReviewStore) -> None:
    ids = await store.add_many([make(n) for n in range(EXPORT_PAGE)])
    assert [i.id async for i in store.iter_export()] == ids[::-1]


async def test_label_counts_group_by_policy_and_label(store: ReviewStore) -> None:
    assert await store.label_counts() == {}
    ids = await store.add_many(
        [make(0), make(1), make(2), make(3, flagged=False), make(4, policy="strict"), make(5)]
    )
    for item_id, label in [
        (ids[0], "true_positive"),
        (ids[1], "true_positive"),
        (ids[2], "false_positive"),
        (ids[3], "true_negative"),
        (ids[4], "needs_policy_change"),
    ]:
        await store.label(item_id, label, None)
    assert await store.label_counts() == {
        "default": {"true_positive": 2, "false_positive": 1, "true_negative": 1},
        "strict": {"needs_policy_change": 1},
    }


def test_items_check_their_enums() -> None:
    with pytest.raises(ValueError):
        make(stage="middle")
    with pytest.raises(ValueError):
        make(source="rumour")
    with pytest.raises(ValueError):
        make(label="maybe")
    assert make(3).to_json()["categories"] == ["S1", "S10"]


# The items table as it was before policy versions were kept, in each backend's dialect.
_OLD_SQLITE = (
    "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, "
    "created_unix REAL NOT NULL, policy TEXT NOT NULL, route TEXT NOT NULL, tenant TEXT "
    "NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL, flagged INTEGER NOT NULL, "
    "check_name TEXT, verdict TEXT, categories TEXT NOT NULL, score REAL, finding_types "
    "TEXT NOT NULL, text TEXT, label TEXT, note TEXT, labelled_unix REAL);"
    "INSERT INTO items (request_id, created_unix, policy, route, tenant, stage, source, "
    "flagged, categories, finding_types) VALUES "
    "('r', 1.0, 'p', 'main', 't', 'input', 'shadow', 1, '[]', '[]');"
)
_OLD_POSTGRES = (
    "CREATE TABLE safeproxy_review_items (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "request_id TEXT NOT NULL, created_unix DOUBLE PRECISION NOT NULL, policy TEXT NOT NULL, "
    "route TEXT NOT NULL, tenant TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL, "
    "flagged BOOLEAN NOT NULL, check_name TEXT, verdict TEXT, categories TEXT NOT NULL, "
    "score DOUBLE PRECISION, finding_types TEXT NOT NULL, text TEXT, label TEXT, note TEXT, "
    "labelled_unix DOUBLE PRECISION);"
    "INSERT INTO safeproxy_review_items (request_id, created_unix, policy, route, tenant, "
    "stage, source, flagged, categories, finding_types) VALUES "
    "('r', 1.0, 'p', 'main', 't', 'input', 'shadow', true, '[]', '[]');"
)


def _make_old_store(location: str) -> None:
    if location.startswith("host="):
        with psycopg.connect(location, autocommit=True) as conn:
            conn.execute(_OLD_POSTGRES)
        return
    old = sqlite3.connect(location)
    try:
        old.executescript(_OLD_SQLITE)
    finally:
        old.close()


def _indexes(location: str) -> set[str]:
    if location.startswith("host="):
        with psycopg.connect(location) as conn:
            found = conn.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'safeproxy_review_items'"
            ).fetchall()
    else:
        with contextlib.closing(sqlite3.connect(location)) as conn:
            found = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'"
            ).fetchall()
    return {row[0] for row in found}


async def test_a_store_made_before_policy_versions_gains_the_column_and_indexes(
    location: str, stores: Stores
) -> None:
    _make_old_store(location)
    assert not any(name.endswith(("_route", "_tenant")) for name in _indexes(location))
    for reopen in range(2):  # a second open finds the column there and changes nothing
        store = stores(max_items=10, max_text_chars=100)
        await store.open()
        try:
            old = (await store.list(limit=10))[-1]
            assert old.policy_version is None and old.request_id == "r"
            (new_id,) = await store.add_many([make(reopen, policy_version="3f2a")])
            added = await store.get(new_id)
            assert added is not None and added.policy_version == "3f2a"
            assert [i.id for i in await store.list(limit=10, route="main")] == [old.id]
        finally:
            await store.close()
    indexes = _indexes(location)
    assert {n for n in indexes if n.endswith(("_route", "_tenant"))} == (
        {"safeproxy_review_route", "safeproxy_review_tenant"}
        if location.startswith("host=")
        else {"items_route", "items_tenant"}
    )


async def test_unsure_fits_any_item_and_counts_as_a_label_of_its_own(store: ReviewStore) -> None:
    """`unsure` (the console's third button) on flagged and allowed items alike: the item
    leaves the unlabelled queue, and label_counts keeps it apart from every judgement."""
    ids = await store.add_many([make(0), make(1, flagged=False), make(2)])
    for item_id in ids[:2]:
        labelled = await store.label(item_id, "unsure", "cannot tell")
        assert labelled is not None and (labelled.label, labelled.note) == ("unsure", "cannot tell")
    assert await ids_of(store, label="unsure") == [ids[1], ids[0]]
    assert await ids_of(store, label="unlabelled") == [ids[2]]
    await store.label(ids[2], "false_positive", None)
    assert await store.label_counts() == {"default": {"unsure": 2, "false_positive": 1}}
