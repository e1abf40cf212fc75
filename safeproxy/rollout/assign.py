"""Canary assignment: a keyed hash of the identity picks a stable bucket out of 10 000.

An identity is in the canary when its bucket is below the share (in hundredths of a percent),
so one client never flips between policies while the share holds, and a client in the canary
at 5 % is still in it at 25 %. The key makes the buckets unguessable to clients (one cannot
pick a key that lands in or out of the canary) and the same on every worker and replica.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

BUCKETS = 10_000


class Assigner:
    def __init__(self, key: bytes) -> None:
        # BLAKE2b's own keyed mode: a MAC of the identity, 64-byte keys at most.
        self._key = hashlib.sha256(key).digest()

    def bucket(self, identity: str) -> int:
        digest = hashlib.blake2b(identity.encode(), key=self._key, digest_size=8).digest()
        return int.from_bytes(digest, "big") % BUCKETS

    def in_canary(self, identity: str, percent: float) -> bool:
        return self.bucket(identity) < round(percent * BUCKETS / 100)


def rollout_key(route: str, candidate: str, key_env: str | None, env: Mapping[str, str]) -> bytes:
    """The configured key (from `key_env`), else one derived from the route and candidate:
    stable across workers and restarts, but guessable, so set a key where clients could
    try to game it."""
    if key_env and env.get(key_env):
        return env[key_env].encode()
    return f"safeproxy-rollout:{route}:{candidate}".encode()
