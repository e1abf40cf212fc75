"""The standard `process_*` metrics: this process's, or every process of `serve --workers N`.

One process: prometheus_client's ProcessCollector on the injected registry. Several workers
share one scrape (any worker answers it), and the library's multiprocess mode exports no
process metrics at all, so each process of the group is read from /proc at scrape time and
labelled `worker`: `supervisor` (the parent that forks and joins the workers) or the worker's
number, 1..N. Bounded by --workers; `sum without (worker) (...)` gives the whole server.

Who belongs to the group is in the multiprocess directory: the supervisor writes
`supervisor.pid`, each worker `worker-<n>.pid`. A file counts only while its process is the
scraping worker's parent, or a child of it, so a stale file (a crashed worker whose pid was
reused) is never read as ours.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample

SUPERVISOR = "supervisor"
_PROC = Path("/proc")


def register_process_metrics(registry: CollectorRegistry, multiprocess_dir: str | None) -> None:
    """`process_*` on the registry /metrics serves (the merged one under --workers)."""
    if multiprocess_dir:
        registry.register(WorkerProcesses(Path(multiprocess_dir)))
    else:
        ProcessCollector(registry=registry)


def write_pid_file(directory: str, label: str) -> None:
    """Announce this process as `label` of the worker group (see the module docstring)."""
    name = f"{SUPERVISOR}.pid" if label == SUPERVISOR else f"worker-{label}.pid"
    (Path(directory) / name).write_text(str(os.getpid()))


class WorkerProcesses(Collector):
    """Every process of the group, each series labelled `worker`."""

    def __init__(self, directory: Path, proc: Path = _PROC) -> None:
        self._dir = directory
        self._proc = proc
        self._collectors: dict[int, ProcessCollector] = {}

    def collect(self) -> Iterator[Metric]:
        families: dict[str, Metric] = {}
        for label, pid in self._members():
            collector = self._collectors.get(pid)
            if collector is None:
                collector = self._collectors[pid] = ProcessCollector(
                    pid=functools.partial(int, pid), proc=str(self._proc), registry=None
                )
            for family in collector.collect():
                out = families.get(family.name)
                if out is None:
                    out = families[family.name] = Metric(family.name, family.documentation,
                                                         family.type)  # fmt: skip
                out.samples += [
                    Sample(s.name, {**s.labels, "worker": label}, s.value, s.timestamp)
                    for s in family.samples
                ]
        yield from families.values()

    def _members(self) -> list[tuple[str, int]]:
        supervisor = _read_pid(self._dir / f"{SUPERVISOR}.pid")
        if supervisor is None or supervisor != os.getppid():
            return []  # not running under `serve --workers`: no group to report
        members = [(SUPERVISOR, supervisor)]
        for path in sorted(self._dir.glob("worker-*.pid")):
            pid = _read_pid(path)
            if pid is not None and self._parent(pid) == supervisor:
                members.append((path.stem.removeprefix("worker-"), pid))
        live = {pid for _, pid in members}
        for gone in self._collectors.keys() - live:
            del self._collectors[gone]
        return members

    def _parent(self, pid: int) -> int | None:
        try:
            stat = (self._proc / str(pid) / "stat").read_bytes()
        except OSError:
            return None
        # Fields after the command name (which may hold spaces and parentheses): state, ppid.
        fields = stat.rsplit(b")", 1)[-1].split()
        return int(fields[1]) if len(fields) > 1 else None


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None
