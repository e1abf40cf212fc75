"""Rollout counts shared through a real Redis: two processes' worth of controllers, each seeing
part of a route's traffic, judge the same totals and reach the same verdict on their own
(neither alone has the sample size); with Redis stopped the interval is inconclusive and the
rollout holds."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from safeproxy.rollout.controller import Rollouts
from safeproxy.rollout.machine import ROLLED_BACK, RUNNING
from safeproxy.rollout.shared import RedisRolloutCounts
from tests.fake_clock import FakeClock
from tests.redis_server import RedisServer, redis_server, redis_url
from tests.unit.test_rollout_controller import Harness, generation, settings

__all__ = ["redis_server", "redis_url"]

BLOCKS = {"block_rate": {"max_increase": 0.1, "min_samples": 20}}
ANALYSIS: dict[str, Any] = {"interval_s": 10, "max_failed": 0, "store": "redis", "metrics": BLOCKS}


def process(url: str, wall: FakeClock) -> Harness:
    h = Harness(generation(settings({"steps": [50], "start": "auto", "analysis": ANALYSIS})))
    shared = RedisRolloutCounts(aioredis.Redis.from_url(url), "test")
    h.rollouts = Rollouts(h.rollouts.metrics, {}, clock=h.clock, wall=wall, shared=shared)
    h.rollouts.sync(h.gen)
    return h


async def test_processes_judge_the_shared_totals(redis_url: str) -> None:
    wall = FakeClock(1000.0)  # window 100 of 10 s
    one, two = process(redis_url, wall), process(redis_url, wall)
    assert await one.rollouts.analyse() == []  # opens window 100
    assert await two.rollouts.analyse() == []
    for i in range(30):  # the candidate blocks `hello`; each process sees 30 clients
        one.request("hello", f"a{i}")
        two.request("hello", f"b{i}")
    canary = sum(h.rollouts.rollouts["main"].arms["canary"].requests for h in (one, two))
    assert all(h.rollouts.rollouts["main"].arms["canary"].requests < 20 for h in (one, two))
    assert canary >= 20  # only the totals reach the sample size
    wall.advance(10)  # window 100 ended: each adds its counts
    assert await one.rollouts.analyse() == [] and await two.rollouts.analyse() == []
    wall.advance(1.5)  # past the grace: each judges the totals
    assert await one.rollouts.analyse() == [("main", "fail")]
    assert await two.rollouts.analyse() == [("main", "fail")]
    for h in (one, two):
        r = h.rollouts.rollouts["main"]
        assert r.machine.phase == ROLLED_BACK
        assert r.last is not None and r.last["metrics"][0]["samples"]["canary"] == canary
        assert h.rollouts.shared is not None
        await h.rollouts.shared.close()


async def test_redis_down_is_inconclusive_and_holds(redis_server: RedisServer) -> None:
    wall = FakeClock(1000.0)
    h = process(redis_server.url, wall)
    await h.rollouts.analyse()
    for i in range(60):
        h.request("hello", f"a{i}")
    redis_server.stop()
    wall.advance(11.5)
    closed = await h.rollouts.analyse()
    assert closed == [("main", "inconclusive")]
    assert h.rollouts.rollouts["main"].machine.phase == RUNNING
    assert h.rollouts.shared is not None
    await h.rollouts.shared.close()
