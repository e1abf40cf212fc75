"""build_app(settings): wires every component into an aiohttp Application; nothing global."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from safeproxy.admin.breakers import BreakerAdmin
from safeproxy.admin.console.ops_pages import OpsParts
from safeproxy.admin.generation import GenerationAdmin
from safeproxy.admin.rollouts import RolloutAdmin
from safeproxy.capture.settings import CaptureSettings
from safeproxy.capture.store import CaptureLog
from safeproxy.deepcheck.runtime import DeepCheckRuntime
from safeproxy.edge.decision_headers import DecisionHeaders
from safeproxy.edge.handler import Handlers
from safeproxy.edge.pipeline import Pipeline
from safeproxy.edge.readiness import Readiness
from safeproxy.exchange.admission import Admission
from safeproxy.exchange.guard import Guard
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.databases import databases_for
from safeproxy.filters.detector_types import default_registry
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler
from safeproxy.filters.skeleton import Skeleton
from safeproxy.generation.generation import Builder, Generation
from safeproxy.generation.holder import GenerationHolder
from safeproxy.generation.reload import Load, Reloader, ReloadResult
from safeproxy.ratelimit.settings import redis_client
from safeproxy.resilience.breaker import Transition
from safeproxy.resilience.quarantine import Quarantine, SharedQuarantineStore
from safeproxy.resilience.quarantine_gate import QuarantineGate
from safeproxy.resilience.safety import SafetyBreakers
from safeproxy.review.service import ReviewService
from safeproxy.rollout.controller import Rollouts
from safeproxy.rollout.metrics import RolloutMetrics
from safeproxy.rollout.status import analyse_every

if TYPE_CHECKING:
    from safeproxy.rollout.shared import RedisRolloutCounts
from safeproxy.settings.loading import ConfigError, config_version
from safeproxy.settings.schema import Settings
from safeproxy.telemetry.drift import refresh_every
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.process import register_process_metrics
from safeproxy.telemetry.recent import RecentDecisions
from safeproxy.telemetry.recorder import Recorder, recorder_for
from safeproxy.upstream.client import UpstreamPool
from safeproxy.upstream.routes import Router

# How often the rollout analysis looks for a due interval (intervals are the config's).
ANALYSIS_POLL_S = 0.25


@dataclass(frozen=True, slots=True)
class Components:
    """What build_app made, for tests and the server runner to reach without globals."""

    settings: Settings
    metrics: Metrics
    pools: Mapping[str, UpstreamPool]
    readiness: Readiness
    pipeline: Pipeline
    generations: GenerationHolder
    generation_admin: GenerationAdmin
    breaker_admin: BreakerAdmin
    reloader: Reloader | None = None  # None: no config source to reload from
    deep: DeepCheckRuntime | None = None
    review: ReviewService | None = None
    rollouts: Rollouts | None = None

    @property
    def policies(self) -> Mapping[str, CompiledPolicy]:
        """The compiled policies of the generation serving now."""
        return self.generations.current.policies


COMPONENTS = web.AppKey("components", Components)


def build_app(
    settings: Settings,
    *,
    registry: CollectorRegistry | None = None,
    environ: Mapping[str, str] | None = None,
    tracer_provider: TracerProvider | None = None,
    clock: Callable[[], float] = time.monotonic,
    source: Load | None = None,
    capture_tag: str = "0",
    wall_clock: Callable[[], float] = time.time,
    console_key: bytes | None = None,
) -> web.Application:
    """`tracer_provider`: spans go there (tests pass one with an in-memory exporter);
    otherwise tracing follows the config and the OTEL_* variables. `clock` (monotonic
    seconds) drives breakers and rate limits; tests pass a fake one. `source` reads the
    config again for a reload (generation/reload.py); None: no reloads. `capture_tag`
    names this process's capture segments (a worker's number); `wall_clock` (unix seconds)
    stamps captured records and drives their retention. `console_key` signs the console's
    sessions (None: a random key of this process; `--workers N` shares one)."""
    registry = registry if registry is not None else CollectorRegistry()
    env = os.environ if environ is None else environ
    multiprocess_dir = env.get("PROMETHEUS_MULTIPROC_DIR")
    router = Router(settings)  # the routes at start: safety breakers are bound to them
    metrics = Metrics(
        registry, multiprocess=bool(multiprocess_dir), drift=settings.telemetry.drift,
        clock=clock,
    )  # fmt: skip
    recorder = recorder_for(settings.telemetry, metrics, env, tracer_provider)
    if settings.capture.enabled:
        recorder.capture = _capture(settings.capture, env, capture_tag, wall_clock)
        recorder.capture_reply = settings.capture.output

    def breaker_events(kind: str) -> Callable[[Transition], None]:
        """A breaker's state changes as metrics and, timestamped, in the audit log (when
        it tripped and when it reset: time-to-mitigate)."""

        def changed(t: Transition) -> None:
            metrics.breaker_changed(kind, t)
            if recorder.audit is not None:
                recorder.audit.event(
                    "breaker", breaker=kind, target=t.target, old=t.old.name.lower(),
                    new=t.new.name.lower(), reason=t.reason,
                )  # fmt: skip

        return changed

    upstream_breaker = breaker_events("upstream")

    pools = {
        up.name: UpstreamPool(up, environ, clock=clock, on_change=upstream_breaker)
        for up in settings.upstreams
    }
    for pool in pools.values():
        for breaker in pool.breakers():  # every target's series exists from the start
            metrics.breaker_open.labels("upstream", breaker.target).set(0)
    readiness = Readiness(settings.readiness, pools)
    admission = Admission(settings.rate_limits, clock=clock, environ=env)

    safety_breaker = breaker_events("safety")

    safety = SafetyBreakers(
        zip(settings.routes, router.routes(), strict=True), clock=clock, on_change=safety_breaker,
        times=metrics.safety_times,
    )  # fmt: skip
    for guard in safety.breakers():
        metrics.breaker_open.labels("safety", guard.target).set(
            0 if guard.forced_reason is None else 1
        )
        metrics.breaker_held("safety", guard.target, guard.forced)
    breaker_admin = BreakerAdmin(
        safety,
        lambda: [b for pool in pools.values() for b in pool.breakers()],
        on_held=functools.partial(metrics.breaker_held, "safety"),
        audit=recorder.audit,
    )

    judge_breaker = breaker_events("judge")

    q = settings.quarantine
    quarantine = Quarantine(q, clock)

    def quarantined(tenant: str) -> None:
        metrics.quarantines.inc()
        if recorder.audit is not None:  # the tenant is a name or a salted hash, never a key
            recorder.audit.event("quarantine", tenant=tenant, duration_s=q.duration_s)

    qstore: SharedQuarantineStore | None = None
    if q.enabled and q.backend == "redis":
        # redis is an optional extra, imported only when the config uses it.
        from safeproxy.resilience.quarantine_redis import RedisQuarantineStore

        r = settings.rate_limits.redis
        qclient = redis_client(r, env)
        qstore = RedisQuarantineStore(
            qclient, f"{r.prefix}:quarantine", window_s=q.window_s, violations=q.violations,
            duration_s=q.duration_s, timeout_s=r.timeout_ms / 1000, clock=clock,
        )  # fmt: skip
    elif not bool(multiprocess_dir):
        # In Redis the count of held identities is Redis' to tell; here, this process's.
        metrics.quarantined.set_function(quarantine.active)
    review = None
    if settings.review.enabled or settings.admin.enabled:
        review = ReviewService(settings.review, settings.admin, metrics, env)
    pipeline_ref: list[Pipeline] = []

    def late_violation(key: str, tenant: str) -> None:
        # An async deep check found what the request path let through.
        if pipeline_ref:
            pipeline_ref[0].count_violation(key, tenant)

    deep = None
    if any(p.deep_checks for p in settings.policies.values()) or settings.review.enabled:
        deep = DeepCheckRuntime(
            settings, metrics, env, audit=recorder.audit,
            review=review.feed if review is not None and settings.review.enabled else None,
            on_violation=late_violation, on_late_output=safety.late_violation,
            on_breaker=judge_breaker, clock=clock,
        )  # fmt: skip
    if deep is not None:
        for name in deep.judges:  # every judge's series exists from the start
            metrics.breaker_open.labels("judge", name).set(0)
    # Policies, routes, the tenant map and deep-check plans: one generation, swapped whole.
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), env, registry=default_registry(),
                        databases=databases_for(env))  # fmt: skip
    builder = Builder(compiler, recorder.tenants, deep.compile if deep is not None else None)
    generations = GenerationHolder(builder.build(settings, 1))
    first = generations.current
    metrics.generation_served(first.hash, first.versions)
    if deep is not None:
        deep.use(first.deep)
    # Candidate policies beside active ones: their state follows the generations.
    rollouts = Rollouts(RolloutMetrics(registry), env, clock=clock, audit=recorder.audit,
                        wall=wall_clock, shared=_shared_counts(settings, env),
                        times=metrics.safety_times)  # fmt: skip
    rollouts.sync(first)
    recorder.observers.append(rollouts.observe)

    def swapped(old: Generation, new: Generation) -> None:
        metrics.generation_served(new.hash, new.versions, (old.hash, old.versions))
        rollouts.sync(new)
        if deep is not None:
            deep.use(new.deep)

    generations.observe(swapped)
    reloader = None
    if source is not None:
        reloader = Reloader(generations, source, builder, settings)
        reloader.observers.append(functools.partial(_reported, metrics, recorder))
    generation_admin = GenerationAdmin(generations, reloader)
    if review is not None and settings.admin.enabled:
        # One admin listener: the generation endpoints join the review queue's.
        review.admin_routes += generation_admin.routes()
        review.admin_routes += breaker_admin.routes()
        rollout_admin = RolloutAdmin(rollouts)
        review.admin_routes += rollout_admin.routes()
        review.audit = recorder.audit
        review.on_label = rollouts.labelled
        review.console_key = console_key
        # The console's pages drive the same objects as these endpoints (issue 18).
        recorder.recent = RecentDecisions()
        review.console_ops = OpsParts(generation_admin, breaker_admin, rollout_admin,
                                      recorder.recent, settings.admin.trace_url)  # fmt: skip
    # Large texts scanned off the loop (issue 13).
    policy_guard = Guard(offload=True, keep_view=recorder.capture is not None)
    pipeline = Pipeline(
        settings.server, generations, pools, recorder, policy_guard, admission, safety,
        QuarantineGate(
            quarantine, strict_policy=q.strict_policy if q.action == "strict" else None,
            on_quarantine=quarantined, store=qstore, times=metrics.safety_times, clock=clock,
        ),
        deep=deep.service if deep is not None else None,
        # Versions come from each exchange's generation, none from here.
        decision_headers=DecisionHeaders({}, enabled=settings.telemetry.decision_headers.enabled),
        rollouts=rollouts,
    )  # fmt: skip
    pipeline_ref.append(pipeline)
    scrape = _scrape_registry(registry, multiprocess_dir)
    register_process_metrics(scrape, multiprocess_dir)
    handlers = Handlers(pipeline, pools, readiness, scrape)

    app = web.Application(client_max_size=settings.server.limits.max_body_bytes)
    app[COMPONENTS] = Components(
        settings, metrics, pools, readiness, pipeline, generations, generation_admin,
        breaker_admin, reloader, deep, review, rollouts,
    )  # fmt: skip
    app.add_routes(handlers.routes())

    async def upstream_sessions(app: web.Application) -> AsyncIterator[None]:
        if recorder.audit is not None:
            recorder.audit.start()
            recorder.audit.event(
                "config_loaded", config_version=config_version(settings),
                generation=first.hash, policies=dict(first.versions),
            )  # fmt: skip
        for pool in pools.values():
            await pool.start()
        if review is not None:
            await review.start()
        if deep is not None:
            await deep.start()
        probe = asyncio.create_task(readiness.run(), name="safeproxy-readiness")
        drift = None
        if metrics.drift is not None:
            drift = asyncio.create_task(refresh_every(metrics.drift, clock), name="safeproxy-drift")
        analysis = asyncio.create_task(analyse_every(rollouts, ANALYSIS_POLL_S),
                                       name="safeproxy-rollouts")  # fmt: skip
        try:
            yield
        finally:
            analysis.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await analysis
            if rollouts.shared is not None:
                await rollouts.shared.close()
            readiness.stop()
            await probe
            if drift is not None:
                drift.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await drift
            if reloader is not None:
                await reloader.close()
            for pool in pools.values():
                await pool.close()
            if deep is not None:
                # Queued checks get their drain; late verdicts still reach review,
                # quarantine and the pipeline's background counts, closed next.
                await deep.close()
            await pipeline.close()
            policy_guard.close()
            if review is not None:
                await review.close()
            await admission.close()
            if qstore is not None:
                await qstore.close()
            # Last: requests have drained, so every decision is in before the flush.
            recorder.close()

    app.cleanup_ctx.append(upstream_sessions)
    return app


def _shared_counts(settings: Settings, env: Mapping[str, str]) -> RedisRolloutCounts | None:
    """Rollout counts in the rate limits' Redis, when a rollout at start asks for it (one
    added by a reload without it finds none: its intervals are inconclusive and hold)."""
    if not any(r.analysis.store == "redis" for r in settings.rollouts.values()):
        return None
    from safeproxy.rollout.shared import RedisRolloutCounts  # redis: an optional extra

    r = settings.rate_limits.redis
    return RedisRolloutCounts(redis_client(r, env), r.prefix)


def _reported(metrics: Metrics, recorder: Recorder, result: ReloadResult) -> None:
    """A reload's result as a metric and, when the audit log is on, an audit record."""
    metrics.config_reloads.labels(result.result).inc()
    if recorder.audit is not None:
        recorder.audit.event("config_reload", **result.to_json())


def _capture(
    settings: CaptureSettings, env: Mapping[str, str], tag: str, clock: Callable[[], float]
) -> CaptureLog:
    """The tier-2 capture; a missing or invalid key is a config error, at start."""
    from safeproxy.capture.cipher import CaptureKeyError, sealer
    from safeproxy.capture.store import CaptureStore

    try:
        seal = sealer(settings.key_env, env)
    except CaptureKeyError as exc:
        raise ConfigError("<config>", [("capture.key_env", str(exc))]) from None
    return CaptureLog(CaptureStore(settings, seal, tag=tag, clock=clock))


def _scrape_registry(registry: CollectorRegistry, path: str | None) -> CollectorRegistry:
    # Under `--workers N` each process writes its samples to PROMETHEUS_MULTIPROC_DIR; the
    # scrape must then aggregate all of them, whichever worker answers.
    if not path:
        return registry
    merged = CollectorRegistry()
    MultiProcessCollector(merged, path=path)  # type: ignore[no-untyped-call]
    return merged
