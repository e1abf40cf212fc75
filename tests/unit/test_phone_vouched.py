"""Another region's national number that libphonenumber calls possible but not valid (no
carrier holds its range yet) is a phone when a context word vouches for it ("text me on
07911 482630"), written in the region's own groups; without the word, or after a word
that names another number ("order number"), it stays text."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import phone_rule
from safeproxy.settings.policy import DEFAULT_PHONE_REGIONS

DETECTOR = Detector("pii", [phone_rule("US", DEFAULT_PHONE_REGIONS)], Normalizer())
# (number as written, its region): possible, not valid.
UNALLOCATED = [("07911 482630", "GB"), ("07911 482631", "GB")]


def _found(text: str) -> list[str]:
    return [text[f.start : f.end] for f in DETECTOR.find(text)]


@pytest.mark.parametrize(("number", "region"), UNALLOCATED)
def test_the_numbers_are_possible_but_not_valid(number: str, region: str) -> None:
    parsed = phonenumbers.parse(number, region)
    assert phonenumbers.is_possible_number(parsed)
    assert not phonenumbers.is_valid_number(parsed)


@pytest.mark.parametrize(("number", "region"), UNALLOCATED)
@pytest.mark.parametrize(
    "said", ["Text me on {}.", "Call me at {} tonight.", "My mobile: {}", "phone {}"]
)
def test_a_context_word_vouches(number: str, region: str, said: str) -> None:
    assert _found(said.format(number)) == [number]


@pytest.mark.parametrize(("number", "region"), UNALLOCATED)
@pytest.mark.parametrize(
    "unsaid",
    [
        "The code {} is printed on the box.",
        "Order number {} shipped.",
        "{}",
        "Order number ({}) shipped.",
    ],
)
def test_without_one_it_stays_text(number: str, region: str, unsaid: str) -> None:
    assert _found(unsaid.format(number)) == []


def test_the_answer_is_not_remembered_across_contexts() -> None:
    # The detector keeps refined runs by their text around them: the context word is part
    # of what the answer depends on, so a run found once after "call" is not found later
    # without it (and the other way round).
    detector = Detector("pii", [phone_rule("US", DEFAULT_PHONE_REGIONS)], Normalizer())
    # (The same two characters either side of the run: the memo's window.)
    assert [f.rule for f in detector.find("Call me at 07911 482630 now.")] == ["pii.phone"]
    assert detector.find("The cat 07911 482630 now.") == []
    assert [f.rule for f in detector.find("Text me at 07911 482630 now.")] == ["pii.phone"]


@given(st.integers(min_value=0, max_value=999_999), st.sampled_from(["07911", "0151", "06"]))
def test_a_context_word_only_adds(rest: int, lead: str) -> None:
    # What is found without a context word is found with one; right after a word that
    # names another thing's number ("order number") nothing is found.
    number = f"{lead} {rest:06d}"
    unsaid = _found(f"The code {number} is printed.")
    assert set(unsaid) <= set(_found(f"Text me on {number}."))
    assert _found(f"Order number {number} shipped.") == []
