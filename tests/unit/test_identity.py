"""Identity comes from the credential, else the network peer; forwarded headers count only
from the right, as far as the trusted hops, so a client cannot rotate its way out of a limit."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.errors import Unauthorized
from safeproxy.exchange.decision import TenantHasher
from safeproxy.exchange.identity import Authenticator
from safeproxy.settings.schema import AuthSettings

KEY = "sk-team-a-0123456789"
KEYS = AuthSettings.model_validate(
    {"mode": "api_keys", "keys": [{"sha256": hashlib.sha256(KEY.encode()).hexdigest(),
                                   "tenant": "team-a"}]}
)  # fmt: skip


def auth(settings: AuthSettings) -> Authenticator:
    return Authenticator(settings, TenantHasher(b"salt"))


def test_api_keys_map_to_their_tenant_and_anything_else_is_refused() -> None:
    a = auth(KEYS)
    # A configured tenant name: bounded, so it may label metrics.
    assert a.identify(f"Bearer {KEY}", "10.0.0.1", None) == ("team-a", "tenant:team-a", True)
    for bad in (None, "", "Bearer ", f"Basic {KEY}", f"Bearer {KEY}x", KEY):
        with pytest.raises(Unauthorized):
            a.identify(bad, "10.0.0.1", None)


def test_without_auth_the_peer_address_is_the_identity_and_xff_is_ignored() -> None:
    a = auth(AuthSettings())
    who = a.identify(None, "10.0.0.7", "1.2.3.4")
    assert who.limit_key == "addr:10.0.0.7" and who.tenant == "anonymous"


def test_trusted_hops_count_from_the_right() -> None:
    a = auth(AuthSettings(trusted_hops=1))
    assert a.identify(None, "10.0.0.2", "203.0.113.9").limit_key == "addr:203.0.113.9"
    # What a client prepends is not what the trusted proxy appended.
    assert a.identify(None, "10.0.0.2", "6.6.6.6, 203.0.113.9").limit_key == "addr:203.0.113.9"
    two = auth(AuthSettings(trusted_hops=2))
    assert two.identify(None, "lb", "1.1.1.1, 203.0.113.9, 10.0.0.3").limit_key == (
        "addr:203.0.113.9"
    )
    # Fewer hops than configured: the request did not come through them; use the peer.
    assert two.identify(None, "10.0.0.2", "203.0.113.9").limit_key == "addr:10.0.0.2"


@given(st.lists(st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", fullmatch=True), max_size=5))
def test_rotating_forwarded_entries_never_changes_the_key(prefix: list[str]) -> None:
    a = auth(AuthSettings(trusted_hops=1))
    xff = ", ".join([*prefix, "198.51.100.4"])
    assert a.identify(None, "10.0.0.2", xff).limit_key == "addr:198.51.100.4"


def test_an_unchecked_key_is_recorded_hashed_and_does_not_escape_limits() -> None:
    # Without auth, a client could send a fresh key with every request: limits stay on the
    # address, whatever the key; the record keeps a salted hash, never the key.
    a = auth(AuthSettings())
    one, two = a.identify("Bearer k1", "p", None), a.identify("Bearer k2", "p", None)
    assert one.limit_key == two.limit_key == "addr:p"
    assert one.tenant != two.tenant and "k1" not in one.tenant
    assert not one.configured and not two.configured  # client input: never a metric label


def test_api_keys_mode_needs_keys() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        AuthSettings(mode="api_keys")


@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), min_size=1, max_size=30))
def test_an_unaddressed_identity_is_what_a_fresh_authenticator_answers(
    creds: list[str | None],
) -> None:
    # Without an address the answer is memoised per credential: asked again, and by a fresh
    # authenticator with the same salt, it is the same identity.
    a = auth(AuthSettings())
    for cred in creds:
        first = a.identify(cred, None, None)
        assert (
            a.identify(cred, None, None) == first == auth(AuthSettings()).identify(cred, None, None)
        )
        assert first.limit_key == "addr:unknown"
        assert first.tenant == ("anonymous" if not cred else TenantHasher(b"salt")(cred))


def test_the_unaddressed_memo_is_bounded() -> None:
    a = auth(AuthSettings())
    for i in range(5000):  # credentials are client input
        a.identify(f"Bearer k{i}", None, None)
    assert len(a._unaddressed) <= 4096
    assert a.identify("Bearer k1", None, None).tenant == TenantHasher(b"salt")("Bearer k1")
