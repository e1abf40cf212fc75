"""Admin bearer tokens: kept as SHA-256 digests with a name, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from aiohttp import web

from safeproxy.admin.attempts import Attempts
from safeproxy.review.settings import AdminSettings

# The name a token read from `admin.token_env` has in audit records.
ENV_TOKEN = "token_env"  # noqa: S105 - a name, not a secret
# The name of the token an admin request came with (set by the listener's auth guard), for
# handlers whose own audit record names the caller.
ADMIN_TOKEN = web.RequestKey("admin_token", str)


class AdminTokens:
    """Which named token a bearer credential is, if any. Only digests are kept: a memory
    dump or a config file shows no usable token."""

    def __init__(self, digests: Mapping[str, str], attempts: Attempts | None = None) -> None:
        """`digests`: token name -> hex SHA-256 of the token. `attempts`: how many wrong
        tokens each peer may still try (one budget for the API and the console login, which
        both check these tokens)."""
        if not digests:
            raise ValueError("at least one admin token is needed")
        self._digests = [(d.encode(), name) for name, d in digests.items()]
        self.attempts = attempts if attempts is not None else Attempts(time.monotonic)

    @classmethod
    def single(cls, token: str) -> AdminTokens:
        """One plain token (named `token_env`), hashed here."""
        if not token:
            raise ValueError("the admin token must not be empty")
        return cls({ENV_TOKEN: hashlib.sha256(token.encode()).hexdigest()})

    @classmethod
    def from_settings(cls, admin: AdminSettings, environ: Mapping[str, str]) -> AdminTokens:
        """The configured digests, and the token in `token_env` when it is set."""
        digests = {t.name: t.sha256 for t in admin.tokens}
        env = environ.get(admin.token_env, "") if admin.token_env else ""
        if env:
            digests[ENV_TOKEN] = hashlib.sha256(env.encode()).hexdigest()
        return cls(digests)

    def name_of(self, credential: bytes) -> str | None:
        """The token's name, or None. Every digest is compared (compare_digest), so the
        time taken says neither which token matched nor how much of a guess was right."""
        digest = hashlib.sha256(credential).hexdigest().encode()
        found = None
        for known, name in self._digests:
            if hmac.compare_digest(digest, known):
                found = name
        return found
