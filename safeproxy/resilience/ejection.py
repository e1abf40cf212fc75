"""Outlier ejection across one upstream's base URLs, on top of their breakers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from safeproxy.resilience.breaker import Breaker


class Ejector:
    """Outlier ejection across one upstream's base URLs.

    Ejecting too many would pile the whole load onto the survivors and topple them too, so at
    most `max_ejection_percent` of the pool is ejected; above that, the URLs that opened longest
    ago (the nearest to recovering) are kept usable anyway. A force-opened URL is an operator's
    decision: it is left out of the pool entirely and never kept.
    """

    def __init__(self, breakers: Mapping[str, Breaker], max_ejection_percent: int = 50) -> None:
        if not 0 <= max_ejection_percent <= 100:
            raise ValueError(
                f"max_ejection_percent must be in [0, 100], got {max_ejection_percent}"
            )
        self._breakers = breakers
        self._max_percent = max_ejection_percent

    def usable(self, urls: Sequence[str]) -> list[str]:
        """The URLs to pick from, in the given order; [] when no breaker admits traffic.

        Side-effect free: it takes no half-open slot. The caller calls allow() on the URL it
        picks, and sends anyway if that URL's breaker is OPEN (it was kept by the cap).
        """
        pool = [u for u in urls if self._breakers[u].forced_reason is None]
        healthy = {u for u in pool if self._breakers[u].would_allow()}
        if not healthy:
            return []
        ejected = [u for u in pool if u not in healthy]
        excess = len(ejected) - len(pool) * self._max_percent // 100
        if excess > 0:
            ejected.sort(key=self._opened_at)
            healthy.update(ejected[:excess])
        return [u for u in pool if u in healthy]

    def retry_after_s(self, urls: Sequence[str]) -> float:
        """The soonest any of `urls` half-opens (for a 503's Retry-After); 0 if one is not OPEN."""
        return min((self._breakers[u].retry_after_s() for u in urls), default=0.0)

    def _opened_at(self, url: str) -> float:
        at = self._breakers[url].opened_at
        return -math.inf if at is None else at
