"""Console sessions: signed cookies that stand for an admin token for a short while, and the
CSRF tokens bound to them.

A session is not stored anywhere: the cookie is `name.expires.sid.mac`, where `mac` is
HMAC-SHA256 over the rest with a key made at random when the process starts (with
`--workers N` the supervisor makes it and hands it to every worker: the admin port is shared,
so a browser's next request may reach another worker). So nothing on the server grows with
logins, a restart ends every session, and a cookie cannot be forged or stretched without the
key. The token itself never enters the
cookie: only its configured name, which the audit records carry.

The CSRF token of a session is HMAC(key, "csrf" + sid): every form carries it in a hidden
field and every POST is checked against it. Before a session exists, the login form is
protected the same way against a nonce cookie (a double submit), so another site cannot log
a browser in under its own token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

# A reviewer works in bursts; an idle cookie should not outlive a coffee break by much.
SESSION_TTL_S = 15 * 60
LOGIN_TTL_S = 10 * 60


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # the admin token's configured name, never the token
    sid: str
    expires_unix: int


class Sessions:
    """Issues and checks session cookies and CSRF tokens with one per-process key."""

    def __init__(
        self,
        key: bytes | None = None,
        *,
        ttl_s: int = SESSION_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)
        if len(self._key) < 32:
            raise ValueError("the session key must be at least 32 bytes")
        self.ttl_s = ttl_s
        self._clock = clock

    def issue(self, token: str) -> tuple[str, Session]:
        """A new session for the token named `token`: (cookie value, session)."""
        session = Session(token, secrets.token_urlsafe(16), int(self._clock()) + self.ttl_s)
        name = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        body = f"{name}.{session.expires_unix}.{session.sid}"
        return f"{body}.{self._mac('session', body)}", session

    def read(self, cookie: str | None) -> Session | None:
        """The session a cookie stands for; None when absent, forged, malformed or expired."""
        if not cookie or len(cookie) > 512:
            return None
        body, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac.encode(), self._mac("session", body).encode()):
            return None
        name, expires, sid = body.split(".")  # signed by us: the shape is ours
        if int(expires) <= self._clock():
            return None
        token = base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode()
        return Session(token, sid, int(expires))

    def csrf(self, session: Session) -> str:
        return self._mac("csrf", session.sid)

    def csrf_ok(self, session: Session, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(
            given.encode(), self.csrf(session).encode()
        )

    def login_nonce(self) -> str:
        return secrets.token_urlsafe(16)

    def login_csrf(self, nonce: str) -> str:
        return self._mac("login", nonce)

    def login_ok(self, nonce: str | None, given: str | None) -> bool:
        if not nonce or given is None:
            return False
        return hmac.compare_digest(given.encode(), self.login_csrf(nonce).encode())

    def _mac(self, purpose: str, value: str) -> str:
        # The purpose keeps a CSRF token from passing as a session MAC, and back.
        digest = hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
