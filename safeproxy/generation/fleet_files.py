"""Files the workers of one fleet share in the status directory: a JSON state file that one
worker writes under a lock with a rising sequence number, and each worker's acknowledgement.

The breaker kill-switch (admin/breaker_holds.py) and rollouts (rollout/fleet.py) reach every
worker this way: the writer bumps the sequence and signals the supervisor, every worker
applies the file and writes `<ack_prefix><worker>.json` with the sequence it applied, and the
writer answers once every worker that reports a status (generation/status.py) has acked it.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import orjson

from safeproxy.generation.status import read_status

POLL_S = 0.02  # other processes' files: nothing to await on


def read_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`; None when missing, unreadable or not an object."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def replace(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(data))
    os.replace(tmp, path)


def acknowledge(directory: str | Path, ack_prefix: str, worker: str, **fields: Any) -> None:
    replace(Path(directory) / f"{ack_prefix}{worker}.json", {"worker": worker, **fields})


async def acked(
    directory: Path, ack_prefix: str, seq: int, wait_s: float, late: str
) -> dict[str, Any]:
    """Every worker's ack, once all have reached `seq`; TimeoutError(`late`) past `wait_s`."""
    deadline = time.monotonic() + wait_s
    while True:
        workers = sorted(read_status(directory))
        acks = {w: read_object(directory / f"{ack_prefix}{w}.json") or {} for w in workers}
        if workers and all(a.get("seq", 0) >= seq for a in acks.values()):
            return acks
        if time.monotonic() > deadline:
            raise TimeoutError(late)
        await asyncio.sleep(POLL_S)


def clear(directory: str | Path, ack_prefix: str, state_file: str) -> None:
    """Remove a stale state file and acks (a reused directory) before workers start."""
    for path in Path(directory).glob(f"{ack_prefix}*.json"):
        path.unlink(missing_ok=True)
    (Path(directory) / state_file).unlink(missing_ok=True)
