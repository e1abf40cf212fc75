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

    def add(self, now: float, failed: bool) -> None:
        epoch = math.floor(now / self._width)
        slot = epoch % _BUCKETS
        if self._epochs[slot] != epoch:  # the slot holds an expired period: recycle it
            self._epochs[slot] = epoch
            self._totals[slot] = 0
            self._failures[slot] = 0
        self._totals[slot] += 1
        self._failures[slot] += failed

    def amend(self, now: float) -> None:
        """Turn one outcome already counted as a success into a failure (a late verdict)."""
        epoch = math.floor(now / self._width)
        slot = epoch % _BUCKETS
        if self._epochs[slot] != epoch:
            self._epochs[slot] = epoch
            self._totals[slot] = 0
            self._failures[slot] = 0
        self._failures[slot] += 1

    def counts(self, now: float) -> tuple[int, int]:
        """(outcomes, failures) still inside the window."""
        epoch = math.floor(now / self._width)
        total = failures = 0
        for e, t, f in zip(self._epochs, self._totals, self._failures, strict=True):
            if epoch - _BUCKETS < e <= epoch:
                total += t
                failures += f
        return total, failures

    def clear(self) -> None:
        self._totals = [0] * _BUCKETS
        self._failures = [0] * _BUCKETS
