"""Compiled databases kept on disk: read back only when whole and in a private directory, and
a database read back answers exactly as the one compiled."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.databases import Databases, cache_directory, databases_for
from safeproxy.filters.scanner import Pattern, Scanner
from safeproxy.settings.loading import load_settings

# Every flag combination the scanner compiles: start tracking, single match, case, UTF-8
# classes (`é` and the negated class step over whole code points).
PATTERNS = [
    Pattern("word", r"\bsecret\b", 6),
    Pattern("digits", r"\d{3}[- ]?\d{4}", 8),
    Pattern("single", r"ignore\s+all", 32, single=True),
    Pattern("cased", r"AKIA[A-Z0-9]{4}", 8, caseless=False),
    Pattern("nosom", r"[^\s]é+x", 16, som=False),
]
TEXT = st.text(alphabet="secrtAKI0123456789 -éxignoal\n", max_size=80)


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if not p.name.startswith("."))


def test_a_second_process_loads_what_the_first_compiled(tmp_path: Path) -> None:
    first = Databases(tmp_path)
    Scanner(PATTERNS, presence_first=True, databases=first)
    assert first.compiled > 0 and first.loaded == 0
    second = Databases(tmp_path)
    Scanner(PATTERNS, presence_first=True, databases=second)
    assert (second.compiled, second.loaded) == (0, first.compiled)
    assert len(_files(tmp_path)) == first.compiled


@settings(max_examples=60)
@given(TEXT)
def test_a_loaded_database_answers_as_a_compiled_one(text: str) -> None:
    directory = _shared_directory()
    compiled = Scanner(PATTERNS, presence_first=True, databases=Databases(None))
    Scanner(PATTERNS, presence_first=True, databases=Databases(directory))
    loaded_from = Databases(directory)
    loaded = Scanner(PATTERNS, presence_first=True, databases=loaded_from)
    assert loaded_from.compiled == 0
    assert loaded.scan(text) == compiled.scan(text)
    assert loaded.candidates(text) == compiled.candidates(text)


def _shared_directory() -> Path:
    # (Hypothesis runs the examples of one test without its function-scoped fixtures.)
    path = Path(os.environ["SAFEPROXY_CACHE_DIR"]) / "loaded-vs-compiled"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty"])
def test_a_damaged_file_is_compiled_again(tmp_path: Path, damage: str) -> None:
    Scanner(PATTERNS, databases=Databases(tmp_path))
    for path in _files(tmp_path):
        data = path.read_bytes()
        if damage == "flip":
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        path.write_bytes(data[: len(data) // 2] if damage == "truncate" else data)
        if damage == "empty":
            path.write_bytes(b"")
    again = Databases(tmp_path)
    scanner = Scanner(PATTERNS, databases=again)
    assert again.loaded == 0 and again.compiled == len(_files(tmp_path))
    assert [m.index for m in scanner.scan("my secret is 555-1234")] == [0, 1]


def test_a_directory_others_can_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    databases = Databases(shared)
    Scanner(PATTERNS, databases=databases)
    assert databases.directory is None and databases.compiled > 0
    assert list(shared.iterdir()) == []


def test_a_symbolic_link_to_a_directory_is_not_used(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    databases = Databases(link)
    Scanner(PATTERNS, databases=databases)
    assert databases.directory is None and databases.compiled > 0
    assert list(real.iterdir()) == []


def test_a_file_others_can_write_is_not_read(tmp_path: Path) -> None:
    Scanner(PATTERNS, databases=Databases(tmp_path))
    for path in _files(tmp_path):
        path.chmod(0o666)
    again = Databases(tmp_path)
    Scanner(PATTERNS, databases=again)
    assert again.loaded == 0 and again.compiled > 0


def test_a_file_that_is_a_symbolic_link_is_not_read(tmp_path: Path) -> None:
    Scanner(PATTERNS, databases=Databases(tmp_path))
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir(mode=0o700)
    for path in _files(tmp_path):
        target = elsewhere / path.name
        path.rename(target)
        path.symlink_to(target)
    again = Databases(tmp_path)
    Scanner(PATTERNS, databases=again)
    assert again.loaded == 0 and again.compiled > 0


def test_no_partial_file_is_left_behind(tmp_path: Path) -> None:
    Scanner(PATTERNS, databases=Databases(tmp_path))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unwritable_place_compiles_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    databases = Databases(blocker / "cache")
    Scanner(PATTERNS, databases=databases)
    assert databases.directory is None and databases.compiled > 0


def test_a_server_says_once_when_its_cache_cannot_be_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="safeproxy.startup"):
        assert databases_for({"SAFEPROXY_CACHE_DIR": str(shared)}).directory is None
        assert databases_for({"SAFEPROXY_CACHE_DIR": "off"}).directory is None
        good = databases_for({"SAFEPROXY_CACHE_DIR": str(tmp_path / "private")})
    assert good.directory == tmp_path / "private"
    assert [r.getMessage() for r in caplog.records] == [
        f"compiled-database cache {shared} is not usable (it must be a directory of this user"
        " that nobody else may write); compiling in memory on every start"
    ]


def test_where_the_cache_lives() -> None:
    assert cache_directory({"SAFEPROXY_CACHE_DIR": "/srv/c", "HOME": "/h"}) == Path("/srv/c")
    assert cache_directory({"SAFEPROXY_CACHE_DIR": "~/c"}) == Path("~/c").expanduser()
    assert cache_directory({"SAFEPROXY_CACHE_DIR": "off", "HOME": "/h"}) is None
    assert cache_directory({"SAFEPROXY_CACHE_DIR": "", "HOME": "/h"}) is None
    assert cache_directory({"XDG_CACHE_HOME": "/x", "HOME": "/h"}) == Path("/x/safeproxy/hyperscan")
    assert cache_directory({"HOME": "/h"}) == Path("/h/.cache/safeproxy/hyperscan")
    assert cache_directory({}) is None


def test_the_cache_variable_is_not_a_config_override(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "upstreams: [{name: a, base_url: 'http://127.0.0.1:8000/'}]\nroutes: [{upstream: a}]\n"
    )
    settings = load_settings(config, environ={"SAFEPROXY_CACHE_DIR": str(tmp_path / "c")})
    assert "cache_dir" not in settings.model_dump()
