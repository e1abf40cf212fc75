"""The `rate_limits` section of the config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from safeproxy.settings.policy import EnvName
from safeproxy.settings.types import Name, Strict


class Rate(Strict):
    """`per_second` or `per_minute` units sustained, and up to `burst` at once (default: one
    period's worth: 600 per minute admits 600 at once, then 10 a second)."""

    per_second: float | None = Field(default=None, gt=0)
    per_minute: float | None = Field(default=None, gt=0)
    burst: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_period(self) -> Rate:
        if (self.per_second is None) == (self.per_minute is None):
            raise ValueError("set exactly one of per_second and per_minute")
        return self

    @property
    def rate(self) -> float:
        return self.per_second if self.per_second is not None else (self.per_minute or 0) / 60

    @property
    def size(self) -> float:
        # At least one unit: a bucket smaller than a request could never admit one.
        return self.burst or max(1.0, self.per_second or self.per_minute or 1.0)


class RateLimitRule(Strict):
    name: Name
    # What the limit counts against: the client's identity (its tenant, key or address),
    # or that identity per route.
    key: Literal["identity", "identity_route"] = "identity"
    requests: Rate | None = None
    # Tokens: an estimate (body bytes / 4 + max_tokens) is reserved before the call,
    # then settled with the reply's real `usage`.
    tokens: Rate | None = None
    concurrent: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _a_request_fits(self) -> RateLimitRule:
        if self.requests is not None and self.requests.size < 1:
            raise ValueError("requests.burst below 1 would refuse every request")
        return self


class RedisLimitSettings(Strict):
    # The URL may hold a password: it never sits in config. (Not SAFEPROXY_*: that prefix
    # is for config overrides.)
    url_env: EnvName = "REDIS_URL"
    prefix: str = "safeproxy:rl"
    timeout_ms: int = Field(default=100, gt=0)


def redis_client(settings: RedisLimitSettings, environ: Mapping[str, str]) -> Any:
    """A redis-py asyncio client for these settings (connections open on first use)."""
    import redis.asyncio as aioredis  # only when a Redis backend is configured

    timeout = settings.timeout_ms / 1000
    return aioredis.Redis.from_url(
        environ.get(settings.url_env) or "redis://127.0.0.1:6379",
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
    )


class RateLimitSettings(Strict):
    backend: Literal["memory", "redis"] = "memory"
    redis: RedisLimitSettings = RedisLimitSettings()
    # When Redis cannot answer: enforce per-process limits (`local`) or admit (`open`);
    # either way the request records it as degraded.
    on_unavailable: Literal["local", "open"] = "local"
    # max_tokens assumed for the reservation when a request sets none.
    default_max_tokens: int = Field(default=1024, gt=0)
    rules: list[RateLimitRule] = []
