"""An async deep-check job: everything a worker needs to judge one request and record it.

Jobs cross process boundaries (a Redis Stream, a `safeproxy worker`), so they serialise to
JSON and are validated when read back: a malformed job is a ValueError, never a crash.
The turns are the redacted text (what the model saw, what the client got); that text sits
in the queue for the job's lifetime, and nowhere else outside the review store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import orjson

from safeproxy.deepcheck.api import JudgeContext, Stage, Turn

_STAGES = ("input", "output")


@dataclass(frozen=True, slots=True)
class Job:
    request_id: str
    check: str  # the policy's deep check (its label), which names the judge
    policy: str
    route: str
    tenant: str  # a configured tenant name or a salted hash, never a key
    limit_key: str  # what quarantine counts against (identity or client address)
    stage: Stage
    model: str
    turns: tuple[Turn, ...]
    reason: str  # why it was sampled: rate, flagged, near_threshold, quarantined, ...
    flagged: tuple[str, ...] = ()  # finding types of the fast filters
    created_unix: float = 0.0
    # Whether the route's safety breaker counted the reply as clean (a late unsafe verdict
    # then turns it into a violation), and whether the request already counted as a
    # violation towards quarantine (a late verdict then adds nothing).
    breaker_counted: bool = False
    violation_counted: bool = False
    # The version of `policy` the request ran under ("" in jobs queued by older processes).
    policy_version: str = ""

    @property
    def context(self) -> JudgeContext:
        return JudgeContext(self.request_id, self.stage, self.policy, self.model)

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "request_id": self.request_id,
                "check": self.check,
                "policy": self.policy,
                "route": self.route,
                "tenant": self.tenant,
                "limit_key": self.limit_key,
                "stage": self.stage,
                "model": self.model,
                "turns": [[t.role, t.text] for t in self.turns],
                "reason": self.reason,
                "flagged": list(self.flagged),
                "created_unix": self.created_unix,
                "breaker_counted": self.breaker_counted,
                "violation_counted": self.violation_counted,
                "policy_version": self.policy_version,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Job:
        """Raises ValueError for anything that is not a well-formed job."""
        try:
            raw = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise ValueError("a job is not JSON") from exc
        if not isinstance(raw, dict):
            raise ValueError("a job is a JSON object")
        strings = ("request_id", "check", "policy", "route", "tenant", "limit_key", "model")
        for key in (*strings, "reason"):
            if not isinstance(raw.get(key), str):
                raise ValueError(f"job field {key!r} must be a string")
        stage = raw.get("stage")
        if stage not in _STAGES:
            raise ValueError("job field 'stage' must be input or output")
        turns = raw.get("turns")
        if not isinstance(turns, list) or not all(_is_turn(t) for t in turns):
            raise ValueError("job field 'turns' must be a list of [role, text] pairs")
        flagged = raw.get("flagged", [])
        if not isinstance(flagged, list) or not all(isinstance(f, str) for f in flagged):
            raise ValueError("job field 'flagged' must be a list of strings")
        created = raw.get("created_unix", 0.0)
        if not isinstance(created, (int, float)):
            raise ValueError("job field 'created_unix' must be a number")
        version = raw.get("policy_version", "")
        if not isinstance(version, str):
            raise ValueError("job field 'policy_version' must be a string")
        flags = {k: raw.get(k, False) for k in ("breaker_counted", "violation_counted")}
        if not all(isinstance(v, bool) for v in flags.values()):
            raise ValueError("job flags must be booleans")
        return cls(
            **{k: raw[k] for k in strings},
            **flags,
            stage=cast(Stage, stage),
            turns=tuple(Turn(role, text) for role, text in turns),
            reason=raw["reason"],
            flagged=tuple(flagged),
            created_unix=float(created),
            policy_version=version,
        )


def _is_turn(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], str)
    )
