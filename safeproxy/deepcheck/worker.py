"""`safeproxy worker`: a process that only takes async deep-check jobs from the Redis queue.

It builds what a job's result needs (the judges, the audit log, the review queue, metrics)
from the same config file as the proxy, and no HTTP proxy. Its unsafe verdicts count
towards quarantine when that state is shared (quarantine.backend: redis). Route safety
breakers live in the proxy processes: run consumers inside the proxies (`consume: true`)
when a route's safety breaker must see async verdicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from safeproxy.deepcheck.followup import OnViolation
from safeproxy.deepcheck.runtime import DeepCheckRuntime
from safeproxy.review.service import ReviewService
from safeproxy.review.settings import AdminSettings
from safeproxy.settings.schema import Settings
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.audit_export import build_audit_log
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.process import register_process_metrics

log = logging.getLogger("safeproxy.worker")


class WorkerConfigError(ValueError):
    pass


async def run_worker(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    metrics_port: int | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int | None], None] | None = None,
) -> None:
    """Consume jobs until `stop` is set (or SIGTERM/SIGINT when no event is given)."""
    if settings.deep_checks.queue.backend != "redis":
        raise WorkerConfigError("safeproxy worker needs deep_checks.queue.backend: redis")
    env = os.environ if environ is None else environ
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    register_process_metrics(registry, None)
    audit = build_audit_log(settings.telemetry.audit, env, metrics)
    review = None
    if settings.review.enabled:  # the admin listener stays with the proxy
        review = ReviewService(settings.review, AdminSettings(), metrics, env)
    qstore, on_violation = _shared_quarantine(settings, env, metrics, audit)
    runtime = DeepCheckRuntime(
        settings, metrics, env, audit=audit,
        review=review.feed if review is not None else None, consume=True,
        on_violation=on_violation,
    )  # fmt: skip
    runner: web.AppRunner | None = None
    port: int | None = None
    if audit is not None:
        audit.start()
        audit.event("worker_started")
    if review is not None:
        await review.start()
    try:
        if metrics_port is not None:
            runner, port = await _metrics_site(registry, settings.server.host, metrics_port)
        consumer = asyncio.create_task(runtime.consume(), name="safeproxy-worker")
        log.info("safeproxy worker consuming %s", settings.deep_checks.queue.redis.stream)
        if on_ready is not None:
            on_ready(port)
        await stop.wait()
        runtime.stop()
        await consumer  # the jobs in hand finish (and are acknowledged) first
        await runtime.close()
    finally:
        if runner is not None:
            await runner.cleanup()
        if qstore is not None:
            await qstore.close()
        if review is not None:
            await review.close()
        if audit is not None:
            audit.event("shutdown")
            audit.close()


def _shared_quarantine(
    settings: Settings, env: Mapping[str, str], metrics: Metrics, audit: AuditLog | None
) -> tuple[Any, OnViolation | None]:
    """Unsafe verdicts count towards quarantine when its state is shared (Redis): a
    worker's count then holds for every proxy. In-memory quarantine is the proxies' own."""
    q = settings.quarantine
    if not (q.enabled and q.backend == "redis"):
        return None, None
    from safeproxy.ratelimit.settings import redis_client
    from safeproxy.resilience.quarantine import StoreUnavailable
    from safeproxy.resilience.quarantine_redis import RedisQuarantineStore

    r = settings.rate_limits.redis
    store = RedisQuarantineStore(
        redis_client(r, env), f"{r.prefix}:quarantine", window_s=q.window_s,
        violations=q.violations, duration_s=q.duration_s, timeout_s=r.timeout_ms / 1000,
        clock=time.monotonic,
    )  # fmt: skip
    pending: set[asyncio.Task[None]] = set()

    async def count(key: str, tenant: str) -> None:
        with contextlib.suppress(StoreUnavailable):
            if await store.violation(key) is not None:
                metrics.quarantines.inc()
                if audit is not None:
                    audit.event("quarantine", tenant=tenant, duration_s=q.duration_s)

    def on_violation(key: str, tenant: str) -> None:
        task = asyncio.ensure_future(count(key, tenant))
        pending.add(task)
        task.add_done_callback(pending.discard)

    return store, on_violation


async def _metrics_site(
    registry: CollectorRegistry, host: str, port: int
) -> tuple[web.AppRunner, int]:
    async def scrape(_: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app = web.Application()
    app.add_routes([web.get("/metrics", scrape)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, int(runner.addresses[0][1])
