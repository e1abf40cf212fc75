"""A real, throwaway PostgreSQL server on a free loopback port, for tests that need one.

`initdb` into a private temp dir (password auth: the DSN carries the password, as an
operator's environment variable would), then `postgres` in the foreground, its log read until
it says it is ready. PostgreSQL refuses to run as root: as root, the data dir is given to the
`postgres` system user (Debian's package creates it) and the server runs as that user
(`subprocess.Popen(user=...)`, so the process we hold is the server itself). Durability is
off (`fsync=off`) unless asked for (benchmarks): nothing outlives the test.

Fixtures: `postgres_server` (one per session; `database()` makes a fresh database, so tests
never see each other's rows) and `own_postgres` (one per test, for tests that stop it).
Import them into the test module and name them in `__all__` (see tests/redis_server.py).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import free_port

READY_MARKER = "database system is ready to accept connections"
START_TIMEOUT_S = 30.0
PORT_ATTEMPTS = 5
USER = "safeproxy"


def postgres_bin(name: str) -> str:
    """`initdb` or `postgres`: from PATH, else Debian's versioned directory."""
    found = shutil.which(name)
    if found is None:
        candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
        found = candidates[-1] if candidates else None
    if found is None:
        pytest.fail(f"{name} not found: install Debian's postgresql (scripts/test.sh does)")
    return found


def _run_as() -> pwd.struct_passwd | None:
    """The user to run the server as: `postgres` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root needs the postgres system user (Debian's postgresql)")


def _as(user: pwd.struct_passwd | None) -> tuple[int | None, int | None, list[int] | None]:
    """Popen's user, group and extra_groups that drop to `user` (none of root's groups)."""
    if user is None:
        return None, None, None
    return user.pw_uid, user.pw_gid, []


class PostgresServer:
    """One postgres process: `start()` returns once it accepts connections; `stop()` shuts
    it down (fast: connections are cut, as an outage would); `start()` again restarts it on
    the same port and data."""

    def __init__(self, *, durable: bool = False) -> None:
        self._durable = durable  # fsync on (benchmarks); tests skip it
        self._tmp = tempfile.TemporaryDirectory(prefix="safeproxy-pg-")
        self.data = Path(self._tmp.name) / "data"
        self.password = secrets.token_hex(16)
        self.user = _run_as()
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._log: list[str] = []
        self._databases = 0
        self._initdb()

    def dsn(self, database: str = "postgres") -> str:
        return (
            f"host=127.0.0.1 port={self.port} dbname={database} user={USER} "
            f"password={self.password} connect_timeout=5"
        )

    def _initdb(self) -> None:
        root = Path(self._tmp.name)
        pwfile = root / "pw"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if self.user is not None:
            for path in (root, pwfile):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        args = [postgres_bin("initdb"), "-D", str(self.data), "-U", USER, "-E", "UTF8"]
        args += ["--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-sync", "--no-locale"]
        uid, gid, groups = _as(self.user)
        done = subprocess.run(
            args, capture_output=True, text=True, cwd=root, timeout=120, check=False,
            user=uid, group=gid, extra_groups=groups,
        )  # fmt: skip
        pwfile.unlink()
        if done.returncode != 0:
            pytest.fail(f"initdb failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> PostgresServer:
        # A restart keeps its port (clients reconnect to the same DSN); a first start may
        # lose a race for its port, and then tries another.
        for _ in range(1 if self.port else PORT_ATTEMPTS):
            port = self.port or free_port()
            if self._launch(port):
                self.port = port
                return self
        log = "".join(self._log[-40:])
        self.close()
        pytest.fail(f"postgres did not start:\n{log}")

    def _launch(self, port: int) -> bool:
        args = [postgres_bin("postgres"), "-D", str(self.data), "-p", str(port)]
        args += ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.data}"]
        args += ["-c", "logging_collector=off"]
        if not self._durable:
            args += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        uid, gid, groups = _as(self.user)
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.data,
            user=uid, group=gid, extra_groups=groups,
        )  # fmt: skip
        ready = threading.Event()
        reader = threading.Thread(target=self._drain, args=(proc, ready), daemon=True)
        reader.start()
        ready.wait(START_TIMEOUT_S)
        if proc.poll() is None and ready.is_set():
            self._proc, self._reader = proc, reader
            return True
        _end(proc, reader, kill=True)
        return False

    def _drain(self, proc: subprocess.Popen[str], ready: threading.Event) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._log.append(line)
            if READY_MARKER in line:
                ready.set()
        ready.set()  # EOF: the process exited; the waiter sees it via poll().

    def database(self) -> str:
        """A fresh, empty database; its DSN."""
        import psycopg

        self._databases += 1
        name = f"t{self._databases}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # a name made here, not input
        return self.dsn(name)

    def stop(self) -> None:
        """Shut the server down (SIGTERM... SIGINT: fast shutdown, clients cut off)."""
        if self._proc is not None and self._reader is not None:
            _end(self._proc, self._reader, kill=False)
            self._proc = self._reader = None

    def close(self) -> None:
        self.stop()
        self._tmp.cleanup()


def _end(proc: subprocess.Popen[str], reader: threading.Thread, *, kill: bool) -> None:
    if proc.poll() is None:
        if kill:
            proc.kill()
        else:
            proc.send_signal(2)  # SIGINT: PostgreSQL's fast shutdown
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    reader.join(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.close()
