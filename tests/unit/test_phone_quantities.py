"""Numbers grouped as quantities are ("331 449 281") and numbers right after the name of
what they identify ("the order 046 454 286") are not phones of another region unless a
context word says so; a context word, or a "+", still makes them phones."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import phone_rule
from safeproxy.settings.policy import DEFAULT_PHONE_REGIONS

DETECTOR = Detector("pii", [phone_rule("US", DEFAULT_PHONE_REGIONS)], Normalizer())


def _found(text: str) -> list[str]:
    return [text[f.start : f.end] for f in DETECTOR.find(text)]


def _spanish_mobile(rest: int) -> str:
    """A valid Spanish mobile grouped in threes, as Spain also writes them."""
    digits = f"6{rest:08d}"
    assume(phonenumbers.is_valid_number(phonenumbers.parse(digits, "ES")))
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_grouped_as_a_quantity_a_number_needs_a_context_word(rest: int) -> None:
    number = _spanish_mobile(rest)
    assert _found(f"The population grew to {number} last year.") == []
    assert _found(f"He scored {number} points.") == []
    assert _found(f"Llámame al {number} cuando puedas.") == [number]
    assert _found(f"Mój numer to {number}.") == [number]
    assert _found(f"Tel. {number}, thanks") == [number]


@given(st.integers(min_value=0, max_value=99_999_999))
def test_other_groupings_need_none(rest: int) -> None:
    # The same numbers in Spain's national format ("612 34 56 78") or with dashes are no
    # quantity's writing.
    number = _spanish_mobile(rest)
    national = f"{number[:3]} {number[4:6]} {number[6]}{number[8]} {number[9:]}"
    assert _found(f"Juan García, {national}, Madrid") == [national]
    dashed = number.replace(" ", "-")
    assert _found(f"Juan García, {dashed}, Madrid") == [dashed]


@pytest.mark.parametrize(
    "text",
    [
        "The order 046 454 286 shipped.",
        "Part number 0612-345-678 is out of stock.",
        "Reference: 046 454 286, please quote it.",
        "Your order #046 454 286 is ready.",
        "Invoice no. 06 12 34 56 78 was paid.",
        "Numéro de commande : 06 12 34 56 78",
        "Order 415-555-2671 shipped.",
        "Tracking number is 0612 345 678.",
        "(order 0612 345 678)",
        "Invoice 0049 30 123456 is overdue.",
        "Your order 0033 123 456 789 has shipped.",
        "Re: order" + " " * 34 + "06 12 34 56 78",
    ],
)
def test_a_number_right_after_what_it_identifies_is_no_phone(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Order line: call 0612 345 678", "0612 345 678"),
        ("Customer 415-555-2671 asked for a refund.", "415-555-2671"),
        ("Patient 06 12 34 56 78 needs a callback.", "06 12 34 56 78"),
        ("Order hotline 06 12 34 56 78", "06 12 34 56 78"),
        ("The order came from +34 612 345 678.", "+34 612 345 678"),
        ("Our order desk: 06 12 34 56 78", "06 12 34 56 78"),
        # A context word in the same stretch, and words that are not owners.
        ("Tel. for the order: 06 12 34 56 78", "06 12 34 56 78"),
        ("Caller ID: 415-555-2671", "415-555-2671"),
        ("my whatsapp id is 0612 345 678", "0612 345 678"),
        ("In case 06 12 34 56 78 is busy, use the other line.", "06 12 34 56 78"),
        # Abbreviations that say phone, before a number grouped as a quantity is.
        ("Tfno. 612 345 678", "612 345 678"),
        ("Tlf: 912 345 678", "912 345 678"),
        ("Mob. 612 345 678", "612 345 678"),
        ("Cel. 612 345 678", "612 345 678"),
    ],
)
def test_a_phone_word_or_a_person_between_keeps_the_phone(text: str, number: str) -> None:
    assert _found(text) == [number]


OWNERS = st.sampled_from(["order", "Order", "part", "ticket", "invoice", "Ref", "booking", "sku"])
BETWEEN = st.sampled_from(["", " no.", " number", " #", ":", " number is", " nr"])


@given(OWNERS, BETWEEN, st.sampled_from(["06 12 34 56 78", "0612 345 678", "030 12345678"]))
def test_owned_numbers_in_any_writing(owner: str, between: str, number: str) -> None:
    assert _found(f"{owner}{between} {number}") == []
    assert _found(f"{owner}{between} hotline {number}") == [number]
