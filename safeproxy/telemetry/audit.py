"""The audit log: JSON Lines, one record per request plus config and lifecycle events.

Records are serialised on the event loop (cheap, and the record is then immutable) and
handed to one writer thread, so disk writes and fsyncs never stall requests. They are handed
over in batches (each turn of the event loop with `every_record`, else every 50 ms): waking
a thread per record would cost more than the record. The file
rotates by size (audit.jsonl -> audit.jsonl.1 -> ... -> .N). Durability is configured:
`every_record` fsyncs after each line; `interval` at most `fsync_interval_ms` apart. Closing
(SIGTERM's drain) writes out everything queued, fsyncs and joins the thread.

Each batch of whole lines reaches the file in one write. A reader tailing the file may
still see its last line cut short (the kernel copies a write page by page), so readers take
only lines that end in a newline, as log shippers do.

The queue is bounded: if the disk cannot keep up, records beyond `queue_max` are dropped
and counted (`dropped`), rather than growing memory without end.

With an `export` (telemetry/audit_export.py: OTLP logs), every record is also handed to it,
whatever happens to the file, and closing shuts it down after the file is written.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import orjson

from safeproxy.telemetry.settings import AuditSettings

_STOP = b""  # the sentinel: a record is never empty
_BATCH_S = 0.05


class RecordExport(Protocol):
    """Somewhere else every record goes (OTLP logs), given as the file's line (the record
    may hold pre-serialised parts); `emit` must not block."""

    def emit(self, line: bytes) -> None: ...

    def shutdown(self) -> None: ...


class AuditLog:
    def __init__(self, settings: AuditSettings, *, export: RecordExport | None = None) -> None:
        assert settings.path is not None
        self._export = export
        self._settings = settings
        self._path = Path(settings.path)
        # SimpleQueue: a C queue without the locks and conditions of queue.Queue (whose put
        # costs microseconds per record); the bound is checked on its size instead.
        # Batches of lines, or a callback the writer runs once everything before it is on
        # disk (sync()).
        self._queue: queue.SimpleQueue[list[bytes] | Callable[[], None]] = queue.SimpleQueue()
        self._max = settings.queue_max
        # Lines handed over, and lines taken by the writer: each counter has one writing
        # thread, so neither loses an update; their difference is what waits.
        self._handed = 0
        self._taken = 0
        self._batch: list[bytes] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="safeproxy-audit", daemon=True)
        self.dropped = 0
        self._started = False
        self._closed = False

    def start(self) -> None:
        """Start the writer; called on the event loop that will write records, if any."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None  # no loop: each record is handed over at once
        self._thread.start()
        self._started = True

    def write(self, record: dict[str, Any]) -> bool:
        """Queue a record for the writer; False when it was dropped (closed, or full)."""
        if self._closed:
            return False
        line = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        if self._export is not None:
            self._export.emit(line)
        if self._handed - self._taken + len(self._batch) >= self._max:
            self.dropped += 1
            return False
        self._batch.append(line)
        if self._loop is None:
            self._hand_over()
        elif len(self._batch) == 1:
            if self._settings.fsync == "every_record":
                self._loop.call_soon(self._hand_over)
            else:
                self._loop.call_later(_BATCH_S, self._hand_over)
        return True

    def _hand_over(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self._handed += len(batch)
            self._queue.put(batch)

    async def sync(self) -> None:
        """Return once every record written so far is on disk (written and fsynced).

        For callers whose next step depends on the record being durable: a Redis consumer
        acknowledges a deep-check job only after its result is in the audit log.
        """
        if not self._started or self._closed:
            return
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def resolve() -> None:
            if not done.done():  # the waiter may have been cancelled
                done.set_result(None)

        def synced() -> None:
            loop.call_soon_threadsafe(resolve)

        self._hand_over()
        self._queue.put(synced)
        await done

    def event(self, kind: str, **fields: Any) -> None:
        """An admin, config or lifecycle record (`config_loaded`, `shutdown`, ...)."""
        self.write({"type": kind, "time": time.time(), **fields})

    def close(self) -> None:
        """Write out everything queued, fsync, and stop the writer."""
        if self._closed:
            return
        self._closed = True
        if self._started:
            self._hand_over()
            self._queue.put([_STOP])
            self._thread.join()
        if self._export is not None:
            self._export.shutdown()  # the file first: a receiver that is down waits its timeout

    # --- the writer thread -----------------------------------------------------------------

    def _run(self) -> None:
        s = self._settings
        every = s.fsync == "every_record"
        interval = s.fsync_interval_ms / 1000
        f = open(self._path, "ab")  # noqa: SIM115 - the thread owns it until the sentinel
        size = f.tell()
        last_sync = time.monotonic()
        dirty = False
        stop = False
        try:
            while not stop:
                try:
                    item = self._queue.get(timeout=None if every or not dirty else interval)
                except queue.Empty:
                    item = []  # quiet for an interval: time to sync what was written
                if callable(item):
                    if dirty:
                        _sync(f)
                        last_sync, dirty = time.monotonic(), False
                    item()
                    continue
                batch = item
                if batch and batch[-1] == _STOP:
                    stop = True
                    batch.pop()
                whole = b"".join(batch)
                if not every and size + len(whole) <= s.max_bytes:
                    f.write(whole)  # the common case: one write for the batch
                    size += len(whole)
                    dirty = dirty or bool(whole)
                else:
                    for line in batch:
                        if size and size + len(line) > s.max_bytes:
                            f = self._rotate(f)
                            size = 0
                        f.write(line)
                        size += len(line)
                        dirty = True
                        if every:
                            _sync(f)
                            dirty = False
                self._taken += len(batch)
                now = time.monotonic()
                if dirty and (not batch or now - last_sync >= interval):
                    _sync(f)
                    last_sync, dirty = now, False
        finally:
            _sync(f)
            f.close()

    def _rotate(self, f: Any) -> Any:
        _sync(f)
        f.close()
        backups = self._settings.backups
        if backups == 0:
            self._path.unlink(missing_ok=True)
        else:
            for n in range(backups - 1, 0, -1):
                older = self._path.with_name(f"{self._path.name}.{n}")
                if older.exists():
                    older.replace(self._path.with_name(f"{self._path.name}.{n + 1}"))
            self._path.replace(self._path.with_name(f"{self._path.name}.1"))
        return open(self._path, "ab")


def _sync(f: Any) -> None:
    f.flush()
    os.fsync(f.fileno())
