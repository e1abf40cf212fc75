"""A rollout's chart as inline SVG geometry: canary and baseline per metric over intervals.

Computed here and drawn by the template (escaped like everything else): no script, no
charting library, nothing for the CSP to allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT, PAD = 480, 140, 24


@dataclass(frozen=True, slots=True)
class Chart:
    metric: str
    canary: str  # SVG polyline points
    baseline: str
    top: float  # the value at the top edge
    intervals: int


def charts(history: list[dict[str, Any]]) -> list[Chart]:
    """One chart per metric found in the closed intervals of `history` (oldest first)."""
    closed = [h["values"] for h in history if isinstance(h.get("values"), dict)]
    metrics = sorted({m for values in closed for m in values})
    out = []
    for metric in metrics:
        pairs = [values.get(metric) or [None, None] for values in closed]
        numbers = [v for pair in pairs for v in pair if isinstance(v, int | float)]
        top = max(numbers, default=0.0) or 1.0
        out.append(Chart(metric, _line(pairs, 0, top), _line(pairs, 1, top), top, len(pairs)))
    return out


def _line(pairs: list[list[Any]], arm: int, top: float) -> str:
    n = len(pairs)
    step = (WIDTH - 2 * PAD) / max(n - 1, 1)
    points = []
    for i, pair in enumerate(pairs):
        value = pair[arm]
        if not isinstance(value, int | float):
            continue  # no data in that interval: a gap, not a zero
        x = PAD + i * step
        y = HEIGHT - PAD - (value / top) * (HEIGHT - 2 * PAD)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)
