"""RolloutMark: what a rollout did to one request (which arm served it, the shadow's verdicts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Arms: `canary` (served by the candidate), `baseline` (by the active policy, while a canary
# runs), `shadow` (served by the active policy; the candidate also scanned the input).
ARMS = ("canary", "baseline", "shadow")


@dataclass(frozen=True, slots=True)
class ShadowVerdicts:
    """Both input verdicts on the same text: allow | redact | block, with finding types."""

    active: str
    active_types: tuple[str, ...]
    candidate: str
    candidate_types: tuple[str, ...]

    @property
    def disagreement(self) -> str:
        """agree | allow_to_block | block_to_allow | redact_diff (a bounded metric label)."""
        a, c = self.active, self.candidate
        if a != "block" and c == "block":
            return "allow_to_block"
        if a == "block" and c != "block":
            return "block_to_allow"
        if a == c and (a != "redact" or self.active_types == self.candidate_types):
            return "agree"
        if a == "block":  # both block, for other reasons: still the same reply
            return "agree"
        return "redact_diff"

    def to_json(self) -> dict[str, Any]:
        return {
            "active": {"verdict": self.active, "types": list(self.active_types)},
            "candidate": {"verdict": self.candidate, "types": list(self.candidate_types)},
            "disagreement": self.disagreement,
        }


@dataclass(slots=True)
class RolloutMark:
    route: str
    candidate: str  # the candidate policy's name
    mode: str  # canary | shadow
    arm: str  # one of ARMS
    shadow: ShadowVerdicts | None = None  # set by the guard on a shadow request it scanned

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"candidate": self.candidate, "mode": self.mode, "arm": self.arm}
        if self.shadow is not None:
            out["shadow"] = self.shadow.to_json()
        return out
