"""Console sessions: a cookie stands for a token name until it expires, cannot be forged or
stretched without the key, and its CSRF token belongs to it alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.admin.console.session import Sessions
from tests.fake_clock import FakeClock

KEY = b"k" * 32


def test_a_session_lasts_until_it_expires() -> None:
    clock = FakeClock()
    sessions = Sessions(KEY, ttl_s=900, clock=clock)
    cookie, issued = sessions.issue("ops")
    assert sessions.read(cookie) == issued and issued.token == "ops"
    clock.advance(899.5)
    assert sessions.read(cookie) is not None
    clock.advance(0.5)
    assert sessions.read(cookie) is None  # expired: the login page


def test_another_key_or_a_changed_cookie_is_no_session() -> None:
    clock = FakeClock()
    sessions = Sessions(KEY, clock=clock)
    cookie, _ = sessions.issue("ops")
    assert Sessions(b"x" * 32, clock=clock).read(cookie) is None
    name, expires, sid, mac = cookie.split(".")
    stretched = f"{name}.{int(expires) + 3600}.{sid}.{mac}"
    assert sessions.read(stretched) is None
    assert sessions.read(None) is None and sessions.read("") is None
    with pytest.raises(ValueError):
        Sessions(b"short")


@given(st.text(max_size=600))
def test_any_cookie_text_is_refused_without_raising(cookie: str) -> None:
    assert Sessions(KEY).read(cookie) is None


def test_csrf_tokens_belong_to_their_session_and_purpose() -> None:
    sessions = Sessions(KEY)
    _, one = sessions.issue("ops")
    _, two = sessions.issue("ops")
    assert sessions.csrf_ok(one, sessions.csrf(one))
    assert not sessions.csrf_ok(one, sessions.csrf(two))
    assert not sessions.csrf_ok(one, None) and not sessions.csrf_ok(one, "")
    nonce = sessions.login_nonce()
    assert sessions.login_ok(nonce, sessions.login_csrf(nonce))
    assert not sessions.login_ok(None, sessions.login_csrf(nonce))
    assert not sessions.login_ok(nonce, sessions.csrf(one))  # a CSRF token is no login token
