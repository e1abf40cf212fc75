"""A worker process SIGKILLed mid-job loses nothing: another worker claims its pending jobs.

Worker A (a real process, tests/redis_worker_script.py) takes two jobs that never finish and
is killed while it holds them; worker B, started afterwards, claims them once idle and runs
every job. Each job is recorded at least once, and the queue ends empty with nothing pending.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import redis.asyncio as redis

from safeproxy.deepcheck.api import Turn
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.redis_queue import RedisJobQueue
from safeproxy.deepcheck.settings import RedisQueueSettings
from tests.redis_server import redis_server, redis_url
from tests.redis_worker_script import GROUP, MAX_SIZE, STREAM

__all__ = ["redis_server", "redis_url"]  # fixtures, used by name

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 20.0
POLL_S = 0.05


def make_job(request_id: str) -> Job:
    return Job(
        request_id=request_id, check="guard", policy="default", route="chat", tenant="t1",
        limit_key="k1", stage="input", model="m", reason="rate",
        turns=(Turn("user", f"text of {request_id}"),),
    )  # fmt: skip


def start_worker(url: str, consumer: str, tmp: Path, *extra: str) -> subprocess.Popen[bytes]:
    args = ["--url", url, "--consumer", consumer, "--result", str(tmp / "results.txt")]
    args += ["--marker", str(tmp / "marker.txt"), *extra]
    return subprocess.Popen([sys.executable, "-m", "tests.redis_worker_script", *args], cwd=ROOT)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def wait_until(
    what: str, done: Callable[[], Awaitable[bool]], workers: list[subprocess.Popen[bytes]]
) -> None:
    """Poll real external state (files, Redis) until `done`, for at most LIMIT_S."""
    deadline = time.monotonic() + LIMIT_S
    while not await done():
        for w in workers:
            assert w.poll() is None, f"worker exited with {w.returncode} while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out after {LIMIT_S}s waiting for {what}"
        await asyncio.sleep(POLL_S)


async def test_jobs_of_a_killed_worker_are_claimed_and_done(redis_url: str, tmp_path: Path) -> None:
    client: Any = redis.Redis.from_url(redis_url)
    queue = RedisJobQueue(
        client, RedisQueueSettings(stream=STREAM, group=GROUP), max_size=MAX_SIZE, consumer="test"
    )
    hanging = ["hang-1", "hang-2"]
    ids = [*hanging, *(f"ok-{i}" for i in range(6))]
    workers: list[subprocess.Popen[bytes]] = []
    results, marker = tmp_path / "results.txt", tmp_path / "marker.txt"
    try:
        for rid in ids:
            assert await queue.submit(make_job(rid))
        worker_a = start_worker(redis_url, "worker-a", tmp_path, "--hang")
        workers.append(worker_a)

        async def a_holds_the_hanging_jobs() -> bool:
            started = {line.removeprefix("started ") for line in lines(marker)}
            if started != set(hanging):
                return False  # until then A may not even have created the group
            pending = await client.xpending_range(STREAM, GROUP, "-", "+", 100, "worker-a")
            return len(pending) >= len(hanging)

        await wait_until("worker A to hold both hanging jobs", a_holds_the_hanging_jobs, workers)
        worker_a.kill()  # SIGKILL: no cleanup, no ack; its jobs stay pending under its name
        worker_a.wait(timeout=10)
        workers.remove(worker_a)
        pending = await client.xpending_range(STREAM, GROUP, "-", "+", 100)
        assert {p["consumer"] for p in pending} == {b"worker-a"}
        assert not set(hanging) & set(lines(results))

        # Jobs submitted after the crash must be taken too, alongside the claimed ones.
        late = ["late-1", "late-2"]
        for rid in late:
            assert await queue.submit(make_job(rid))
        ids += late
        workers.append(start_worker(redis_url, "worker-b", tmp_path, "--claim-idle-ms", "300"))

        async def all_recorded_and_acked() -> bool:
            if not set(ids) <= set(lines(results)):
                return False
            return await client.xlen(STREAM) == 0 and not await client.xpending_range(
                STREAM, GROUP, "-", "+", 100
            )

        await wait_until("worker B to record and ack every job", all_recorded_and_acked, workers)
        recorded = lines(results)
        assert set(recorded) == set(ids), "a job was lost or invented"
        # At least once: a job A recorded but had not acked when killed may appear twice.
        assert all(recorded.count(rid) >= 1 for rid in ids)
        assert all(recorded.count(rid) == 1 for rid in hanging)
    finally:
        for w in workers:
            w.kill()
            w.wait(timeout=10)
        await queue.close()
