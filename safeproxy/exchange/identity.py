"""Who a request comes from: the credential when there is one, else the network peer.

Identity is for decisions (the tenant on a record) and for limits (the key a rate limit
counts against). It never comes from headers a client can set freely: tenant headers are
ignored, and X-Forwarded-For counts only from the right, as far as the configured trusted
hops (each trusted proxy appends the address it saw; a client can only prepend).
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from safeproxy.errors import Unauthorized
from safeproxy.exchange.decision import TenantHasher
from safeproxy.settings.schema import AuthSettings

_MEMO_LIMIT = 4096


class Identity(NamedTuple):
    tenant: str  # for records: a configured tenant name, or a salted hash of a key
    limit_key: str  # what rate limits count against: "tenant:<name>" or "addr:<ip>"
    configured: bool = False  # whether `tenant` is a name from the config (a bounded label)


class Authenticator:
    def __init__(self, settings: AuthSettings, tenants: TenantHasher) -> None:
        self._mode = settings.mode
        self._keys = {k.sha256: k.tenant for k in settings.keys}
        self._hops = settings.trusted_hops
        self._tenants = tenants
        # Identities where the address is not looked up (nothing counts per client), by
        # credential: the same answer every time, so worked out once. Bounded: credentials
        # are client input.
        self._unaddressed: dict[str | None, Identity] = {}

    def identify(
        self, authorization: str | None, peer: str | None, forwarded_for: str | None
    ) -> Identity:
        """Raises Unauthorized (401) when keys are required and this one is not known."""
        if self._mode == "api_keys":
            key = _bearer(authorization)
            tenant = self._keys.get(hashlib.sha256(key.encode()).hexdigest()) if key else None
            if tenant is None:
                raise Unauthorized("the API key is missing or not valid")
            return Identity(tenant, f"tenant:{tenant}", configured=True)
        if peer is None and forwarded_for is None:
            known = self._unaddressed.get(authorization)
            if known is None:
                if len(self._unaddressed) >= _MEMO_LIMIT:
                    self._unaddressed.clear()
                known = self._unaddressed[authorization] = Identity(
                    self._tenants(authorization), f"addr:{self._address(None, None)}"
                )
            return known
        # A key nobody checks is recorded (as a salted hash) but is no identity for limits:
        # a client could send a new one with every request.
        tenant = self._tenants(authorization)
        return Identity(tenant, f"addr:{self._address(peer, forwarded_for)}")

    def _address(self, peer: str | None, forwarded_for: str | None) -> str:
        if self._hops and forwarded_for:
            hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
            if len(hops) >= self._hops:
                return hops[-self._hops]
        return peer or "unknown"


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None
