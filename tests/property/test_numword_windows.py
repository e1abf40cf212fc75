"""Reading only the windows around pairs of number words (numword_windows.py) finds exactly
what reading the whole text finds: same pieces, same spans, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters import numwords
from safeproxy.filters.piece import Piece

# Number words of every kind the decoder reads (leading and not, compounds, accented), with
# the tokens around them that make or break runs: connectives, numerals, separators, words
# that hold a number word inside ("someone", "fourteenth"), other letters and characters.
WORDS = st.sampled_from(
    ["one", "two", "four", "FOUR", "Nine", "un", "deux", "zéro", "Zéro", "três", "fünf",
     "twenty", "forty", "double", "triple", "fourteen", "and", "et", "y"]
)  # fmt: skip
GAPS = st.sampled_from(
    [" ", " ", "  ", ", ", "-", ".", "_", "/", "(", ")", "\n", " - ", "\u2013", "0", "5", "12",
     "4111", "1234567890123456789012345"]
)  # fmt: skip
OTHERS = st.sampled_from(
    ["someone", "oneself", "fourteenth", "cat", "x", "é", "!", "#", "\u00a0", "+", "\u0301",
     "٣", "😀"]
)  # fmt: skip
# Mostly words and gaps, so that runs form; now and then what breaks one.
TOKENS = st.one_of(WORDS, GAPS, WORDS, GAPS, OTHERS)
BIG = 1 << 22


def _as_tuples(pieces: list[Piece]) -> list[tuple[str, str, list[int], list[int]]]:
    return [(p.kind, p.text, list(p.starts), list(p.ends)) for p in pieces]


@settings(max_examples=1000, deadline=None)
@given(st.lists(TOKENS, max_size=60))
def test_windows_read_what_the_whole_text_holds(tokens: list[str]) -> None:
    text = "".join(tokens)
    whole, _, _ = numwords._read_text(text, BIG)
    windowed, _, cut = numwords._read_windows(text, BIG)
    assert not cut
    assert _as_tuples(windowed) == _as_tuples(whole)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(TOKENS, max_size=30),
    st.integers(0, 300),
    st.sampled_from(["four one one one", "zwei drei 4 5", "(three one two) 555-0188", None]),
    st.lists(st.sampled_from(["one", "un", "uno", "une", "um"]), min_size=10, max_size=90),
    st.sampled_from([" ", ", ", " - ", "  ", "-"]),
)
def test_a_run_far_into_a_long_text_is_read(
    tokens: list[str], pad: int, run: str | None, lone: list[str], sep: str
) -> None:
    """The left walk reads back in growing reaches, never stopping at a word its reach cut:
    a run anywhere is read whole. (None: words that lead no pair, then the one pair.)"""
    if run is None:
        run = sep.join(lone) + sep + "four two"
    head = "".join(tokens)
    text = head + " the " + "1 " * pad + run + " " + head
    whole, _, _ = numwords._read_text(text, BIG)
    windowed, _, _ = numwords._read_windows(text, BIG)
    assert _as_tuples(windowed) == _as_tuples(whole)
    assert whole  # (the run is one)
