"""The filter contract: precedence, verdict invariants and the release arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.api import (
    CONTINUE,
    HOLD,
    Action,
    TextWindow,
    Verdict,
    releasable,
    strongest,
)


def test_precedence_block_rewrite_continue() -> None:
    rewrite = Verdict(Action.REWRITE, text="[REDACTED:EMAIL]")
    block = Verdict(Action.BLOCK, reason="secret.aws_access_key")
    assert strongest([CONTINUE, rewrite]) is Action.REWRITE
    assert strongest([rewrite, block, CONTINUE]) is Action.BLOCK
    assert strongest([CONTINUE, HOLD]) is Action.HOLD
    assert strongest([]) is Action.CONTINUE


def test_only_rewrite_carries_text() -> None:
    with pytest.raises(ValueError):
        Verdict(Action.REWRITE)
    with pytest.raises(ValueError):
        Verdict(Action.BLOCK, text="x")


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.booleans())
def test_release_keeps_the_holdback_and_honours_hold(
    pending: int, holdback: int, held: bool
) -> None:
    n = releasable(pending, holdback, held)
    assert 0 <= n <= pending
    if held:
        assert n == 0
    else:
        assert pending - n == min(pending, holdback)


@given(st.text(max_size=300), st.lists(st.integers(0, 50), max_size=20), st.integers(1, 64))
def test_window_release_moves_text_to_context_in_order(
    text: str, takes: list[int], context_chars: int
) -> None:
    window = TextWindow(pending=text, context_chars=context_chars)
    released = "".join(window.release(n) for n in takes)
    assert released + window.pending == text
    assert window.released_total == len(released)
    assert window.context == released[-context_chars:]
