"""Building and running deep checks: judges, compiled checks, the job queue, follow-ups.

One DeepCheckRuntime per process: the proxy builds one in build_app, `safeproxy worker`
builds one to consume a Redis queue. It owns the lifecycles (judge sessions, queue
workers, the Redis consumer) so callers only `start` and `close` it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from safeproxy.deepcheck.followup import FollowUp, OnLateOutput, OnViolation, ReviewSink
from safeproxy.deepcheck.guarded import GuardedJudge
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.judges.factory import build_judge
from safeproxy.deepcheck.plan import PolicyChecks
from safeproxy.deepcheck.queue import MemoryJobQueue
from safeproxy.deepcheck.service import DeepChecks, compile_checks
from safeproxy.filters.policy import PolicyError
from safeproxy.resilience.breaker import OnChange
from safeproxy.settings.policy import DeepCheck, PolicySettings
from safeproxy.settings.schema import Settings
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics

if TYPE_CHECKING:  # redis is an optional dependency: imported only when configured
    from safeproxy.deepcheck.redis_queue import RedisJobQueue

log = logging.getLogger("safeproxy.deepcheck")
_DEPTH_EVERY_S = 5.0


def _redis(url: str, timeout_s: float | None) -> Any:
    import redis.asyncio as aioredis  # only when the Redis queue is configured

    return aioredis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=2.0)


class DeepCheckRuntime:
    def __init__(
        self,
        settings: Settings,
        metrics: Metrics,
        environ: Mapping[str, str],
        *,
        audit: AuditLog | None = None,
        review: ReviewSink | None = None,
        on_violation: OnViolation | None = None,
        on_late_output: OnLateOutput | None = None,
        on_breaker: OnChange | None = None,
        clock: Callable[[], float] = time.monotonic,
        consume: bool | None = None,
    ) -> None:
        dc = settings.deep_checks
        self._metrics = metrics
        used = {c.judge for p in settings.policies.values() for c in p.deep_checks}
        self.judges = {
            name: GuardedJudge(
                name,
                build_judge(name, spec, environ),
                spec,
                metrics,
                clock=clock,
                on_change=on_breaker,
            )
            for name, spec in dc.judges.items()
            if name in used
        }

        process_salt = os.urandom(16)

        def salt(policy: str, spec: DeepCheck) -> bytes:
            # A shared secret makes every process and replica draw alike (and a replay draw
            # the same); without one each process draws on its own random salt.
            env = spec.sample.salt_env
            if env is not None and environ.get(env):
                return f"{environ[env]}:{policy}:{spec.label}".encode()
            return process_salt + f":{policy}:{spec.label}".encode()

        self._salt, self._clock = salt, clock
        self.policies: dict[str, PolicyChecks] = compile_checks(
            settings.policies, self.judges, salt, clock
        )
        self.followup = FollowUp(
            self.policies, metrics, audit=audit, review=review, on_violation=on_violation,
            on_late_output=on_late_output,
            review_shadow=settings.review.enabled and settings.review.shadow_hits,
        )  # fmt: skip
        q = dc.queue
        self._memory: MemoryJobQueue | None = None
        self._redis: RedisJobQueue | None = None
        self._consumer: RedisJobQueue | None = None
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._max_pending = q.max_size
        if q.backend == "memory":
            self._memory = MemoryJobQueue(
                q.max_size, q.workers, self.followup.process, on_dropped=self.followup.dropped
            )
            metrics.deep_check_queue_depth.set_function(self._memory.depth)
        else:
            from safeproxy.deepcheck.redis_queue import RedisJobQueue

            r = q.redis
            url = environ.get(r.url_env) or "redis://127.0.0.1:6379"
            name = f"{socket.gethostname()}-{os.getpid()}-{os.urandom(3).hex()}"
            self._redis = RedisJobQueue(
                _redis(url, r.timeout_ms / 1000), r, max_size=q.max_size, consumer=name
            )
            if r.consume if consume is None else consume:
                self._consumer = RedisJobQueue(
                    _redis(url, None), r, max_size=q.max_size, consumer=name,
                    on_dead=self.followup.dropped,
                )  # fmt: skip
        self._workers = q.workers
        review_settings = settings.review
        self.service = DeepChecks(
            self.policies, metrics, self.followup, self.submit,
            review_rate=review_settings.sample_allowed if review_settings.enabled else 0.0,
            review_salt=process_salt,
            review_wants_shadow=review_settings.enabled and review_settings.shadow_hits,
        )  # fmt: skip

    def compile(self, policies: Mapping[str, PolicySettings]) -> dict[str, PolicyChecks]:
        """A new generation's deep checks, on the judges built at start (judges own sessions
        and breakers: a check naming a judge not running here needs a restart)."""
        problems = [
            (f"policies.{name}.deep_checks.{i}.judge",
             f"judge {check.judge!r} is not running in this process; it needs a restart")
            for name, policy in policies.items()
            for i, check in enumerate(policy.deep_checks)
            if check.judge not in self.judges
        ]  # fmt: skip
        if problems:
            raise PolicyError(problems)
        return compile_checks(policies, self.judges, self._salt, self._clock)

    def use(self, policies: Mapping[str, PolicyChecks]) -> None:
        """Async jobs from now on find their checks in a new generation's."""
        self.policies = dict(policies)
        self.followup.use(policies)

    @property
    def active(self) -> bool:
        return bool(self.policies)

    def submit(self, job: Job) -> bool:
        if self._memory is not None:
            return self._memory.submit(job)
        if len(self._tasks) >= self._max_pending:
            return False  # Redis is not keeping up: bounded like the memory queue
        task = asyncio.ensure_future(self._submit_redis(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _submit_redis(self, job: Job) -> None:
        # Off the request's path: the reply does not wait for Redis.
        from safeproxy.deepcheck.redis_queue import QueueUnavailable

        assert self._redis is not None
        try:
            taken = await self._redis.submit(job)
        except QueueUnavailable:
            self.followup.dropped(job, "unavailable")
            return
        if not taken:
            self.followup.dropped(job, "queue_full")

    async def start(self) -> None:
        if self._memory is not None:
            self._memory.start()
        if self._consumer is not None:
            try:
                await self._consumer.ensure_group()
            except Exception as exc:  # Redis down at start: the consumer loop retries
                log.warning("deep-check queue not reachable at start (%s)", type(exc).__name__)
            task = asyncio.create_task(self.consume(), name="safeproxy-deepcheck-consumer")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if self._redis is not None:
            task = asyncio.create_task(self._watch_depth(), name="safeproxy-deepcheck-depth")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _watch_depth(self) -> None:
        """The shared queue's depth as a gauge: read every few seconds, not per request."""
        from safeproxy.deepcheck.redis_queue import QueueUnavailable

        assert self._redis is not None
        while not self._stop.is_set():
            with contextlib.suppress(QueueUnavailable):
                self._metrics.deep_check_queue_depth.set(await self._redis.depth())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(_DEPTH_EVERY_S):
                    await self._stop.wait()

    async def consume(self) -> None:
        """Take jobs from the Redis queue until close() (the proxy's consumer, or a worker)."""
        queue = self._consumer
        assert queue is not None
        await queue.run(self.followup.process_or_retry, concurrency=self._workers, stop=self._stop)

    def stop(self) -> None:
        """Take no new jobs; consume() returns once the jobs in hand are done."""
        self._stop.set()

    async def close(self) -> None:
        self._stop.set()
        if self._memory is not None:
            await self._memory.close()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        for q in (self._redis, self._consumer):
            if q is not None:
                await q.close()
        for judge in self.judges.values():
            await judge.close()
