"""A job-queue consumer in its own process, for the worker-crash test (run it with `-m`).

It records each job's request id in the result file (fsynced, so a record survives a
SIGKILL that follows it). With `--hang`, a job whose request id starts with `hang-` is
announced in the marker file and then never finishes: the process is to be killed mid-job.
SIGTERM stops it gracefully.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

import redis.asyncio as redis

from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.redis_queue import RedisJobQueue
from safeproxy.deepcheck.settings import RedisQueueSettings

STREAM = "crash:jobs"
GROUP = "workers"
MAX_SIZE = 1000


def append_line(path: Path, line: str) -> None:
    with path.open("a") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


async def main(args: argparse.Namespace) -> None:
    settings = RedisQueueSettings(
        stream=STREAM, group=GROUP, claim_idle_ms=args.claim_idle_ms, timeout_ms=2000
    )
    client = redis.Redis.from_url(args.url, socket_connect_timeout=2)
    queue = RedisJobQueue(client, settings, max_size=MAX_SIZE, consumer=args.consumer, block_ms=200)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    async def process(job: Job) -> None:
        if args.hang and job.request_id.startswith("hang-"):
            append_line(args.marker, f"started {job.request_id}")
            await asyncio.Event().wait()  # never set: this job dies with the process
        append_line(args.result, job.request_id)

    try:
        await queue.run(process, concurrency=4, stop=stop)
    finally:
        await queue.close()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--consumer", required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--marker", type=Path, required=True)
    parser.add_argument("--claim-idle-ms", type=int, default=30_000)
    parser.add_argument("--hang", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
