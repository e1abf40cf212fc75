"""The last N decisions in memory, without text, for the console's decisions page."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from safeproxy.exchange.decision import Decision

DEFAULT_KEEP = 200


@dataclass(frozen=True, slots=True)
class RecentDecision:
    """What the page shows of one decision: no text, no key, no header; the tenant is a
    configured name or a salted hash, as in the audit log."""

    request_id: str
    started_unix: float
    route: str
    tenant: str
    policy: str
    policy_version: str
    outcome: str
    status: int
    finding_types: tuple[str, ...]
    shadow_types: tuple[str, ...]
    trace_id: str | None  # 32 hex digits, when the request was traced


class RecentDecisions:
    """A bounded ring of this process's latest decisions, newest last."""

    def __init__(self, keep: int = DEFAULT_KEEP) -> None:
        if keep < 1:
            raise ValueError("keep must be at least 1")
        self._ring: deque[RecentDecision] = deque(maxlen=keep)

    def add(self, d: Decision, trace_id: int | None) -> None:
        self._ring.append(
            RecentDecision(
                d.request_id, d.started_unix, d.route, d.tenant, d.policy, d.policy_version,
                d.outcome, d.status, d.finding_types, d.shadow_types,
                f"{trace_id:032x}" if trace_id else None,
            )
        )  # fmt: skip

    def newest(self, n: int) -> list[RecentDecision]:
        """The latest `n`, newest first."""
        return list(reversed(self._ring))[:n]
