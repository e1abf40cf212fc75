"""What an async verdict changes beyond its request: each effect once, and only where due."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import pytest
from prometheus_client import CollectorRegistry

from safeproxy.deepcheck.api import JudgeContext, JudgeResult, JudgeVerdict, Stage, Turn
from safeproxy.deepcheck.followup import FollowUp
from safeproxy.deepcheck.guarded import GuardedJudge
from safeproxy.deepcheck.job import Job
from safeproxy.deepcheck.plan import CompiledCheck, PolicyChecks
from safeproxy.deepcheck.sampler import Sampler
from safeproxy.deepcheck.settings import HttpJudge
from safeproxy.settings.policy import DeepCheck
from safeproxy.telemetry.metrics import Metrics
from safeproxy.telemetry.settings import DriftSettings


class Unsafe:
    name = "unsafe"

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        return JudgeResult(JudgeVerdict.UNSAFE, ("S1",))

    async def close(self) -> None:
        return None


def followup() -> tuple[FollowUp, list[str], list[str]]:
    metrics = Metrics(CollectorRegistry())
    spec = DeepCheck(judge="j")
    settings = HttpJudge(type="http", url="http://127.0.0.1:9/j")
    judge = GuardedJudge("j", Unsafe(), settings, metrics)
    check = CompiledCheck(spec, "j", judge, Sampler(spec.sample, b"s", lambda: 0.0), True, True)
    policies = {"p": PolicyChecks("p", (check,), True, "finish")}
    breaker: list[str] = []
    quarantine: list[str] = []
    f = FollowUp(
        policies, metrics,
        on_violation=lambda key, _tenant: quarantine.append(key),
        on_late_output=breaker.append,
    )  # fmt: skip
    return f, breaker, quarantine


def job(
    stage: Stage = "output",
    rid: str = "r1",
    *,
    breaker_counted: bool = False,
    violation_counted: bool = False,
    policy_version: str = "",
) -> Job:
    return Job(
        rid, "j", "p", "main", "t", "10.0.0.1", stage, "m", (Turn("user", "x"),), "rate",
        breaker_counted=breaker_counted, violation_counted=violation_counted,
        policy_version=policy_version,
    )  # fmt: skip


async def test_a_late_unsafe_reply_turns_a_counted_clean_reply_into_a_violation() -> None:
    f, breaker, quarantine = followup()
    await f.process(job(breaker_counted=True))
    assert (breaker, quarantine) == (["main"], ["10.0.0.1"])


async def test_nothing_is_counted_twice() -> None:
    f, breaker, quarantine = followup()
    # Not counted by the breaker (a quarantined client's request, or no whole reply), and
    # already a violation for quarantine (blocked, or redacted by an output filter).
    await f.process(job(breaker_counted=False, violation_counted=True))
    assert (breaker, quarantine) == ([], [])
    # One request's input and output verdicts, and a redelivery: each effect once.
    await f.process(job("input", rid="r2"))
    await f.process(job("output", rid="r2", breaker_counted=True))
    await f.process(job("output", rid="r2", breaker_counted=True))
    assert (breaker, quarantine) == (["main"], ["10.0.0.1"])


def test_jobs_round_trip_their_flags() -> None:
    j = job(breaker_counted=True, violation_counted=True, policy_version="3f2a")
    assert Job.from_bytes(j.to_bytes()) == j


def test_a_job_queued_by_an_older_process_has_no_policy_version() -> None:
    raw = orjson.loads(job().to_bytes())
    del raw["policy_version"]
    assert Job.from_bytes(orjson.dumps(raw)).policy_version == ""
    with pytest.raises(ValueError):
        Job.from_bytes(orjson.dumps({**raw, "policy_version": 3}))


class Scored:
    """A judge that scores every text 0.9 (unsafe)."""

    name = "scored"

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        return JudgeResult(JudgeVerdict.UNSAFE, ("S1",), 0.9)

    async def close(self) -> None:
        return None


async def test_an_async_score_feeds_drift_for_its_route_and_policy() -> None:
    clock = [0.0]
    metrics = Metrics(
        CollectorRegistry(),
        drift=DriftSettings(bucket_s=60, recent_buckets=1, reference_buckets=3, min_samples=1),
        clock=lambda: clock[0],
    )
    spec = DeepCheck(judge="j")
    settings = HttpJudge(type="http", url="http://127.0.0.1:9/j")
    judge = GuardedJudge("j", Scored(), settings, metrics)
    check = CompiledCheck(spec, "j", judge, Sampler(spec.sample, b"s", lambda: 0.0), True, True)
    f = FollowUp({"p": PolicyChecks("p", (check,), True, "finish")}, metrics)
    assert metrics.drift is not None
    for bucket in range(3):  # the reference: low scores
        clock[0] = bucket * 60.0
        metrics.drift.observe("main", "p", (), (0.1,))
    clock[0] = 180.0
    await f.process(job())  # the judge's 0.9, for route main and policy p
    clock[0] = 240.0
    metrics.drift.refresh()
    _, _, ks, threshold = metrics.drift.evaluate("main", "p")
    assert (ks, threshold) == (1.0, 0.0)
