"""A judge behind its guards: every call ends in a verdict or a named error, never a raise."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from prometheus_client import CollectorRegistry

from safeproxy.deepcheck.api import (
    JudgeContext,
    JudgeError,
    JudgeResult,
    JudgeVerdict,
    Turn,
)
from safeproxy.deepcheck.cache import VerdictCache, cache_key
from safeproxy.deepcheck.guarded import GuardedJudge
from safeproxy.deepcheck.settings import HttpJudge
from safeproxy.telemetry.metrics import Metrics
from tests.fake_clock import FakeClock

CTX = JudgeContext("req-1", "input", "default", "m")
TURNS = [Turn("user", "hello")]


class ScriptedJudge:
    """A Judge whose answers the test sets: a result, an exception, or a wait on an event."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls = 0
        self.answer: JudgeResult | Exception = JudgeResult(JudgeVerdict.SAFE)
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()  # set when a call reached the judge
        self.closed = False

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        self.calls += 1
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    async def close(self) -> None:
        self.closed = True


def guarded(
    judge: ScriptedJudge, clock: FakeClock | None = None, **settings: object
) -> tuple[GuardedJudge, CollectorRegistry]:
    registry = CollectorRegistry()
    spec = HttpJudge.model_validate({"type": "http", "url": "http://127.0.0.1:9/j", **settings})
    g = GuardedJudge("j", judge, spec, Metrics(registry), clock=clock or FakeClock())
    return g, registry


async def test_a_verdict_is_cached_and_errors_are_not() -> None:
    judge = ScriptedJudge()
    g, registry = guarded(judge)
    judge.answer = JudgeError("transport")
    assert (await g.check(TURNS, CTX)).error == "transport"
    judge.answer = JudgeResult(JudgeVerdict.UNSAFE, ("S1",))
    first = await g.check(TURNS, CTX)
    again = await g.check([Turn("user", "  HELLO ")], CTX)  # the same after normalisation
    assert (first.verdict, first.cached) == ("unsafe", False)
    assert (again.verdict, again.categories, again.cached) == ("unsafe", ("S1",), True)
    assert judge.calls == 2
    hits = registry.get_sample_value(
        "safeproxy_deep_check_cache_total", {"judge": "j", "result": "hit"}
    )
    assert hits == 1


async def test_the_cache_expires_and_keys_cover_stage_and_config() -> None:
    clock = FakeClock()
    cache = VerdictCache(2, ttl_s=10, clock=clock)
    key = cache_key(b"cfg", "input", TURNS)
    assert key != cache_key(b"cfg", "output", TURNS)
    assert key != cache_key(b"other", "input", TURNS)
    assert key != cache_key(b"cfg", "input", [Turn("assistant", "hello")])
    cache.put(key, JudgeResult(JudgeVerdict.SAFE))
    clock.advance(9.9)
    assert cache.get(key) is not None
    clock.advance(0.2)
    assert cache.get(key) is None
    for i in range(3):  # LRU bound
        cache.put(bytes([i]), JudgeResult(JudgeVerdict.SAFE))
    assert len(cache) == 2 and cache.get(bytes([0])) is None


@pytest.mark.parametrize(
    ("raised", "error"),
    [(JudgeError("bad_reply"), "bad_reply"), (RuntimeError("bug"), "exception")],
)
async def test_judge_failures_are_named_errors(raised: Exception, error: str) -> None:
    judge = ScriptedJudge()
    judge.answer = raised
    g, _ = guarded(judge, cache={"enabled": False})
    outcome = await g.check(TURNS, CTX)
    assert (outcome.verdict, outcome.error) == ("error", error)


async def test_the_timeout_ends_a_hanging_judge() -> None:
    judge = ScriptedJudge()
    judge.gate = asyncio.Event()  # never set
    g, _ = guarded(judge, timeout_ms=20, cache={"enabled": False})
    assert (await g.check(TURNS, CTX)).error == "timeout"


async def test_past_the_concurrency_cap_a_check_is_busy_at_once() -> None:
    judge = ScriptedJudge()
    judge.gate = asyncio.Event()
    g, _ = guarded(judge, max_concurrency=1, cache={"enabled": False})
    first = asyncio.create_task(g.check(TURNS, CTX))
    await judge.entered.wait()  # the first call is at the judge
    assert (await g.check(TURNS, CTX)).error == "busy"
    judge.gate.set()
    assert (await first).verdict == "safe"
    assert judge.calls == 1


async def test_the_breaker_opens_on_failures_and_probes_after_its_cooldown() -> None:
    clock = FakeClock()
    judge = ScriptedJudge()
    judge.answer = JudgeError("status")
    g, _ = guarded(
        judge, clock, cache={"enabled": False},
        breaker={"consecutive_failures": 2, "cooldown_s": 30},
    )  # fmt: skip
    for _ in range(2):
        await g.check(TURNS, CTX)
    assert (await g.check(TURNS, CTX)).error == "breaker_open"
    assert judge.calls == 2
    clock.advance(31)
    judge.answer = JudgeResult(JudgeVerdict.SAFE)
    assert (await g.check(TURNS, CTX)).verdict == "safe"  # the probe closes it
    assert (await g.check(TURNS, CTX)).verdict == "safe"
    assert judge.calls == 4


async def test_a_cancelled_check_frees_its_breaker_slot() -> None:
    clock = FakeClock()
    judge = ScriptedJudge()
    judge.gate = asyncio.Event()
    g, _ = guarded(judge, clock, cache={"enabled": False}, breaker={"consecutive_failures": 1})
    judge.answer = JudgeError("status")
    judge.gate.set()
    await g.check(TURNS, CTX)  # opens the breaker
    clock.advance(10)  # half-open: one probe slot
    judge.gate = asyncio.Event()
    judge.entered.clear()
    probe = asyncio.create_task(g.check(TURNS, CTX))
    await judge.entered.wait()
    probe.cancel()  # a sync budget ran out
    with pytest.raises(asyncio.CancelledError):
        await probe
    judge.gate.set()
    judge.answer = JudgeResult(JudgeVerdict.SAFE)
    assert (await g.check(TURNS, CTX)).verdict == "safe"  # the slot was given back
    await g.close()
    assert judge.closed


async def test_overrunning_a_sync_budget_counts_against_the_judge() -> None:
    judge = ScriptedJudge()
    judge.gate = asyncio.Event()  # never answers in time
    g, _ = guarded(
        judge, cache={"enabled": False}, timeout_ms=5000, breaker={"consecutive_failures": 2}
    )
    for _ in range(2):
        assert (await g.check(TURNS, CTX, budget_s=0.01)).error == "budget_exceeded"
    # A judge too slow for the budget is down for sync checks: they now fail at once.
    assert (await g.check(TURNS, CTX, budget_s=0.01)).error == "breaker_open"
    assert judge.calls == 2
