"""How many admin credentials a peer may try: a wrong guess costs, a right one is free.

An admin token is whatever its owner chose, and the admin listener (API and console login)
answers as fast as it can: without a bound, a script on any host that reaches the listener
could try tokens at thousands a second. Each attempt is charged to the peer's bucket (GCRA,
ratelimit/gcra.py) before the credential is looked at; a right one is refunded, so only wrong
ones count. A peer whose bucket is empty is refused (429, Retry-After) without its
credential being checked at all: during the refusal even a right guess learns nothing.

The peer is the transport's address, never a forwarded header (which the client writes). A
peer shared by many (a NAT) shares its bucket: a flood of wrong guesses from it makes the
right token wait too, for at most one interval per attempt; the listener is meant to stay on
a private network (127.0.0.1 by default), where that peer is the operator's own.
"""

from __future__ import annotations

from collections.abc import Callable

from safeproxy.ratelimit.gcra import Limit
from safeproxy.ratelimit.memory import MemoryLimiter

# Ten wrong tokens at once, then one every six seconds: a person mistyping never meets it; a
# guesser gets 14,400 tries a day per address, against the 2^128 of a random 32-hex token.
FAILURES = Limit(rate=1 / 6, burst=10)
# Distinct peers remembered (least recently charged forgotten first): memory stays bounded
# however many addresses a scan comes from.
MAX_PEERS = 10_000


class Attempts:
    """The credential attempts of each peer of one admin listener."""

    def __init__(
        self,
        clock: Callable[[], float],
        limit: Limit = FAILURES,
        max_peers: int = MAX_PEERS,
    ) -> None:
        self._limit = limit
        self._limiter = MemoryLimiter(clock, max_keys=max_peers)

    def __len__(self) -> int:
        """The peers remembered."""
        return len(self._limiter)

    def begin(self, peer: str | None) -> float:
        """Charge one attempt to `peer`: 0 if it may go on (its credential is checked), else
        the seconds until it may try again (refused unchecked, nothing charged)."""
        decision = self._limiter.acquire(_key(peer), 1.0, self._limit)
        return 0.0 if decision.allowed else max(decision.retry_after_s, 1e-3)

    def succeeded(self, peer: str | None) -> None:
        """The attempt `begin` charged was a right credential: refunded."""
        self._limiter.settle(_key(peer), 1.0, 0.0, self._limit)


def _key(peer: str | None) -> str:
    # A Unix socket has no address: its peers share one bucket, as they share one host.
    return peer or "local"
