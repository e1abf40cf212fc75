"""Shared fixtures: a live proxy + mock upstream stack on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support import Stack

# Hypothesis' per-example deadline is a timing assertion: on a loaded 2-core runner a slow
# example is noise, not a finding. Tests here count work instead (see README, Tests).
settings.register_profile("safeproxy", deadline=None)
settings.load_profile("safeproxy")


@pytest.fixture
def stack() -> Iterator[Stack]:
    with Stack() as s:
        yield s
