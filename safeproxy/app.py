"""build_app(settings): wires every component into an aiohttp Application; nothing global."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.guard import Guard
from safeproxy.handler import Handlers
from safeproxy.pipeline import Pipeline
from safeproxy.readiness import Readiness
from safeproxy.settings import Settings
from safeproxy.telemetry.metrics import Metrics
from safeproxy.upstream.client import UpstreamPool
from safeproxy.upstream.routes import Router


@dataclass(frozen=True, slots=True)
class Components:
    """What build_app made, for tests and the server runner to reach without globals."""

    settings: Settings
    metrics: Metrics
    pools: Mapping[str, UpstreamPool]
    readiness: Readiness
    pipeline: Pipeline
    policies: Mapping[str, CompiledPolicy]


COMPONENTS = web.AppKey("components", Components)


def build_app(
    settings: Settings,
    *,
    registry: CollectorRegistry | None = None,
    environ: Mapping[str, str] | None = None,
) -> web.Application:
    registry = registry if registry is not None else CollectorRegistry()
    env = os.environ if environ is None else environ
    multiprocess_dir = env.get("PROMETHEUS_MULTIPROC_DIR")
    metrics = Metrics(registry, multiprocess=bool(multiprocess_dir))
    pools = {up.name: UpstreamPool(up, environ) for up in settings.upstreams}
    router = Router(settings)
    readiness = Readiness(settings.readiness, pools)
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), env)
    policies = compile_policies(settings.policies, compiler)
    pipeline = Pipeline(settings.server, router, pools, metrics, Guard(policies))
    scrape = _scrape_registry(registry, multiprocess_dir)
    handlers = Handlers(pipeline, pools, readiness, scrape)

    app = web.Application(client_max_size=settings.server.limits.max_body_bytes)
    app[COMPONENTS] = Components(settings, metrics, pools, readiness, pipeline, policies)
    app.add_routes(handlers.routes())

    async def upstream_sessions(app: web.Application) -> AsyncIterator[None]:
        for pool in pools.values():
            await pool.start()
        probe = asyncio.create_task(readiness.run(), name="safeproxy-readiness")
        try:
            yield
        finally:
            readiness.stop()
            await probe
            for pool in pools.values():
                await pool.close()

    app.cleanup_ctx.append(upstream_sessions)
    return app


def _scrape_registry(registry: CollectorRegistry, path: str | None) -> CollectorRegistry:
    # Under `--workers N` each process writes its samples to PROMETHEUS_MULTIPROC_DIR; the
    # scrape must then aggregate all of them, whichever worker answers.
    if not path:
        return registry
    merged = CollectorRegistry()
    MultiProcessCollector(merged, path=path)  # type: ignore[no-untyped-call]
    return merged
