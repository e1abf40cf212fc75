"""The request path's view of quarantine: whether an identity is held (in this process or in
the shared store), and counting its violations, shared ones off the request's path.

Reaction times (with `times`, kind `quarantine`): in this process the violation that tips an
identity over is the detection (M3 from its earliest violation in the window) and the hold is
in effect at once (M4 = 0: the next request is held). With the shared store the judgement is
the store's: M3 is the store's own measure, from the earliest violation in its window to the
tipping one, both on the server's clock (replicas' clocks never meet); M4 runs from the
tipping violation being seen here to the store confirming the hold (what every replica
reads)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from safeproxy.resilience.quarantine import Quarantine, SharedQuarantineStore, StoreUnavailable
from safeproxy.resilience.reaction import ReactionTimes


class QuarantineGate:
    """`strict_policy`: the policy a quarantined client gets instead of a 403 (action strict).
    `on_quarantine(tenant)`: an identity was just quarantined (metrics, audit)."""

    def __init__(
        self,
        quarantine: Quarantine,
        *,
        strict_policy: str | None = None,
        on_quarantine: Callable[[str], None] | None = None,
        store: SharedQuarantineStore | None = None,
        times: ReactionTimes | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._quarantine = quarantine
        self.strict_policy = strict_policy
        self._on_quarantine = on_quarantine
        self._store = store
        self._times = times
        self._clock = clock
        self._background: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self._quarantine.enabled

    async def holds(self, key: str, degraded: list[str]) -> bool:
        """Whether `key` is quarantined; a store that cannot answer holds nobody (and the
        request records it in `degraded`)."""
        if self._store is None:
            return self._quarantine.holds(key)
        try:
            return await self._store.holds(key)
        except StoreUnavailable:
            degraded.append("quarantine:unavailable")
            return False

    def count_violation(self, key: str, tenant: str) -> None:
        """One policy violation of an identity (also from async deep-check verdicts)."""
        if not self._quarantine.enabled:
            return
        if self._store is None:
            if self._quarantine.violation(key):
                self._reacted(self._quarantine.evidence_since, None)
                if self._on_quarantine is not None:
                    self._on_quarantine(tenant)
            return
        # Shared state: off the request's path (the reply is already on its way).
        task = asyncio.ensure_future(self._count_shared(key, tenant))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _count_shared(self, key: str, tenant: str) -> None:
        assert self._store is not None
        seen = self._clock() if self._clock is not None else None
        with contextlib.suppress(StoreUnavailable):
            evidence_s = await self._store.violation(key)
            if evidence_s is not None:
                self._reacted(None, seen, evidence_s)
                if self._on_quarantine is not None:
                    self._on_quarantine(tenant)

    def _reacted(
        self, evidence_since: float | None, seen: float | None, evidence_s: float | None = None
    ) -> None:
        """A quarantine began: M3 from the evidence known here (`evidence_since`) or as the
        store measured it (`evidence_s` before `seen`), M4 from the detection (`seen`, or now
        in this process) to now."""
        if self._times is None or self._clock is None:
            return
        now = self._clock()
        if evidence_since is not None:
            self._times.detected("quarantine", evidence_since, now)
        elif evidence_s is not None and seen is not None:
            self._times.detected("quarantine", seen - evidence_s, seen)
        self._times.mitigated("quarantine", seen if seen is not None else now, now)

    async def close(self) -> None:
        """Finish the shared violation counts still running."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
