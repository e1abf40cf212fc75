"""Quarantine state in Redis, shared by every worker and replica.

Per identity: a sorted set of violation times (a sliding window, trimmed and counted in one
atomic script on the server's clock) and, once quarantined, a key that expires when the
period ends. Identities are hashed, so keys never hold a credential or an address. When
Redis cannot answer, nobody is held (and the request records it): quarantine is a
deterrent, and an outage of its store must not lock clients out.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from safeproxy.resilience.quarantine import StoreUnavailable

# KEYS[1]: the violations set, KEYS[2]: the quarantine key. ARGV: window (ms), threshold,
# duration (ms), a unique member. Returns -1, or when this violation starts a quarantine the
# milliseconds since the identity's earliest violation in the window (its evidence, on the
# server's clock: the time to detect).
_VIOLATION = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('PEXPIRE', KEYS[1], window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) and redis.call('EXISTS', KEYS[2]) == 0 then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[3]))
  redis.call('DEL', KEYS[1])
  return now - tonumber(first[2])
end
return -1
"""


_BACKOFF_S = 1.0


class RedisQuarantineStore:
    def __init__(
        self, client: Any, prefix: str, *, window_s: float, violations: int, duration_s: float,
        timeout_s: float, clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_VIOLATION)
        self._args = (int(window_s * 1000), violations, int(duration_s * 1000))
        self._timeout_s = timeout_s
        self._node = os.urandom(8).hex()  # tells this process's violations from others'
        self._seq = 0
        self._clock = clock
        # After a failure Redis is left alone this long, so an outage does not cost every
        # request the whole timeout.
        self._down_until = 0.0

    async def close(self) -> None:
        await self._client.aclose()

    def _keys(self, identity: str) -> tuple[str, str]:
        digest = hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
        return f"{self._prefix}:v:{digest}", f"{self._prefix}:q:{digest}"

    async def holds(self, identity: str) -> bool:
        if self._clock() < self._down_until:
            raise StoreUnavailable("backing off after a failure")
        try:
            async with asyncio.timeout(self._timeout_s):
                return bool(await self._client.exists(self._keys(identity)[1]))
        except (RedisError, OSError, TimeoutError) as exc:
            self._down_until = self._clock() + _BACKOFF_S
            raise StoreUnavailable(type(exc).__name__) from exc

    async def violation(self, identity: str) -> float | None:
        self._seq += 1
        member = f"{self._node}:{self._seq}"  # unique per violation, across replicas too
        window, threshold, duration = self._args
        if self._clock() < self._down_until:
            raise StoreUnavailable("backing off after a failure")
        try:
            async with asyncio.timeout(self._timeout_s):
                started = await self._script(
                    keys=list(self._keys(identity)),
                    args=[window, threshold, duration, member],
                )
        except (RedisError, OSError, TimeoutError) as exc:
            self._down_until = self._clock() + _BACKOFF_S
            raise StoreUnavailable(type(exc).__name__) from exc
        return None if int(started) < 0 else int(started) / 1000
