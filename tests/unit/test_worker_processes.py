"""The multi-worker process collector reads the group from its pid files, and only processes
that really belong to it (real /proc, this test process standing in for a worker)."""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CollectorRegistry

from safeproxy.telemetry.process import SUPERVISOR, WorkerProcesses, write_pid_file


def rss_by_worker(directory: Path) -> dict[str, float]:
    registry = CollectorRegistry()
    registry.register(WorkerProcesses(directory))
    return {
        s.labels["worker"]: s.value
        for f in registry.collect()
        if f.name == "process_resident_memory_bytes"
        for s in f.samples
    }


def test_the_group_is_the_supervisor_and_its_children(tmp_path: Path) -> None:
    # This process as worker 1; its parent as the supervisor.
    (tmp_path / f"{SUPERVISOR}.pid").write_text(str(os.getppid()))
    write_pid_file(str(tmp_path), "1")
    # Stale: pid 1 is not a child of the supervisor (a crashed worker's pid, reused).
    (tmp_path / "worker-2.pid").write_text("1")
    (tmp_path / "worker-3.pid").write_text("not a pid")
    rss = rss_by_worker(tmp_path)
    assert set(rss) == {"supervisor", "1"}
    assert all(v > 0 for v in rss.values())


def test_nothing_is_reported_outside_a_worker_group(tmp_path: Path) -> None:
    write_pid_file(str(tmp_path), "1")
    assert rss_by_worker(tmp_path) == {}  # no supervisor file
    (tmp_path / f"{SUPERVISOR}.pid").write_text(str(os.getpid()))  # not this process's parent
    assert rss_by_worker(tmp_path) == {}
