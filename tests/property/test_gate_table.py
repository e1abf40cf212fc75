"""The phrase gate reads the skeleton's bytes (gate.py): the plain scan's bytes translated
through `fold_table`, where each phrase pattern reads as itself. The translation must be the
skeleton, one byte for one, and a reading over it must match wherever the pattern matches
the skeleton; a fold the table cannot hold is refused, never narrowed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.gate import fold_table, plain_reading
from safeproxy.filters.skeleton import LEET, Skeleton

SKELETON = Skeleton(skeleton_table())
TABLE = fold_table(SKELETON.fold)
ASCII = st.characters(max_codepoint=127)
WIDE = "жé🙂"  # characters the skeleton leaves as they are


def _itself(text: str) -> str:
    return text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_the_table_is_the_skeleton_of_ascii_and_keeps_every_other_byte(data: bytes) -> None:
    out = data.translate(TABLE)
    assert len(out) == len(data)
    for byte, folded in zip(data, out, strict=True):
        if byte < 128:
            assert chr(folded) == SKELETON.fold(chr(byte))
        else:  # a projection's character outside ASCII: the skeleton leaves it as it is
            assert folded == byte


def test_the_table_folds_leetspeak() -> None:
    # What the gate is for: the readings hold the words' letters, the table the leetspeak.
    assert set(LEET) <= {chr(x) for x in range(128)}
    assert b"1GN0RE pr3vi0us".translate(TABLE) == SKELETON.fold("1GN0RE pr3vi0us").encode()


@pytest.mark.parametrize("wrong", ["ss", "", "\u0131"])
def test_a_fold_to_anything_but_one_ascii_character_has_no_table(wrong: str) -> None:
    def fold(c: str) -> str:
        return wrong if c == "x" else c

    with pytest.raises(ValueError):
        fold_table(fold)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.one_of(ASCII, st.sampled_from(WIDE)), max_size=14))
def test_a_reading_over_the_table_matches_where_the_pattern_matches_the_skeleton(
    text: str,
) -> None:
    # Without assertions the reading is exact. A character outside ASCII is one byte outside
    # ASCII in the projection the gate reads: every pattern here reads all of them alike, so
    # the byte stands for the character, "ж" for each.
    assert all(SKELETON.fold(c) == c for c in WIDE)
    data = bytes(ord(c) if c.isascii() else 0xB6 for c in text.lower())
    folded = SKELETON.fold(text.lower())
    for pattern in [r"ign[o0]re[^a-z0-9]+all", r"(dan|jail)+ mode", r"a.c", r"x{2,3}y", r"\W+s"]:
        reading = re.compile(plain_reading(pattern, _itself).encode(), re.IGNORECASE)
        original = re.compile(pattern, re.IGNORECASE | re.ASCII)
        assert bool(reading.search(data.translate(TABLE))) == bool(original.search(folded))
