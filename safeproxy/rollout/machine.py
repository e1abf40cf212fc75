"""The rollout's state machine: phases, steps and what an interval's verdict does to them.

    pending --start--> running --pass x passes_per_step--> next step ... last step passes
       --promote: auto--> promoted        (--promote: manual--> awaiting_promotion)
    running --fail, more than max_failed times--> rolled_back   (at once, with the reason)
    running/awaiting --pause--> paused --start--> running;  any live phase --abort--> aborted
    inconclusive: nothing moves (it never counts as a pass)

Pure: no clock, no I/O; the controller feeds it verdicts and admin calls and records what it
returns. Failed intervals count over the whole rollout, not per step.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeproxy.rollout.analysis import FAIL, PASS

PENDING, RUNNING, PAUSED, AWAITING = "pending", "running", "paused", "awaiting_promotion"
PROMOTED, ROLLED_BACK, ABORTED = "promoted", "rolled_back", "aborted"
FINAL = frozenset({PROMOTED, ROLLED_BACK, ABORTED})


class Refused(Exception):
    """An admin call the current phase does not allow (409, with the state as it is)."""


@dataclass(slots=True)
class Machine:
    steps: int  # how many canary steps
    passes_per_step: int
    max_failed: int
    auto_promote: bool
    phase: str = PENDING
    step: int = 0
    passes: int = 0
    failed: int = 0
    reason: str = ""

    def start(self) -> str:
        if self.phase not in (PENDING, PAUSED):
            raise Refused(f"cannot start a rollout that is {self.phase}")
        self.phase = RUNNING
        return "started" if self.step == 0 and self.passes == 0 else "resumed"

    def pause(self) -> str:
        if self.phase not in (RUNNING, AWAITING):
            raise Refused(f"cannot pause a rollout that is {self.phase}")
        self.phase = PAUSED
        return "paused"

    def promote(self, reason: str) -> str:
        if self.phase in FINAL or self.phase == PENDING:
            raise Refused(f"cannot promote a rollout that is {self.phase}")
        self.phase, self.reason = PROMOTED, reason
        return "promoted"

    def abort(self, reason: str) -> str:
        if self.phase in FINAL:
            raise Refused(f"cannot abort a rollout that is {self.phase}")
        self.phase, self.reason = ABORTED, reason
        return "aborted"

    def interval(self, verdict: str, reason: str = "") -> list[str]:
        """What one interval's verdict does; returns the events (step, promoted, ...)."""
        if self.phase != RUNNING:
            return []
        if verdict == FAIL:
            self.failed += 1
            if self.failed > self.max_failed:
                self.phase, self.reason = ROLLED_BACK, reason or "analysis failed"
                return ["rolled_back"]
            return []
        if verdict != PASS:
            return []  # inconclusive: hold
        self.passes += 1
        if self.passes < self.passes_per_step:
            return []
        if self.step + 1 < self.steps:
            self.step, self.passes = self.step + 1, 0
            return ["step"]
        if self.auto_promote:
            self.phase, self.reason = PROMOTED, "every step passed"
            return ["promoted"]
        self.phase = AWAITING
        return ["awaiting_promotion"]
