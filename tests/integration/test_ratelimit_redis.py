"""RedisLimiter against a real redis-server: same decisions as the in-process limiter, atomic
across clients, and a dead server is reported quickly instead of hanging a request."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as redis

from safeproxy.ratelimit.gcra import Limit
from safeproxy.ratelimit.memory import MemoryLimiter
from safeproxy.ratelimit.redis_store import RedisLimiter
from safeproxy.ratelimit.unavailable import LimiterUnavailable
from tests.redis_server import RedisServer, redis_server, redis_url

__all__ = ["redis_server", "redis_url"]  # fixtures, used by name

# Slow enough that the real time passing during a test refills nothing worth counting.
SLOW = 0.001


def connect(url: str, timeout: float = 0.5) -> redis.Redis:
    # Short socket timeouts and no retries: the tests want failures reported, not retried.
    return redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, retry_on_error=[]
    )


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[redis.Redis]:
    c = connect(redis_url)
    yield c
    await c.aclose()


async def test_same_decisions_as_the_memory_limiter(client: redis.Redis) -> None:
    shared = RedisLimiter(client, "test")
    local = MemoryLimiter(clock=lambda: 0.0)
    limit = Limit(rate=SLOW, burst=10)
    for cost in [1, 3, 2, 100, 4, 1, 1, 0.5, 10]:
        mine = local.acquire("k", cost, limit)
        theirs = await shared.acquire("k", cost, limit)
        assert (theirs.allowed, theirs.too_large) == (mine.allowed, mine.too_large), cost
        assert theirs.remaining == pytest.approx(mine.remaining, abs=0.01)
        assert theirs.retry_after_s == pytest.approx(mine.retry_after_s, abs=10)
        assert theirs.reset_after_s == pytest.approx(mine.reset_after_s, abs=10)


async def test_state_is_stored_with_an_expiry_under_the_prefix(client: redis.Redis) -> None:
    limiter = RedisLimiter(client, "rl:test")
    await limiter.acquire("sk-secret-api-key", 1, Limit(rate=2, burst=5))
    keys = [k.decode() async for k in client.scan_iter()]
    assert keys == [limiter.redis_key("sk-secret-api-key")]
    assert keys[0].startswith("rl:test:") and "secret" not in keys[0]
    ttl_ms = await client.pttl(keys[0])
    assert 0 < ttl_ms <= 500


async def test_two_clients_hammering_one_key_admit_exactly_the_burst(redis_url: str) -> None:
    # 200 calls in flight at once: on a loaded machine the last of them can wait longer than
    # the short timeout the failure tests use. This test is about atomicity, not failure.
    clients = [connect(redis_url, timeout=10), connect(redis_url, timeout=10)]
    try:
        replicas = [RedisLimiter(c, "test") for c in clients]
        limit = Limit(rate=SLOW, burst=25)
        decisions = await asyncio.gather(
            *(replicas[i % 2].acquire("shared", 1, limit) for i in range(200))
        )
    finally:
        for c in clients:
            await c.aclose()
    assert sum(d.allowed for d in decisions) == 25


async def test_settle_refunds_unused_reservation(client: redis.Redis) -> None:
    limiter = RedisLimiter(client, "test")
    limit = Limit(rate=SLOW, burst=1000)
    reserved = await limiter.acquire("k", 800, limit)
    assert reserved.allowed
    assert not (await limiter.acquire("k", 300, limit)).allowed
    settled = await limiter.settle("k", reserved=800, actual=150, limit=limit)
    assert settled.remaining == pytest.approx(850, abs=0.01)
    assert (await limiter.acquire("k", 300, limit)).allowed
    overrun = await limiter.settle("k", reserved=300, actual=1000, limit=limit)
    assert overrun.remaining == 0
    assert not (await limiter.acquire("k", 1, limit)).allowed


async def test_prefixes_do_not_interfere(client: redis.Redis) -> None:
    limit = Limit(rate=SLOW, burst=3)
    first, second = RedisLimiter(client, "a"), RedisLimiter(client, "a:b")
    assert [(await first.acquire("k", 1, limit)).allowed for _ in range(4)].count(True) == 3
    assert [(await second.acquire("k", 1, limit)).allowed for _ in range(4)].count(True) == 3


async def test_dead_redis_raises_limiter_unavailable_quickly(redis_server: RedisServer) -> None:
    # The client keeps redis-py's default retries (with backoff); the limiter's own deadline
    # must still bound the call.
    c = redis.Redis.from_url(redis_server.url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        limiter = RedisLimiter(c, "test", timeout_s=1.0)
        assert (await limiter.acquire("k", 1, Limit(rate=1, burst=1))).allowed
        redis_server.stop()
        loop = asyncio.get_running_loop()
        for _ in range(2):  # the broken pooled connection, then a refused reconnect
            started = loop.time()
            with pytest.raises(LimiterUnavailable):
                await limiter.acquire("k", 1, Limit(rate=1, burst=1))
            assert loop.time() - started < 2.0
    finally:
        await c.aclose()


async def test_unresponsive_redis_is_bounded_by_the_limiter_deadline() -> None:
    # A listener that never accepts: connections complete in the kernel backlog, then nothing
    # answers. redis-py's default retries would take many socket timeouts; the limiter's own
    # deadline bounds the call.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        c = redis.Redis(host="127.0.0.1", port=port, socket_timeout=0.5)
        try:
            limiter = RedisLimiter(c, "test", timeout_s=0.3)
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(LimiterUnavailable):
                await limiter.acquire("k", 1, Limit(rate=1, burst=1))
            assert loop.time() - started < 1.5
        finally:
            await c.aclose()


async def test_several_buckets_in_one_round_trip_decide_as_one_by_one(
    client: redis.Redis,
) -> None:
    limiter = RedisLimiter(client, "many")
    slow = Limit(rate=0.001, burst=3.0)
    await limiter.acquire("b", 3.0, slow)  # bucket b is now empty
    first, second = await limiter.acquire_many([("a", 2.0, slow), ("b", 1.0, slow)])
    assert first.allowed and first.remaining == pytest.approx(1.0, abs=1e-3)
    assert not second.allowed and second.retry_after_s > 0
    # The refused bucket was not charged, the admitted one was.
    again = await limiter.acquire_many([("a", 1.0, slow), ("a", 1.0, slow)])
    assert [d.allowed for d in again] == [True, False]


async def test_a_client_leaving_mid_admission_takes_no_slot_with_it() -> None:
    # A Redis that accepts and never answers: the admission waits, and the client leaves.
    from safeproxy.exchange.admission import Admission
    from safeproxy.exchange.state import Exchange
    from safeproxy.ratelimit.settings import RateLimitSettings
    from safeproxy.upstream.openai import Kind
    from safeproxy.upstream.routes import Route, Target

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = RateLimitSettings.model_validate(
            {"backend": "redis", "redis": {"timeout_ms": 10_000},
             "rules": [{"name": "one", "concurrent": 1, "requests": {"per_second": 100}}]}
        )  # fmt: skip
        admission = Admission(settings, environ={"REDIS_URL": f"redis://127.0.0.1:{port}"})
        ex = Exchange(
            rid="r", kind=Kind.CHAT, started=0.0, route=Route("main", "d", (Target("u"),))
        )
        ex.limit_key = "addr:10.0.0.1"
        waiting = asyncio.ensure_future(admission.admit(ex))
        for _ in range(50):  # until the admission is inside the Redis call
            await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert admission._concurrency.in_flight("one:addr:10.0.0.1") == 0
        await admission.close()


async def test_a_dead_store_is_left_alone_for_a_while_after_a_failure() -> None:
    # A Redis that accepts and never answers. After the first timeout the limiter falls
    # back without asking Redis again until the back-off has passed.
    from safeproxy.exchange.admission import Admission
    from safeproxy.exchange.state import Exchange
    from safeproxy.ratelimit.settings import RateLimitSettings
    from safeproxy.upstream.openai import Kind
    from safeproxy.upstream.routes import Route, Target
    from tests.fake_clock import FakeClock

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        clock = FakeClock()
        settings = RateLimitSettings.model_validate(
            {"backend": "redis", "redis": {"timeout_ms": 50},
             "rules": [{"name": "r", "requests": {"per_second": 100}}]}
        )  # fmt: skip
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}"
        admission = Admission(settings, clock=clock, environ={"REDIS_URL": url})
        store = admission._redis
        assert store is not None
        calls = []
        real = store.acquire_many

        async def counted(wanted: Any) -> Any:  # a spy: the real client still does the work
            calls.append(len(wanted))
            return await real(wanted)

        store.acquire_many = counted  # type: ignore[method-assign]
        route = Route("main", "d", (Target("u"),))

        async def admit() -> list[str]:
            ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, route=route, limit_key="addr:x")
            admission.release(await admission.admit(ex))
            return ex.degraded

        first = await admit()
        during = [await admit() for _ in range(5)]
        asked_during = len(calls)
        clock.advance(1.0)
        await admit()
        await admission.close()
    assert first == ["rate_limit:limiter_local"]
    assert all(d == ["rate_limit:limiter_local"] for d in during)
    assert asked_during == 1  # only the first request waited for the dead store
    assert len(calls) == 2  # asked again once the back-off had passed
