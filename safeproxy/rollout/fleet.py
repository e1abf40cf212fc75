"""A rollout's phase across `--workers N`: the shared state file, the signal, each worker's ack.

The same road as the kill-switch (admin/breaker_holds.py): a worker whose analysis or admin
call changes a rollout's phase or step records it in `rollouts.json` in the shared status
directory (read, change, replace by rename, under an flock), then signals the supervisor
(SIGUSR1), which forwards it to every worker; each worker adopts every entry whose key (the
candidate's name, version and mode) is its own, and acknowledges the file's sequence number
in `rollouts-<worker>.json`. An admin call answers once every worker's ack has reached it. A
worker applies the file at start too, so a restarted worker keeps a rollback.

A final phase (rolled back, aborted, promoted) is sticky in the file: a worker that had not
yet heard of a rollback and publishes its own next step finds the rollback there and adopts
it instead of overwriting it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path
from typing import Any

from safeproxy.generation.fleet_files import acked, acknowledge, clear, read_object, replace
from safeproxy.rollout.controller import Rollout, Rollouts
from safeproxy.rollout.machine import FINAL

STATE_FILE = "rollouts.json"
ACK_PREFIX = "rollouts-"


def read_state(directory: str | Path) -> dict[str, Any]:
    """{"seq": n, "routes": {route: {"key", "phase", "step", "reason"}}}."""
    data = read_object(Path(directory) / STATE_FILE)
    if data is None or not isinstance(data.get("routes"), dict):
        return {"seq": 0, "routes": {}}
    return data


def apply_state(directory: str | Path, worker: str, rollouts: Rollouts) -> int:
    """Adopt the shared state in this worker and acknowledge it; returns the sequence."""
    data = read_state(directory)
    for route, state in data["routes"].items():
        if isinstance(state, dict):
            rollouts.adopt(str(route), str(state.get("key", "")), state)
    seq = int(data.get("seq", 0))
    acknowledge(directory, ACK_PREFIX, worker, seq=seq)
    return seq


class FleetRollouts:
    """Rollouts.on_change for a worker of a fleet (see the module docstring)."""

    def __init__(
        self,
        directory: str,
        worker: str,
        rollouts: Rollouts,
        notify: Callable[[], None],
        *,
        wait_s: float = 30.0,
    ) -> None:
        self._dir = Path(directory)
        self._worker = worker
        self._rollouts = rollouts
        self._notify = notify  # signals the supervisor, which tells every worker
        self._wait_s = wait_s
        self.seq = 0  # the last sequence this worker wrote

    def publish(self, r: Rollout) -> None:
        m = r.machine
        mine = {"key": r.key, "phase": m.phase, "step": m.step, "reason": m.reason}
        with (self._dir / f"{STATE_FILE}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            data = read_state(self._dir)
            there = data["routes"].get(r.route)
            if (isinstance(there, dict) and there.get("key") == r.key
                    and there.get("phase") in FINAL and m.phase not in FINAL):  # fmt: skip
                self._rollouts.adopt(r.route, r.key, there)  # a rollback wins over a step
                return
            self.seq = int(data.get("seq", 0)) + 1
            replace(self._dir / STATE_FILE,
                     {"seq": self.seq, "routes": {**data["routes"], r.route: mine}})  # fmt: skip
        self._notify()

    async def settled(self) -> dict[str, Any]:
        """Every worker's ack, once all have reached this worker's last write (TimeoutError
        if one does not in time)."""
        late = "not every worker adopted the rollout's state in time"
        return await acked(self._dir, ACK_PREFIX, self.seq, self._wait_s, late)


def clear_state(directory: str | Path) -> None:
    """Remove a stale state file and acks (a reused directory) before workers start."""
    clear(directory, ACK_PREFIX, STATE_FILE)
