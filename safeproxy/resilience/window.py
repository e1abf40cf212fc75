"""A sliding window of outcome counts in time buckets: O(1) memory whatever the traffic."""

from __future__ import annotations

import math

# Time buckets per sliding window.
_BUCKETS = 10


class Window:
    """Outcome counts over the last `window_s` seconds, kept in time buckets: an outcome stops
    counting between (1 - 1/_BUCKETS) * window_s and window_s after it was recorded."""

    def __init__(self, window_s: float) -> None:
        self._width = window_s / _BUCKETS
        self._epochs = [0] * _BUCKETS  # the bucket period each slot currently holds
        self._totals = [0] * _BUCKETS
        self._failures = [0] * _BUCKETS
        # The earliest failure time each slot holds (inf: none): where a trip's evidence
        # begins, for time to detect (M3).
        self._first = [math.inf] * _BUCKETS

    def add(self, now: float, failed: bool) -> None:
        # (`//` and int rather than math.floor: an operator and a type, not a call, on
        # every upstream reply; the same integer for the clock's finite times.)
        epoch = int(now // self._width)
        slot = epoch % _BUCKETS
        if self._epochs[slot] != epoch:  # the slot holds an expired period: recycle it
            self._epochs[slot] = epoch
            self._totals[slot] = 0
            self._failures[slot] = 0
            self._first[slot] = math.inf
        self._totals[slot] += 1
        if failed:
            self._failures[slot] += 1
            if now < self._first[slot]:
                self._first[slot] = now

    def amend(self, now: float) -> None:
        """Turn one outcome already counted as a success into a failure (a late verdict)."""
        epoch = int(now // self._width)
        slot = epoch % _BUCKETS
        if self._epochs[slot] != epoch:
            self._epochs[slot] = epoch
            self._totals[slot] = 0
            self._failures[slot] = 0
            self._first[slot] = math.inf
        self._failures[slot] += 1
        if now < self._first[slot]:
            self._first[slot] = now

    def counts(self, now: float) -> tuple[int, int]:
        """(outcomes, failures) still inside the window."""
        epoch = int(now // self._width)
        total = failures = 0
        for e, t, f in zip(self._epochs, self._totals, self._failures, strict=True):
            if epoch - _BUCKETS < e <= epoch:
                total += t
                failures += f
        return total, failures

    def first_failure(self, now: float) -> float | None:
        """Clock time of the earliest failure still inside the window (None: none)."""
        epoch = int(now // self._width)
        live = zip(self._epochs, self._first, strict=True)
        first = min((t for e, t in live if epoch - _BUCKETS < e <= epoch), default=math.inf)
        return first if first != math.inf else None

    def clear(self) -> None:
        self._totals = [0] * _BUCKETS
        self._failures = [0] * _BUCKETS
        self._first = [math.inf] * _BUCKETS
