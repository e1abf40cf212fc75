"""The Redis Streams job queue for async deep checks: submit, consume at least once, reclaim.

One stream holds the jobs; one consumer group shares them among every replica and every
`safeproxy worker`. Delivery is at-least-once: a job is acknowledged (XACK) only after
`process` returned, so a consumer that dies mid-job leaves it in the group's pending list,
where another consumer claims it (XAUTOCLAIM) once it has been idle for `claim_idle_ms`.
`claim_idle_ms` must therefore exceed the longest a job may run (the judge's timeout), or a
slow job is taken over and judged twice. An acknowledged job is also deleted (XDEL), so the
stream holds only jobs not yet done and XLEN is the queue depth that `submit` caps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError, ResponseError

from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.settings import RedisQueueSettings

log = logging.getLogger("safeproxy.deepcheck.queue")

# KEYS[1]: the stream. ARGV: max size, the job. The check and the add are one atomic step, so
# replicas submitting at once never push the stream past the cap. Returns 1 if added.
_SUBMIT = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
return 1
"""

_FIELD = b"job"
_BACKOFF_MIN_S = 0.2
_BACKOFF_MAX_S = 5.0

OnDead = Callable[[Job | None, str], None]
Process = Callable[[Job], Awaitable[None]]
_Errors = (RedisError, OSError, TimeoutError)


class QueueUnavailable(Exception):
    """Redis could not take or count the job (unreachable, timed out, refused the command).

    The caller drops the job and counts it with reason `unavailable`.
    """


class RedisJobQueue:
    """Jobs in the stream `settings.stream`, consumed by the group `settings.group`.

    `consumer` names this process within the group and must be unique to it (host, pid and a
    random part): pending jobs are owned by name, and two live processes sharing a name would
    take over each other's jobs. `on_dead(job, reason)` is told about every job given up on:
    `(None, "bad_job")` for an entry that is not a job, `(job, "max_deliveries")` for one
    delivered more than `max_deliveries` times. Each Redis call is bounded by `timeout_ms`,
    the blocking read by `block_ms` more, whatever the client's own socket timeouts are (a
    consumer's client needs a socket timeout above `block_ms`, or none).
    """

    def __init__(
        self, client: Any, settings: RedisQueueSettings, *, max_size: int, consumer: str,
        on_dead: OnDead | None = None, block_ms: int = 1000,
    ) -> None:  # fmt: skip
        if max_size < 1 or block_ms < 1 or not consumer:
            raise ValueError("max_size and block_ms must be positive, consumer non-empty")
        self._client = client
        self._settings = settings
        self._max_size = max_size
        self._consumer = consumer
        self._on_dead = on_dead
        self._block_ms = block_ms
        self._timeout_s = settings.timeout_ms / 1000
        self._submit = client.register_script(_SUBMIT)

    async def submit(self, job: Job) -> bool:
        """Add `job` in one round trip; False when the queue is full (nothing was added)."""
        try:
            async with asyncio.timeout(self._timeout_s):
                added = await self._submit(
                    keys=[self._settings.stream], args=[self._max_size, job.to_bytes()]
                )
        except _Errors as exc:
            raise QueueUnavailable(f"job queue unavailable: {type(exc).__name__}") from exc
        return bool(added)

    async def depth(self) -> int:
        """Jobs waiting or in progress (acknowledged jobs are deleted, so XLEN counts them)."""
        try:
            async with asyncio.timeout(self._timeout_s):
                return int(await self._client.xlen(self._settings.stream))
        except _Errors as exc:
            raise QueueUnavailable(f"job queue unavailable: {type(exc).__name__}") from exc

    async def ensure_group(self) -> None:
        """Create the stream and the group unless they exist.

        The group starts at id 0, not `$`: a replica may submit before any consumer created
        the group, and those jobs must be delivered too. Every entry still in the stream is
        unfinished work (finished ones are deleted), so starting at 0 repeats nothing.
        """
        try:
            async with asyncio.timeout(self._timeout_s):
                await self._client.xgroup_create(
                    self._settings.stream, self._settings.group, id="0", mkstream=True
                )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def close(self) -> None:
        await self._client.aclose()

    async def run(self, process: Process, *, concurrency: int, stop: asyncio.Event) -> None:
        """Take jobs and `await process(job)` on each, at most `concurrency` at once, until
        `stop` is set; then finish the jobs in hand and return (within about `block_ms`).

        A job is acknowledged only once `process` returned. If it raises, the job is left
        pending and is claimed again after `claim_idle_ms`, by this consumer or another.
        Redis errors are logged and retried after a back-off; they never end the loop.
        """
        if concurrency < 1:
            raise ValueError("concurrency must be positive")
        inflight: dict[Any, asyncio.Task[None]] = {}
        slot_freed = asyncio.Event()
        backoff_s = _BACKOFF_MIN_S
        need_group = True

        def start(entry_id: Any, job: Job) -> None:
            def done(_: object) -> None:
                inflight.pop(entry_id, None)
                slot_freed.set()

            inflight[entry_id] = group.create_task(self._handle(entry_id, job, process))
            inflight[entry_id].add_done_callback(done)

        async with asyncio.TaskGroup() as group:
            while not stop.is_set():
                free = concurrency - len(inflight)
                if free <= 0:
                    slot_freed.clear()
                    await _either(stop, slot_freed)
                    continue
                try:
                    if need_group:
                        await self.ensure_group()
                        need_group = False
                    # Jobs of dead consumers first: they are the oldest, and were submitted
                    # before anything XREADGROUP would hand out now.
                    for entry_id, job in await self._claim(free, inflight):
                        start(entry_id, job)
                    free = concurrency - len(inflight)
                    if free > 0:
                        for entry_id, job in await self._read(free):
                            start(entry_id, job)
                    backoff_s = _BACKOFF_MIN_S
                except _Errors as exc:
                    # NOGROUP: Redis restarted without persistence, or the stream was deleted;
                    # the group is created again before the next read.
                    need_group = need_group or "NOGROUP" in str(exc)
                    log.warning("job queue: %s; retrying in %.1fs", type(exc).__name__, backoff_s)
                    await _wait(stop, backoff_s)
                    backoff_s = min(backoff_s * 2, _BACKOFF_MAX_S)

    async def _claim(self, count: int, inflight: dict[Any, Any]) -> list[tuple[Any, Job]]:
        """Take over jobs pending longer than `claim_idle_ms` (their consumer died, or its
        `process` failed), dropping those past `max_deliveries`."""
        s = self._settings
        claimed: list[tuple[Any, Any]] = []
        cursor: Any = "0-0"
        while len(claimed) < count:
            async with asyncio.timeout(self._timeout_s):
                reply = await self._client.xautoclaim(
                    s.stream, s.group, self._consumer, s.claim_idle_ms, cursor,
                    count=count - len(claimed),
                )  # fmt: skip
            cursor, entries = reply[0], reply[1]
            # A job of our own still in progress (it ran past claim_idle_ms) is not started
            # twice here; its claim only resets its idle time.
            claimed += [(i, f) for i, f in entries if i not in inflight]
            if cursor in (b"0-0", "0-0"):
                break
        if not claimed:
            return []
        # XAUTOCLAIM does not report delivery counts; XPENDING on each id does (this claim
        # included). One pipelined round trip, and only when something was claimed.
        async with asyncio.timeout(self._timeout_s), self._client.pipeline(False) as pipe:
            for entry_id, _ in claimed:
                pipe.xpending_range(s.stream, s.group, entry_id, entry_id, 1)
            pending = await pipe.execute()
        jobs = []
        for (entry_id, fields), info in zip(claimed, pending, strict=True):
            delivered = int(info[0]["times_delivered"]) if info else 1
            job = await self._decode(entry_id, fields)
            if job is None:
                continue
            if delivered > s.max_deliveries:
                log.warning(
                    "job queue: entry %s delivered %d times; dropped", _text(entry_id), delivered
                )
                await self._give_up(entry_id, job, "max_deliveries")
            else:
                jobs.append((entry_id, job))
        return jobs

    async def _read(self, count: int) -> list[tuple[Any, Job]]:
        s = self._settings
        async with asyncio.timeout(self._timeout_s + self._block_ms / 1000):
            reply = await self._client.xreadgroup(
                s.group, self._consumer, {s.stream: ">"}, count=count, block=self._block_ms
            )
        streams = reply.values() if isinstance(reply, dict) else [r[1] for r in reply or ()]
        jobs = []
        for entries in streams:
            for entry_id, fields in entries:
                job = await self._decode(entry_id, fields)
                if job is not None:
                    jobs.append((entry_id, job))
        return jobs

    async def _decode(self, entry_id: Any, fields: Any) -> Job | None:
        """The entry's job; None (and the entry given up on) if it is not one."""
        if fields is None:  # deleted while pending (Redis 6.2 still returns it): done already
            await self._finish(entry_id)
            return None
        raw = fields.get(_FIELD, fields.get(_FIELD.decode()))
        try:
            if raw is None:
                raise ValueError("no job field")
            return Job.from_bytes(raw.encode() if isinstance(raw, str) else raw)
        except ValueError as exc:
            log.warning("job queue: entry %s is not a job (%s); dropped", _text(entry_id), exc)
            await self._give_up(entry_id, None, "bad_job")
            return None

    async def _give_up(self, entry_id: Any, job: Job | None, reason: str) -> None:
        if self._on_dead is not None:
            try:
                self._on_dead(job, reason)
            except Exception:  # its own bug must not keep a dead job cycling forever
                log.exception("job queue: on_dead failed")
        await self._finish(entry_id)

    async def _handle(self, entry_id: Any, job: Job, process: Process) -> None:
        try:
            await process(job)
        except Exception as exc:
            # No message: it may quote the job's text. The job stays pending, to be claimed
            # again after claim_idle_ms.
            log.warning("job queue: entry %s failed (%s); left for redelivery",
                        _text(entry_id), type(exc).__name__)  # fmt: skip
            return
        try:
            await self._finish(entry_id)
        except _Errors as exc:
            # The result is recorded; it will be redelivered and recorded again, which
            # at-least-once allows (judging is idempotent).
            log.warning("job queue: ack of %s failed (%s)", _text(entry_id), type(exc).__name__)

    async def _finish(self, entry_id: Any) -> None:
        """Acknowledge and delete in one transaction: an entry acked but not deleted would
        count against max_size forever, with no consumer left to remove it."""
        s = self._settings
        async with asyncio.timeout(self._timeout_s), self._client.pipeline(True) as pipe:
            pipe.xack(s.stream, s.group, entry_id)
            pipe.xdel(s.stream, entry_id)
            await pipe.execute()


async def _wait(stop: asyncio.Event, timeout_s: float) -> None:
    """Wait `timeout_s`, or less if `stop` is set meanwhile."""
    try:
        async with asyncio.timeout(timeout_s):
            await stop.wait()
    except TimeoutError:
        pass


async def _either(a: asyncio.Event, b: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(a.wait()), asyncio.ensure_future(b.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()


def _text(entry_id: Any) -> str:
    # The client may or may not decode replies (decode_responses); accept both.
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
