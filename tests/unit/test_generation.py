"""The runtime generation: built once, swapped whole, last-known-good on a failed reload, and
one compile at a time under a storm of reload requests."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from safeproxy.app import COMPONENTS, build_app
from safeproxy.exchange.decision import TenantHasher
from safeproxy.exchange.state import Exchange
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler
from safeproxy.filters.skeleton import Skeleton
from safeproxy.generation.generation import Builder, Generation
from safeproxy.generation.holder import GenerationHolder
from safeproxy.generation.reload import Reloader, ReloadResult, pin_started
from safeproxy.generation.source import ConfigSource
from safeproxy.generation.status import read_status, write_status
from safeproxy.generation.watch import watch
from safeproxy.settings.loading import validate
from safeproxy.settings.schema import Settings
from safeproxy.upstream.openai import Kind


def config(
    *, word: str = "forbidden", port: int = 0, regex: str | None = None, **extra: Any
) -> dict[str, Any]:
    blocklist: dict[str, Any] = {"type": "blocklist", "words": [word]}
    if regex is not None:
        blocklist["patterns"] = [{"regex": regex}]
    return {
        "server": {"host": "127.0.0.1", "port": port},
        "upstreams": [{"name": "u0", "base_urls": ["http://127.0.0.1:9"]}],
        "routes": [{"name": "main", "upstream": "u0", "policy": "p"}],
        "policies": {"p": {"output": [blocklist]}},
        **extra,
    }


def builder() -> Builder:
    return Builder(Compiler(Normalizer(), Skeleton(skeleton_table()), {}), TenantHasher(b"s"))


class CountingLoad:
    """A config source that returns `settings` (or raises what `fail` holds) and counts
    calls; `gate`, when set, holds each call until the test releases it."""

    def __init__(self, settings: Settings, gate: bool = False) -> None:
        self.settings = settings
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        if not gate:
            self.release.set()

    def __call__(self) -> Settings:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(10)
        return self.settings


def test_a_generation_is_frozen_and_its_maps_are_read_only() -> None:
    gen = builder().build(validate(config()), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        gen.number = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        gen.policies["q"] = gen.policies["p"]  # type: ignore[index]
    assert gen.versions == {"p": gen.policies["p"].version}
    assert gen.router.route("any-model") is not None
    # Same content, same hash; a changed rule, a new hash and a new policy version.
    again = builder().build(validate(config()), 2)
    other = builder().build(validate(config(word="banned")), 3)
    assert again.hash == gen.hash and other.hash != gen.hash
    assert other.versions["p"] != gen.versions["p"]


def test_the_app_builds_one_generation_and_every_part_reads_it() -> None:
    app = build_app(validate(config()), registry=CollectorRegistry(), environ={})
    parts = app[COMPONENTS]
    gen = parts.generations.current
    assert gen.number == 1 and parts.generations.previous is None
    assert parts.policies is gen.policies
    sample = parts.metrics.registry.get_sample_value
    assert sample("safeproxy_config_info", {"generation": gen.hash}) == 1
    assert sample("safeproxy_policy_info", {"policy": "p", "version": gen.versions["p"]}) == 1
    assert parts.reloader is None  # no source given: nothing to reload from


def test_a_swap_replaces_the_whole_generation_and_an_admitted_request_keeps_its_own() -> None:
    b = builder()
    old = b.build(validate(config()), 1)
    new = b.build(validate(config(word="banned")), 2)
    holder = GenerationHolder(old)
    seen: list[tuple[int, int]] = []
    holder.observe(lambda a, z: seen.append((a.number, z.number)))
    admitted = Exchange(rid="r", kind=Kind.CHAT, started=0.0, generation=holder.current)
    assert holder.swap(new) is old
    assert holder.current is new and holder.previous is old
    assert admitted.generation is old  # pinned at admission
    assert seen == [(1, 2)]
    assert holder.rollback() is old and holder.previous is new
    assert seen == [(1, 2), (2, 1)]


async def test_a_failed_compile_keeps_the_old_generation_and_counts_a_failure() -> None:
    good = validate(config())
    # Valid YAML and schema; the pattern fails only when compiled.
    bad = validate(config(regex="(unclosed"), check_policies=False)
    load = CountingLoad(bad)
    registry = CollectorRegistry()
    app = build_app(good, registry=registry, environ={}, source=load)
    parts = app[COMPONENTS]
    before = parts.generations.current
    assert parts.reloader is not None
    result = await parts.reloader.reload("api")
    assert not result.ok and result.generation == before.hash and result.previous is None
    assert result.problems and result.problems[0][0].startswith("policies.p.output.0.patterns.0")
    assert parts.generations.current is before
    assert registry.get_sample_value("safeproxy_config_reloads_total", {"result": "failure"}) == 1
    assert registry.get_sample_value("safeproxy_config_reloads_total", {"result": "success"}) == 0
    # Fixed: the next reload swaps, and the info series follow.
    load.settings = validate(config(word="banned"))
    done = await parts.reloader.reload("api")
    assert done.ok and done.previous == before.hash
    assert parts.generations.current.hash == done.generation != before.hash
    assert registry.get_sample_value("safeproxy_config_reloads_total", {"result": "success"}) == 1
    info = {"generation": before.hash}
    assert registry.get_sample_value("safeproxy_config_info", info) is None
    await parts.reloader.close()


async def test_a_reload_storm_compiles_at_most_twice_and_never_shows_a_half_built_one() -> None:
    b = builder()
    first = b.build(validate(config()), 1)
    holder = GenerationHolder(first)
    load = CountingLoad(validate(config(word="banned")), gate=True)
    reloader = Reloader(holder, load, b, first.settings)
    loop = asyncio.get_running_loop()
    running = asyncio.ensure_future(reloader.reload("sighup"))
    await loop.run_in_executor(None, load.entered.wait, 10)  # the first is compiling
    storm = [asyncio.ensure_future(reloader.reload("sighup")) for _ in range(20)]
    await asyncio.sleep(0)  # one step each: all 20 now wait for the running reload
    assert holder.current is first  # nothing half-built is visible meanwhile
    load.release.set()
    results = [await running, *await asyncio.gather(*storm)]
    # One compile for the reload that was running, one more for everyone who asked meanwhile
    # (the file may have changed after the first one read it).
    assert load.calls == 2
    assert results[0].ok and results[0].previous == first.hash
    assert all(r is results[1] for r in results[1:])
    assert results[1].ok and results[1].previous is None  # same content: nothing to swap
    assert holder.current.hash == results[0].generation
    await reloader.close()


def test_sections_bound_at_start_are_kept_and_reported() -> None:
    started = validate(config(port=8080))
    loaded = validate(
        config(
            port=9999,
            word="banned",
            routes=[
                {
                    "name": "main",
                    "upstream": "u0",
                    "policy": "p",
                    "safety_breaker": {"enabled": True},
                }
            ],
        )
    )
    effective, not_applied = pin_started(loaded, started)
    assert not_applied == ("server.port", "routes.0.safety_breaker")
    assert effective.server.port == 8080  # kept: the listener is bound
    assert effective.policies == loaded.policies  # swapped


async def test_a_route_to_an_upstream_that_is_not_running_fails_with_its_path() -> None:
    b = builder()
    first = b.build(validate(config()), 1)
    holder = GenerationHolder(first)
    extra = config(
        upstreams=[
            {"name": "u0", "base_urls": ["http://127.0.0.1:9"]},
            {"name": "u1", "base_urls": ["http://127.0.0.1:9"]},
        ],
        routes=[{"name": "main", "upstream": "u1", "policy": "p"}],
    )
    reloader = Reloader(holder, CountingLoad(validate(extra)), b, first.settings)
    result = await reloader.reload()
    assert not result.ok
    assert ("routes.0.upstream", "unknown upstream 'u1'") in result.problems
    assert holder.current is first
    await reloader.close()


async def test_a_file_source_reports_yaml_errors_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config()))
    source = ConfigSource(path, environ={})
    b = builder()
    first = b.build(source.load(), 1)
    holder = GenerationHolder(first)
    reloader = Reloader(holder, source.load, b, first.settings)
    path.write_text("policies: [unclosed\n")
    result = await reloader.reload()
    assert not result.ok and "line 2" in result.problems[0][1]
    assert holder.current is first
    await reloader.close()


def test_status_files_name_each_workers_generation(tmp_path: Path) -> None:
    gen: Generation = builder().build(validate(config()), 1)
    write_status(tmp_path, "1", gen, None)
    write_status(tmp_path, "2", gen, None)
    (tmp_path / "generation-3.json").write_text("{half")  # skipped, not a crash
    status = read_status(tmp_path)
    assert sorted(status) == ["1", "2"]
    assert status["1"]["generation"] == gen.hash and status["1"]["last_reload"] is None


class Ticks:
    """The watcher's poll interval, stepped by the test: `step` lets one poll happen and
    returns once the watcher is back waiting (its reload, if any, finished)."""

    def __init__(self) -> None:
        self.go: asyncio.Queue[None] = asyncio.Queue()
        self.waiting: asyncio.Queue[None] = asyncio.Queue()

    async def __call__(self) -> None:
        self.waiting.put_nowait(None)
        await self.go.get()

    async def step(self) -> None:
        self.go.put_nowait(None)
        await self.waiting.get()


async def test_the_watcher_reloads_once_per_change_including_a_rename(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"

    def replace(cfg: dict[str, Any]) -> None:
        tmp = tmp_path / "new.yaml"
        tmp.write_text(yaml.safe_dump(cfg))
        os.replace(tmp, path)

    replace(config())
    source = ConfigSource(path, environ={})
    b = builder()
    first = b.build(source.load(), 1)
    holder = GenerationHolder(first)
    reloader = Reloader(holder, source.load, b, first.settings)
    results: list[ReloadResult] = []
    reloader.observers.append(results.append)
    ticks = Ticks()
    watcher = asyncio.ensure_future(watch(path, reloader, ticks))
    await ticks.waiting.get()  # it took its first look
    await ticks.step()
    assert results == []  # nothing changed
    replace(config(word="banned"))
    await ticks.step()
    assert [r.result for r in results] == ["success"] and holder.current is not first
    await ticks.step()
    assert len(results) == 1  # one reload per change
    path.unlink()  # caught mid-replacement: a failure, nothing changes
    second = holder.current
    await ticks.step()
    assert [r.result for r in results] == ["success", "failure"]
    assert holder.current is second
    replace(config(word="third"))
    await ticks.step()
    assert results[-1].ok and results[-1].trigger == "watch" and holder.current is not second
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    await reloader.close()


async def test_a_policy_a_running_safety_breaker_names_cannot_be_dropped() -> None:
    strict = {"output": [{"type": "blocklist", "words": ["strict"]}]}
    breaker = {"enabled": True, "action": "strict", "strict_policy": "s"}
    guarded = {"name": "main", "upstream": "u0", "policy": "p", "safety_breaker": breaker}
    started = validate(config(routes=[guarded], policies={"p": strict, "s": strict}))
    b = builder()
    holder = GenerationHolder(b.build(started, 1))
    dropped = config(policies={"p": strict})  # the route now has no breaker, nor policy "s"
    reloader = Reloader(holder, CountingLoad(validate(dropped)), b, started)
    result = await reloader.reload()
    assert not result.ok
    assert result.problems[0][0] == "routes.0.safety_breaker.strict_policy"
    await reloader.close()


async def test_shutdown_does_not_wait_for_a_compile_in_progress() -> None:
    b = builder()
    first = b.build(validate(config()), 1)
    holder = GenerationHolder(first)
    load = CountingLoad(validate(config(word="banned")), gate=True)
    reloader = Reloader(holder, load, b, first.settings)
    reloader.request("sighup")
    await asyncio.get_running_loop().run_in_executor(None, load.entered.wait, 10)
    await reloader.close()  # returns with the build thread still held in its load
    assert not load.release.is_set() and holder.current is first
    load.release.set()  # the daemon thread finishes; its result is dropped
