"""Choosing the review store from the config, the driver imported only when chosen, and the
PostgreSQL backend's answers when its server cannot be reached or text does not fit."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from pydantic import ValidationError

from safeproxy.review.backends import StoreDsnMissing, build_store
from safeproxy.review.postgres_store import BACKOFF_S, PostgresReviewStore
from safeproxy.review.settings import ReviewSettings
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.review.store import StoreUnavailable
from tests.fake_clock import FakeClock
from tests.postgres_server import PostgresServer, postgres_server
from tests.redis_server import free_port
from tests.unit.test_review_store import make

__all__ = ["postgres_server"]

POSTGRES = {"backend": "postgres", "dsn_env": "REVIEW_DSN"}


def test_sqlite_is_the_default_and_postgres_needs_a_dsn_variable() -> None:
    settings = ReviewSettings()
    assert settings.store.backend == "sqlite"
    assert isinstance(build_store(settings, {}), SqliteReviewStore)
    with pytest.raises(ValidationError, match="dsn_env"):
        ReviewSettings.model_validate({"store": {"backend": "postgres"}})
    with pytest.raises(ValidationError):  # the DSN itself is never config
        ReviewSettings.model_validate({"store": {**POSTGRES, "dsn": "postgresql://u:pw@h/db"}})
    with pytest.raises(ValidationError):  # SAFEPROXY_* variables are config overrides
        ReviewSettings.model_validate({"store": {**POSTGRES, "dsn_env": "SAFEPROXY_DSN"}})


def test_postgres_is_built_from_the_variable_and_a_missing_one_is_an_error() -> None:
    settings = ReviewSettings.model_validate({"store": POSTGRES})
    with pytest.raises(StoreDsnMissing, match="REVIEW_DSN"):
        build_store(settings, {})
    with pytest.raises(StoreDsnMissing):
        build_store(settings, {"REVIEW_DSN": ""})
    store = build_store(settings, {"REVIEW_DSN": "host=127.0.0.1 dbname=review"})
    assert isinstance(store, PostgresReviewStore) and store.backend == "postgres"


def test_the_driver_is_imported_only_when_the_config_selects_it() -> None:
    probe = (
        "import sys\n"
        "from safeproxy.review.backends import build_store\n"
        "from safeproxy.review.settings import ReviewSettings\n"
        "import safeproxy.app\n"
        "build_store(ReviewSettings(), {})\n"
        "print('psycopg' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "False"


async def test_an_unreachable_server_fails_fast_and_backs_off() -> None:
    clock = FakeClock()
    dsn = f"host=127.0.0.1 port={free_port()} dbname=x user=x password=x"
    store = PostgresReviewStore(
        dsn, max_items=10, max_text_chars=10, timeout_s=0.5, monotonic=clock
    )
    await store.open()  # nothing listens: the proxy still starts
    try:
        with pytest.raises(StoreUnavailable, match=r"^review store: \w+$"):
            await store.add_many([make(0)])
        # Within the backoff: refused at once, without trying the server.
        with pytest.raises(StoreUnavailable, match="backing off"):
            await store.list(limit=5)
        clock.advance(BACKOFF_S)
        with pytest.raises(StoreUnavailable, match=r"^review store: \w+$"):
            await store.label_counts()
    finally:
        await store.close()


async def test_text_postgres_cannot_hold_is_replaced_not_refused(
    postgres_server: PostgresServer,
) -> None:
    store = PostgresReviewStore(postgres_server.database(), max_items=10, max_text_chars=100)
    await store.open()
    try:
        odd = make(0, text="a\x00b \ud800 c", request_id="r\x00")
        [item_id] = await store.add_many([odd])
        stored = await store.get(item_id)
        assert stored == dataclasses.replace(
            odd, id=item_id, text="a\ufffdb ? c", request_id="r\ufffd"
        )
        labelled = await store.label(item_id, "true_positive", "note\x00")
        assert labelled is not None and labelled.note == "note\ufffd"
        assert labelled.labelled_unix is not None  # the server's clock, none injected
        assert [i.id for i in await store.list(limit=5, policy="default\x00")] == []
    finally:
        await store.close()
