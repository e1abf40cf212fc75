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
from pathlib import Path
from typing import Any

from safeproxy.admin.breakers import HOLDS, BreakerAdmin
from safeproxy.errors import ProxyError
from safeproxy.generation.fleet_files import acked, acknowledge, clear, read_object, replace
from safeproxy.resilience.breaker import State

FORCE_SIGNAL = signal.SIGUSR1
HOLDS_FILE = "breaker-holds.json"
ACK_PREFIX = "breakers-"


class HoldTimeout(ProxyError):
    status = 504
    type = "server_error"
    code = "force_incomplete"


def read_holds(directory: str | Path) -> dict[str, Any]:
    """{"seq": n, "holds": {route: {"state": "open"|"closed"|"auto", "reason": ...}}}."""
    data = read_object(Path(directory) / HOLDS_FILE)
    if data is None or not isinstance(data.get("holds"), dict):
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
    acknowledge(directory, ACK_PREFIX, worker, seq=seq, applied=applied)
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
        try:
            return await acked(self._dir, ACK_PREFIX, seq, self._wait_s, "")
        except TimeoutError:
            raise HoldTimeout("not every worker applied the hold in time") from None

    def _record(self, route: str, state: str, reason: str) -> int:
        with (self._dir / f"{HOLDS_FILE}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            data = read_holds(self._dir)
            seq = int(data.get("seq", 0)) + 1
            data = {"seq": seq, "holds": {**data["holds"], route: {"state": state,
                                                                  "reason": reason}}}  # fmt: skip
            replace(self._dir / HOLDS_FILE, data)
        return seq


def clear_holds(directory: str | Path) -> None:
    """Remove stale holds and acks (a reused directory) before workers start."""
    clear(directory, ACK_PREFIX, HOLDS_FILE)
