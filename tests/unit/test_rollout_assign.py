"""Canary assignment by a keyed hash: deterministic, the share within binomial bounds, monotonic
in the share (a client in the canary stays in it as the share rises), and the key matters."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.rollout.assign import Assigner, rollout_key

IDS = [f"client-{i}" for i in range(20_000)]


@given(st.text(min_size=1, max_size=40), st.binary(min_size=1, max_size=32))
def test_the_same_identity_always_gets_the_same_bucket(identity: str, key: bytes) -> None:
    assert Assigner(key).bucket(identity) == Assigner(key).bucket(identity)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([1.0, 5.0, 25.0, 50.0, 0.5, 90.0]), st.binary(min_size=1, max_size=16))
def test_the_share_in_the_canary_is_within_bounds(percent: float, key: bytes) -> None:
    a = Assigner(key)
    inside = sum(a.in_canary(i, percent) for i in IDS) / len(IDS)
    p = percent / 100
    bound = 5 * math.sqrt(p * (1 - p) / len(IDS))  # five standard deviations
    assert abs(inside - p) <= bound


@given(st.text(min_size=1, max_size=40), st.floats(0.01, 100), st.floats(0.01, 100))
def test_a_client_in_the_canary_stays_in_it_as_the_share_rises(identity: str, p: float,
                                                               q: float) -> None:  # fmt: skip
    a = Assigner(b"k")
    low, high = sorted((p, q))
    if a.in_canary(identity, low):
        assert a.in_canary(identity, high)


def test_the_key_changes_who_is_in_the_canary() -> None:
    one, two = Assigner(b"one"), Assigner(b"two")
    assert [one.in_canary(i, 50) for i in IDS[:200]] != [two.in_canary(i, 50) for i in IDS[:200]]


def test_the_key_comes_from_the_environment_when_set() -> None:
    env = {"KEY": "secret"}
    assert rollout_key("main", "strict", "KEY", env) == b"secret"
    derived = rollout_key("main", "strict", "KEY", {})
    assert derived != b"secret" and derived == rollout_key("main", "strict", None, env)
