"""Running the proxy: uvloop, the listening socket(s), signals, graceful drain, N workers."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import gc
import logging
import multiprocessing
import os
import secrets
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from safeproxy.admin.breaker_holds import FORCE_SIGNAL, FleetHolds, apply_holds, clear_holds
from safeproxy.admin.breakers import BreakerAdmin
from safeproxy.admin.generation import ROLLBACK_SIGNAL, Fleet
from safeproxy.app import COMPONENTS, build_app
from safeproxy.edge.protocol import DeadlineServer
from safeproxy.generation.reload import Reloader
from safeproxy.generation.source import ConfigSource
from safeproxy.generation.status import clear_status, write_status
from safeproxy.generation.watch import every, watch
from safeproxy.rollout.controller import Rollouts
from safeproxy.rollout.fleet import FleetRollouts, apply_state, clear_state
from safeproxy.settings.schema import ServerSettings, Settings
from safeproxy.telemetry.process import SUPERVISOR, write_pid_file

log = logging.getLogger("safeproxy.server")
# Reload, rollback and a kill-switch change: the supervisor forwards them to every worker.
_FORWARDED = frozenset({signal.SIGHUP, ROLLBACK_SIGNAL, FORCE_SIGNAL})


class ProxyRunner(web.AppRunner):
    """AppRunner whose server adds the request-head deadline to every connection."""

    def __init__(self, app: web.Application, server: ServerSettings) -> None:
        super().__init__(
            app,
            handler_cancellation=True,  # a client that leaves cancels its upstream call
            shutdown_timeout=server.drain_s,
            keepalive_timeout=server.keepalive_s,
            access_log=None,
            auto_decompress=False,  # body.read_body inflates itself, under a cap
            # After refusing a body (413/408) drain it briefly so the client can read the
            # error, but do not let a slow client hold the connection for long.
            lingering_time=1.0,
        )
        self._head_timeout_s = server.header_read_s
        self._max_pending_heads = server.max_pending_heads_per_address

    async def _make_server(self) -> web.Server:
        base = await super()._make_server()
        return DeadlineServer(
            base.request_handler,
            request_factory=base.request_factory,
            handler_cancellation=base.handler_cancellation,
            head_timeout_s=self._head_timeout_s,
            max_pending_heads=self._max_pending_heads,
            **base._kwargs,
        )


async def start(
    app: web.Application, server: ServerSettings, *, reuse_port: bool = False
) -> tuple[ProxyRunner, int]:
    """Start listening; returns the runner and the bound port (useful with port 0)."""
    runner = ProxyRunner(app, server)
    await runner.setup()
    site = web.TCPSite(runner, server.host, server.port, reuse_port=reuse_port, backlog=2048)
    await site.start()
    return runner, int(runner.addresses[0][1])


async def serve_until_signalled(
    settings: Settings,
    *,
    reuse_port: bool = False,
    on_ready: Callable[[int], None] | None = None,
    source: ConfigSource | None = None,
    worker: str | None = None,
    hup_pending: Callable[[], bool] | None = None,
    watch_s: float = 0.0,
    console_key: bytes | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT, then stop accepting and drain in-flight requests.
    SIGHUP reloads the config from `source` (generation/reload.py). `worker` names this
    process in the status files (`--workers N`); `hup_pending` tells of a SIGHUP that
    arrived before the loop could handle it. `watch_s` > 0: also reload when the config
    file changes, looking every `watch_s` seconds."""
    stop = asyncio.Event()
    hup = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # Before the app is built: a SIGHUP while it compiles is a reload once it serves,
    # not the default action (which ends the process).
    loop.add_signal_handler(signal.SIGHUP, hup.set)
    # A rollback asked for before the app serves has no previous generation to go to.
    loop.add_signal_handler(ROLLBACK_SIGNAL, lambda: None)
    # A kill-switch change (`--workers N`): applied from the shared hold file once built.
    held = asyncio.Event()
    loop.add_signal_handler(FORCE_SIGNAL, held.set)
    if hup_pending is not None and hup_pending():
        hup.set()
    load = functools.partial(source.load, check_policies=False) if source is not None else None
    app = build_app(settings, source=load, capture_tag=worker or "0", console_key=console_key)
    components = app[COMPONENTS]
    reloader = components.reloader
    status_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if reloader is not None:
        loop.add_signal_handler(ROLLBACK_SIGNAL, functools.partial(reloader.request, "rollback",
                                                                   rollback=True))  # fmt: skip
    if reloader is not None and status_dir and worker is not None:
        generations = components.generations
        # Admin calls reach one worker; it signals the supervisor, which tells them all.
        components.generation_admin.fleet = Fleet(status_dir, worker, os.getppid())

        def status(_: object = None) -> None:
            write_status(status_dir, worker, generations.current, reloader.last)

        status()
        reloader.observers.append(status)
        # The kill-switch: what the fleet holds now (a late start too), then each change.
        breakers = components.breaker_admin
        apply_holds(status_dir, worker, breakers)
        breakers.apply = FleetHolds(status_dir, os.getppid()).apply
        # Rollout phases the same way: what the fleet decided (a rollback), then each change.
        rollouts = components.rollouts
        if rollouts is not None:
            apply_state(status_dir, worker, rollouts)
            supervisor = os.getppid()
            fleet = FleetRollouts(status_dir, worker, rollouts,
                                  lambda: os.kill(supervisor, FORCE_SIGNAL))  # fmt: skip
            rollouts.on_change, rollouts.settled = fleet.publish, fleet.settled
    runner, port = await start(app, settings.server, reuse_port=reuse_port)
    # Everything built so far (compiled policies, tables, sessions) lives as long as the
    # process: keep it out of the collector's full passes, whose cost would otherwise grow
    # with it on every request-driven collection.
    gc.freeze()
    log.info("safeproxy listening on http://%s:%d", settings.server.host, port)
    if on_ready is not None:
        on_ready(port)
    tasks = []
    if components.generation_admin.fleet is not None and worker is not None and status_dir:
        holds = _holds_on_signal(
            held, status_dir, worker, components.breaker_admin, components.rollouts
        )
        tasks.append(asyncio.create_task(holds, name="safeproxy-holds"))
    if reloader is not None:
        tasks.append(asyncio.create_task(_reload_on_hup(hup, reloader), name="safeproxy-sighup"))
        if watch_s > 0 and source is not None:
            watched = watch(source.file(), reloader, every(watch_s))
            tasks.append(asyncio.create_task(watched, name="safeproxy-watch"))
    try:
        await stop.wait()
        log.info("draining (up to %.0fs)", settings.server.drain_s)
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runner.cleanup()


async def _reload_on_hup(hup: asyncio.Event, reloader: Reloader) -> None:
    """One reload per wake-up: SIGHUPs that arrive while one runs set the event once, so a
    storm of them costs one more reload, never a queue of them."""
    while True:
        await hup.wait()
        hup.clear()
        await reloader.reload("sighup")


async def _holds_on_signal(
    held: asyncio.Event,
    status_dir: str,
    worker: str,
    breakers: BreakerAdmin,
    rollouts: Rollouts | None,
) -> None:
    """Re-read the shared hold file (admin/breaker_holds.py) and rollout state file
    (rollout/fleet.py) on each forwarded signal."""
    while True:
        await held.wait()
        held.clear()
        apply_holds(status_dir, worker, breakers)
        if rollouts is not None:
            apply_state(status_dir, worker, rollouts)


def run_event_loop(main: Any) -> None:
    """Run a coroutine on uvloop where it exists (it does on Linux and macOS)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        asyncio.run(main)
        return
    uvloop.run(main)


def _worker(
    settings: Settings,
    number: int,
    metrics_dir: str,
    supervisor: int,
    source: ConfigSource | None = None,
    watch_s: float = 0.0,
    console_key: bytes | None = None,
) -> None:
    # First: a SIGHUP the supervisor forwarded while this worker started (pending, blocked)
    # is remembered, and handled once its loop runs.
    pending = threading.Event()
    signal.signal(signal.SIGHUP, lambda _s, _f: pending.set())
    signal.signal(ROLLBACK_SIGNAL, signal.SIG_IGN)  # nothing to roll back to yet
    signal.signal(FORCE_SIGNAL, signal.SIG_IGN)  # the hold file is read once built
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORWARDED)  # blocked by run(): see there
    _die_with(supervisor)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    write_pid_file(metrics_dir, str(number))  # its process_* metrics, labelled worker=<n>
    run_event_loop(
        serve_until_signalled(
            settings, reuse_port=True, source=source, worker=str(number),
            hup_pending=pending.is_set, watch_s=watch_s, console_key=console_key,
        )
    )  # fmt: skip


def _die_with(supervisor: int) -> None:
    """A worker whose supervisor is killed outright (SIGKILL, the OOM killer) must not go on
    serving the port alone, out of reach of any signal its operator sends: on Linux it gets
    SIGTERM when the supervisor dies (PR_SET_PDEATHSIG), and drains like on any SIGTERM."""
    if not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != supervisor:  # it died before the call could take effect
        os.kill(os.getpid(), signal.SIGTERM)


def run(
    settings: Settings,
    workers: int = 1,
    source: ConfigSource | None = None,
    watch_s: float = 0.0,
) -> int:
    """Blocking entry point of `safeproxy serve`; returns the exit status. `source`: where
    SIGHUP reloads the config from (every worker reloads it itself); `watch_s` > 0: every
    process also reloads when the file changes."""
    if workers <= 1:
        run_event_loop(serve_until_signalled(settings, source=source, watch_s=watch_s))
        return 0
    if settings.server.port == 0:
        log.error("--workers needs a fixed port")
        return 2
    # Metrics from all workers are merged at scrape time from this directory.
    with tempfile.TemporaryDirectory(prefix="safeproxy-metrics-") as metrics_dir:
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir)
        shared_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        for stale in Path(shared_dir).glob("worker-*.pid"):  # a given dir may be reused
            stale.unlink(missing_ok=True)
        clear_status(shared_dir)
        clear_holds(shared_dir)
        # The console's session key, the same in every worker: the admin port is shared, so
        # a browser's next request may reach any of them. Handed to each worker through
        # multiprocessing's pipe (never the environment or the command line).
        console_key = secrets.token_bytes(32)
        clear_state(shared_dir)
        ctx = multiprocessing.get_context("spawn")
        procs = [
            ctx.Process(
                target=_worker,
                args=(settings, n, shared_dir, os.getpid(), source, watch_s, console_key),
                daemon=False,
            )
            for n in range(1, workers + 1)
        ]

        def forward(signum: int, _frame: object) -> None:
            for p in procs:
                if p.pid is not None and p.is_alive():
                    os.kill(p.pid, signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        # Each worker reloads on its own; the status files show when all serve the new hash.
        signal.signal(signal.SIGHUP, forward)
        signal.signal(ROLLBACK_SIGNAL, forward)
        signal.signal(FORCE_SIGNAL, forward)
        # After the handlers: from here on, a SIGHUP to the pid in this file reloads.
        write_pid_file(shared_dir, SUPERVISOR)
        # Workers start with SIGHUP blocked (the mask survives fork and exec): one sent while
        # a worker imports stays pending, instead of ending it, until _worker handles it.
        signal.pthread_sigmask(signal.SIG_BLOCK, _FORWARDED)
        try:
            for p in procs:
                p.start()
        finally:  # a SIGHUP that came meanwhile is forwarded now
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORWARDED)
        for p in procs:
            p.join()
        failed = [p.exitcode for p in procs if p.exitcode not in (0, None)]
        return 1 if failed else 0
