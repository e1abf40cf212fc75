"""GCRA in Redis, shared by every proxy replica: one atomic Lua script, one round trip.

The script reads the server's clock (TIME) rather than taking `now` from the caller, so replicas
whose clocks disagree still agree on every bucket. It mirrors gcra.decide / gcra.charge, in
microseconds so that epoch times keep sub-microsecond precision in Lua's doubles.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import Sequence
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from safeproxy.ratelimit.gcra import EPSILON_S, Decision, Limit
from safeproxy.ratelimit.unavailable import LimiterUnavailable

# One bucket per key: KEYS[i] is its TAT key, and ARGV[5(i-1)+1 .. 5i] its cost, rate
# (units/s), burst (units), force ('1': settle, apply unconditionally) and epsilon
# (microseconds). Several buckets are decided in one call (one round trip), each atomically
# and on the server's clock. Returns six strings per key (Redis truncates Lua numbers to
# integers): allowed, too_large, remaining, retry_after_s, reset_after_s, new_tat (epoch s).
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local function fmt(x)
  -- %.17g round-trips a double; tostring would keep only 14 digits of an epoch in microseconds.
  return string.format('%.17g', x)
end

local function bucket(key, cost, rate, burst, force, epsilon)
  local interval = 1000000 / rate
  local tolerance = burst * interval
  local tat = now
  local stored = redis.call('GET', key)
  if stored then
    tat = math.max(tonumber(stored), now)
  end
  local function reply(allowed, too_large, at, retry_after)
    return {allowed, too_large, fmt(math.max(0, burst - (at - now) / interval)),
            fmt(retry_after / 1000000), fmt((at - now) / 1000000), fmt(at / 1000000)}
  end
  if not force and cost > burst then
    return reply('0', '1', tat, 0)
  end
  local new_tat = math.max(tat + cost * interval, now)
  if not force and new_tat - now > tolerance + epsilon then
    return reply('0', '0', tat, new_tat - now - tolerance)
  end
  local ttl_ms = math.ceil((new_tat - now) / 1000)
  if ttl_ms > 0 then
    -- Expire when the bucket is full again: from then on a missing key means the same thing.
    redis.call('SET', key, fmt(new_tat), 'PX', ttl_ms)
  else
    redis.call('DEL', key)
  end
  return reply('1', '0', new_tat, 0)
end

local out = {}
for i, key in ipairs(KEYS) do
  local a = (i - 1) * 5
  local r = bucket(key, tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]),
                   ARGV[a + 4] == '1', tonumber(ARGV[a + 5]))
  for _, v in ipairs(r) do
    out[#out + 1] = v
  end
end
return out
"""


class RedisLimiter:
    """GCRA buckets in Redis under `prefix`, one atomic script call per decision.

    Client-chosen keys are hashed, so they cannot reach outside the prefix, collide with other
    data, or put credentials into Redis. `timeout_s` bounds each call end to end, whatever the
    client's own socket timeouts and retry policy add up to, so a dead Redis never stalls a
    request for longer than that.
    """

    def __init__(self, client: redis.Redis, prefix: str, *, timeout_s: float = 1.0) -> None:
        if not prefix:
            raise ValueError("prefix must be non-empty")
        self._client = client
        self._prefix = prefix
        self._timeout_s = timeout_s
        self._script = client.register_script(_SCRIPT)

    def redis_key(self, key: str) -> str:
        """The Redis key holding `key`'s TAT.

        The digest is fixed-length hex without ':', so distinct prefixes never share a key.
        """
        digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        return f"{self._prefix}:{digest}"

    async def acquire(self, key: str, cost: float, limit: Limit) -> Decision:
        """Admit or refuse `cost` units for `key`; an admitted cost is recorded."""
        return await self._run(key, cost, limit, force=False)

    async def acquire_many(self, wanted: Sequence[tuple[str, float, Limit]]) -> list[Decision]:
        """Several buckets in one script call (one round trip); each is decided atomically
        on its own, as with `acquire`, and a refused one is not charged."""
        return await self._call([(key, cost, limit, False) for key, cost, limit in wanted])

    async def settle(self, key: str, reserved: float, actual: float, limit: Limit) -> Decision:
        """Correct an admitted reservation to the actual usage (refund, or charge the overrun)."""
        return await self._run(key, actual - reserved, limit, force=True)

    async def _run(self, key: str, cost: float, limit: Limit, *, force: bool) -> Decision:
        return (await self._call([(key, cost, limit, force)]))[0]

    async def _call(self, buckets: Sequence[tuple[str, float, Limit, bool]]) -> list[Decision]:
        keys: list[str] = []
        args: list[str] = []
        for key, cost, limit, force in buckets:
            if not math.isfinite(cost):
                raise ValueError(f"cost must be finite, got {cost!r}")
            keys.append(self.redis_key(key))
            args += _args(cost, limit, force)
        try:
            async with asyncio.timeout(self._timeout_s):
                reply = await self._script(keys=keys, args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            raise LimiterUnavailable(f"rate limit store unavailable: {type(exc).__name__}") from exc
        return [_decision(reply[i : i + 6]) for i in range(0, len(reply), 6)]


def _args(cost: float, limit: Limit, force: bool) -> list[str]:
    return [repr(cost), repr(limit.rate), repr(limit.burst), "1" if force else "0",
            repr(EPSILON_S * 1e6)]  # fmt: skip


def _decision(reply: Any) -> Decision:
    allowed, too_large, remaining, retry_after, reset_after, new_tat = (
        _text(part) for part in reply
    )
    return Decision(
        allowed=allowed == "1",
        new_tat=float(new_tat),
        remaining=float(remaining),
        retry_after_s=float(retry_after),
        reset_after_s=float(reset_after),
        too_large=too_large == "1",
    )


def _text(part: object) -> str:
    # The client may or may not decode replies (decode_responses); accept both.
    return part.decode() if isinstance(part, bytes) else str(part)
