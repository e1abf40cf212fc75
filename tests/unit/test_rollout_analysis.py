"""The rollout analysis: one interval's verdict from counts, and the phase machine over a run of
verdicts (Hypothesis): inconclusive never promotes and never moves anything, a run of failures
rolls back exactly when it passes the limit, promotion needs every step passed."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import example, given
from hypothesis import strategies as st

from safeproxy.rollout.analysis import FAIL, INCONCLUSIVE, PASS, SKIPPED, judge, judge_metric
from safeproxy.rollout.counts import ArmCounts
from safeproxy.rollout.machine import AWAITING, PROMOTED, ROLLED_BACK, RUNNING, Machine
from safeproxy.settings.rollouts import Threshold

VERDICTS = st.sampled_from([PASS, FAIL, INCONCLUSIVE])


def arm(requests: int, blocked: int) -> ArmCounts:
    c = ArmCounts()
    for i in range(requests):
        c.add_request("blocked_input" if i < blocked else "allowed", False, False, 1.0)
    return c


def machine(steps: int, passes: int, max_failed: int, auto: bool = True) -> Machine:
    m = Machine(steps, passes, max_failed, auto)
    m.start()
    return m


def run(m: Machine, verdicts: list[str]) -> list[str]:
    events = []
    for v in verdicts:
        events += m.interval(v, "why")
    return events


@given(st.lists(st.sampled_from([FAIL, INCONCLUSIVE]), max_size=30), st.integers(1, 4),
       st.integers(1, 3), st.integers(0, 3))  # fmt: skip
def test_without_a_pass_nothing_promotes_or_steps(verdicts: list[str], steps: int, passes: int,
                                                  max_failed: int) -> None:  # fmt: skip
    m = machine(steps, passes, max_failed)
    events = run(m, verdicts)
    assert m.phase in (RUNNING, ROLLED_BACK)
    assert m.step == 0 and "promoted" not in events and "step" not in events


@given(st.lists(VERDICTS, max_size=40), st.integers(1, 4), st.integers(1, 3), st.integers(0, 3))
def test_inconclusive_intervals_change_nothing(verdicts: list[str], steps: int, passes: int,
                                               max_failed: int) -> None:  # fmt: skip
    with_them, without = machine(steps, passes, max_failed), machine(steps, passes, max_failed)
    assert run(with_them, verdicts) == run(without, [v for v in verdicts if v != INCONCLUSIVE])
    assert (with_them.phase, with_them.step, with_them.failed) == (
        without.phase, without.step, without.failed)  # fmt: skip


@given(st.lists(VERDICTS, max_size=40), st.integers(1, 4), st.integers(1, 3), st.integers(0, 3))
def test_rolls_back_at_the_first_failure_past_the_limit(
    verdicts: list[str], steps: int, passes: int, max_failed: int
) -> None:
    m = machine(steps, passes, max_failed)
    fails = seen_pass = 0
    for v in verdicts:
        before = m.phase
        events = m.interval(v, "why")
        if before != RUNNING:
            assert events == []  # a final phase hears no more verdicts
            continue
        fails += v == FAIL
        seen_pass += v == PASS
        assert (events == ["rolled_back"]) == (v == FAIL and fails == max_failed + 1)
        if m.phase in (PROMOTED, AWAITING):
            assert seen_pass >= steps * passes  # every step passed its intervals
    assert (m.phase == ROLLED_BACK) == (fails > max_failed)


@given(st.integers(1, 5), st.integers(1, 3), st.booleans())
def test_all_passes_promote_or_wait(steps: int, passes: int, auto: bool) -> None:
    m = machine(steps, passes, 0, auto)
    events = run(m, [PASS] * (steps * passes - 1))
    assert m.phase == RUNNING and events.count("step") == steps - 1
    last = run(m, [PASS])
    assert last == (["promoted"] if auto else ["awaiting_promotion"])
    assert m.phase == (PROMOTED if auto else AWAITING)


@given(st.integers(0, 200), st.integers(0, 200), st.integers(1, 100))
def test_below_the_sample_size_a_metric_is_inconclusive(cn: int, bn: int, minimum: int) -> None:
    t = Threshold(max_increase=0.1, min_samples=minimum)
    result = judge_metric("block_rate", t, arm(cn, cn), arm(bn, 0))
    if cn < minimum or bn < minimum:
        assert result.verdict == INCONCLUSIVE
    else:  # every canary request blocked, no baseline one: a difference of 1.0
        assert result.verdict == FAIL


@given(st.integers(50, 300), st.floats(0, 1), st.floats(0, 1))
@example(150, 0.38671875, 0.484375)  # 58 against 73 of 150: exactly 0.1 lower, in floats not
def test_a_difference_fails_only_past_its_threshold(n: int, canary: float, baseline: float
                                                    ) -> None:  # fmt: skip
    cb, bb = round(canary * n), round(baseline * n)
    t = Threshold(max_increase=0.05, max_decrease=0.1, min_samples=50)
    result = judge_metric("block_rate", t, arm(n, cb), arm(n, bb))
    diff = Fraction(cb - bb, n)  # exact: a difference at its threshold passes
    assert result.verdict == (FAIL if diff > Fraction("0.05") or -diff > Fraction("0.1") else PASS)


def test_no_traffic_is_inconclusive_and_optional_metrics_without_samples_are_skipped() -> None:
    thresholds = {"block_rate": Threshold(max_increase=0.1, min_samples=1),
                  "deep_unsafe_rate": Threshold(max_increase=0.1, optional=True)}  # fmt: skip
    verdict, results = judge(thresholds, ArmCounts(), ArmCounts())
    assert verdict == INCONCLUSIVE
    assert [r.verdict for r in results] == [INCONCLUSIVE, SKIPPED]
    verdict, results = judge(thresholds, arm(10, 0), arm(10, 0))
    assert verdict == PASS and results[1].verdict == SKIPPED


def test_p99_latency_compares_merged_histograms() -> None:
    fast, slow = ArmCounts(), ArmCounts()
    for _ in range(100):
        fast.add_request("allowed", False, False, 1.0)
        slow.add_request("allowed", False, False, 150.0)
    t = Threshold(max_increase=50.0, min_samples=100)
    assert judge_metric("p99_latency_ms", t, slow, fast).verdict == FAIL
    assert judge_metric("p99_latency_ms", t, fast, slow).verdict == PASS
    merged = ArmCounts()
    merged.merge(fast)
    merged.merge(ArmCounts.from_json(slow.to_json()))
    assert merged.requests == 200 and merged.p99_ms() == slow.p99_ms()
