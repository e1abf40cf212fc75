"""A rollout as the admin status shows it: phase, step, share, the last interval, the history."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from safeproxy.rollout.controller import Rollout, Rollouts

log = logging.getLogger("safeproxy.rollout")


def status_json(r: Rollout) -> dict[str, Any]:
    s, m = r.settings, r.machine
    return {
        "route": r.route,
        "candidate": {"policy": s.candidate, "version": r.version},
        "active": r.active,
        "mode": s.mode,
        "phase": m.phase,
        "reason": m.reason,  # why it was rolled back, promoted or aborted
        "step": m.step,
        "steps_percent": list(s.steps),
        "share_percent": r.share,
        "sample": s.sample if s.mode == "shadow" else None,
        "passes_in_step": m.passes,
        "failed_intervals": m.failed,
        "max_failed": s.analysis.max_failed,
        "interval_s": s.analysis.interval_s,
        "open_interval": {arm: c.requests for arm, c in r.arms.items()},
        "last_interval": r.last,
        "shadow": dict(r.shadow),
        "history": list(r.history),
    }


async def analyse_every(rollouts: Rollouts, poll_s: float) -> None:
    """The analysis loop: wake every `poll_s` and close the intervals that are due (their
    length is the config's; this only bounds how late one closes)."""
    while True:
        await asyncio.sleep(poll_s)
        try:
            await rollouts.analyse()
        except Exception:  # a bug in one pass must not end the loop (and every rollback)
            log.exception("rollout analysis failed")
