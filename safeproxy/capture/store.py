"""The capture files: encrypted records in segments, with retention by age and by size.

Each line of a segment is one Fernet token (url-safe base64: no newline inside) sealing one
JSON record. Segments are named `capture-<first record's unix ms>-<tag>-<n>.fcap`, so their
order is their time order; `tag` names the process (`--workers N`: each worker writes and
prunes its own segments, and `max_bytes` holds per process). Retention is applied a segment
at a time, as records are written and at start: a segment goes once its newest record is
older than `max_age_s`, and the oldest segments go while the files pass `max_bytes`. A
segment is closed after `segment_bytes` or an eighth of `max_age_s`, which bounds how long an
expired record can outstay the limit. Writes are flushed but not fsynced: a crash may lose
the last records, which only a replay would miss.

CaptureLog hands records to one writer thread, so encryption and disk writes never hold the
event loop; its queue is bounded (records beyond it are dropped and counted).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from safeproxy.capture.cipher import CaptureKeyError, Sealer
from safeproxy.capture.settings import CaptureSettings

log = logging.getLogger("safeproxy.capture")
SEGMENT = re.compile(r"capture-(\d{13})-([A-Za-z0-9_]+)-(\d+)\.fcap")
QUEUE_MAX = 10_000


@dataclass
class _Segment:
    path: Path
    first: float
    last: float
    size: int


class CaptureStore:
    """Appends sealed records and enforces retention (synchronous: one thread at a time)."""

    def __init__(
        self,
        settings: CaptureSettings,
        sealer: Sealer,
        *,
        tag: str = "0",
        clock: Callable[[], float] = time.time,
    ) -> None:
        assert settings.path is not None
        self._settings = settings
        self._sealer = sealer
        self._tag = tag
        self._clock = clock
        self._dir = Path(settings.path)
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._segments = self._existing()
        self._n = max((_number(s.path) for s in self._segments), default=0)
        self._current: IO[bytes] | None = None
        self.prune()

    @property
    def files(self) -> list[Path]:
        return [s.path for s in self._segments]

    def append(self, record: dict[str, Any]) -> None:
        now = self._clock()
        line = self._sealer.seal(orjson.dumps(record), now) + b"\n"
        s = self._settings
        seg = self._segments[-1] if self._current is not None else None
        if (
            seg is None
            or seg.size + len(line) > s.segment_bytes
            or now - seg.first >= s.max_age_s / 8
        ):
            seg = self._open(now)
        assert self._current is not None
        self._current.write(line)
        self._current.flush()
        seg.size += len(line)
        seg.last = now
        self.prune()

    def prune(self) -> None:
        """Remove what retention no longer allows (never the segment being written)."""
        now = self._clock()
        s = self._settings
        keep = []
        for seg in self._segments:
            if seg.last <= now - s.max_age_s and not self._writing(seg):
                seg.path.unlink(missing_ok=True)
            else:
                keep.append(seg)
        total = sum(seg.size for seg in keep)
        while total > s.max_bytes and keep and not self._writing(keep[0]):
            oldest = keep.pop(0)
            oldest.path.unlink(missing_ok=True)
            total -= oldest.size
        self._segments = keep

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None

    def _writing(self, seg: _Segment) -> bool:
        return self._current is not None and seg is self._segments[-1]

    def _open(self, now: float) -> _Segment:
        self.close()
        self._n += 1
        path = self._dir / f"capture-{int(now * 1000):013d}-{self._tag}-{self._n}.fcap"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._current = os.fdopen(fd, "ab")
        seg = _Segment(path, now, now, 0)
        self._segments.append(seg)
        return seg

    def _existing(self) -> list[_Segment]:
        """This process's segments from before (a restart), oldest first."""
        found = []
        for path in self._dir.iterdir():
            m = SEGMENT.fullmatch(path.name)
            if m is None or m.group(2) != self._tag:
                continue
            first = int(m.group(1)) / 1000
            found.append(_Segment(path, first, self._newest(path, first), path.stat().st_size))
        return sorted(found, key=lambda seg: (seg.first, _number(seg.path)))

    def _newest(self, path: Path, first: float) -> float:
        """The time sealed in a segment's last record (its start when unreadable: a damaged
        file, or one sealed by a rotated-out key, ages out from its start)."""
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 65536))
            lines = f.read().splitlines()
        try:
            return self._sealer.sealed_at(lines[-1]) if lines else first
        except CaptureKeyError:
            return first


def _number(path: Path) -> int:
    m = SEGMENT.fullmatch(path.name)
    return int(m.group(3)) if m is not None else 0


class CaptureLog:
    """The request path's side: `write` queues a record for the writer thread."""

    def __init__(self, store: CaptureStore) -> None:
        self._store = store
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture")
        # Handed over (the loop's thread) and taken (the writer's): one writer each, so
        # neither loses an update; their difference is what waits.
        self._handed = 0
        self._taken = 0
        self.dropped = 0
        self.failed = 0

    def write(self, record: dict[str, Any]) -> bool:
        """Queue one record; False when it was dropped (the writer is behind)."""
        if self._handed - self._taken >= QUEUE_MAX:
            self.dropped += 1
            return False
        self._handed += 1
        self._writer.submit(self._append, record)
        return True

    def _append(self, record: dict[str, Any]) -> None:
        try:
            self._store.append(record)
        except OSError as exc:  # a full disk loses captures, never requests
            self.failed += 1
            if self.failed == 1:
                log.error("capture: cannot write (%s); records are being lost", exc.strerror)
        finally:
            self._taken += 1

    def close(self) -> None:
        """Write out what is queued, then close the segment."""
        self._writer.shutdown(wait=True)
        self._store.close()
