"""A run split that probes the text's density first (char_runs.RunMapper) gives the parts of
one plain split, or declines only a text that is dense; the skeleton's list-table path for
dense text within the BMP equals `str.translate` through its map, and its leetspeak folding
of text outside ASCII equals one translate through LEET."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.char_runs import MIN_RUNS, RunMapper, runs_pattern
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.skeleton import EXTRA, LEET, Skeleton

# Runs of "a" and "b" (both in the class), "x" and "y" out of it; one character above the BMP.
PATTERN = runs_pattern([ord("a"), ord("b")], None)
ALPHABET = st.sampled_from(["a", "b", "x", "y", "\U0001f600"])
LETTERS = {**skeleton_table(), **{ord(k): v for k, v in EXTRA.items()}}
SKELETON = Skeleton(skeleton_table())
# Dense in homoglyphs, within the BMP and out of it, with no code page holding it whole.
SCRIPTS = st.sampled_from(["о", "р", "а", "н", "ы", "忽", "プ", "シ", " ", "x", "😀", "é", "α"])


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(ALPHABET, max_size=300),
    spacing=st.integers(1, 8),
    probe=st.integers(1, 12),
)
def test_a_probed_split_is_one_split_or_declines_dense_text(
    text: str, spacing: int, probe: int
) -> None:
    mapper = RunMapper(PATTERN, str.upper, probe)
    out = mapper.split(text, spacing)
    reference = PATTERN.split(text)
    runs = reference[1::2]
    if out is None:
        most = len(text) // spacing + MIN_RUNS
        probed = PATTERN.split(text, probe)
        dense_start = len(probed) > 2 * probe and len(text) - len(probed[-1]) < probe * spacing
        assert len(runs) > most or dense_start
        return
    parts, found = out
    assert found == runs
    mapped = reference[:]
    mapped[1::2] = [r.upper() for r in runs]
    assert parts == mapped


@settings(max_examples=60, deadline=None)
@given(unit=st.text(SCRIPTS, min_size=1, max_size=60), tail=st.text(SCRIPTS, max_size=5))
def test_letters_of_dense_text_equal_translate(unit: str, tail: str) -> None:
    # Long enough for the probe to judge (thousands of characters), repeated as prose is.
    text = unit * (6000 // len(unit) + 1) + tail
    assert SKELETON.letters(text) == text.translate(LETTERS)


@given(st.text(st.sampled_from([*LEET, *LEET.values(), "ж", "漢", "😀", "x", " "]), max_size=80))
def test_fold_outside_ascii_equals_one_translate(text: str) -> None:
    norm = text + "ж"  # outside ASCII: the path under test
    expected = SKELETON.letters(norm).translate({ord(k): v for k, v in LEET.items()})
    assert SKELETON.fold(norm) == expected
