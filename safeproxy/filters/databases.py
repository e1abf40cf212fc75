"""Compiled Hyperscan databases kept on disk, by what they compile.

Compiling the default policy's databases takes tens of seconds of one core (the phrase
families' UTF-8 automata); loading them back takes milliseconds. A restart, a second worker,
`safeproxy validate` and a reload that changed nothing would all compile the same patterns
again, so each database is stored under a digest of everything that decides its bytes (the
engine's version, the machine, the mode, every expression, id and flag) and read back when
the same digest is asked for.

What is read is trusted as far as its directory is: the directory must belong to this user
and be writable by nobody else (as ssh asks of `~/.ssh`), else the cache is not used. Each
file carries a SHA-256 of its payload, checked before the engine sees it: the engine's own
loader accepts truncated or altered bytes. Any failure to read, check, load or write falls
back to compiling in memory; the cache can only save time, never change an answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import platform
import stat
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import hyperscan

_DIGEST = 32  # bytes of SHA-256 before each file's payload


class Databases:
    """Compiles Hyperscan block-mode databases, reading and writing `directory` when given.

    `compiled` and `loaded` count what each call cost (the tests count work, not time)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory if directory is not None and _usable(directory) else None
        # What decides a database's bytes besides its patterns: the engine and the machine.
        self._engine = f"{importlib.metadata.version('hyperscan')}\0{platform.machine()}\0block"
        self.compiled = 0
        self.loaded = 0

    @property
    def directory(self) -> Path | None:
        return self._directory

    def compile(self, expressions: Sequence[bytes], flags: Sequence[int]) -> hyperscan.Database:
        """A database of `expressions`, ids 0..n-1, each with its flags."""
        home = self._directory
        path = None if home is None else home / _key(self._engine, expressions, flags)
        if path is not None:
            db = _load(path)
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
        if path is not None:
            _store(path, hyperscan.dumpb(db))
        return db


def cache_directory(environ: Mapping[str, str]) -> Path | None:
    """Where compiled databases are kept: `SAFEPROXY_CACHE_DIR` (empty or `off`: nowhere),
    else `$XDG_CACHE_HOME/safeproxy/hyperscan`, else `~/.cache/safeproxy/hyperscan`."""
    chosen = environ.get("SAFEPROXY_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip() in ("", "off") else Path(chosen)
    base = environ.get("XDG_CACHE_HOME") or (
        str(Path(environ["HOME"]) / ".cache") if environ.get("HOME") else ""
    )
    return Path(base) / "safeproxy" / "hyperscan" if base else None


def _usable(directory: Path) -> bool:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        return False  # read-only file systems, no home: compile in memory
    private = not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and private


def _key(engine: str, expressions: Sequence[bytes], flags: Sequence[int]) -> str:
    digest = hashlib.sha256(f"{engine}\0{len(expressions)}\0".encode())
    for expression, flag in zip(expressions, flags, strict=True):
        digest.update(len(expression).to_bytes(8, "big") + expression)
        digest.update(flag.to_bytes(8, "big"))
    return digest.hexdigest()


def _load(path: Path) -> hyperscan.Database | None:
    try:
        data = path.read_bytes()
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


def _store(path: Path, payload: bytes) -> None:
    # Written whole under a temporary name, then renamed: a concurrent reader (another
    # worker) sees the old file or the new one, never half of one.
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
