"""A decoded view's stream tail holds every reference still being written: whatever text
comes before, a percent escape, a code-point escape or an HTML reference cut anywhere before
its end is held from its first character (each tail alone: in a policy, the reversed view's
tail holds the last word anyway, and would hide a tail that holds too little)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.decoded import entity_tail, escape_tail, percent_tail

HEX = "0123456789abcdefABCDEF"
hex_digits = st.text(HEX, min_size=1, max_size=8)
REFERENCES: dict[str, st.SearchStrategy[str]] = {
    "percent": hex_digits.map(lambda h: "%" + (h * 2)[:2]),
    "escape": st.one_of(
        hex_digits.map(lambda h: "\\u" + (h * 4)[:4]),
        hex_digits.map(lambda h: "\\U" + (h * 8)[:8]),
        hex_digits.map(lambda h: "\\u{" + h[:6] + "}"),
    ),
    "entity": st.one_of(
        st.integers(0, 0x10FFFF).map(lambda n: f"&#{n};"),
        st.integers(0, 0x10FFFF).map(lambda n: f"&#x{n:X};"),
        st.sampled_from(["&amp;", "&lt;", "&commat;", "&period;", "&NewLine;"]),
    ),
}
TAILS: dict[str, Callable[[str], int]] = {
    "percent": percent_tail,
    "escape": escape_tail,
    "entity": entity_tail,
}
BEFORE = st.text(st.sampled_from([*"ab z9%&#;\\u{}", "\n", "é"]), max_size=30)


@given(st.sampled_from(sorted(TAILS)), BEFORE, st.data())
def test_a_reference_cut_short_is_held_from_its_start(
    kind: str, before: str, data: st.DataObject
) -> None:
    reference = data.draw(REFERENCES[kind])
    cut = data.draw(st.integers(1, len(reference) - 1))
    assert TAILS[kind](before + reference[:cut]) <= len(before)


@given(st.sampled_from(sorted(TAILS)), BEFORE)
def test_a_tail_holds_nothing_after_a_space(kind: str, before: str) -> None:
    """No reference holds a space: text that ends in one goes out."""
    text = before + " "
    assert TAILS[kind](text) == len(text)
