"""Card numbers, SSNs and phone numbers whose digit groups stand apart by up to three
separators (" - ", " | ", "**", "~"), written the same way throughout, or a card's digits set
apart one by one, read as the same value to a person and a model: the default policy cuts
them, in prompts and in split streams. Tables, lists, times, versions and runs of single
digits in which a card-shaped window lies by chance pass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters import refiners
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.work import CARD_CHECK_UNITS, CARD_START_UNITS, Work
from safeproxy.settings.loading import bundled_config, load_settings
from tests.property.test_stream_filter_split import _cut, _text_of, _through_hook, _wire

POLICY: CompiledPolicy = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]

CARDS = ["4111111111111111", "5105105105105100", "378282246310005", "6011111111111117"]
SEPARATOR_CHARS = " ./_|*~+:\\-"
SEPARATORS = st.text(st.sampled_from(SEPARATOR_CHARS), min_size=1, max_size=3)


def _grouped(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def _redacted(text: str, stage: str = "input") -> str | None:
    result = run_stage(POLICY.input if stage == "input" else POLICY.output, [text])
    assert not result.blocked
    return result.texts[0]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CARDS), SEPARATORS, st.sampled_from(["input", "output"]))
def test_a_card_grouped_by_any_separator_is_cut(card: str, sep: str, stage: str) -> None:
    value = _grouped(card, sep)
    assert _redacted(f"pay with {value} today", stage) == "pay with [REDACTED:CREDIT_CARD] today"


@settings(max_examples=100, deadline=None)
@given(SEPARATORS)
def test_an_ssn_grouped_by_any_separator_is_cut(sep: str) -> None:
    value = sep.join(["078", "05", "1120"])
    assert _redacted(f"my number is {value} ok") == "my number is [REDACTED:SSN] ok"


@pytest.mark.parametrize("sep", [" - ", " | ", "*", "~", " ~ ", "\\", "||", " . "])
def test_a_phone_grouped_by_wide_separators_is_cut(sep: str) -> None:
    value = sep.join(["415", "555", "2671"])
    assert _redacted(f"call {value} now") == "call [REDACTED:PHONE] now"


@pytest.mark.parametrize("sep", [" ", "-", ".", ":", " | "])
def test_a_card_spelt_digit_by_digit_is_cut(sep: str) -> None:
    value = sep.join("4111111111111111")
    assert _redacted(f"card {value} thanks") == "card [REDACTED:CREDIT_CARD] thanks"


@pytest.mark.parametrize(
    "text",
    [
        # Digit by digit, a card-shaped window inside a longer run (the digits of pi).
        "pi is 3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8",
        # Separators that change along the run: a table's cells, a list.
        "4111 | 1111 - 1111 | 1111",
        "totals: 4,111 | 1,111 | 1,111 | 1,111",
        "| 2019 | 2020 | 2021 | 2022 |",
        "123 | 45 - 6789",
        # Times, versions, dates, ranges, grids.
        "meeting 10:30 - 11:45 and 13:00 - 14:15",
        "Version 4.1.1.1 and 4.1.1.2",
        "dates 2024/05/06 - 2024/06/07",
        "the range 100 - 200 - 300 - 400 - 500",
        "grid 411|111|111|111|111",
        "scores: 4 5 3 2 1 4 5 3 2 1 4 5 3 2 1 4",
        "1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16",
        "seq 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5",
    ],
)
def test_look_alikes_pass_untouched(text: str) -> None:
    assert _redacted(text) is None
    assert _redacted(text, "output") is None


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([" ", "-", " | "]), st.lists(st.integers(0, 200), max_size=12))
def test_a_card_digit_by_digit_never_leaks_from_a_split_stream(sep: str, cuts: list[int]) -> None:
    # Only a whole run of single digits is a card (a neighbouring digit would make it a
    # window of a longer run): the words around it are not digits.
    value = sep.join("4111111111111111")
    text = f"Card: {value}, expires soon."
    events = _through_hook(POLICY, _wire(_cut(text, cuts)), [])
    received = _text_of(events)[0]
    assert value not in received
    assert received == "Card: [REDACTED:CREDIT_CARD], expires soon."


@given(st.lists(st.sampled_from(["-", " - ", "|", "*", " "]), min_size=1, max_size=6))
def test_same_separators_reads_every_gap(gaps: list[str]) -> None:
    span = "1" + "".join(f"{g}2" for g in gaps)
    assert refiners.same_separators(span) == (len(set(gaps)) == 1)


def test_card_windows_stay_bounded_in_a_long_run_of_single_digits() -> None:
    # The work a run of single digits costs is counted, not timed: a start per digit, and
    # at most seven windows (13 to 19 digits) checked from each; none is a whole-run card.
    # (Where the scan's allowance runs out first, the rest of the run is cut unchecked.)
    digits = "4111111111111111" * 8
    run = " ".join(digits)
    work = Work(1 << 20)
    assert refiners.card_spans(run, work) == [] and work.cut is None
    assert 0 < work.spent <= len(digits) * (CARD_START_UNITS + 7 * CARD_CHECK_UNITS)
