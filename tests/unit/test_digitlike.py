"""Numbers written with letters that look like digits (decoded_digitlike.py): O for 0, l and
I for 1. The run is read as the digits it shows, and the detectors' own checks decide; prose
with such letters beside numbers reads as it is."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.decoded_digitlike import CONTEXT, decode_digitlike, digitlike_tail
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.filters.scanner import Overload

LOOKS = {"0": "oO", "1": "lI"}


@pytest.mark.parametrize(
    ("text", "value", "shown"),
    [
        ("card: 4lll-llll-llll-llll", "4lll-llll-llll-llll", "4111-1111-1111-1111"),
        ("my ssn is O78-O5-112O", "O78-O5-112O", "078-05-1120"),
        ("call O7911 l23456 now", "O7911 l23456", "07911 123456"),
        ("iban DE89 37O4 OO44 O532 O13O OO", "37O4 OO44 O532 O13O OO", "3704 0044 0532 0130 00"),
    ],
)
def test_a_run_reads_as_the_digits_it_shows(text: str, value: str, shown: str) -> None:
    # One piece per run, after the characters before it as written (a context word).
    (piece,) = decode_digitlike(text, 1000)
    at = text.index(value)
    assert piece.text == text[:at] + shown
    # Letter for digit: each character maps to itself in the original.
    assert list(piece.starts) == list(range(at + len(value)))


def test_the_context_before_a_run_is_bounded_and_a_long_text_is_an_overload() -> None:
    text = "x" * 100 + " 4lll-llll-llll-llll"
    (piece,) = decode_digitlike(text, 1000)
    assert piece.text == text[-19 - CONTEXT : -19] + "4111-1111-1111-1111"
    with pytest.raises(Overload):
        decode_digitlike(" 4lll-llll" * 200, 1000)


@pytest.mark.parametrize(
    "text",
    [
        "Hello world, I will call you at 5 o'clock.",
        "I 2024 was a good year, lol",
        "Room l0l is on floor 2.",
        "i18n and l10n, ratio 1:l0",
        "Version 1.0.1 of lodash and ollama 0.1.32 are installed.",
        "4111 1111 1111 1111",  # digits alone: the plain text's
        "lOl OlO llI",  # letters alone: no digit shown
        "Il 12.03.2024 riunione.",  # a word before a number is none of its groups
        "Entre 10.000 o 20.000 euros.",  # nor a letter alone between numbers
    ],
)
def test_prose_reads_as_it_is(text: str) -> None:
    assert decode_digitlike(text, 1000) == []


@given(st.text("0123456789", min_size=7, max_size=19), st.data())
def test_any_number_with_some_digits_swapped_reads_back(number: str, data: st.DataObject) -> None:
    swappable = [i for i, c in enumerate(number) if c in LOOKS]
    assume(swappable and len(swappable) < len(number))
    swapped = data.draw(st.sets(st.sampled_from(swappable), min_size=1))
    written = "".join(
        data.draw(st.sampled_from(LOOKS[c])) if i in swapped else c for i, c in enumerate(number)
    )
    (piece,) = decode_digitlike(f"no. {written} ok", 1000)
    assert piece.text == f"no. {number}"


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("my card: 4lll-llll-llll-llll thanks", "4lll-llll-llll-llll", "CREDIT_CARD"),
        ("cc 55OO OOOO OOOO OOO4 exp 12/27", "55OO OOOO OOOO OOO4", "CREDIT_CARD"),
        ("my ssn is O78-O5-112O ok", "O78-O5-112O", "SSN"),
        ("call me on O7911 l23456 tonight", "O7911 l23456", "PHONE"),
    ],
)
def test_the_written_value_is_cut_through_the_default_policy(
    policy: CompiledPolicy, text: str, value: str, label: str
) -> None:
    out = run_stage(policy.input, [text]).texts[0]
    assert out == text.replace(value, f"[REDACTED:{label}]")


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("my card 4lll-ll", "4lll-ll"),
        ("my card llll-ll", "llll-ll"),
        ("say hello", ""),
        ("too", ""),
        ("room 1", "1"),
    ],
)
def test_a_stream_holds_only_what_can_still_grow_into_a_number(text: str, held: str) -> None:
    assert text[digitlike_tail(text) :] == held


def test_long_prose_with_numbers_spends_no_budget(policy: CompiledPolicy) -> None:
    # From a review: each "Il 12.03.2024" was a run, and 2,000 of them spent the decoded
    # views' budget, which refuses the text.
    for text in ("Il 12.03.2024 riunione. " * 2000, "Entre 10.000 o 20.000 euros. " * 2000):
        result = run_stage(policy.input, [text])
        assert not result.blocked and not result.changed
