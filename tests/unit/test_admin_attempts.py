"""admin/attempts.py: wrong admin tokens cost a peer its allowance; right ones cost nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.admin.attempts import FAILURES, Attempts
from safeproxy.ratelimit.gcra import Limit
from tests.fake_clock import FakeClock


def test_a_peer_gets_its_burst_of_wrong_tokens_then_waits_one_interval() -> None:
    clock = FakeClock()
    attempts = Attempts(clock)
    burst = int(FAILURES.burst)
    assert [attempts.begin("10.0.0.1") for _ in range(burst)] == [0.0] * burst
    wait = attempts.begin("10.0.0.1")
    assert wait == pytest.approx(FAILURES.interval_s)
    clock.advance(wait)
    assert attempts.begin("10.0.0.1") == 0.0  # one more after the interval
    assert attempts.begin("10.0.0.1") > 0.0


def test_peers_have_their_own_allowance() -> None:
    attempts = Attempts(FakeClock(), Limit(rate=1.0, burst=2))
    assert attempts.begin("a") == 0.0 and attempts.begin("a") == 0.0
    assert attempts.begin("a") > 0.0
    assert attempts.begin("b") == 0.0
    # A peer without an address (a Unix socket) is one peer too.
    assert attempts.begin(None) == 0.0 and attempts.begin("") == 0.0
    assert attempts.begin(None) > 0.0


@given(st.lists(st.booleans(), max_size=60))
def test_only_wrong_tokens_count(rights: list[bool]) -> None:
    """However right and wrong attempts interleave (no time passing), a peer is refused
    exactly once it has made `burst` wrong ones, and right ones never move it."""
    attempts = Attempts(FakeClock(), Limit(rate=0.01, burst=5))
    wrong = 0
    for right in rights:
        refused = attempts.begin("p") > 0.0
        assert refused == (wrong >= 5)
        if refused:
            continue
        if right:
            attempts.succeeded("p")
        else:
            wrong += 1


def test_memory_is_bounded_by_the_peers_remembered() -> None:
    attempts = Attempts(FakeClock(), Limit(rate=0.01, burst=1), max_peers=8)
    for n in range(100):
        attempts.begin(f"10.0.0.{n}")
    assert len(attempts) <= 8
