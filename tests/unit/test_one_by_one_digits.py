"""Numbers written one digit at a time ("SSN 1 2 3 4 5 6 7 8 9", "call 4 1 5 5 5 5 2 6 7 1"):
a value only as a whole stretch of single digits apart the same way, and only after a
context word, as bare digit runs are; counting, scores and digits of pi pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters import refiners
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.validators import us_ssn
from safeproxy.settings.policy import PolicySettings

# The default policy's PII filter alone (the whole policy takes seconds to compile).
_SETTINGS = PolicySettings.model_validate(
    {"input": [{"type": "pii", "entities": ["email", "phone", "credit_card", "ssn", "iban"]}]}
)
STAGE = compile_policies({"p": _SETTINGS}, Compiler(Normalizer(), Skeleton(skeleton_table()), {}))[
    "p"
].input

SEPARATORS = st.sampled_from([" ", "-", ".", " - ", "|", "  ", "*", " / "])


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("my SSN is 0 7 8 0 5 1 1 2 0, thanks", "SSN"),
        ("social security: 0-7-8-0-5-1-1-2-0", "SSN"),
        ("call me at 4 1 5 8 6 7 5 3 0 9 tonight", "PHONE"),
        ("Tel 4.1.5.8.6.7.5.3.0.9", "PHONE"),
        ("phone: 4|1|5|8|6|7|5|3|0|9", "PHONE"),
        # One by one within groups, the gap between groups another.
        ("number 4 1 1 1 - 1 1 1 1 - 1 1 1 1 - 1 1 1 1", "CREDIT_CARD"),
        ("card 4 1 1 1  1 1 1 1  1 1 1 1  1 1 1 1", "CREDIT_CARD"),
        ("card 4.1.1.1 1.1.1.1 1.1.1.1 1.1.1.1", "CREDIT_CARD"),
        ("ssn 0 7 8 - 0 5 - 1 1 2 0", "SSN"),
        # Another region's, after a context word: its trunk prefix shown.
        ("my phone is 0 7 9 1 1 1 2 3 4 5 6", "PHONE"),
        ("mobile 0 6 1 2 3 4 5 6 7 8", "PHONE"),
    ],
)
def test_a_value_one_digit_at_a_time_is_cut(text: str, label: str) -> None:
    out = run_stage(STAGE, [text]).texts[0]
    assert out is not None and f"[REDACTED:{label}]" in out
    assert not any(c.isdigit() for c in out)


@pytest.mark.parametrize(
    "text",
    [
        "count 1 2 3 4 5 6 7 8 9 10",
        "the sequence 4 1 5 8 6 7 5 3 0 9 is random",  # no context word
        "SSN 1 2 3 4 5 6 7 8 9 0",  # ten digits: no SSN
        "phone 1 2 3 4 5 6 7 8 9 0 1 2 3",  # inside a longer stretch
        "digits of pi 3 1 4 1 5 9 2 6 5 3",
        "scores 1 2 3 4 5 6 7 8 9",
        # A context word only as a whole word, just before the digits.
        "The winning numbers are 3 1 2 8 4 7 5 9 6 2",
        "Telemetry readings: 3 1 2 5 5 7 0 1 9 8",
        "Tell me the next digit: 6 1 7 4 9 2 3 8 5 1",
        "In this cell the values are 2 1 2 6 4 7 3 9 8 5",
    ],
)
def test_digits_one_by_one_without_a_value_pass(text: str) -> None:
    assert run_stage(STAGE, [text]).texts[0] is None


@given(st.lists(st.integers(0, 9), min_size=2, max_size=20), SEPARATORS, st.booleans())
def test_stretches_are_whole_runs_of_single_digits(
    numbers: list[int], sep: str, glued_tail: bool
) -> None:
    value = sep.join(map(str, numbers))
    run = value + (" 42" if glued_tail else "")
    # The digits apart the same way are one stretch; a number of two digits after them
    # (glued to each other) is part of none.
    assert refiners.one_by_one_stretches(run) == [(0, len(value), len(numbers))]


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9), SEPARATORS)
def test_nine_digits_after_a_context_word_are_an_ssn_exactly_when_valid(
    numbers: list[int], sep: str
) -> None:
    value = sep.join(map(str, numbers))
    out = run_stage(STAGE, [f"my ssn: {value} ok"]).texts[0]
    assert (out == "my ssn: [REDACTED:SSN] ok") == us_ssn("".join(map(str, numbers)))


def _luhn_completed(body: list[int]) -> list[int]:
    """`body` with the check digit that makes it pass Luhn."""
    total = 0
    for i, d in enumerate(reversed(body)):
        total += d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2)
    return [*body, (10 - total % 10) % 10]


@given(
    st.lists(st.integers(0, 9), min_size=14, max_size=14),
    st.integers(0, 9),
    st.sampled_from([" ", ".", "-"]),
    st.sampled_from(["  ", " - ", " | ", " / "]),
)
def test_a_card_one_by_one_in_groups_is_cut_exactly_when_valid(
    body: list[int], last: int, inner: str, outer: str
) -> None:
    number = [4, *body, last]  # a Visa prefix, sixteen digits
    groups = [inner.join(map(str, number[i : i + 4])) for i in range(0, 16, 4)]
    out = run_stage(STAGE, [f"here: {outer.join(groups)} ok"]).texts[0]
    valid = _luhn_completed(number[:-1]) == number
    assert (out == "here: [REDACTED:CREDIT_CARD] ok") == valid


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9), st.sampled_from([" - ", "  ", " / "]))
def test_an_ssn_one_by_one_in_its_groups_is_cut_exactly_when_valid(
    numbers: list[int], outer: str
) -> None:
    spelt = [" ".join(map(str, part)) for part in (numbers[:3], numbers[3:5], numbers[5:])]
    out = run_stage(STAGE, [f"my ssn: {outer.join(spelt)} ok"]).texts[0]
    assert (out == "my ssn: [REDACTED:SSN] ok") == us_ssn("".join(map(str, numbers)))
