"""A real, throwaway redis-server on a free loopback port, for tests that need Redis.

No persistence (`--save ''`, `--appendonly no`) and a private temp dir, so nothing outlives the
test. Use the `redis_url` fixture, or `redis_server` when the test must stop the server itself.
Import them into the test module and name them in `__all__`, which tells ruff the import is
used (it reads a fixture parameter as a redefinition of the imported name):

    from tests.redis_server import redis_server, redis_url

    __all__ = ["redis_server", "redis_url"]
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from types import TracebackType

import pytest

READY_MARKER = "Ready to accept connections"
START_TIMEOUT_S = 10.0
PORT_ATTEMPTS = 5


def redis_server_binary() -> str:
    path = shutil.which("redis-server")
    if path is None:
        pytest.fail("redis-server not found: install Debian's redis-server (scripts/test.sh does)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process: `start()` returns once it accepts connections."""

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._log: list[str] = []
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = redis_server_binary()
        self._tmp = tempfile.TemporaryDirectory(prefix="safeproxy-redis-")
        # free_port() can race with another process grabbing the port before redis binds it;
        # redis then exits, and another port is tried.
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port()
            if self._launch(binary, self._tmp.name):
                return self
        log = "".join(self._log[-40:])
        self.stop()
        pytest.fail(f"redis-server did not start after {PORT_ATTEMPTS} attempts:\n{log}")

    def _launch(self, binary: str, workdir: str) -> bool:
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", workdir]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""]
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=workdir
        )
        ready = threading.Event()
        # The log is read to the end in a thread: it tells us when the server is ready (no
        # polling), and draining it keeps a chatty server from blocking on a full pipe.
        reader = threading.Thread(target=self._drain, args=(proc, ready), daemon=True)
        reader.start()
        ready.wait(START_TIMEOUT_S)
        if proc.poll() is None and ready.is_set():
            self._proc, self._reader = proc, reader
            return True
        _kill(proc, reader)
        return False

    def _drain(self, proc: subprocess.Popen[str], ready: threading.Event) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._log.append(line)
            if READY_MARKER in line:
                ready.set()
        ready.set()  # EOF: the process exited; the waiter sees it via poll().

    def stop(self) -> None:
        """Kill the server (as a crash would); idempotent."""
        if self._proc is not None and self._reader is not None:
            _kill(self._proc, self._reader)
            self._proc = self._reader = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _kill(proc: subprocess.Popen[str], reader: threading.Thread) -> None:
    proc.kill()
    proc.wait(timeout=10)
    # The reader sees EOF once the process is gone; close the pipe only after it has, so it
    # never reads from a closed file.
    reader.join(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url
