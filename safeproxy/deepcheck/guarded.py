"""A judge behind its guards: verdict cache, circuit breaker, concurrency cap and timeout.

Every call ends in a JudgeOutcome, a verdict or a named error, never an exception: what an
error means for the request (`on_error: open | closed`) is the caller's to decide and
record. Errors that are the judge's fault (timeout, transport, bad reply) count towards
its breaker; `busy` and `breaker_open` are the guards themselves acting and do not.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from safeproxy.deepcheck.api import Judge, JudgeContext, JudgeError, JudgeResult, Turn
from safeproxy.deepcheck.cache import VerdictCache, cache_key
from safeproxy.deepcheck.settings import JudgeSettings
from safeproxy.resilience.breaker import Breaker, BreakerSettings, OnChange
from safeproxy.telemetry.metrics import Metrics

_NOT_THE_JUDGES_FAULT = frozenset({"busy", "breaker_open"})


@dataclass(frozen=True, slots=True)
class JudgeOutcome:
    """`verdict`: safe | unsafe | uncertain | error (then `error` names why)."""

    verdict: str
    categories: tuple[str, ...] = ()
    score: float | None = None
    latency_s: float = 0.0
    error: str | None = None
    cached: bool = False

    @classmethod
    def failed(cls, error: str, latency_s: float = 0.0) -> JudgeOutcome:
        return cls("error", latency_s=latency_s, error=error)

    @classmethod
    def of(cls, result: JudgeResult, *, cached: bool = False) -> JudgeOutcome:
        latency = 0.0 if cached else result.latency_s
        return cls(result.verdict.value, result.categories, result.score, latency, None, cached)


class GuardedJudge:
    def __init__(
        self,
        name: str,
        judge: Judge,
        settings: JudgeSettings,
        metrics: Metrics,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: OnChange | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self._judge = judge
        self._metrics = metrics
        self._timeout_s = settings.timeout_ms / 1000
        self._max = settings.max_concurrency
        self._in_flight = 0
        b = settings.breaker
        self.breaker: Breaker | None = None
        if b.enabled:
            self.breaker = Breaker(
                name,
                clock=clock,
                settings=BreakerSettings(
                    consecutive_failures=b.consecutive_failures,
                    failure_ratio=b.failure_ratio,
                    min_requests=b.min_requests,
                    window_s=b.window_s,
                    cooldown_s=b.cooldown_s,
                    max_cooldown_s=max(b.max_cooldown_s, b.cooldown_s),
                ),
                on_change=on_change,
            )
        c = settings.cache
        self._cache = VerdictCache(c.max_entries, c.ttl_s, clock) if c.enabled else None
        # The whole judge config: a verdict made under other settings is never reused.
        self._fingerprint = hashlib.sha256(settings.model_dump_json().encode()).digest()

    async def check(
        self, turns: Sequence[Turn], context: JudgeContext, budget_s: float | None = None
    ) -> JudgeOutcome:
        """`budget_s`: a sync check's latency budget, when shorter than the judge's timeout.
        A judge that overruns it counts as failing, like a timeout: a judge too slow for
        the budget is down as far as sync checks go, and its breaker then fails them fast
        instead of making every sampled request wait out the budget."""
        key = None
        if self._cache is not None:
            key = cache_key(self._fingerprint, context.stage, turns)
            hit = self._cache.get(key)
            self._metrics.deep_check_cache.labels(self.name, "miss" if hit is None else "hit").inc()
            if hit is not None:
                return JudgeOutcome.of(hit, cached=True)
        if self._in_flight >= self._max:
            return JudgeOutcome.failed("busy")
        if self.breaker is not None and not self.breaker.allow():
            return JudgeOutcome.failed("breaker_open")
        self._in_flight += 1
        started = time.perf_counter()
        error: str | None = None
        result: JudgeResult | None = None
        limit = self._timeout_s if budget_s is None else min(budget_s, self._timeout_s)
        try:
            async with asyncio.timeout(limit):
                result = await self._judge.judge(turns, context)
        except TimeoutError:
            error = "timeout" if limit == self._timeout_s else "budget_exceeded"
        except JudgeError as exc:
            error = exc.reason
        except asyncio.CancelledError:
            # The caller gave up (a sync budget, a client that left): no verdict either way.
            if self.breaker is not None:
                self.breaker.release()
            raise
        except Exception:  # a judge bug is an error outcome, decided by on_error
            error = "exception"
        finally:
            self._in_flight -= 1
        latency = time.perf_counter() - started
        self._metrics.deep_check_seconds.labels(self.name).observe(latency)
        if self.breaker is not None:
            if error in _NOT_THE_JUDGES_FAULT:
                self.breaker.release()
            else:
                self.breaker.record(error is None)
        if result is None:
            return JudgeOutcome.failed(error or "exception", latency)
        if key is not None and self._cache is not None:
            self._cache.put(key, result)
        return JudgeOutcome(
            result.verdict.value, result.categories, result.score, latency, None, False
        )

    async def close(self) -> None:
        await self._judge.close()
