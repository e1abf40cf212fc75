"""The in-process async deep-check queue: bounded, with N worker tasks.

`submit` never waits: a full queue refuses the job (the caller counts the drop), so the
request path is never slowed by a slow judge. On shutdown the workers get `drain_s` to
finish what is queued; what is left is handed to `on_dropped` (counted, never silent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from safeproxy.deepcheck.job import Job

log = logging.getLogger("safeproxy.deepcheck")

Process = Callable[[Job], Awaitable[None]]


class MemoryJobQueue:
    def __init__(
        self,
        max_size: int,
        workers: int,
        process: Process,
        *,
        on_dropped: Callable[[Job, str], None] | None = None,
    ) -> None:
        self._queue: asyncio.Queue[Job] = asyncio.Queue(max_size)
        self._workers = workers
        self._process = process
        self._on_dropped = on_dropped
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._work(), name=f"safeproxy-deepcheck-{i}")
            for i in range(self._workers)
        ]

    def submit(self, job: Job) -> bool:
        """Queue a job; False when the queue is full (the job is not taken)."""
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            return False
        return True

    def depth(self) -> int:
        return self._queue.qsize()

    async def _work(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._process(job)
            except asyncio.CancelledError:
                # Shut down past the drain, mid-job: counted like the jobs still queued.
                if self._on_dropped is not None:
                    self._on_dropped(job, "shutdown")
                raise
            except Exception:
                # process() records its own errors; this is a bug in recording itself.
                log.exception("deep check job failed (request %s)", job.request_id)
            finally:
                self._queue.task_done()

    async def close(self, drain_s: float = 5.0) -> None:
        if self._tasks:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(drain_s):
                    await self._queue.join()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks = []
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if self._on_dropped is not None:
                self._on_dropped(job, "shutdown")
