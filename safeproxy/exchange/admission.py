"""Rate limits at the door: requests, tokens and concurrency per identity (and route).

Each rule is a GCRA bucket (ratelimit/gcra.py) in memory, or in Redis shared by every
worker and replica. Tokens are reserved as an estimate before the upstream call (body
bytes / 4 + max_tokens) and settled with the reply's real `usage` afterwards.
Concurrency is counted per process. When Redis cannot answer, the configured fallback
applies (per-process limits, or admit) and the request records it as degraded: never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from safeproxy.errors import RateLimited
from safeproxy.exchange.state import Exchange
from safeproxy.ratelimit.gcra import Decision, Limit
from safeproxy.ratelimit.memory import ConcurrencyLimiter, MemoryLimiter
from safeproxy.ratelimit.settings import RateLimitRule, RateLimitSettings, redis_client
from safeproxy.ratelimit.unavailable import LimiterUnavailable

if TYPE_CHECKING:
    # redis is an optional extra: the store is imported only when the config names it.
    from safeproxy.ratelimit.redis_store import RedisLimiter

# Characters per token for the reservation estimate (OpenAI's rule of thumb for English);
# the reservation is corrected with the real usage afterwards.
_CHARS_PER_TOKEN = 4
_BACKOFF_S = 1.0


@dataclass(slots=True)
class Ticket:
    """What one admitted request holds: concurrency slots and token reservations."""

    entered: list[str] = field(default_factory=list)
    # Made by `enter_early`: the identity-keyed slots were taken before the body was read.
    early: bool = False
    # What was taken from buckets: (bucket key, units, limit, "redis" or "memory"). Requests
    # are given back if a later rule refuses; tokens are also settled with the real usage.
    requests: list[tuple[str, float, Limit, str]] = field(default_factory=list)
    tokens: list[tuple[str, float, Limit, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Rule:
    settings: RateLimitRule
    requests: Limit | None
    tokens: Limit | None


class Admission:
    def __init__(
        self,
        settings: RateLimitSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._settings = settings
        self._rules = [
            _Rule(
                r,
                Limit(r.requests.rate, r.requests.size) if r.requests else None,
                Limit(r.tokens.rate, r.tokens.size) if r.tokens else None,
            )
            for r in settings.rules
        ]
        self._memory = MemoryLimiter(clock)
        self._concurrency = ConcurrencyLimiter()
        self._redis: RedisLimiter | None = None
        self._client: Any = None
        if settings.backend == "redis" and self._rules:
            from safeproxy.ratelimit.redis_store import RedisLimiter

            timeout = settings.redis.timeout_ms / 1000
            self._client = redis_client(settings.redis, environ or {})
            self._redis = RedisLimiter(self._client, settings.redis.prefix, timeout_s=timeout)
        self._settling: set[asyncio.Task[None]] = set()
        self._clock = clock
        # After a failure, Redis is left alone this long: a store that is down must not cost
        # every request its whole timeout.
        self._down_until = 0.0

    @property
    def active(self) -> bool:
        return bool(self._rules)

    def enter_early(self, ex: Exchange) -> Ticket:
        """Before the body is read: the concurrency slots of rules keyed by identity alone
        (the identity comes from the headers), so a client that sends its bodies slowly
        holds its slots while it does, and cannot open more slow requests than its limit.
        Raises RateLimited (429); the ticket goes on to `admit` and must be `release`d."""
        ticket = Ticket(early=True)
        for rule in self._rules:
            cap = rule.settings.concurrent
            if cap is None or rule.settings.key != "identity":
                continue
            key = self._key(rule.settings, ex)
            if not self._concurrency.try_enter(key, cap):
                self.release(ticket)
                ex.limited_kind = "concurrent"
                raise RateLimited("concurrent", {"Retry-After": "1"})
            ticket.entered.append(key)
        return ticket

    async def admit(self, ex: Exchange, ticket: Ticket | None = None) -> Ticket:
        """Admit the request or raise RateLimited (429); the ticket must be `release`d.
        `ticket`: what `enter_early` took for this request (its slots are not taken twice).

        Every bucket the request needs is asked in one go: one round trip with Redis."""
        ticket = ticket if ticket is not None else Ticket()
        wanted: list[tuple[str, str, float, Limit]] = []  # (kind, bucket, cost, limit)
        try:
            for rule in self._rules:
                key = self._key(rule.settings, ex)
                cap = rule.settings.concurrent
                if cap is not None and not (ticket.early and rule.settings.key == "identity"):
                    if not self._concurrency.try_enter(key, cap):
                        raise RateLimited("concurrent", {"Retry-After": "1"})
                    ticket.entered.append(key)
                if rule.requests is not None:
                    wanted.append(("requests", f"{key}:r", 1.0, rule.requests))
                if rule.tokens is not None:
                    cost = min(self._estimate(ex), rule.tokens.burst)
                    wanted.append(("tokens", f"{key}:t", cost, rule.tokens))
            if wanted:
                decisions, where = await self._acquire(ex, [(b, c, lim) for _, b, c, lim in wanted])
                refused: RateLimited | None = None
                for (kind, bucket, cost, limit), decision in zip(wanted, decisions, strict=True):
                    if decision is None:
                        continue  # the shared store is down and the fallback is to admit
                    if decision.allowed:
                        taken = ticket.tokens if kind == "tokens" else ticket.requests
                        taken.append((bucket, cost, limit, where))
                    elif refused is None:
                        refused = RateLimited(kind, _headers(decision, limit))
                if refused is not None:
                    raise refused
        except BaseException as failed:
            # Refused, cancelled (the client left mid-call), or broken: nothing stays taken.
            if isinstance(failed, RateLimited):
                ex.limited_kind = failed.kind
            self.release(ticket)
            self._refund(ticket)
            raise
        return ticket

    def release(self, ticket: Ticket) -> None:
        for key in ticket.entered:
            self._concurrency.leave(key)
        ticket.entered.clear()

    def settle(self, ex: Exchange, ticket: Ticket) -> None:
        """Correct token reservations with the reply's usage. Without usage: nothing was
        spent if no reply came (blocked input, an upstream that could not be reached); a
        reply without usage keeps its reservation."""
        replied = ex.upstream_end > 0 or ex.ttft is not None
        if ex.tokens_in is None and ex.tokens_out is None and replied:
            return
        actual = float((ex.tokens_in or 0) + (ex.tokens_out or 0))
        for key, reserved, limit, where in ticket.tokens:
            self._settle(key, reserved, actual, limit, where)
        ticket.tokens.clear()

    async def close(self) -> None:
        if self._settling:
            await asyncio.gather(*self._settling, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    # --- internals ------------------------------------------------------------------------

    def _key(self, rule: RateLimitRule, ex: Exchange) -> str:
        if rule.key == "identity_route":
            return f"{rule.name}:{ex.limit_key}:{ex.route_label}"
        return f"{rule.name}:{ex.limit_key}"

    def _estimate(self, ex: Exchange) -> float:
        # The body's size stands for the prompt's (JSON framing is a small share of it).
        body = ex.body
        asked = body.get("max_completion_tokens", body.get("max_tokens"))
        out = asked if isinstance(asked, int) and asked > 0 else self._settings.default_max_tokens
        return float(ex.body_bytes // _CHARS_PER_TOKEN + out)

    async def _acquire(
        self, ex: Exchange, wanted: list[tuple[str, float, Limit]]
    ) -> tuple[list[Decision | None], str]:
        if self._redis is None:
            return [self._memory.acquire(k, c, lim) for k, c, lim in wanted], "memory"
        try:
            if self._clock() < self._down_until:
                raise LimiterUnavailable("backing off after a failure")
            return list(await self._redis.acquire_many(wanted)), "redis"
        except LimiterUnavailable:
            if self._clock() >= self._down_until:
                self._down_until = self._clock() + _BACKOFF_S
            if self._settings.on_unavailable == "open":
                _degrade(ex, "rate_limit:limiter_open")
                return [None] * len(wanted), "none"
            _degrade(ex, "rate_limit:limiter_local")
            return [self._memory.acquire(k, c, lim) for k, c, lim in wanted], "memory"

    def _refund(self, ticket: Ticket) -> None:
        """A refused request takes nothing: give back what earlier rules took for it."""
        for key, reserved, limit, where in (*ticket.requests, *ticket.tokens):
            self._settle(key, reserved, 0.0, limit, where)
        ticket.requests.clear()
        ticket.tokens.clear()

    def _settle(self, key: str, reserved: float, actual: float, limit: Limit, where: str) -> None:
        if where == "memory":
            self._memory.settle(key, reserved, actual, limit)
        elif where == "redis" and self._redis is not None:
            # Off the request's path: the reply is already on its way.
            task = asyncio.ensure_future(self._redis_settle(key, reserved, actual, limit))
            self._settling.add(task)
            task.add_done_callback(self._settling.discard)

    async def _redis_settle(self, key: str, reserved: float, actual: float, limit: Limit) -> None:
        assert self._redis is not None
        # If Redis is down the reservation stands: the limit errs on the strict side.
        with contextlib.suppress(LimiterUnavailable):
            await self._redis.settle(key, reserved, actual, limit)


def _degrade(ex: Exchange, reason: str) -> None:
    if reason not in ex.degraded:
        ex.degraded.append(reason)


def _headers(decision: Decision, limit: Limit) -> dict[str, str]:
    """IETF RateLimit fields (draft) and Retry-After, in whole seconds rounded up."""
    return {
        "Retry-After": str(max(1, math.ceil(decision.retry_after_s))),
        "RateLimit-Limit": str(int(limit.burst)),
        "RateLimit-Remaining": str(max(0, int(decision.remaining))),
        "RateLimit-Reset": str(max(0, math.ceil(decision.reset_after_s))),
    }
