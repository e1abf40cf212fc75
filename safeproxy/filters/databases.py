"""Compiled Hyperscan databases kept on disk, by what they compile.

Compiling the default policy's databases takes tens of seconds of one core (the phrase
families' UTF-8 automata); loading them back takes milliseconds. A restart, a second worker,
`safeproxy validate` and a reload that changed nothing would all compile the same patterns
again, so each database is stored under a digest of everything that decides its bytes (the
engine's version, the machine, the mode, every expression, id and flag) and read back when
the same digest is asked for.

What is read is trusted as far as its directory is: the directory, and each file read from
it, must belong to this user and be writable by nobody else (as ssh asks of `~/.ssh`), else
it is not used. The directory is opened without following a symbolic link and every file is
opened through that descriptor, also without following one, so what was checked is what is
read. Each file carries a SHA-256 of its payload, checked before the engine sees it: the
engine's own loader accepts truncated or altered bytes. Any failure to read, check, load or
write falls back to compiling in memory; the cache can only save time, never change an
answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import platform
import secrets
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import hyperscan

_DIGEST = 32  # bytes of SHA-256 before each file's payload


class Databases:
    """Compiles Hyperscan block-mode databases, reading and writing `directory` when given.

    `compiled` and `loaded` count what each call cost (the tests count work, not time)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory if directory is not None and _prepare(directory) else None
        # What decides a database's bytes besides its patterns: the engine and the machine.
        self._engine = f"{_engine_version()}\0{platform.machine()}\0block"
        self.compiled = 0
        self.loaded = 0

    @property
    def directory(self) -> Path | None:
        return self._directory

    def compile(self, expressions: Sequence[bytes], flags: Sequence[int]) -> hyperscan.Database:
        """A database of `expressions`, ids 0..n-1, each with its flags."""
        name = _key(self._engine, expressions, flags)
        home = None if self._directory is None else _open_private(self._directory)
        try:
            if home is not None:
                db = _load(home, name)
                if db is not None:
                    self.loaded += 1
                    return db
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=list(expressions),
                ids=list(range(len(expressions))),
                elements=len(expressions),
                flags=list(flags),
            )
            self.compiled += 1
            if home is not None:
                _store(home, name, db)
            return db
        finally:
            if home is not None:
                os.close(home)


def given_or_default(databases: Databases | None) -> Databases:
    """`databases`, or those the process environment names (components built without a
    server's: tests, benchmarks, `replay`)."""
    return databases if databases is not None else Databases(cache_directory(os.environ))


def databases_for(environ: Mapping[str, str]) -> Databases:
    """A server's databases, kept where `environ` says. Where that place cannot be used (a
    volume others may write, a directory of another user, a read-only file system) every
    start compiles again, so it is said once, at start-up; `SAFEPROXY_CACHE_DIR=off` is
    silent."""
    wanted = cache_directory(environ)
    databases = Databases(wanted)
    if wanted is not None and databases.directory is None:
        logging.getLogger("safeproxy.startup").warning(
            "compiled-database cache %s is not usable (it must be a directory of this user"
            " that nobody else may write); compiling in memory on every start",
            wanted,
        )
    return databases


def cache_directory(environ: Mapping[str, str]) -> Path | None:
    """Where compiled databases are kept: `SAFEPROXY_CACHE_DIR` (empty or `off`: nowhere),
    else `$XDG_CACHE_HOME/safeproxy/hyperscan`, else `~/.cache/safeproxy/hyperscan`."""
    chosen = environ.get("SAFEPROXY_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip() in ("", "off") else Path(chosen).expanduser()
    base = environ.get("XDG_CACHE_HOME") or (
        str(Path(environ["HOME"]) / ".cache") if environ.get("HOME") else ""
    )
    return Path(base) / "safeproxy" / "hyperscan" if base else None


def _engine_version() -> str:
    try:
        return importlib.metadata.version("hyperscan")
    except importlib.metadata.PackageNotFoundError:  # a build without metadata
        return str(getattr(hyperscan, "__version__", "unknown"))


def _prepare(directory: Path) -> bool:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False  # read-only file systems, no home: compile in memory
    home = _open_private(directory)
    if home is None:
        return False
    os.close(home)
    return True


def _open_private(directory: Path) -> int | None:
    """The directory, opened without following a symbolic link, if this user owns it and
    nobody else may write to it; every file operation goes through this descriptor, so the
    directory checked is the one used (a path could be swapped between the two)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    if _private(os.fstat(fd), stat.S_ISDIR):
        return fd
    os.close(fd)
    return None


def _private(info: os.stat_result, kind: Callable[[int], bool]) -> bool:
    others_write = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return kind(info.st_mode) and info.st_uid == os.geteuid() and not others_write


def _key(engine: str, expressions: Sequence[bytes], flags: Sequence[int]) -> str:
    digest = hashlib.sha256(f"{engine}\0{len(expressions)}\0".encode())
    for expression, flag in zip(expressions, flags, strict=True):
        digest.update(len(expression).to_bytes(8, "big") + expression)
        digest.update(flag.to_bytes(8, "big"))
    return digest.hexdigest()


def _load(home: int, name: str) -> hyperscan.Database | None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=home)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as file:
            if not _private(os.fstat(file.fileno()), stat.S_ISREG):
                return None
            data = file.read()
    except OSError:
        return None
    payload = data[_DIGEST:]
    if len(data) <= _DIGEST or hashlib.sha256(payload).digest() != data[:_DIGEST]:
        return None
    try:
        db = hyperscan.loadb(payload, hyperscan.HS_MODE_BLOCK)
        # A compiled database brings its own scratch (what `db.scan` uses without one); a
        # loaded one must be given it.
        db.scratch = hyperscan.Scratch(db)
    except hyperscan.error:
        return None  # another engine version or CPU: compile instead
    return db


def _store(home: int, name: str, db: hyperscan.Database) -> None:
    # Written whole under a temporary name, then renamed: a concurrent reader (another
    # worker) sees the old file or the new one, never half of one.
    temporary = f".part-{secrets.token_hex(8)}"
    try:
        payload = hyperscan.dumpb(db)
        fd = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=home
        )
    except (OSError, hyperscan.error, MemoryError):
        return  # the database compiled: only its copy on disk is lost
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, name, src_dir_fd=home, dst_dir_fd=home)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=home)
