"""The two divergences drift (M10) is measured with, on fixed-size count vectors.

- Jensen-Shannon divergence of two categorical distributions given as counts, in bits (log
  base 2), so it lies in [0, 1]: 0 for the same mix, 1 for mixes with no category in common.
  It is symmetric and finite even where one side has a category the other lacks (unlike KL).
- The two-sample Kolmogorov-Smirnov statistic of two samples given as histograms over the
  same bins: the largest gap between their empirical CDFs at a bin edge, in [0, 1]. On binned
  data it is the exact KS statistic of the samples with each value moved to its bin's upper
  edge, so it never exceeds the statistic of the raw scores (bins of 1/20 on 0..1 scores).

Pure functions: no state, no clock. Empty sides give NaN (no distribution to compare).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def jsd(p: Sequence[int], q: Sequence[int]) -> float:
    """Jensen-Shannon divergence (bits) between the distributions the counts `p` and `q`
    (same length) describe; NaN when either is all zero."""
    np_, nq = sum(p), sum(q)
    if np_ <= 0 or nq <= 0:
        return math.nan
    total = 0.0
    for a, b in zip(p, q, strict=True):
        if a == 0 and b == 0:
            continue
        pa, qb = a / np_, b / nq
        m = (pa + qb) / 2
        if pa > 0:
            total += pa * math.log2(pa / m)
        if qb > 0:
            total += qb * math.log2(qb / m)
    # Rounding can leave a hair outside [0, 1].
    return min(1.0, max(0.0, total / 2))


def ks(p: Sequence[int], q: Sequence[int]) -> float:
    """Two-sample Kolmogorov-Smirnov statistic of two histograms over the same bins; NaN when
    either is empty."""
    np_, nq = sum(p), sum(q)
    if np_ <= 0 or nq <= 0:
        return math.nan
    cp = cq = 0
    gap = 0.0
    for a, b in zip(p, q, strict=True):
        cp += a
        cq += b
        gap = max(gap, abs(cp / np_ - cq / nq))
    return gap
