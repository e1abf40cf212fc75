"""`safeproxy worker` processes take the proxy's async deep-check jobs from Redis, at least once.

End to end with the real pieces: the OpenAI SDK sends requests to the real proxy (queue backend
`redis`, `consume: false`, every request sampled for an async input check), which queues one
job per request in a real redis-server; real `safeproxy worker --config FILE` subprocesses
judge them against a fake Llama Guard on loopback and write a `deep_check` follow-up record
per job to their own audit log.

- A worker takes every job the proxy queued, records one follow-up per request, and exits 0
  on SIGTERM after writing its `shutdown` record.
- Worker A is SIGKILLed while it holds jobs at a judge that has not answered: the jobs stay
  pending under A's name. Worker B, started afterwards, claims them once idle
  (`claim_idle_ms`), takes the jobs never delivered, and records a follow-up for every
  request sent; the stream ends empty with nothing pending. Nothing is lost.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
import pytest
import redis
import yaml

from safeproxy.deepcheck.settings import RedisQueueSettings
from safeproxy.testing.fake_judges import FakeJudge
from tests.integration.test_deep_checks import config as deep_check_config
from tests.redis_server import redis_server, redis_url
from tests.support import Stack, audit_records

__all__ = ["redis_server", "redis_url"]  # fixtures, used by name

ROOT = Path(__file__).resolve().parents[2]
STREAM = RedisQueueSettings().stream  # the defaults: the config does not rename them
GROUP = RedisQueueSettings().group
LIMIT_S = 20.0
POLL_S = 0.05
CLAIM_IDLE_MS = 500
WORKERS = 3  # jobs one worker process runs at once (deep_checks.queue.workers)
ASYNC_INPUT = [{"judge": "guard", "mode": "async", "stage": "input", "sample": {"rate": 1.0}}]


def config(judge: FakeJudge, audit: Path, redis_env: str) -> Callable[[list[str]], dict[str, Any]]:
    """The proxy's config (the deep-check tests' one, on the Redis queue); a worker's is the
    same with its own audit path."""
    return deep_check_config(
        judge,
        audit,
        ASYNC_INPUT,
        # Longer than any wait here: a held job must not time out (and be retried by the
        # worker holding it) before the test kills that worker.
        judge_settings={"timeout_ms": 60_000},
        queue={
            "backend": "redis",
            "workers": WORKERS,
            "redis": {
                "consume": False,  # only `safeproxy worker` processes take jobs
                "claim_idle_ms": CLAIM_IDLE_MS,
                "url_env": redis_env,
            },
        },
    )


def worker_config(stack: Stack, build: Callable[[list[str]], dict[str, Any]], path: Path) -> Path:
    """The proxy's config, with the worker's own audit log, as a YAML file for `--config`."""
    cfg = copy.deepcopy(build(stack.mock_urls))
    cfg["telemetry"]["audit"]["path"] = str(path.with_suffix(".audit.jsonl"))
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


# --- worker processes -------------------------------------------------------------------------


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    audit: Path
    stderr: Path

    def explain(self) -> str:
        """The worker's state and the end of its stderr, for a failure message."""
        state = "running" if self.proc.poll() is None else f"exited {self.proc.returncode}"
        text = self.stderr.read_text(errors="replace") if self.stderr.exists() else ""
        tail = "\n".join(text.splitlines()[-30:])
        return f"worker {self.name} (pid {self.proc.pid}, {state}); stderr:\n{tail}"


@dataclass
class Workers:
    """Starts `safeproxy worker` subprocesses; whatever still runs is killed at teardown."""

    tmp: Path
    redis_url: str
    started: list[Worker] = field(default_factory=list)

    def start(self, name: str, config_file: Path) -> Worker:
        settings = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        stderr = self.tmp / f"{name}.stderr"
        env = {**os.environ, "REDIS_URL": self.redis_url, "PYTHONUNBUFFERED": "1"}
        with stderr.open("wb") as err:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(
                [sys.executable, "-m", "safeproxy", "worker", "--config", str(config_file)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
            )  # fmt: skip
        worker = Worker(name, proc, Path(settings["telemetry"]["audit"]["path"]), stderr)
        self.started.append(worker)
        return worker

    def kill_all(self) -> None:
        for w in self.started:
            if w.proc.poll() is None:
                w.proc.kill()
            w.proc.wait(timeout=10)


@pytest.fixture
def workers(tmp_path: Path, redis_url: str) -> Iterator[Workers]:
    spawner = Workers(tmp_path, redis_url)
    try:
        yield spawner
    finally:
        spawner.kill_all()


# --- observing real state -----------------------------------------------------------------------


def wait_for(
    what: str, probe: Callable[[], Any], alive: Sequence[Worker] = (), timeout_s: float = LIMIT_S
) -> Any:
    """Poll real state until `probe` answers truthy; fail with `what` (and the workers' stderr)
    on the deadline, or at once if a worker that should be running has exited."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value:
            return value
        for w in alive:
            if w.proc.poll() is not None:
                pytest.fail(f"while waiting for {what}: {w.explain()}")
        if time.monotonic() >= deadline:
            states = "\n".join(w.explain() for w in alive)
            pytest.fail(f"timed out after {timeout_s}s waiting for {what}\n{states}")
        time.sleep(POLL_S)


def pending_by_consumer(client: Any) -> dict[str, int]:
    """XPENDING's summary: jobs delivered and not acknowledged, per consumer name."""
    try:
        summary = client.xpending(STREAM, GROUP)
    except redis.ResponseError as exc:
        if "NOGROUP" in str(exc):  # no worker has created the group yet
            return {}
        raise
    return {_text(c["name"]): int(c["pending"]) for c in summary["consumers"]}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def follow_ups(worker: Worker) -> dict[str, list[dict[str, Any]]]:
    """The worker's `deep_check` records, by request id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in audit_records(worker.audit, "deep_check"):
        out.setdefault(r["request_id"], []).append(r)
    return out


async def _judge_calls(judge: FakeJudge) -> int:
    return judge.total_calls  # read on the judge's own loop


def sdk(stack: Stack) -> openai.OpenAI:
    client = openai.OpenAI(base_url=stack.url + "/v1", api_key="sk-test", max_retries=0)
    stack.on_exit(client.close)
    return client


def send(client: openai.OpenAI, count: int) -> list[str]:
    """`count` requests, each with its own text (no verdict cache hit); their request ids."""
    rids = []
    for i in range(count):
        raw = client.chat.completions.with_raw_response.create(
            model="m", messages=[{"role": "user", "content": f"question {i}: what is {i} + {i}?"}]
        )
        assert raw.parse().choices[0].message.content, "the proxy did not answer"
        rids.append(raw.headers["x-request-id"])
    return rids


def assert_all_queued(audit: Path, rids: list[str]) -> None:
    """The proxy's request records say each request's async check was queued."""

    def records() -> dict[str, Any] | None:
        found = {r["request_id"]: r for r in audit_records(audit, "request")}
        return found if set(rids) <= set(found) else None

    found = wait_for("the proxy's request records", records)
    for rid in rids:
        checks = [(c["stage"], c["mode"], c["verdict"]) for c in found[rid]["deep_checks"]]
        assert checks == [("input", "async", "queued")], f"{rid}: {found[rid]}"


def stop_gracefully(worker: Worker) -> None:
    worker.proc.send_signal(signal.SIGTERM)
    try:
        code = worker.proc.wait(timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no exit within {LIMIT_S}s of SIGTERM: {worker.explain()}")
    assert code == 0, f"SIGTERM should end the worker with 0: {worker.explain()}"
    assert audit_records(worker.audit, "shutdown"), f"no shutdown record: {worker.explain()}"


# --- tests ----------------------------------------------------------------------------------


def test_a_worker_process_takes_the_proxys_jobs(
    tmp_path: Path, redis_url: str, workers: Workers
) -> None:
    judge = FakeJudge()
    audit = tmp_path / "proxy.audit.jsonl"
    build = config(judge, audit, "REDIS_URL")
    client: Any = redis.Redis.from_url(redis_url)
    try:
        with Stack(build, judges=[judge], environ={"REDIS_URL": redis_url}) as stack:
            worker = workers.start("w", worker_config(stack, build, tmp_path / "w.yaml"))
            wait_for(
                "the worker's worker_started record",
                lambda: audit_records(worker.audit, "worker_started"),
                [worker],
            )
            rids = send(sdk(stack), 5)
            assert_all_queued(audit, rids)

            done = wait_for(
                "a deep_check follow-up for every request in the worker's audit log",
                lambda: (f := follow_ups(worker)).keys() >= set(rids) and f,
                [worker],
            )
            assert set(done) == set(rids), "the worker recorded a request the proxy never sent"
            for rid in rids:
                [record] = done[rid]  # once each: one live consumer never repeats a job
                assert (record["verdict"], record["stage"], record["mode"]) == (
                    "safe", "input", "async",
                ), record  # fmt: skip
            assert not audit_records(audit, "deep_check"), "the proxy consumed (consume: false)"
            assert judge.total_calls == len(rids)
            wait_for(
                "the queue to be empty with nothing pending",
                lambda: client.xlen(STREAM) == 0 and not any(pending_by_consumer(client).values()),
                [worker],
            )
            stop_gracefully(worker)
    finally:
        client.close()


def test_killing_a_worker_mid_job_loses_nothing(
    tmp_path: Path, redis_url: str, workers: Workers
) -> None:
    judge = FakeJudge(hang=True)  # holds every reply until `release` is set
    audit = tmp_path / "proxy.audit.jsonl"
    build = config(judge, audit, "REDIS_URL")
    client: Any = redis.Redis.from_url(redis_url)
    jobs = 2 * WORKERS  # A holds WORKERS of them at the judge; the rest A never takes
    try:
        with Stack(build, judges=[judge], environ={"REDIS_URL": redis_url}) as stack:
            # Every job is queued before any worker exists (the group starts at id 0).
            rids = send(sdk(stack), jobs)
            assert_all_queued(audit, rids)
            wait_for(f"{jobs} jobs in the stream", lambda: client.xlen(STREAM) == jobs)

            worker_a = workers.start("a", worker_config(stack, build, tmp_path / "a.yaml"))
            a_name = f"-{worker_a.proc.pid}-"  # consumer names are host-pid-random

            def a_holds_jobs_at_the_judge() -> bool:
                held = sum(n for c, n in pending_by_consumer(client).items() if a_name in c)
                return held >= WORKERS and stack.call(_judge_calls(judge)) >= WORKERS

            wait_for("worker A to hold jobs at the judge", a_holds_jobs_at_the_judge, [worker_a])
            assert not audit_records(worker_a.audit, "deep_check"), "the judge answered A"

            worker_a.proc.kill()  # SIGKILL: no ack, no cleanup; its jobs stay pending
            assert worker_a.proc.wait(timeout=10) == -signal.SIGKILL
            pending = pending_by_consumer(client)
            assert list(pending.values()) == [WORKERS], f"pending after the kill: {pending}"
            assert a_name in next(iter(pending)), f"pending, but not A's: {pending}"
            assert client.xlen(STREAM) == jobs, "a job left the stream without a result"
            assert stack.call(_judge_calls(judge)) == WORKERS

            stack.loop.call_soon_threadsafe(judge.release.set)
            worker_b = workers.start("b", worker_config(stack, build, tmp_path / "b.yaml"))

            def all_recorded_and_acked() -> bool:
                if not follow_ups(worker_b).keys() >= set(rids):
                    return False
                return client.xlen(STREAM) == 0 and not any(pending_by_consumer(client).values())

            wait_for(
                "worker B to record a follow-up for every request and ack them all",
                all_recorded_and_acked,
                [worker_b],
            )
            done = follow_ups(worker_b)
            assert set(done) == set(rids), "a job was lost or invented"
            for rid in rids:
                [record] = done[rid]  # B alone ran them: one result each, none dropped
                assert record["verdict"] == "safe", record
            # A's held jobs were judged again by B; the others once, by B.
            assert stack.call(_judge_calls(judge)) == jobs + WORKERS
            assert not audit_records(audit, "deep_check"), "the proxy consumed (consume: false)"
            stop_gracefully(worker_b)
    finally:
        client.close()


def test_sigterm_lets_a_worker_finish_its_job_in_flight(
    tmp_path: Path, redis_url: str, workers: Workers
) -> None:
    judge = FakeJudge(delay_s=1.0)  # a slow judge: the job is in flight when SIGTERM comes
    audit = tmp_path / "proxy.audit.jsonl"
    build = config(judge, audit, "REDIS_URL")
    client: Any = redis.Redis.from_url(redis_url)
    try:
        with Stack(build, judges=[judge], environ={"REDIS_URL": redis_url}) as stack:
            worker = workers.start("w", worker_config(stack, build, tmp_path / "w.yaml"))
            [rid] = send(sdk(stack), 1)
            wait_for(
                "the worker's job to reach the judge",
                lambda: stack.call(_judge_calls(judge)) >= 1,
                [worker],
            )
            stop_gracefully(worker)
            records = follow_ups(worker).get(rid, [])
            assert [r["verdict"] for r in records] == ["safe"], (
                f"SIGTERM did not let the job in flight finish and record its result: {records}\n"
                f"{worker.explain()}"
            )
            assert client.xlen(STREAM) == 0, "the finished job was not acknowledged"
            assert not any(pending_by_consumer(client).values())
    finally:
        client.close()
