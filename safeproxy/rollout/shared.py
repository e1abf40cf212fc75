"""Rollout counts in Redis, so every worker and replica analyses the whole route's traffic.

With `analysis.store: redis`, intervals are aligned to the wall clock (window = unix time //
interval_s), the same on every process. Each process adds its counts of a window to one Redis
hash per arm when the window ends, and reads the totals a moment later (controller.GRACE_S, so the
others have added theirs); every process then judges the same totals and reaches the same
verdict on its own (fleet.py settles any process that saw a late addition differently). A
Redis that does not answer makes the interval inconclusive: it holds, never passes. The keys
hold counts only (no identity), and expire after a few intervals.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from redis.exceptions import RedisError

from safeproxy.rollout.counts import ArmCounts

_KEEP_INTERVALS = 10


class RedisRolloutCounts:
    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def _key(self, route: str, rollout: str, window: int, arm: str) -> str:
        return f"{self._prefix}:rollout:{route}:{rollout}:{window}:{arm}"

    async def add(self, route: str, rollout: str, window: int, arms: dict[str, ArmCounts],
                  interval_s: float) -> bool:  # fmt: skip
        """Add this process's counts of `window`; False when Redis did not take them."""
        try:
            pipe = self._client.pipeline(transaction=False)
            for arm, counts in arms.items():
                key = self._key(route, rollout, window, arm)
                for name, value in _flat(counts).items():
                    if value:
                        pipe.hincrby(key, name, value)
                pipe.expire(key, max(60, int(interval_s * _KEEP_INTERVALS)))
            await pipe.execute()
        except (RedisError, OSError):
            return False
        return True

    async def read(self, route: str, rollout: str, window: int) -> dict[str, ArmCounts] | None:
        """Every process's counts of `window`, by arm (None: Redis did not answer)."""
        out = {}
        try:
            for arm in ("canary", "baseline"):
                raw = await self._client.hgetall(self._key(route, rollout, window, arm))
                out[arm] = _unflat({k.decode(): int(v) for k, v in raw.items()})
        except (RedisError, OSError, ValueError):
            return None
        return out

    async def close(self) -> None:
        await self._client.aclose()


def _flat(counts: ArmCounts) -> dict[str, int]:
    out = {f.name: getattr(counts, f.name) for f in fields(counts) if f.name != "latency"}
    out.update({f"latency{i}": n for i, n in enumerate(counts.latency)})
    return out


def _unflat(data: dict[str, int]) -> ArmCounts:
    c = ArmCounts.from_json(data)
    c.latency = [data.get(f"latency{i}", 0) for i in range(len(c.latency))]
    return c
