"""Which requests a deep check looks at: deterministic, risk-weighted, per tenant, budgeted.

The rate draw is a keyed hash (BLAKE2b with the salt as key) of the request id, read as a
number in [0, 1): the same request id always gets the same answer under the same salt, so
a replay makes the same choice, and replicas sharing a salt agree. Risk signals select a
request whatever the draw. A per-minute budget (a token bucket on the injected clock) caps
checks, risk-selected ones included: cost stays bounded when everything looks risky.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from safeproxy.settings.policy import Sampling

_SCALE = float(1 << 64)
# Identities remembered for `new_identity` (client input: bounded).
_MAX_IDENTITIES = 100_000


@dataclass(frozen=True, slots=True)
class Signals:
    """What the request showed so far (each a reason to check it whatever the rate)."""

    flagged: bool = False
    near_threshold: bool = False
    quarantined: bool = False
    identity: str = ""
    tenant: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    """`reason`: why the request is checked (None: not sampled). `skipped`: it was chosen
    but the budget was spent (`budget`); it is then not checked."""

    reason: str | None
    skipped: str | None = None


NOT_SAMPLED = Choice(None)


def draw(salt: bytes, request_id: str) -> float:
    """The request's deterministic position in [0, 1)."""
    digest = hashlib.blake2b(request_id.encode(), key=salt[:64], digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SCALE


class Sampler:
    def __init__(self, spec: Sampling, salt: bytes, clock: Callable[[], float]) -> None:
        self._spec = spec
        self._salt = salt
        self._clock = clock
        self._always = frozenset(spec.always_if)
        self._per_s = (spec.max_per_minute or 0) / 60
        self._tokens = float(spec.max_per_minute or 0)
        self._last = clock()
        self._seen: OrderedDict[str, float] = OrderedDict()

    def rate_for(self, tenant: str) -> float:
        return self._spec.tenants.get(tenant, self._spec.rate)

    def by_rate(self, request_id: str, tenant: str) -> bool:
        rate = self.rate_for(tenant)
        return rate > 0 and draw(self._salt, request_id) < rate

    @property
    def takes_flagged(self) -> bool:
        return "flagged" in self._always

    def might_choose(self, request_id: str, signals: Signals) -> bool:
        """Whether choose() would select the request on what it shows so far (the budget
        and new-identity memory untouched)."""
        return self._reason(request_id, signals, peek=True) is not None

    def choose(self, request_id: str, signals: Signals) -> Choice:
        reason = self._reason(request_id, signals)
        if reason is None:
            return NOT_SAMPLED
        if not self._spend():
            return Choice(None, "budget")
        return Choice(reason)

    def _reason(self, request_id: str, s: Signals, *, peek: bool = False) -> str | None:
        always = self._always
        new = False
        if "new_identity" in always and s.identity:
            new = self._is_new(s.identity, peek=peek)
        if s.flagged and "flagged" in always:
            return "flagged"
        if s.near_threshold and "near_threshold" in always:
            return "near_threshold"
        if s.quarantined and "quarantined" in always:
            return "quarantined"
        if new:
            return "new_identity"
        if self.by_rate(request_id, s.tenant):
            return "tenant_rate" if s.tenant in self._spec.tenants else "rate"
        return None

    def _is_new(self, identity: str, *, peek: bool = False) -> bool:
        now = self._clock()
        if peek:
            seen = self._seen.get(identity)
            return seen is None or now - seen >= self._spec.new_identity_s
        last = self._seen.pop(identity, None)
        self._seen[identity] = now
        if len(self._seen) > _MAX_IDENTITIES:
            self._seen.popitem(last=False)
        return last is None or now - last >= self._spec.new_identity_s

    def _spend(self) -> bool:
        if self._spec.max_per_minute is None:
            return True
        now = self._clock()
        cap = float(self._spec.max_per_minute)
        self._tokens = min(cap, self._tokens + (now - self._last) * self._per_s)
        self._last = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False
