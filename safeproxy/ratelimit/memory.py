"""In-process limiters: GCRA over a bounded dict of TATs, and per-key in-flight counts.

One process's view only: used when no shared store is configured, or as the fallback while the
shared store is unreachable.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from safeproxy.ratelimit.gcra import Decision, Limit, charge, decide


class MemoryLimiter:
    """GCRA per key, with memory bounded however many distinct keys clients invent.

    Two bounds: a key whose TAT has passed is a full bucket, equivalent to no entry, so a
    periodic sweep drops it; and at most `max_keys` entries are kept, evicting the key updated
    least recently. Eviction forgets that key's debt, so size `max_keys` above the number of
    legitimately active keys; it is a safety net against unbounded growth, not a policy.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        max_keys: int = 100_000,
        min_sweep_interval: int = 1024,
    ) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self._clock = clock
        self._max_keys = max_keys
        self._min_sweep_interval = max(1, min_sweep_interval)
        # Ordered by last update (move_to_end), so the first entry is the eviction victim.
        self._tats: OrderedDict[str, float] = OrderedDict()
        self._calls_since_sweep = 0

    def __len__(self) -> int:
        return len(self._tats)

    def acquire(self, key: str, cost: float, limit: Limit) -> Decision:
        """Admit or refuse `cost` units for `key`; an admitted cost is recorded."""
        now = self._clock()
        decision = decide(self._tats.get(key), now, cost, limit)
        if decision.allowed:
            self._store(key, decision.new_tat, now)
        self._maybe_sweep(now)
        return decision

    def settle(self, key: str, reserved: float, actual: float, limit: Limit) -> Decision:
        """Correct an admitted reservation of `reserved` units to the `actual` usage.

        Unused units are refunded; an overrun is charged even beyond the burst (the usage has
        already happened), and later requests for the key wait until it is repaid.
        """
        now = self._clock()
        decision = charge(self._tats.get(key), now, actual - reserved, limit)
        self._store(key, decision.new_tat, now)
        self._maybe_sweep(now)
        return decision

    def _store(self, key: str, tat: float, now: float) -> None:
        if tat <= now:
            # A full bucket needs no entry.
            self._tats.pop(key, None)
            return
        self._tats[key] = tat
        self._tats.move_to_end(key)
        while len(self._tats) > self._max_keys:
            self._tats.popitem(last=False)

    def _maybe_sweep(self, now: float) -> None:
        # A sweep costs O(keys); running it only after at least that many calls keeps the
        # amortised cost per call O(1) at any table size.
        self._calls_since_sweep += 1
        if self._calls_since_sweep < max(self._min_sweep_interval, len(self._tats)):
            return
        self._calls_since_sweep = 0
        expired = [key for key, tat in self._tats.items() if tat <= now]
        for key in expired:
            del self._tats[key]


class ConcurrencyLimiter:
    """How many requests per key are in flight right now, capped at entry.

    Only keys with requests in flight have an entry, so memory is bounded by concurrency.
    """

    def __init__(self) -> None:
        self._in_flight: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._in_flight)

    def in_flight(self, key: str) -> int:
        return self._in_flight.get(key, 0)

    def try_enter(self, key: str, max_in_flight: int) -> bool:
        """Count one more request for `key` unless `max_in_flight` are already in flight."""
        current = self._in_flight.get(key, 0)
        if current >= max_in_flight:
            return False
        self._in_flight[key] = current + 1
        return True

    def leave(self, key: str) -> None:
        """Count one request for `key` as finished; pairs with a successful try_enter."""
        current = self._in_flight.get(key, 0)
        if current <= 0:
            # An unpaired leave would silently raise the key's effective cap: a caller bug.
            # The key is left out of the message: it may be a credential.
            raise RuntimeError("leave without a matching try_enter")
        if current == 1:
            del self._in_flight[key]
        else:
            self._in_flight[key] = current - 1
