"""The kill-switch across `--workers N`: a shared hold file, a signal, and each worker's ack.

Each worker has its own safety breakers, so a force must reach all of them, and reach a
worker that starts later. The admin call reaches one worker (the admin port is shared);
it records the hold in `breaker-holds.json` in the shared status directory (read, change,
replace by rename, under an flock so two calls on two workers cannot lose one another's
change), then signals the supervisor (SIGUSR1), which forwards it to every worker. Each
worker applies every route's last asked state from the file and writes what it applied,
with the file's sequence number, to `breakers-<worker>.json`; the call answers once every
worker's ack has reached its sequence number (504 if one does not in time). A worker
applies the file at start too, so a restarted worker keeps the hold. A route never forced
through the API is absent from the file, so its config hold (`force_open`) is untouched.
The file lives as long as the status directory (the supervisor's, unless
PROMETHEUS_MULTIPROC_DIR names one that outlives it).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import time
from pathlib import Path
from typing import Any

import orjson

from safeproxy.admin.breakers import HOLDS, BreakerAdmin
from safeproxy.errors import ProxyError
from safeproxy.generation.status import read_status
from safeproxy.resilience.breaker import State

FORCE_SIGNAL = signal.SIGUSR1
HOLDS_FILE = "breaker-holds.json"
ACK_PREFIX = "breakers-"
_POLL_S = 0.02  # other processes' files: nothing to await on


class HoldTimeout(ProxyError):
    status = 504
    type = "server_error"
    code = "force_incomplete"


def read_holds(directory: str | Path) -> dict[str, Any]:
    """{"seq": n, "holds": {route: {"state": "open"|"closed"|"auto", "reason": ...}}}."""
    try:
        data = orjson.loads((Path(directory) / HOLDS_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {"seq": 0, "holds": {}}
    if not isinstance(data, dict) or not isinstance(data.get("holds"), dict):
        return {"seq": 0, "holds": {}}
    return data


def apply_holds(directory: str | Path, worker: str, admin: BreakerAdmin) -> int:
    """Apply the shared holds in this worker and acknowledge them; returns the sequence."""
    data = read_holds(directory)
    applied = {}
    for route, hold in data["holds"].items():
        state = hold.get("state") if isinstance(hold, dict) else None
        if not isinstance(state, str) or state not in HOLDS:
            continue
        if admin.hold(str(route), HOLDS[state], str(hold.get("reason", "admin"))):
            applied[route] = state
    seq = int(data.get("seq", 0))
    _replace(Path(directory) / f"{ACK_PREFIX}{worker}.json",
             {"worker": worker, "seq": seq, "applied": applied})  # fmt: skip
    return seq


class FleetHolds:
    """BreakerAdmin.apply for a worker of a fleet (see the module docstring)."""

    def __init__(self, directory: str, supervisor: int, *, wait_s: float = 30.0) -> None:
        self._dir = Path(directory)
        self._supervisor = supervisor
        self._wait_s = wait_s

    async def apply(self, route: str, state: State | None, reason: str) -> dict[str, Any]:
        asked = next(name for name, s in HOLDS.items() if s is state)
        seq = await asyncio.to_thread(self._record, route, asked, reason)
        os.kill(self._supervisor, FORCE_SIGNAL)
        deadline = time.monotonic() + self._wait_s
        while True:
            workers = sorted(read_status(self._dir))
            acks = {w: _read_ack(self._dir, w) for w in workers}
            if workers and all(a.get("seq", 0) >= seq for a in acks.values()):
                return acks
            if time.monotonic() > deadline:
                raise HoldTimeout("not every worker applied the hold in time")
            await asyncio.sleep(_POLL_S)

    def _record(self, route: str, state: str, reason: str) -> int:
        with (self._dir / f"{HOLDS_FILE}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            data = read_holds(self._dir)
            seq = int(data.get("seq", 0)) + 1
            data = {"seq": seq, "holds": {**data["holds"], route: {"state": state,
                                                                  "reason": reason}}}  # fmt: skip
            _replace(self._dir / HOLDS_FILE, data)
        return seq


def _read_ack(directory: Path, worker: str) -> dict[str, Any]:
    try:
        data = orjson.loads((directory / f"{ACK_PREFIX}{worker}.json").read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _replace(path: Path, data: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(data))
    os.replace(tmp, path)


def clear_holds(directory: str | Path) -> None:
    """Remove stale holds and acks (a reused directory) before workers start."""
    for path in Path(directory).glob(f"{ACK_PREFIX}*.json"):
        path.unlink(missing_ok=True)
    (Path(directory) / HOLDS_FILE).unlink(missing_ok=True)
