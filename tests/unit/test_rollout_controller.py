"""The rollout controller on real generations: shadow disagreements counted by type through the
real guard; the canary split by identity; state kept across a reload of the same candidate
and reset when the candidate changes; a manual promote after every step passed."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from safeproxy.errors import PolicyViolation
from safeproxy.exchange.decision import TenantHasher, build
from safeproxy.exchange.guard import Guard
from safeproxy.exchange.state import Exchange
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler
from safeproxy.filters.skeleton import Skeleton
from safeproxy.generation.generation import Builder, Generation
from safeproxy.rollout.controller import Rollouts
from safeproxy.rollout.machine import AWAITING, PENDING, PROMOTED, RUNNING
from safeproxy.rollout.metrics import RolloutMetrics
from safeproxy.settings.loading import validate
from safeproxy.upstream.openai import Kind
from tests.fake_clock import FakeClock
from tests.support import base_config


def words(action: str, *found: str) -> dict[str, Any]:
    return {"type": "blocklist", "name": f"{action}-words", "words": list(found), "action": action}


def settings(rollout: dict[str, Any], candidate_block: str = "hello") -> dict[str, Any]:
    cfg = base_config(["http://127.0.0.1:9"])
    cfg["policies"] = {
        "default": {"input": [words("block", "gamma"), words("redact", "alpha")]},
        "strict": {"input": [words("block", candidate_block), words("redact", "alpha", "beta")]},
    }
    cfg["rollouts"] = {"main": {"candidate": "strict", **rollout}}
    return cfg


def generation(cfg: dict[str, Any], number: int = 1) -> Generation:
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return Builder(compiler, TenantHasher(b"s")).build(validate(cfg), number)


class Harness:
    def __init__(self, gen: Generation) -> None:
        self.registry = CollectorRegistry()
        self.clock = FakeClock()
        self.rollouts = Rollouts(RolloutMetrics(self.registry), {}, clock=self.clock)
        self.rollouts.sync(gen)
        self.gen = gen
        self.guard = Guard()

    def request(self, text: str, who: str = "client") -> Exchange:
        ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, generation=self.gen, limit_key=who)
        route = self.gen.router.route("m")
        assert route is not None
        ex.route = self.rollouts.serve(ex, route)
        body = {"model": "m", "messages": [{"role": "user", "content": text}]}
        try:
            self.guard.check_request(ex, body)
        except PolicyViolation as exc:
            ex.outcome = exc.outcome
        self.rollouts.observe(ex, build(ex, policies=self.gen.versions, now=0.001,
                                        overhead_s=0.0005))  # fmt: skip
        return ex

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, {"route": "main", **labels}) or 0.0


def test_shadow_counts_each_kind_of_disagreement_and_changes_nothing() -> None:
    h = Harness(generation(settings({"mode": "shadow", "start": "auto"})))
    cases = {"hello there": "allow_to_block", "gamma ray": "block_to_allow",
             "beta test": "redact_diff", "alpha test": "agree", "plain": "agree"}  # fmt: skip
    for text, expected in cases.items():
        ex = h.request(text)
        assert ex.rollout is not None and ex.rollout.shadow is not None
        assert ex.rollout.shadow.disagreement == expected
        assert ex.route is not None and ex.route.policy == "default"  # served by the active
        assert ex.outcome == {"gamma ray": "blocked_input", "alpha test": "redacted"}.get(
            text, "allowed"
        )  # the active policy's verdict, whatever the candidate said
    for result in ("allow_to_block", "block_to_allow", "redact_diff"):
        assert h.metric("safeproxy_rollout_shadow_total", result=result) == 1
    assert h.metric("safeproxy_rollout_shadow_total", result="agree") == 2
    assert h.rollouts.rollouts["main"].shadow == {"allow_to_block": 1, "block_to_allow": 1,
                                                  "redact_diff": 1, "agree": 2}  # fmt: skip


def test_shadow_samples_its_share_of_requests() -> None:
    h = Harness(generation(settings({"mode": "shadow", "start": "auto", "sample": 0.25})))
    marked = sum(h.request("plain").rollout is not None for _ in range(100))
    assert marked == 25


def test_the_canary_serves_a_stable_share_of_identities_with_the_candidate() -> None:
    h = Harness(generation(settings({"steps": [30], "start": "auto"})))
    served = {f"c{i}": h.request("hello", f"c{i}") for i in range(400)}
    canary = {
        k for k, ex in served.items() if ex.rollout is not None and ex.rollout.arm == "canary"
    }
    assert 0.2 < len(canary) / 400 < 0.4
    for who, ex in served.items():
        assert ex.route is not None
        assert ex.route.policy == ("strict" if who in canary else "default")
        assert ex.outcome == ("blocked_input" if who in canary else "allowed")
    again = {k for k in served if (m := h.request("x", k).rollout) and m.arm == "canary"}
    assert again == canary  # no client flips between policies


def test_no_rollout_serves_nothing_until_started() -> None:
    h = Harness(generation(settings({"steps": [50]})))
    assert h.rollouts.rollouts["main"].machine.phase == PENDING
    assert all(h.request("hello", f"c{i}").rollout is None for i in range(50))


def test_state_survives_a_reload_of_the_same_candidate_and_resets_for_a_new_one() -> None:
    cfg = settings({"steps": [10, 50], "start": "manual"})
    h = Harness(generation(cfg))
    h.rollouts.act("main", "start", "ops")
    r = h.rollouts.rollouts["main"]
    r.machine.step = 1
    h.rollouts.sync(generation(cfg, 2))
    assert h.rollouts.rollouts["main"] is r and r.machine.phase == RUNNING and r.machine.step == 1
    h.rollouts.sync(generation(settings({"steps": [10, 50]}, candidate_block="other"), 3))
    fresh = h.rollouts.rollouts["main"]
    assert fresh is not r and fresh.machine.phase == PENDING and fresh.machine.step == 0
    assert h.metric("safeproxy_rollout_events_total", event="reset") == 1


def test_a_manual_promote_waits_after_the_last_step_then_serves_everyone() -> None:
    only_blocks = {"block_rate": {"max_increase": 0.5, "min_samples": 5}}
    h = Harness(
        generation(
            settings(
                {
                    "steps": [50],
                    "start": "auto",
                    "promote": "manual",
                    "analysis": {"interval_s": 10, "metrics": only_blocks},
                }
            )
        )
    )
    for i in range(100):
        h.request("plain", f"c{i}")
    assert h.rollouts.tick() == []  # not due yet
    h.clock.advance(10)
    assert h.rollouts.tick() == [("main", "pass")]
    assert h.rollouts.rollouts["main"].machine.phase == AWAITING
    h.rollouts.act("main", "promote", "ops")
    assert h.rollouts.rollouts["main"].machine.phase == PROMOTED
    assert all(h.request("plain", f"c{i}").route.policy == "strict"  # type: ignore[union-attr]
               for i in range(20))  # fmt: skip
    assert h.metric("safeproxy_rollout_share_percent") == 100


@pytest.mark.parametrize("action", ["promote", "pause", "abort"])
def test_calls_a_final_phase_does_not_allow_are_refused(action: str) -> None:
    from safeproxy.rollout.machine import Refused

    h = Harness(generation(settings({"start": "auto"})))
    h.rollouts.act("main", "abort", "ops")
    with pytest.raises(Refused):
        h.rollouts.act("main", action, "ops")


def review_item(policy: str, label: str, flagged: bool = True) -> Any:
    from safeproxy.review.item import ReviewItem

    return ReviewItem(
        id=1, request_id="r", created_unix=1.0, policy=policy, route="main", tenant="t",
        stage="input", source="deep_check_unsafe", flagged=flagged, check=None, verdict=None,
        categories=(), score=None, finding_types=("blocklist.word",), text=None, label=label,
    )  # fmt: skip


def test_reviewer_labels_count_false_positives_per_arm() -> None:
    fp = {"reviewer_fp_rate": {"max_increase": 0.2, "min_samples": 4}}
    analysis = {"interval_s": 10, "max_failed": 0, "metrics": fp}
    h = Harness(generation(settings({"steps": [50], "start": "auto", "analysis": analysis})))
    for label in ("false_positive", "false_positive", "true_positive", "false_positive"):
        h.rollouts.labelled(review_item("strict", label))
    for label in ("true_positive", "true_positive", "false_positive", "needs_policy_change"):
        h.rollouts.labelled(review_item("default", label))
    h.rollouts.labelled(review_item("strict", "true_negative", flagged=False))  # not flagged
    h.rollouts.labelled(review_item("strict", "unsure"))  # no judgement: not reviewed
    arms = h.rollouts.rollouts["main"].arms
    assert (arms["canary"].reviewed, arms["canary"].false_positives) == (4, 3)
    assert (arms["baseline"].reviewed, arms["baseline"].false_positives) == (4, 1)
    h.clock.advance(10)
    assert h.rollouts.tick() == [("main", "fail")]  # 0.75 against 0.25


def test_a_shadow_rollout_cannot_be_promoted() -> None:
    from safeproxy.rollout.machine import Refused

    h = Harness(generation(settings({"mode": "shadow", "start": "auto"})))
    with pytest.raises(Refused, match="canary"):
        h.rollouts.act("main", "promote", "ops")
    assert h.rollouts.rollouts["main"].machine.phase == RUNNING


def test_a_request_a_stricter_policy_replaced_is_not_counted() -> None:
    import dataclasses

    h = Harness(generation(settings({"steps": [50], "start": "auto"})))
    ex = h.request("plain", "c1")
    arms = h.rollouts.rollouts["main"].arms
    before = arms["canary"].requests + arms["baseline"].requests
    assert before == 1
    assert ex.route is not None
    ex.route = dataclasses.replace(ex.route, policy="quarantine-strict")
    h.rollouts.observe(ex, build(ex, policies=h.gen.versions, now=0.001, overhead_s=0.0))
    assert arms["canary"].requests + arms["baseline"].requests == before


class FakeTimes:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, float]] = []

    def detected(self, kind: str, first_violation_at: float, now: float) -> float:
        self.events.append(("detected", kind, now - first_violation_at))
        return now - first_violation_at

    def mitigated(self, kind: str, detected_at: float, now: float) -> float:
        self.events.append(("mitigated", kind, now - detected_at))
        return now - detected_at


def test_a_rollback_reports_time_to_detect_from_the_first_failed_interval() -> None:
    blocks = {"block_rate": {"max_increase": 0.05, "min_samples": 5}}
    h = Harness(
        generation(
            settings(
                {
                    "steps": [50],
                    "start": "auto",
                    "analysis": {"interval_s": 10, "max_failed": 1, "metrics": blocks},
                }
            )
        )
    )
    times = FakeTimes()
    h.rollouts.times = times
    h.clock.advance(3)  # the first interval opened at 0; its failures began there
    verdicts = []
    for _ in range(3):  # the candidate blocks "hello": its arm's block rate jumps
        for i in range(60):
            h.request("hello there", f"c{i}")
        h.clock.advance(10)
        verdicts += h.rollouts.tick()
        if h.rollouts.rollouts["main"].machine.phase != RUNNING:
            break
    assert [v for _, v in verdicts] == ["fail", "fail"]
    # Detected at the second failed interval's close (t=23), from the first's start (t=0);
    # in one process the baseline serves from that moment on: mitigation takes no time.
    assert times.events == [("detected", "canary", 23.0), ("mitigated", "canary", 0.0)]


async def test_a_large_texts_shadow_scan_runs_off_the_loop_like_the_active_one() -> None:
    import threading

    from safeproxy.exchange.guard import OFFLOOP_CHARS

    h = Harness(generation(settings({"mode": "shadow", "start": "auto"})))
    guard = Guard(offload=True)
    scanned_on: list[str] = []
    shadow = guard._shadow

    def recording(*args: Any) -> None:
        scanned_on.append(threading.current_thread().name)
        shadow(*args)

    guard._shadow = recording  # type: ignore[method-assign,assignment]
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, generation=h.gen, limit_key="c")
    route = h.gen.router.route("m")
    assert route is not None
    ex.route = h.rollouts.serve(ex, route)
    text = "hello " * (OFFLOOP_CHARS // 6 + 1)
    await guard.check(ex, {"model": "m", "messages": [{"role": "user", "content": text}]})
    guard.close()
    assert ex.rollout is not None and ex.rollout.shadow is not None
    assert ex.rollout.shadow.disagreement == "allow_to_block"
    assert len(scanned_on) == 1 and scanned_on[0].startswith("scan")
