"""Fixtures of the browser tests: one headless Chromium per module, a console stack per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chrome import chrome
from tests.browser.console_stack import ConsoleStack


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from chrome(tmp_path_factory.mktemp("chromium-profile"))


@pytest.fixture
def console(tmp_path: Path, browser: Any) -> Iterator[ConsoleStack]:
    browser.delete_all_cookies()
    with ConsoleStack(tmp_path) as c:
        yield c
