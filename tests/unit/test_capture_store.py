"""The capture files on a fake clock: retention by age and by size, as records are written and
at start; nothing readable without the key; a damaged or foreign record is an error naming
its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.capture.cipher import sealer
from safeproxy.capture.settings import CaptureSettings
from safeproxy.capture.store import CaptureStore
from safeproxy.replay.capture_source import captured_records
from safeproxy.replay.source import ReplaySourceError, Window
from tests.fake_clock import FakeClock

KEY = Fernet.generate_key().decode()
HOUR = 3600.0


def record(n: int, text: str = "some prompt text") -> dict[str, Any]:
    return {"v": 1, "request_id": f"r{n}", "time": float(n), "route": "main", "tenant": "t",
            "model": "m", "outcome": "allowed", "types": [],
            "input": {"texts": [text], "joined": []}, "output": None}  # fmt: skip


def store(path: Path, clock: FakeClock, **limits: Any) -> CaptureStore:
    settings = CaptureSettings(enabled=True, path=str(path), key_env="K", **limits)
    return CaptureStore(settings, sealer("K", {"K": KEY}), clock=clock)


def ids(path: Path) -> list[str]:
    seal = sealer("K", {"K": KEY})
    return [r["request_id"] for r in captured_records(path, seal, Window())]


def test_records_older_than_max_age_go_as_new_ones_are_written(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    s = store(tmp_path, clock, max_age_s=8 * HOUR)
    for n in range(20):  # one an hour: a segment every hour (an eighth of max_age_s)
        s.append(record(n))
        clock.advance(HOUR)
    s.close()
    kept = ids(tmp_path)
    # Records 0..11 are at least 8 hours older than the last write (at hour 19).
    assert kept == [f"r{n}" for n in range(12, 20)]
    assert len(s.files) == len(kept)


def test_start_enforces_retention_on_what_an_earlier_run_left(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    first = store(tmp_path, clock, max_age_s=8 * HOUR)
    for n in range(3):
        first.append(record(n))
        clock.advance(HOUR)
    first.close()
    clock.advance(8 * HOUR)  # the process was down; everything is now expired
    again = store(tmp_path, clock, max_age_s=8 * HOUR)
    assert again.files == [] and ids(tmp_path) == []


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(0, 3000), min_size=1, max_size=40),
       max_kib=st.integers(4, 32))  # fmt: skip
def test_the_files_stay_within_max_bytes_and_keep_the_newest(
    tmp_path_factory: pytest.TempPathFactory, sizes: list[int], max_kib: int
) -> None:
    path = tmp_path_factory.mktemp("capture")
    clock = FakeClock()
    max_bytes = max_kib * 1024
    # Segment sizes a quarter of the limit: one segment's slack over the bound at most.
    s = store(path, clock, max_bytes=max_bytes, segment_bytes=max_bytes // 4)
    for n, size in enumerate(sizes):
        s.append(record(n, "x" * size))
        on_disk = sum(p.stat().st_size for p in path.iterdir())
        assert on_disk <= max_bytes + max_bytes // 4 + 8192
        clock.advance(1)
    s.close()
    kept = ids(path)
    assert kept and kept[-1] == f"r{len(sizes) - 1}"
    assert kept == [f"r{n}" for n in range(len(sizes) - len(kept), len(sizes))]


def test_nothing_on_disk_is_plaintext(tmp_path: Path) -> None:
    s = store(tmp_path, FakeClock())
    s.append(record(1, "the launch code is tangerine-42"))
    s.close()
    disk = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"tangerine" not in disk and b"launch code" not in disk and b"main" not in disk
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in tmp_path.iterdir())


def test_a_damaged_record_is_an_error_naming_its_line(tmp_path: Path) -> None:
    s = store(tmp_path, FakeClock())
    for n in range(3):
        s.append(record(n))
    s.close()
    (segment,) = s.files
    lines = segment.read_bytes().splitlines()
    lines[1] = lines[1][:-4] + b"AAAA"
    segment.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(ReplaySourceError, match=rf"^{segment}:2: cannot decrypt"):
        ids(tmp_path)
    bad_shape = sealer("K", {"K": KEY}).seal(b'{"v": 1, "outcome": "allowed"}', 0)
    segment.write_bytes(lines[0] + b"\n" + bad_shape + b"\n")
    with pytest.raises(ReplaySourceError, match=rf"^{segment}:2: .*input.texts"):
        ids(tmp_path)


def test_an_enabled_capture_needs_a_path() -> None:
    with pytest.raises(ValueError, match="needs `path`"):
        CaptureSettings(enabled=True)
