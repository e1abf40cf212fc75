"""Shared fixtures: a live proxy + mock upstream stack on loopback."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support import Stack

# Hypothesis' per-example deadline is a timing assertion: on a loaded 2-core runner a slow
# example is noise, not a finding. Tests here count work instead (see README, Tests).
settings.register_profile("safeproxy", deadline=None)
settings.load_profile("safeproxy")

# Compiled databases are kept for this run only, shared by every test and every proxy process
# the tests start (they inherit the variable): the default policy compiles once, not once
# per module and process (filters/databases.py). Set from outside, it is left alone.
_OWN_CACHE = "SAFEPROXY_CACHE_DIR" not in os.environ
if _OWN_CACHE:
    os.environ["SAFEPROXY_CACHE_DIR"] = tempfile.mkdtemp(prefix="safeproxy-test-databases-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_CACHE:
        shutil.rmtree(os.environ["SAFEPROXY_CACHE_DIR"], ignore_errors=True)


@pytest.fixture
def stack() -> Iterator[Stack]:
    with Stack() as s:
        yield s
