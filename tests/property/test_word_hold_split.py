"""A word list holds only a tail that could still begin a listed word, and nothing leaks for it.

The split-invariance checks run the output hook under arbitrary text and byte splits, with
listed words spelt through the skeleton's disguises (case, leetspeak, homoglyphs, separator
runs); the hold checks count what stays held at the end of ordinary prose.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.word_hold import WordPrefixHold, collapsed, plain
from tests.property.test_stream_filter_split import _cut, _policy, _text_of, _through_hook, _wire

WORDS = ["launch codes", "forbidden-demo-word", "red october", "x9"]
POLICY = _policy([{"type": "blocklist", "words": WORDS, "action": "redact"}])

SPELLINGS = [
    "launch codes",
    "LAUNCH  -- C0DES",
    "l4unch_codes",
    "l\u0430unch codes",  # Cyrillic a
    "forbidden demo word",
    "Forbidden—Demo—Word",
    "red. october",
    "X9",
]
# Fragments that start listed words, so tails that could grow into one are common.
FRAGMENTS = ["laun", "launch", "launch c", "forb", "forbidden d", "red", "red oct", "x", "x8"]
PROSE = st.lists(
    st.sampled_from([*FRAGMENTS, "the", "cat", "codes", " ", "  ", ", ", "-", "\n", "é", "ж"]),
    max_size=12,
).map("".join)


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts = [draw(PROSE)]
    values: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        value = draw(st.sampled_from(SPELLINGS))
        values.append(value)
        parts += [f" {value} ", draw(PROSE)]
    return "".join(parts), values


@settings(max_examples=300, deadline=None)
@given(replies(), st.lists(st.integers(0, 300), max_size=30), st.lists(st.integers(0, 3000)))
def test_a_split_never_changes_what_the_client_reads(
    sample: tuple[str, list[str]], text_cuts: list[int], byte_cuts: list[int]
) -> None:
    text, values = sample
    received, _ = _text_of(_through_hook(POLICY, _wire(_cut(text, text_cuts)), byte_cuts))
    whole = run_stage(POLICY.output, [text]).texts[0]
    assert received == (text if whole is None else whole)
    for value in values:
        # Whole, between non-letters: the prose may glue a fragment on ("laun" + "launch
        # codes" reads "launlaunch codes", which lists no word).
        assert re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", received) is None


@given(replies())
def test_one_character_per_chunk(sample: tuple[str, list[str]]) -> None:
    text, _ = sample
    received, _ = _text_of(_through_hook(POLICY, _wire(list(text)), []))
    whole = run_stage(POLICY.output, [text]).texts[0]
    assert received == (text if whole is None else whole)


HOLD = WordPrefixHold([f for w in WORDS if (f := plain(w)) is not None], reach=64)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 -.,_", max_size=80))
def test_the_hold_is_the_earliest_tail_that_begins_a_listed_word(text: str) -> None:
    # Reference: try every start in the reach, in order, on the collapsed forms.
    forms = [f for w in WORDS if (f := plain(w)) is not None]
    expected = len(text)
    for start in range(max(0, len(text) - 64), len(text)):
        tail = collapsed(text[start:])
        if text[start].isalnum() and any(f.startswith(tail) for f in forms):
            expected = start
            break
    assert HOLD(text) == expected


def test_ordinary_prose_holds_at_most_its_last_word() -> None:
    prose = "The model answers in plain words and the stream flows on at once"
    held = [len(prose[: i + 1]) - HOLD(prose[: i + 1]) for i in range(len(prose))]
    # Before: every prefix held min(len, longest match - 1) characters (up to 53 here).
    assert max(held) <= len("launch")
    assert sum(held) < len(prose)


def test_words_the_collapsed_form_cannot_judge_keep_the_full_hold() -> None:
    assert plain("straße") is None  # ß is a letter the separator class would skip
    assert plain("launch codes") == "launch codes"
