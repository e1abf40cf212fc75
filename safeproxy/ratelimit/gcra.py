"""The Generic Cell Rate Algorithm as a pure function over a stored theoretical arrival time.

GCRA is a token bucket that stores one number per key instead of (tokens, last_refill): the
theoretical arrival time (TAT), the instant at which the bucket would be full again if nothing
else arrived. Each admitted unit pushes the TAT one emission interval (1/rate seconds) further;
a request is admitted while that leaves the TAT at most `burst` intervals ahead of now.
A key with no TAT, or a TAT in the past, is a full bucket, so stores may drop such keys freely.

Stores (memory.py, and the Lua script in redis_store.py, which mirrors this function) own the
TAT; this module owns the arithmetic so it can be tested without a store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Float TAT arithmetic drifts by far less than this; without a tolerance a rate like 3/s could
# refuse the burst-th request of a full bucket because 3 * (1/3) lands a hair above 1.0.
# It cannot accumulate: the TAT itself is stored exactly as computed, only the comparison is lax.
EPSILON_S = 1e-6


@dataclass(frozen=True, slots=True)
class Limit:
    """`rate` units per second sustained, up to `burst` units at once from a full bucket."""

    rate: float
    burst: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate) and self.rate > 0):
            raise ValueError(f"rate must be a positive finite number, got {self.rate!r}")
        if not (math.isfinite(self.burst) and self.burst > 0):
            raise ValueError(f"burst must be a positive finite number, got {self.burst!r}")

    @property
    def interval_s(self) -> float:
        """Seconds one unit occupies the bucket (the emission interval)."""
        return 1.0 / self.rate

    @property
    def tolerance_s(self) -> float:
        """How far ahead of now the TAT may run: the whole burst, in seconds."""
        return self.burst / self.rate


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one request against one key.

    `remaining` is how many units would still be admitted right now; `retry_after_s` is how long
    until this same request would be admitted (0 when allowed; 0 and `too_large` when it never
    will be, as waiting cannot help); `reset_after_s` is the time until the bucket is full again.
    `new_tat` is the TAT to store (unchanged when refused).
    """

    allowed: bool
    new_tat: float
    remaining: float
    retry_after_s: float
    reset_after_s: float
    too_large: bool = False


def _remaining(tat: float, now: float, limit: Limit) -> float:
    # Clamped: a TAT beyond the tolerance (possible after a forced charge) is a debt, not a
    # negative number of units a client could be shown.
    return max(0.0, limit.burst - (tat - now) * limit.rate)


def decide(tat: float | None, now: float, cost: float, limit: Limit) -> Decision:
    """Admit or refuse `cost` units at `now` against a key whose stored TAT is `tat`.

    A negative cost is a refund and is always applied; the TAT never moves below `now`, since a
    bucket cannot be fuller than full.
    """
    if not math.isfinite(cost):
        raise ValueError(f"cost must be finite, got {cost!r}")
    base = now if tat is None else max(tat, now)
    if cost > limit.burst:
        # Even an empty history could not admit it: say so rather than quote an infinite wait.
        return Decision(
            allowed=False,
            new_tat=base,
            remaining=_remaining(base, now, limit),
            retry_after_s=0.0,
            reset_after_s=base - now,
            too_large=True,
        )
    new_tat = max(base + cost * limit.interval_s, now)
    ahead = new_tat - now
    if ahead > limit.tolerance_s + EPSILON_S:
        return Decision(
            allowed=False,
            new_tat=base,
            remaining=_remaining(base, now, limit),
            retry_after_s=ahead - limit.tolerance_s,
            reset_after_s=base - now,
        )
    return _admitted(new_tat, now, limit)


def charge(tat: float | None, now: float, cost: float, limit: Limit) -> Decision:
    """Apply `cost` unconditionally: settling usage that already happened (or refunding it).

    The TAT may then run past the tolerance; later requests wait until that debt is repaid.
    """
    if not math.isfinite(cost):
        raise ValueError(f"cost must be finite, got {cost!r}")
    base = now if tat is None else max(tat, now)
    return _admitted(max(base + cost * limit.interval_s, now), now, limit)


def _admitted(new_tat: float, now: float, limit: Limit) -> Decision:
    return Decision(
        allowed=True,
        new_tat=new_tat,
        remaining=_remaining(new_tat, now, limit),
        retry_after_s=0.0,
        reset_after_s=new_tat - now,
    )
