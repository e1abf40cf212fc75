"""Quarantine: an identity that keeps violating the policy is held apart for a while.

Violations are counted per identity in a sliding window; at the threshold the identity is
quarantined until `duration_s` has passed. Memory is bounded: identities are client input,
so beyond `max_identities` the one seen least recently is forgotten.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Protocol

from safeproxy.settings.schema import QuarantineSettings


class StoreUnavailable(Exception):
    """The shared quarantine store could not answer; nobody is held for it."""


class SharedQuarantineStore(Protocol):
    """Quarantine state shared by every replica (quarantine_redis.py); either call may raise
    StoreUnavailable."""

    async def holds(self, identity: str) -> bool: ...

    async def violation(self, identity: str) -> float | None:
        """Count one violation; when it starts a quarantine, the seconds since the
        identity's earliest violation in the window (None: no quarantine began)."""

    async def close(self) -> None: ...


class Quarantine:
    def __init__(self, settings: QuarantineSettings, clock: Callable[[], float]) -> None:
        self._settings = settings
        self._clock = clock
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()
        self._until: dict[str, float] = {}
        self.entered = 0  # quarantines begun (a counter for metrics)
        # When the earliest violation of the last identity quarantined happened: where its
        # time to detect (M3) starts.
        self.evidence_since: float | None = None

    @property
    def enabled(self) -> bool:
        return self._settings.enabled

    def holds(self, key: str) -> bool:
        until = self._until.get(key)
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._until[key]
        return False

    def active(self) -> int:
        now = self._clock()
        return sum(1 for until in self._until.values() if until > now)

    def violation(self, key: str) -> bool:
        """Count one violation; True when it puts the identity into quarantine."""
        s = self._settings
        now = self._clock()
        times = self._recent.get(key)
        if times is None:
            times = self._recent[key] = deque()
            if len(self._recent) > s.max_identities:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(key)
        times.append(now)
        while times and times[0] <= now - s.window_s:
            times.popleft()
        if len(times) >= s.violations and not self.holds(key):
            self._until[key] = now + s.duration_s
            self.evidence_since = times[0]
            times.clear()
            self.entered += 1
            if len(self._until) > s.max_identities:
                # Identities are client input: past the cap, the quarantines ending soonest
                # give way (expired ones first).
                live = sorted(self._until.items(), key=lambda item: item[1])
                self._until = dict(live[len(live) - s.max_identities :])
            return True
        return False
