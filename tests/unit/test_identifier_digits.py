"""Digit groups that continue an alphanumeric identifier (spans._continues_id): after a
group of letters then digits (`AA1`) and one space, the groups are the identifier's (a UPS
number `1Z 999 AA1 01 2345 6784`), not a phone; a phone after a word, a time or a label
ending in a letter is still a phone."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import phone_rule
from safeproxy.settings.policy import DEFAULT_PHONE_REGIONS

DETECTOR = Detector("test", [phone_rule("US", DEFAULT_PHONE_REGIONS)], Normalizer())


def phones(text: str) -> list[str]:
    return [text[f.start : f.end] for f in DETECTOR.find(text)]


@st.composite
def id_groups(draw: st.DrawFn) -> str:
    """An identifier's group of letters then digits, in upper case (`AA1`, `X7`, `QR12`)."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    letters = "".join(rnd.choice(string.ascii_uppercase) for _ in range(rnd.randint(1, 3)))
    digits = "".join(rnd.choice(string.digits) for _ in range(rnd.randint(1, 3)))
    return letters + digits


@settings(max_examples=60, deadline=None)
@given(id_groups(), st.sampled_from(("01 2345 6784", "415 555 2671", "030 1234567")))
def test_groups_after_an_identifiers_group_are_no_phone(group: str, tail: str) -> None:
    assert phones(f"Tracking number: 1Z 999 {group} {tail}") == []


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(("call", "after 5pm", "room 4B:", "Flight LH400, call", "tel")))
def test_a_phone_after_a_word_or_a_time_is_still_a_phone(lead: str) -> None:
    assert phones(f"{lead} 415 555 2671") == ["415 555 2671"]


@pytest.mark.parametrize(
    "text",
    [
        "Tracking number: 1Z 999 AA1 01 2345 6784",
        "Tracking: 1Z999AA10123456784",
        "serial SN4 415 555 2671 on the label",
    ],
)
def test_tracking_and_serial_numbers_pass(text: str) -> None:
    assert phones(text) == []


def test_a_phone_with_its_country_code_after_an_id_is_a_phone() -> None:
    # A `+` begins a number of its own: it continues no identifier.
    assert phones("ticket AB12 +1 415 555 2671") == ["+1 415 555 2671"]


@settings(max_examples=60, deadline=None)
@given(id_groups(), st.sampled_from(("0", "12", "0 7")), st.sampled_from(("+1 ", "(", "+1 (")))
def test_a_phone_opened_by_a_plus_or_a_parenthesis_after_id_groups_is_a_phone(
    group: str, groups: str, opener: str
) -> None:
    # The identifier's groups are digits and spaces; a `+` or `(` after them opens another
    # number (Hypothesis found "b0 0 +1 (415) 867-5309" read whole as an identifier's).
    phone = f"{opener}415{')' if '(' in opener else ''} 867-5309"
    assert phones(f"ref {group} {groups} {phone} today") == [phone]
