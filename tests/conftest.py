"""Shared fixtures: a live proxy + mock upstream stack on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import Stack


@pytest.fixture
def stack() -> Iterator[Stack]:
    with Stack() as s:
        yield s
