"""The rollout state file shared by workers: a rollback one worker decides is adopted by the
others on the forwarded signal, and is sticky: a worker that had not heard of it yet and
publishes its own next step adopts the rollback instead of overwriting it."""

from __future__ import annotations

from pathlib import Path

from safeproxy.rollout.fleet import FleetRollouts, apply_state, read_state
from safeproxy.rollout.machine import ROLLED_BACK, RUNNING
from tests.unit.test_rollout_controller import Harness, generation, settings

ANALYSIS = {"interval_s": 10, "max_failed": 0,
            "metrics": {"block_rate": {"max_increase": 0.1, "min_samples": 3}}}  # fmt: skip


def worker(tmp_path: Path, name: str, signals: list[str]) -> Harness:
    h = Harness(generation(settings({"steps": [10, 50], "analysis": ANALYSIS})))
    fleet = FleetRollouts(str(tmp_path), name, h.rollouts, lambda: signals.append(name))
    h.rollouts.on_change = fleet.publish
    return h


def test_a_rollback_reaches_the_other_worker_and_wins_over_its_step(tmp_path: Path) -> None:
    signals: list[str] = []
    one, two = worker(tmp_path, "1", signals), worker(tmp_path, "2", signals)
    one.rollouts.act("main", "start", "ops")
    assert apply_state(tmp_path, "2", two.rollouts) == 1
    assert two.rollouts.rollouts["main"].machine.phase == RUNNING
    for h, text in ((one, "hello"), (two, "plain")):  # the candidate blocks `hello`
        for i in range(300):
            h.request(text, f"c{i}")
        h.clock.advance(10)
    assert one.rollouts.tick() == [("main", "fail")]
    assert read_state(tmp_path)["routes"]["main"]["phase"] == ROLLED_BACK
    # Worker 2 passes its interval before the signal reaches it: its step must not win.
    assert two.rollouts.tick() == [("main", "pass")]
    r2 = two.rollouts.rollouts["main"]
    assert r2.machine.phase == ROLLED_BACK and r2.share == 0
    assert read_state(tmp_path)["routes"]["main"]["phase"] == ROLLED_BACK
    assert signals == ["1", "1"]  # worker 2 wrote nothing, so it signalled nothing


def test_an_entry_for_another_candidate_is_not_adopted(tmp_path: Path) -> None:
    signals: list[str] = []
    one = worker(tmp_path, "1", signals)
    one.rollouts.act("main", "start", "ops")
    other = Harness(generation(settings({"steps": [10, 50]}, candidate_block="other")))
    apply_state(tmp_path, "2", other.rollouts)
    assert other.rollouts.rollouts["main"].machine.phase == "pending"
