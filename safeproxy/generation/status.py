"""Per-worker status files: which generation each worker serves, and its last reload.

With `--workers N` the workers share nothing but the port and the multiprocess metrics
directory, so each one writes `generation-<worker>.json` there, replaced atomically (write,
then rename) at start and after every reload. A reload is complete when every worker's file
names the new hash; until then the files show which workers are behind. A file rather than
a metric: a gauge labelled by hash cannot be removed in prometheus-client's multiprocess
mode, so the metric alone could not say which hash a worker serves *now*, and a status API
or a deploy script reads a file without scraping.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from safeproxy.generation.generation import Generation
from safeproxy.generation.reload import ReloadResult

PREFIX = "generation-"


def write_status(
    directory: str | Path, worker: str, generation: Generation, last: ReloadResult | None
) -> None:
    """Record what `worker` serves now (atomically: a reader never sees half a file)."""
    path = Path(directory) / f"{PREFIX}{worker}.json"
    record = {
        "worker": worker,
        "pid": os.getpid(),
        "generation": generation.hash,
        "number": generation.number,
        "policies": dict(generation.versions),
        "last_reload": last.to_json() if last is not None else None,
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(record))
    os.replace(tmp, path)


def read_status(directory: str | Path) -> dict[str, dict[str, Any]]:
    """Every worker's record by worker name (unreadable files are skipped)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(directory).glob(f"{PREFIX}*.json")):
        try:
            record = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if isinstance(record, dict) and isinstance(record.get("worker"), str):
            out[record["worker"]] = record
    return out


def clear_status(directory: str | Path) -> None:
    """Remove stale records (a reused directory) before workers start."""
    for path in Path(directory).glob(f"{PREFIX}*.json"):
        path.unlink(missing_ok=True)
