"""The stream hold's shortcuts for spelt-out addresses answer as their plain definitions do:
the written-out look for a cue, and the local part found by stripping instead of stepping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.spelled_hold import MARKERS, may_hold_cue
from safeproxy.filters.spelled_reading import LOCAL, WRAP, local_run_start, local_start

# The characters of addresses and of every disguise, and a few that are neither.
TEXT = st.text(alphabet="ab tdo.@[({<>)}]-_|#%+9xé\n", max_size=80)


@given(TEXT)
def test_the_cue_look_is_any_marker_or_wrapper(window: str) -> None:
    assert may_hold_cue(window) == any(m in window for m in (*MARKERS, *WRAP))


def _start_by_steps(text: str, p: int, lo: int) -> int:
    """A run of local-part characters, found one character at a time."""
    start = p
    while start > lo and text[start - 1] in LOCAL:
        start -= 1
    return start


@given(TEXT, st.data())
def test_the_local_part_starts_where_stepping_back_stops(text: str, data: st.DataObject) -> None:
    p = data.draw(st.integers(0, len(text)))
    lo = data.draw(st.integers(0, p))
    first = _start_by_steps(text, p, lo)
    assert local_run_start(text, p, lo) == first
    found = local_start(text, p, lo)
    # With no disguised dot before it, the local part is that first run; with one, it reaches
    # further back, never less far.
    assert lo <= found <= first
    if first == p or not any(c in text[lo:first] for c in " ])}>" + WRAP + "."):
        assert found == first
