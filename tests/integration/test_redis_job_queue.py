"""RedisJobQueue against a real redis-server: jobs round-trip intact, the cap holds, failed and
malformed jobs are redelivered or given up on as promised, and consumers never share a job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as redis

from safeproxy.deepcheck.api import Turn
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.redis_queue import OnDead, QueueUnavailable, RedisJobQueue
from safeproxy.deepcheck.settings import RedisQueueSettings
from tests.redis_server import RedisServer, redis_server, redis_url

__all__ = ["redis_server", "redis_url"]  # fixtures, used by name

STREAM = "test:jobs"
GROUP = "workers"
LIMIT_S = 10.0  # every run() is bounded by this; a hang fails the test instead


def connect(url: str) -> Any:
    # No retries and short connect timeouts: the tests want failures reported, not retried.
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, retry_on_error=[])


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Any]:
    c = connect(redis_url)
    yield c
    await c.aclose()


def make_job(request_id: str, text: str = "hello") -> Job:
    return Job(
        request_id=request_id, check="guard", policy="default", route="chat", tenant="t1",
        limit_key="k1", stage="output", model="m", reason="rate", flagged=("pii.email",),
        turns=(Turn("user", "hi"), Turn("assistant", text)), created_unix=1700000000.5,
    )  # fmt: skip


def make_queue(
    client: Any, consumer: str, *, max_size: int = 100, on_dead: OnDead | None = None,
    **settings: Any,
) -> RedisJobQueue:  # fmt: skip
    config = RedisQueueSettings(stream=STREAM, group=GROUP, timeout_ms=1000, **settings)
    return RedisJobQueue(
        client, config, max_size=max_size, consumer=consumer, on_dead=on_dead, block_ms=100
    )


async def run_until(
    queue: RedisJobQueue, process: Callable[[Job], Awaitable[None]], stop: asyncio.Event,
    concurrency: int = 2,
) -> None:  # fmt: skip
    async with asyncio.timeout(LIMIT_S):
        await queue.run(process, concurrency=concurrency, stop=stop)


async def pending_count(client: Any) -> int:
    summary = await client.xpending(STREAM, GROUP)
    return int(summary["pending"])


async def test_submitted_jobs_reach_process_intact_and_are_acked(client: Any) -> None:
    queue = make_queue(client, "c1")
    jobs = [make_job(f"r{i}", text=f"text {i} ✓") for i in range(5)]
    for job in jobs:
        assert await queue.submit(job)
    assert await queue.depth() == 5
    seen: list[Job] = []
    stop = asyncio.Event()

    async def process(job: Job) -> None:
        seen.append(job)
        if len(seen) == len(jobs):
            stop.set()

    await run_until(queue, process, stop)
    assert sorted(seen, key=lambda j: j.request_id) == jobs
    assert await queue.depth() == 0
    assert await pending_count(client) == 0


async def test_a_full_queue_refuses_and_adds_nothing(client: Any) -> None:
    queue = make_queue(client, "c1", max_size=2)
    assert await queue.submit(make_job("a"))
    assert await queue.submit(make_job("b"))
    assert not await queue.submit(make_job("c"))
    assert await client.xlen(STREAM) == 2
    assert await queue.depth() == 2


async def test_a_stopped_redis_makes_the_queue_unavailable(redis_server: RedisServer) -> None:
    c = connect(redis_server.url)
    queue = make_queue(c, "c1")
    try:
        assert await queue.submit(make_job("before"))
        redis_server.stop()
        with pytest.raises(QueueUnavailable):
            await queue.submit(make_job("after"))
        with pytest.raises(QueueUnavailable):
            await queue.depth()
    finally:
        await queue.close()


async def test_malformed_entries_go_to_on_dead_and_are_acked(client: Any) -> None:
    dead: list[tuple[Job | None, str]] = []
    queue = make_queue(client, "c1", on_dead=lambda job, reason: dead.append((job, reason)))
    await queue.ensure_group()
    await client.xadd(STREAM, {"job": b"\xff not json"})
    await client.xadd(STREAM, {"job": b'{"request_id": 1}'})
    await client.xadd(STREAM, {"other": b"field"})
    assert await queue.submit(make_job("good"))
    seen: list[str] = []
    stop = asyncio.Event()

    async def process(job: Job) -> None:
        seen.append(job.request_id)
        stop.set()

    await run_until(queue, process, stop)
    assert dead == [(None, "bad_job")] * 3
    assert seen == ["good"]
    assert await client.xlen(STREAM) == 0
    assert await pending_count(client) == 0


async def test_a_failed_job_stays_pending_and_another_consumer_takes_it(client: Any) -> None:
    first = make_queue(client, "c1")
    assert await first.submit(make_job("flaky"))
    stop_first = asyncio.Event()

    async def fail(job: Job) -> None:
        stop_first.set()
        raise RuntimeError("judge down")

    await run_until(first, fail, stop_first)
    pending = await client.xpending_range(STREAM, GROUP, "-", "+", 10)
    assert [p["consumer"] for p in pending] == [b"c1"]
    assert await client.xlen(STREAM) == 1

    second = make_queue(client, "c2", claim_idle_ms=200)
    seen: list[str] = []
    stop_second = asyncio.Event()

    async def succeed(job: Job) -> None:
        # Claimed, not read: the delivery count says so.
        again = await client.xpending_range(STREAM, GROUP, "-", "+", 10)
        assert [(p["consumer"], p["times_delivered"]) for p in again] == [(b"c2", 2)]
        seen.append(job.request_id)
        stop_second.set()

    await run_until(second, succeed, stop_second)
    assert seen == ["flaky"]
    assert await client.xlen(STREAM) == 0
    assert await pending_count(client) == 0


async def test_a_job_failing_every_time_is_given_up_after_max_deliveries(client: Any) -> None:
    dead: list[tuple[Job | None, str]] = []
    stop = asyncio.Event()

    def on_dead(dead_job: Job | None, reason: str) -> None:
        dead.append((dead_job, reason))
        stop.set()

    queue = make_queue(client, "c1", on_dead=on_dead, claim_idle_ms=50, max_deliveries=3)
    job = make_job("poison")
    assert await queue.submit(job)
    attempts = 0

    async def fail(job: Job) -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("always")

    await run_until(queue, fail, stop)
    assert attempts == 3
    assert dead == [(job, "max_deliveries")]
    assert await client.xlen(STREAM) == 0
    assert await pending_count(client) == 0


async def test_two_consumers_split_the_jobs_without_duplicates(redis_url: str) -> None:
    clients = [connect(redis_url), connect(redis_url)]
    queues = [make_queue(c, f"c{i}") for i, c in enumerate(clients)]
    try:
        ids = [f"r{i}" for i in range(30)]
        for rid in ids:
            assert await queues[0].submit(make_job(rid))
        taken: dict[str, list[str]] = {"c0": [], "c1": []}
        both_busy = asyncio.Barrier(2)
        stop = asyncio.Event()

        def processor(name: str) -> Callable[[Job], Awaitable[None]]:
            async def process(job: Job) -> None:
                taken[name].append(job.request_id)
                if len(taken[name]) == 1:
                    # Each consumer's first job waits until the other holds one too, so
                    # both take part however the scheduler orders them.
                    await both_busy.wait()
                if sum(len(t) for t in taken.values()) == len(ids):
                    stop.set()

            return process

        await asyncio.gather(
            *(run_until(q, processor(f"c{i}"), stop, concurrency=1) for i, q in enumerate(queues))
        )
        everything = taken["c0"] + taken["c1"]
        assert sorted(everything) == sorted(ids)  # each exactly once
        assert taken["c0"] and taken["c1"]
        assert await clients[0].xlen(STREAM) == 0
        assert await pending_count(clients[0]) == 0
    finally:
        for q in queues:
            await q.close()


async def test_the_loop_survives_redis_errors_and_recreates_a_lost_group(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    queue = make_queue(client, "c1")
    assert await queue.submit(make_job("before"))
    seen: list[str] = []
    first_done = asyncio.Event()
    stop = asyncio.Event()

    async def process(job: Job) -> None:
        seen.append(job.request_id)
        first_done.set()
        if job.request_id == "after":
            stop.set()

    async def lose_the_group() -> None:
        await first_done.wait()
        # As after a Redis restart without persistence: reads fail with NOGROUP until the
        # loop creates the group again (from id 0, so the job added meanwhile is kept).
        await client.xgroup_destroy(STREAM, GROUP)
        assert await queue.submit(make_job("after"))

    await asyncio.gather(run_until(queue, process, stop), lose_the_group())
    assert seen == ["before", "after"]
    assert await client.xlen(STREAM) == 0
    assert "job queue: ResponseError; retrying" in caplog.text
