"""Drift (M10): per route and policy, how far the recent finding-type mix and deep-check scores
have moved from a trailing reference, and how far they move by chance.

Windows (DriftSettings, defaults in brackets): time is cut into buckets of `bucket_s` [300 s].
The recent window is the last `recent_buckets` complete buckets [2: 10 min]; the reference is
the `reference_buckets` complete buckets before it [24: 2 h]. The bucket being filled is in
neither, so the exported values change only when a bucket completes; they are computed by
`refresh` (a background task, just after each boundary), never on a request.

Statistics (divergence.py): the Jensen-Shannon divergence (bits) between the recent and the
reference finding-type mix (each finding type counted once per request, as in
safeproxy_findings_total), and the two-sample Kolmogorov-Smirnov statistic between their
deep-check score histograms (`score_bins` equal bins over 0..1).

Threshold, from the reference's own variability: the reference splits into sub-windows of the
recent window's size [12]; each is compared, with the same statistic, against the rest of the
reference; the threshold is the largest of those divergences, i.e. the most the reference
moved by chance at this sample size. A window with fewer than `min_samples` findings (scores)
is not compared, and fewer than 3 comparable sub-windows give no threshold: NaN, never 0.

Memory: fixed per series (route x policy), (recent + reference + 1) buckets of `max_types` + 1
finding counts and `score_bins` score counts, and at most `max_series` series (beyond that a
new pair is not tracked). The per-request work is a dict lookup, a clock read and one
increment per finding type or score; a request with neither is not seen at all.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from typing import Literal

from prometheus_client import CollectorRegistry, Gauge

from safeproxy.telemetry.divergence import jsd, ks
from safeproxy.telemetry.settings import DriftSettings

Key = tuple[str, str]  # (route, policy)
Measure = Callable[[Sequence[int], Sequence[int]], float]


class _Series:
    """One route x policy: a ring of buckets, each a finding-type count vector and a score
    histogram. Slot `epoch % ring` holds bucket `epoch`; slots are zeroed as time advances."""

    __slots__ = ("epoch", "mix", "mix_now", "scores", "scores_now", "types", "until")

    def __init__(self, ring: int, types: int, bins: int, epoch: int, bucket_s: float) -> None:
        self.epoch = epoch
        # When the current bucket ends: one float comparison per request finds a boundary.
        self.until = (epoch + 1) * bucket_s
        self.mix = [[0] * (types + 1) for _ in range(ring)]  # the last slot is `other`
        self.scores = [[0] * bins for _ in range(ring)]
        self.mix_now = self.mix[epoch % ring]
        self.scores_now = self.scores[epoch % ring]
        self.types: dict[str, int] = {}


class DriftTracker:
    def __init__(
        self,
        registry: CollectorRegistry,
        settings: DriftSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        s = settings if settings is not None else DriftSettings()
        self.settings = s
        self._clock = clock
        self._ring = s.recent_buckets + s.reference_buckets + 1
        self._bins = s.score_bins
        self._bucket_s = s.bucket_s
        self._series: dict[Key, _Series] = {}
        labels = ["route", "policy"]
        # Per process with `--workers N` (each worker judges its own share of traffic
        # against its own reference): the alert compares series label by label.
        mode: Literal["liveall"] = "liveall"
        self.mix_jsd = Gauge(
            "safeproxy_drift_finding_mix_jsd",
            "M10: Jensen-Shannon divergence (bits, 0..1) of the finding-type mix, recent "
            "window vs trailing reference; NaN below the minimum sample.",
            labels, registry=registry, multiprocess_mode=mode,
        )  # fmt: skip
        self.mix_threshold = Gauge(
            "safeproxy_drift_finding_mix_jsd_threshold",
            "The largest divergence of a reference sub-window (the recent window's size) "
            "from the rest of the reference: what chance alone produced.",
            labels, registry=registry, multiprocess_mode=mode,
        )  # fmt: skip
        self.score_ks = Gauge(
            "safeproxy_drift_score_ks",
            "M10: two-sample Kolmogorov-Smirnov statistic (0..1) of deep-check scores, recent "
            "window vs trailing reference; NaN below the minimum sample.",
            labels, registry=registry, multiprocess_mode=mode,
        )  # fmt: skip
        self.score_threshold = Gauge(
            "safeproxy_drift_score_ks_threshold",
            "The largest KS statistic of a reference sub-window against the rest of the "
            "reference: what chance alone produced.",
            labels, registry=registry, multiprocess_mode=mode,
        )  # fmt: skip

    @property
    def series(self) -> int:
        """Route x policy pairs tracked (at most settings.max_series)."""
        return len(self._series)

    def observe(
        self, route: str, policy: str, types: Sequence[str], scores: Sequence[float] = ()
    ) -> None:
        """One request's finding types and deep-check scores (0..1) for its route and policy."""
        key = (route, policy)
        s = self._series.get(key)
        now = self._clock()
        if s is None:
            if len(self._series) >= self.settings.max_series:
                return  # capped: memory and series stay bounded whatever the config names
            epoch = int(now // self._bucket_s)
            s = self._series[key] = _Series(
                self._ring, self.settings.max_types, self._bins, epoch, self._bucket_s
            )
        elif now >= s.until:
            self._roll(s, int(now // self._bucket_s))
        if types:
            mix, index = s.mix_now, s.types
            for kind in types:
                i = index.get(kind)
                if i is None:
                    i = self._type_index(s, kind)
                mix[i] += 1
        if scores:
            bins = self._bins
            hist = s.scores_now
            for score in scores:
                # Scores are 0..1 by the judges' contract; clamped so 1.0 lands in the top
                # bin (comparisons, not min/max: this runs per request).
                b = int(score * bins)
                hist[b if 0 <= b < bins else (0 if b < 0 else bins - 1)] += 1

    def pairs(self) -> list[Key]:
        """The (route, policy) pairs tracked."""
        return list(self._series)

    def refresh(self, key: Key | None = None) -> None:
        """Bring one series (None: every one) up to now and export its values. The
        evaluation (a fraction of a millisecond per series) runs here, never on a request:
        app.py's task calls it just after each bucket boundary, one series per loop turn,
        so a series whose traffic stopped moves on too."""
        epoch = int(self._clock() // self._bucket_s)
        for k in [key] if key is not None else self.pairs():
            s = self._series.get(k)
            if s is None:
                continue
            if epoch > s.epoch:
                self._roll(s, epoch)
            self._export(k, s)

    def _type_index(self, s: _Series, kind: str) -> int:
        if len(s.types) < self.settings.max_types:
            s.types[kind] = len(s.types)
            return s.types[kind]
        return self.settings.max_types  # `other`: not remembered, so the dict stays bounded

    def _roll(self, s: _Series, epoch: int) -> None:
        """Move a series to bucket `epoch`: zero the slots of the buckets that passed. Cheap
        (no evaluation): a request that crosses a boundary does this."""
        ring = self._ring
        for e in range(max(s.epoch + 1, epoch - ring + 1), epoch + 1):
            slot = e % ring
            s.mix[slot] = [0] * len(s.mix[slot])
            s.scores[slot] = [0] * self._bins
        s.epoch = epoch
        s.until = (epoch + 1) * self._bucket_s
        s.mix_now = s.mix[epoch % ring]
        s.scores_now = s.scores[epoch % ring]

    def evaluate(self, route: str, policy: str) -> tuple[float, float, float, float]:
        """(mix JSD, its threshold, score KS, its threshold) of a series now; NaN where not
        comparable."""
        s = self._series.get((route, policy))
        if s is None:
            return (math.nan,) * 4
        return (*self._compare(s, s.mix, jsd), *self._compare(s, s.scores, ks))

    def _export(self, key: Key, s: _Series) -> None:
        mix, mix_t = self._compare(s, s.mix, jsd)
        score, score_t = self._compare(s, s.scores, ks)
        self.mix_jsd.labels(*key).set(mix)
        self.mix_threshold.labels(*key).set(mix_t)
        self.score_ks.labels(*key).set(score)
        self.score_threshold.labels(*key).set(score_t)

    def _compare(self, s: _Series, ring: list[list[int]], measure: Measure) -> tuple[float, float]:
        st = self.settings
        recent = self._window(ring, s.epoch, 1, st.recent_buckets)
        subs = [
            self._window(ring, s.epoch, st.recent_buckets * (k + 1) + 1, st.recent_buckets)
            for k in range(st.reference_buckets // st.recent_buckets)
        ]
        reference = [sum(column) for column in zip(*subs, strict=True)]
        floor = st.min_samples
        stat = math.nan
        if sum(recent) >= floor and sum(reference) >= floor:
            stat = measure(recent, reference)
        chance = [
            measure(sub, [r - x for r, x in zip(reference, sub, strict=True)])
            for sub in subs
            if sum(sub) >= floor and sum(reference) - sum(sub) >= floor
        ]
        return stat, (max(chance) if len(chance) >= 3 else math.nan)

    def _window(self, ring: list[list[int]], epoch: int, back: int, n: int) -> list[int]:
        """The sum of the `n` buckets ending `back` buckets before `epoch`."""
        slots = [ring[(epoch - back - i) % self._ring] for i in range(n)]
        return [sum(column) for column in zip(*slots, strict=True)]


# How long after a drift bucket boundary its series are exported: the bucket has completed.
PAST_BOUNDARY_S = 0.05


async def refresh_every(drift: DriftTracker, clock: Callable[[], float]) -> None:
    """Export every drift series just after each bucket boundary of the tracker's clock,
    one series per loop turn (each evaluation is a fraction of a millisecond), so a series
    whose traffic stopped still moves on and no request pays for an evaluation."""
    bucket = drift.settings.bucket_s
    while True:
        await asyncio.sleep(bucket - clock() % bucket + PAST_BOUNDARY_S)
        for pair in drift.pairs():
            drift.refresh(pair)
            await asyncio.sleep(0)
