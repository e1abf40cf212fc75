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
