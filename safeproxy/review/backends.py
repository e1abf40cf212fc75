"""Builds the configured review-queue backend (`build_store`); the PostgreSQL driver is
imported here only when the config selects it."""

from __future__ import annotations

from collections.abc import Mapping

from safeproxy.review.settings import ReviewSettings
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.review.store import ReviewStore


class StoreDsnMissing(ValueError):
    """`review.store.backend` is postgres but its DSN variable is unset or empty."""


def build_store(review: ReviewSettings, environ: Mapping[str, str]) -> ReviewStore:
    """The store `review.store` names, not yet open."""
    config = review.store
    if config.backend == "sqlite":
        return SqliteReviewStore(
            review.path, max_items=review.max_items, max_text_chars=review.max_text_chars
        )
    assert config.dsn_env is not None  # the settings' validator requires it for postgres
    dsn = environ.get(config.dsn_env)
    if not dsn:
        raise StoreDsnMissing(
            f"review.store.dsn_env: environment variable {config.dsn_env} is not set"
        )
    try:
        from safeproxy.review.postgres_store import PostgresReviewStore
    except ImportError as exc:  # the optional extra is not installed
        raise ImportError(
            "review.store.backend postgres needs psycopg: pip install 'safeproxy[postgres]'"
        ) from exc
    return PostgresReviewStore(
        dsn,
        max_items=review.max_items,
        max_text_chars=review.max_text_chars,
        pool_max=config.pool_max,
        timeout_s=config.timeout_s,
    )
