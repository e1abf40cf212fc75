"""`safeproxy worker`: a process that only takes async deep-check jobs from the Redis queue.

It builds what a job's result needs (the judges, the audit log, the review queue, metrics)
from the same config file as the proxy, and no HTTP proxy. Safety breakers live in the
proxy processes, so a worker's verdicts reach them only through shared quarantine state
(quarantine.backend: redis); run consumers inside the proxies (`consume: true`) when the
route's safety breaker must see async verdicts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from safeproxy.deepcheck.runtime import DeepCheckRuntime
from safeproxy.review.service import ReviewService
from safeproxy.review.settings import AdminSettings
from safeproxy.settings import Settings
from safeproxy.telemetry.audit import AuditLog
from safeproxy.telemetry.metrics import Metrics

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
    audit = AuditLog(settings.telemetry.audit) if settings.telemetry.audit.path else None
    review = None
    if settings.review.enabled:  # the admin listener stays with the proxy
        review = ReviewService(settings.review, AdminSettings(), metrics, env)
    runtime = DeepCheckRuntime(
        settings, metrics, env, audit=audit,
        review=review.feed if review is not None else None, consume=True,
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
        if review is not None:
            await review.close()
        if audit is not None:
            audit.event("shutdown")
            audit.close()


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
