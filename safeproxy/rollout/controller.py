"""Rollouts: every route's live rollout; serves requests an arm, counts them, analyses intervals.

The pipeline asks `serve` which policy answers a request (after the tenant map, before the
safety breaker); the recorder hands every finished decision to `observe`; `tick` closes the
intervals that are due (the app's background task calls it, tests call it with a fake
clock). Admin calls go through `act`. Everything runs on the event loop's thread, so calls
are serialised: a promote that arrives during an abort finds the rollout aborted and is
refused with that state.

A rollout lives as long as its candidate: a reload that keeps the candidate's name, version
and mode keeps the state (phase, step, counts, history); any other candidate starts afresh.
Counts are this process's. With `--workers N` each worker analyses its own share of the
traffic, and the first to reach a verdict that changes the phase publishes it (fleet.py),
which every worker then adopts.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from safeproxy.exchange.decision import Decision, degraded_reason
from safeproxy.exchange.state import Exchange
from safeproxy.generation.generation import Generation
from safeproxy.resilience.reaction import ReactionTimes
from safeproxy.review.item import FLAGGED_LABELS, ReviewItem
from safeproxy.rollout.analysis import FAIL, judge
from safeproxy.rollout.assign import Assigner, rollout_key
from safeproxy.rollout.counts import JUDGED, ArmCounts
from safeproxy.rollout.machine import PROMOTED, RUNNING, Machine, Refused
from safeproxy.rollout.mark import RolloutMark
from safeproxy.rollout.metrics import RolloutMetrics
from safeproxy.settings.rollouts import RolloutSettings
from safeproxy.telemetry.audit import AuditLog
from safeproxy.upstream.routes import Route

if TYPE_CHECKING:  # redis is an optional extra, imported only where the config uses it
    from safeproxy.rollout.shared import RedisRolloutCounts

HISTORY = 50  # intervals and events kept per rollout for the status
GRACE_S = 1.0  # store: redis: after a window ends, before its totals are read (shared.py)
ACTIONS = ("start", "pause", "promote", "abort")
_LIVE_SHARE = frozenset({RUNNING, "paused", "awaiting_promotion"})


@dataclasses.dataclass(slots=True)
class Rollout:
    route: str
    settings: RolloutSettings
    key: str  # candidate name, version and mode: a new key is a new rollout
    active: str  # the route's own policy, which the candidate stands beside
    version: str  # the candidate's
    machine: Machine
    assigner: Assigner
    started: float  # the open interval's start (the controller's clock)
    arms: dict[str, ArmCounts] = dataclasses.field(default_factory=dict)
    last: dict[str, Any] | None = None
    history: deque[dict[str, Any]] = dataclasses.field(
        default_factory=lambda: deque(maxlen=HISTORY)
    )
    shadow: dict[str, int] = dataclasses.field(default_factory=dict)
    sampled: float = 0.0  # shadow sampling: a running share, so exactly `sample` of requests
    served: dict[int, tuple[Route, Route]] = dataclasses.field(default_factory=dict)
    window: int | None = None  # store: redis: the wall-clock window being counted
    pending: list[int] = dataclasses.field(default_factory=list)  # added, not yet judged
    # Where the first failed interval began: M3 (time to detect) runs from there.
    first_failed_at: float | None = None

    @property
    def share(self) -> float:
        """Percent of identities the candidate serves now."""
        phase = self.machine.phase
        if self.settings.mode == "shadow" or phase not in _LIVE_SHARE | {PROMOTED}:
            return 0.0
        return 100.0 if phase == PROMOTED else self.settings.steps[self.machine.step]

    def candidate_route(self, route: Route) -> Route:
        known = self.served.get(id(route))
        if known is None or known[0] is not route:
            if len(self.served) > 64:  # routes of old generations
                self.served.clear()
            known = (route, dataclasses.replace(route, policy=self.settings.candidate))
            self.served[id(route)] = known  # keeps `route` alive, so its id stays its own
        return known[1]

    def fresh_interval(self, now: float) -> None:
        self.arms = {"canary": ArmCounts(), "baseline": ArmCounts()}
        self.started = now


class Rollouts:
    def __init__(
        self,
        metrics: RolloutMetrics,
        env: Mapping[str, str],
        *,
        clock: Callable[[], float] = time.monotonic,
        audit: AuditLog | None = None,
        wall: Callable[[], float] = time.time,
        shared: RedisRolloutCounts | None = None,
        times: ReactionTimes | None = None,
    ) -> None:
        self.metrics = metrics
        self.times = times  # M3/M4 of a rollback (kind "canary")
        self.audit = audit
        self._env = env
        self._clock = clock
        self._wall = wall  # store: redis: windows every process agrees on
        self.shared = shared
        self.rollouts: dict[str, Rollout] = {}
        # Told of every phase or step change (fleet.py publishes it to the other workers),
        # and what an admin call awaits before it answers: every worker's ack.
        self.on_change: Callable[[Rollout], None] | None = None
        self.settled: Callable[[], Awaitable[dict[str, Any]]] | None = None
        self._pending: set[asyncio.Task[None]] = set()  # M4 waits for every worker's ack

    def sync(self, gen: Generation) -> None:
        """Take the rollouts of a (new) generation: same candidate, same state."""
        routes = {r.label: r for r in gen.router.routes()}
        kept: dict[str, Rollout] = {}
        for label, s in gen.settings.rollouts.items():
            version = gen.versions.get(s.candidate, "")
            key = f"{s.candidate}@{version}:{s.mode}"
            old = self.rollouts.get(label)
            if old is not None and old.key == key:
                old.settings, old.active = s, routes[label].policy
                kept[label] = old
                continue
            a = s.analysis
            machine = Machine(len(s.steps), a.passes_per_step, a.max_failed, s.promote == "auto")
            r = Rollout(label, s, key, routes[label].policy, version, machine,
                        Assigner(rollout_key(label, s.candidate, s.key_env, self._env)),
                        self._clock())  # fmt: skip
            r.fresh_interval(self._clock())
            kept[label] = r
            self._event(r, "reset" if old is not None else "configured")
            if s.start == "auto":
                self._event(r, r.machine.start())
        for label in self.rollouts.keys() - kept.keys():
            self.metrics.share.labels(label).set(0)
        self.rollouts = kept

    def serve(self, ex: Exchange, route: Route, credential: str | None = None) -> Route:
        """The route with the policy that serves this request (the candidate's, in the
        canary). `credential`: the Authorization header, hashed (keyed) for the identity."""
        r = self.rollouts.get(route.label)
        if r is None or route.policy != r.active:  # no rollout, or a tenant's own policy
            return route
        s = r.settings
        if s.mode == "shadow":
            if r.machine.phase == RUNNING:
                r.sampled += s.sample
                if r.sampled >= 1.0:
                    r.sampled -= 1.0
                    ex.rollout = RolloutMark(r.route, s.candidate, "shadow", "shadow")
            return route
        share = r.share
        if share <= 0:
            return route
        # A configured tenant's name; else the credential itself (the tenant hash's salt
        # may differ per worker, and a client must not flip between them); without one,
        # the address where one is looked up (else every keyless client is one identity).
        identity = ex.tenant if ex.tenant_label == ex.tenant else credential or ex.limit_key
        if r.assigner.in_canary(identity, share):
            ex.rollout = RolloutMark(r.route, s.candidate, "canary", "canary")
            ex.policy_via = "canary"
            return r.candidate_route(route)
        ex.rollout = RolloutMark(r.route, s.candidate, "canary", "baseline")
        return route

    def observe(self, ex: Exchange, decision: Decision) -> None:
        """Count a finished request towards its rollout's open interval."""
        mark = ex.rollout
        r = self.rollouts.get(mark.route) if mark is not None else None
        if mark is None or r is None or r.settings.candidate != mark.candidate:
            return  # no rollout, or one a reload replaced meanwhile
        if mark.arm == "shadow":
            if mark.shadow is not None:
                result = mark.shadow.disagreement
                r.shadow[result] = r.shadow.get(result, 0) + 1
                self.metrics.shadow_counted(r.route, result)
            return
        if r.machine.phase != RUNNING or decision.outcome not in JUDGED:
            return
        served = r.settings.candidate if mark.arm == "canary" else r.active
        if ex.route is None or ex.route.policy != served:
            return  # quarantine or a safety breaker put a stricter policy in its place
        arm = r.arms[mark.arm]
        fail_open = any(degraded_reason(d) == "fail_open" for d in ex.degraded)
        arm.add_request(decision.outcome, decision.output_violation, fail_open,
                        decision.overhead_s * 1000)  # fmt: skip
        for check in ex.deep_checks or ():
            if check.verdict in ("safe", "unsafe"):
                arm.add_deep(check.verdict == "unsafe")
        self.metrics.requests.labels(r.route, mark.arm).inc()

    def labelled(self, item: ReviewItem) -> None:
        """A reviewer's label on a flagged item of a canary's route: a reviewed item of the
        arm whose policy flagged it, a false positive if so labelled. Counted in the interval
        open when the label is given (labels come later than their requests)."""
        r = self.rollouts.get(item.route)
        if r is None or not item.flagged or r.machine.phase != RUNNING or not r.arms:
            return
        arm = {r.settings.candidate: "canary", r.active: "baseline"}.get(item.policy)
        if arm is not None and item.label in FLAGGED_LABELS:
            r.arms[arm].reviewed += 1
            r.arms[arm].false_positives += item.label == "false_positive"

    def tick(self) -> list[tuple[str, str]]:
        """Close every local interval that is due; returns (route, verdict) for each."""
        now = self._clock()
        closed = []
        for r in self.rollouts.values():
            if r.machine.phase != RUNNING or r.settings.mode != "canary":
                continue
            if r.settings.analysis.store == "redis":
                continue  # analyse() does these
            if now - r.started < r.settings.analysis.interval_s:
                continue
            closed.append((r.route, self._close(r, r.arms["canary"], r.arms["baseline"], now)))
        return closed

    async def analyse(self) -> list[tuple[str, str]]:
        """tick(), then the shared rollouts: add this process's counts of each window that
        ended, and judge each window whose grace has passed on every process's totals."""
        closed = self.tick()
        wall = self._wall()
        for r in list(self.rollouts.values()):
            a = r.settings.analysis
            if r.machine.phase != RUNNING or r.settings.mode != "canary" or a.store != "redis":
                continue
            window = int(wall // a.interval_s)
            if r.window is None:
                r.window = window
            if window > r.window:
                added = self.shared is not None and await self.shared.add(
                    r.route, r.key, r.window, r.arms, a.interval_s)  # fmt: skip
                r.pending.append(r.window if added else -1)  # -1: lost, inconclusive
                r.window = window
                r.fresh_interval(self._clock())
            for w in list(r.pending):
                if w >= 0 and wall < (w + 1) * a.interval_s + GRACE_S:
                    continue
                r.pending.remove(w)
                totals = None
                if w >= 0 and self.shared is not None:
                    totals = await self.shared.read(r.route, r.key, w)
                if r.machine.phase != RUNNING:
                    continue  # rolled back by an earlier window, or by another worker
                if totals is None:  # Redis down: nothing to compare; holds
                    totals = {"canary": ArmCounts(), "baseline": ArmCounts()}
                verdict = self._close(r, totals["canary"], totals["baseline"], self._clock(),
                                      fresh=False)  # fmt: skip
                closed.append((r.route, verdict))
        return closed

    def _close(self, r: Rollout, canary: ArmCounts, baseline: ArmCounts, now: float, *,
               fresh: bool = True) -> str:  # fmt: skip
        """Judge one interval's counts and move the rollout; returns the verdict."""
        verdict, results = judge(r.settings.analysis.metrics, canary, baseline)
        failing = [m.metric for m in results if m.verdict == FAIL]
        r.last = {"verdict": verdict, "step": r.machine.step, "share_percent": r.share,
                  "metrics": [m.to_json() for m in results]}  # fmt: skip
        # Each metric's pair too: the console draws canary against baseline over time.
        values = {m.metric: [m.canary, m.baseline] for m in results}
        r.history.append({"interval": verdict, "step": r.machine.step, "failing": failing,
                          "at_unix": self._wall(), "values": values})  # fmt: skip
        self.metrics.intervals.labels(r.route, verdict).inc()
        for m in results:
            for arm, value in (("canary", m.canary), ("baseline", m.baseline)):
                if value is not None:
                    self.metrics.metric.labels(r.route, m.metric, arm).set(value)
        if self.audit is not None:
            self.audit.event("rollout_interval", route=r.route, candidate=r.settings.candidate,
                             verdict=verdict, step=r.machine.step, failing=failing,
                             metrics=r.last["metrics"])  # fmt: skip
        if verdict == FAIL and r.first_failed_at is None:
            r.first_failed_at = r.started
        reason = "failed intervals exceeded the limit: " + ", ".join(failing)
        for event in r.machine.interval(verdict, reason):
            self._event(r, event)
            if event == "rolled_back":
                self._reaction(r, now)
        if fresh:
            r.fresh_interval(now)
        return verdict

    def _reaction(self, r: Rollout, detected: float) -> None:
        """M3 from the first failed interval's start to the rollback; M4 from the rollback to
        the baseline serving everywhere: at once in one process, at every worker's ack in a
        fleet (a worker that never acks records nothing)."""
        if self.times is None:
            return
        times = self.times
        times.detected("canary", r.first_failed_at or detected, detected)
        if self.settled is None:
            times.mitigated("canary", detected, self._clock())
            return
        settled = self.settled

        async def everywhere() -> None:
            with contextlib.suppress(TimeoutError):
                await settled()
                times.mitigated("canary", detected, self._clock())

        self._pending.add(task := asyncio.get_running_loop().create_task(everywhere()))
        task.add_done_callback(self._pending.discard)

    def act(self, route: str, action: str, token: str, reason: str = "") -> Rollout:
        """An admin call; raises KeyError (no such rollout) or machine.Refused."""
        r = self.rollouts[route]
        m = r.machine
        why = reason or f"by {token}"
        event = {"start": m.start, "pause": m.pause}.get(action)
        if event is not None:
            name = event()
        elif action == "promote":
            if r.settings.mode == "shadow":
                raise Refused("a shadow candidate serves no one: roll it out as a canary")
            name = m.promote(why)
        else:
            name = m.abort(why)
        if name in ("started", "resumed"):
            r.fresh_interval(self._clock())  # a paused stretch is no interval
        self._event(r, name, token=token)
        return r

    def adopt(self, route: str, key: str, state: Mapping[str, Any]) -> bool:
        """Take a phase and step another worker published (fleet.py); False: not ours."""
        r = self.rollouts.get(route)
        if r is None or r.key != key:
            return False
        m = r.machine
        if (m.phase, m.step) == (state.get("phase"), state.get("step")):
            return True
        m.phase, m.step = str(state.get("phase", m.phase)), int(state.get("step", m.step))
        m.reason = str(state.get("reason", m.reason))
        r.fresh_interval(self._clock())
        r.history.append({"event": "adopted", "phase": m.phase, "step": m.step})
        self._gauges(r)
        return True

    def _event(self, r: Rollout, event: str, **fields: Any) -> None:
        m = r.machine
        r.history.append({"event": event, "phase": m.phase, "step": m.step, "reason": m.reason,
                          **fields})  # fmt: skip
        self.metrics.events.labels(r.route, event).inc()
        self._gauges(r)
        if self.audit is not None:
            self.audit.event("rollout", route=r.route, event=event, candidate=r.settings.candidate,
                             version=r.version, phase=m.phase, step=m.step,
                             share_percent=r.share, reason=m.reason, **fields)  # fmt: skip
        if self.on_change is not None and event != "configured":
            self.on_change(r)

    def _gauges(self, r: Rollout) -> None:
        self.metrics.share.labels(r.route).set(r.share)
        self.metrics.step.labels(r.route).set(r.machine.step)
