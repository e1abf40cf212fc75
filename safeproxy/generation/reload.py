"""Reloader: read the config again, validate and compile it off the event loop, then swap.

Last-known-good: a config that fails to load, validate or compile changes nothing; the
current generation keeps serving and the failure is reported (a log line naming the YAML
path of each problem, `safeproxy_config_reloads_total{result="failure"}`, an audit record).
In-flight requests keep the generation they took at admission (generation.py).

One reload at a time. A reload asked for while another runs waits for it and then runs
once more for every caller that waited (the file may have changed after the running one
read it): a storm of SIGHUPs costs at most two compiles, and a half-built generation is
never visible, since only a finished one is swapped in.

Some sections are bound when the process starts (listen address, upstream pools, rate
limits, telemetry sinks, ...). A reload keeps the running values of those; when the file
changed them, the result says so in `not_applied` instead of ignoring it silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from safeproxy.generation.generation import Builder, Generation, GenerationError
from safeproxy.generation.holder import GenerationHolder
from safeproxy.settings.loading import ConfigError
from safeproxy.settings.schema import Settings

log = logging.getLogger("safeproxy.reload")
T = TypeVar("T")

# What a reload swaps in place; every other top-level section is bound at start.
SWAPPABLE = frozenset({"policies", "routes", "auth", "tenants"})
# Reads and validates the config (on the reload thread).
Load = Callable[[], Settings]
# Told of every finished reload or rollback, on the event loop's thread.
OnResult = Callable[["ReloadResult"], None]


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """The activation result of one reload (or rollback)."""

    ok: bool
    trigger: str  # sighup, api, watch, rollback
    generation: str  # the hash serving after it
    number: int
    previous: str | None = None  # the hash it replaced (None: nothing was swapped)
    problems: tuple[tuple[str, str], ...] = ()  # (YAML path, message): why it failed
    not_applied: tuple[str, ...] = ()  # changed sections that need a restart
    seconds: float = 0.0  # load, validate and compile
    finished_unix: float = 0.0

    @property
    def result(self) -> str:
        """The metric label: success or failure."""
        return "success" if self.ok else "failure"

    def to_json(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "trigger": self.trigger,
            "generation": self.generation,
            "number": self.number,
            "previous": self.previous,
            "swapped": self.previous is not None,
            "problems": [{"path": p, "message": m} for p, m in self.problems],
            "not_applied": list(self.not_applied),
            "seconds": round(self.seconds, 6),
            "finished_unix": self.finished_unix,
        }


@dataclass
class Reloader:
    holder: GenerationHolder
    load: Load
    builder: Builder
    # The settings the process started with: the source of every section bound at start.
    started: Settings
    observers: list[OnResult] = field(default_factory=list)
    clock: Callable[[], float] = time.perf_counter
    wall: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        # Builds never overlap (the compiler's caches see one user), even when a cancelled
        # reload left its thread compiling while the next one starts.
        self._building = threading.Lock()
        self._lock = asyncio.Lock()
        self._asked = 0  # reloads asked for so far
        self._covered = 0  # of those, how many the running or last reload answers
        self._last: ReloadResult | None = None
        self._numbers = itertools.count(self.holder.current.number + 1)
        self._tasks: set[asyncio.Task[ReloadResult]] = set()

    @property
    def last(self) -> ReloadResult | None:
        return self._last

    async def reload(self, trigger: str = "api") -> ReloadResult:
        """Reload now, or share the result of a reload that starts after this call."""
        self._asked += 1
        ticket = self._asked
        async with self._lock:
            if self._covered >= ticket and self._last is not None:
                return self._last
            self._covered = self._asked
            return self._finish(await self._attempt(trigger))

    def request(self, trigger: str, *, rollback: bool = False) -> None:
        """Ask for a reload (or a rollback) without waiting, from a signal handler."""
        task = asyncio.ensure_future(self.rollback() if rollback else self.reload(trigger))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def rollback(self) -> ReloadResult:
        """Swap back to the previous generation (reported like a reload)."""
        async with self._lock:
            before = self.holder.current
            restored = self.holder.rollback()
            if restored is None:
                problem = ("", "there is no previous generation to roll back to")
                return self._finish(self._failed("rollback", before, (problem,), 0.0))
            done = ReloadResult(True, "rollback", restored.hash, restored.number, before.hash,
                                finished_unix=self.wall())  # fmt: skip
            return self._finish(done)

    async def close(self) -> None:
        """Stop waiting for reloads in progress: shutdown must not wait for a compile (the
        build thread is a daemon; its result is dropped)."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _attempt(self, trigger: str) -> ReloadResult:
        current = self.holder.current
        t0 = self.clock()
        try:
            built, not_applied = await _off_loop(self._prepare)
        except (ConfigError, GenerationError) as exc:
            return self._failed(trigger, current, tuple(exc.problems), self.clock() - t0)
        except Exception as exc:  # a bug must not take the serving generation with it
            log.exception("config reload: unexpected error")
            problem = ("", f"unexpected error: {type(exc).__name__}")
            return self._failed(trigger, current, (problem,), self.clock() - t0)
        seconds = self.clock() - t0
        if built.hash == current.hash:  # same content: nothing to swap
            return ReloadResult(True, trigger, current.hash, current.number,
                                not_applied=not_applied, seconds=seconds,
                                finished_unix=self.wall())  # fmt: skip
        old = self.holder.swap(built)
        return ReloadResult(True, trigger, built.hash, built.number, old.hash,
                            not_applied=not_applied, seconds=seconds,
                            finished_unix=self.wall())  # fmt: skip

    def _prepare(self) -> tuple[Generation, tuple[str, ...]]:
        """On the reload thread: load, keep the sections bound at start, compile."""
        with self._building:
            loaded = self.load()
            effective, not_applied = pin_started(loaded, self.started)
            problems = started_references(effective, self.started)
            if problems:
                raise GenerationError(problems)
            return self.builder.build(effective, next(self._numbers)), not_applied

    def _failed(
        self, trigger: str, current: Generation, problems: tuple[tuple[str, str], ...], s: float
    ) -> ReloadResult:
        return ReloadResult(False, trigger, current.hash, current.number, problems=problems,
                            seconds=s, finished_unix=self.wall())  # fmt: skip

    def _finish(self, result: ReloadResult) -> ReloadResult:
        self._last = result
        _log(result)
        for observer in self.observers:
            try:
                observer(result)
            except Exception:  # a sink's bug must not hide the result from the others
                log.exception("config reload: a result observer failed")
        return result


async def _off_loop(work: Callable[[], T]) -> T:
    """`work()` on a new daemon thread at background priority; the loop awaits its result.
    Not an executor: an executor's threads are joined at exit, so a SIGTERM during a
    reload would wait for the compile; a daemon thread's result is simply dropped."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.cancelled():  # the reload was given up (shutdown): drop the result
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        _background_priority()
        result: T | None = None
        error: BaseException | None = None
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting coroutine, raised there
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="safeproxy-reload", daemon=True).start()
    return await done


def _background_priority() -> None:
    """The reload thread yields some CPU to serving: a compile (Hyperscan releases the GIL)
    would otherwise take a core from the event loop on a small machine for seconds. Nice 5
    (a third of a serving thread's share when both want the CPU), not more: a saturated
    proxy must still finish a reload in minutes, not hours. On Linux a thread id names one
    thread to setpriority; elsewhere the thread keeps its priority."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)


def pin_started(loaded: Settings, started: Settings) -> tuple[Settings, tuple[str, ...]]:
    """`loaded` with every section bound at start taken from `started`, and the paths of
    those `loaded` would have changed (a route's safety breaker is one: its state lives
    from start, by route label)."""
    fixed = [name for name in Settings.model_fields if name not in SWAPPABLE]
    not_applied: list[str] = []
    for name in fixed:
        not_applied += _differences(name, getattr(loaded, name), getattr(started, name))
    breakers = {r.label: r.safety_breaker for r in started.routes}
    for i, route in enumerate(loaded.routes):
        was = breakers.get(route.label)
        now = route.safety_breaker
        if (was is None and (now.enabled or now.force_open)) or (was is not None and was != now):
            not_applied.append(f"routes.{i}.safety_breaker")
    effective = loaded.model_copy(update={name: getattr(started, name) for name in fixed})
    return effective, tuple(not_applied)


def started_references(effective: Settings, started: Settings) -> list[tuple[str, str]]:
    """Policies that what runs from start names (a route safety breaker's strict policy)
    and the new config dropped: requests would have no policy to run."""
    return [
        (f"routes.{i}.safety_breaker.strict_policy",
         f"policy {r.safety_breaker.strict_policy!r} is still in use (bound at start); keep it")
        for i, r in enumerate(started.routes)
        if r.safety_breaker.strict_policy is not None
        and r.safety_breaker.strict_policy not in effective.policies
    ]  # fmt: skip


def _differences(name: str, new: Any, old: Any) -> list[str]:
    """The changed keys of a section, one level down (`server.port`), else the section."""
    if new == old:
        return []
    a = new.model_dump(mode="json") if hasattr(new, "model_dump") else new
    b = old.model_dump(mode="json") if hasattr(old, "model_dump") else old
    if isinstance(a, dict) and isinstance(b, dict):
        return [f"{name}.{k}" for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]
    return [name]


def _log(result: ReloadResult) -> None:
    if result.ok and result.previous is None and result.trigger != "rollback":
        log.info("config reload (%s): unchanged, generation %s", result.trigger, result.generation)
    elif result.ok:
        log.info(
            "config reload (%s): generation %s -> %s in %.0f ms",
            result.trigger, result.previous, result.generation, result.seconds * 1000,
        )  # fmt: skip
    else:
        # Paths and messages only: a config holds no prompt text, and secrets are named by
        # their variables, never by value.
        where = "; ".join(f"{p or '<file>'}: {m}" for p, m in result.problems)
        log.error(
            "config reload (%s) failed, generation %s keeps serving: %s",
            result.trigger, result.generation, where,
        )  # fmt: skip
    if result.not_applied:
        log.warning(
            "config reload (%s): not applied until restart: %s",
            result.trigger, ", ".join(result.not_applied),
        )  # fmt: skip
