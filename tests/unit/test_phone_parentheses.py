"""A phone number's own parentheses are closed inside it ("(415) 555-2671", "+44 (0) 20"), or
open before it and close after it ("(415 555-2671, evenings)"); an opening parenthesis after
figures grouped by spaces that nothing closes belongs to the prose ("8 336 817 (2023
census)"), which is no phone number."""

from __future__ import annotations

import pytest

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import phone_rule
from safeproxy.settings.policy import DEFAULT_PHONE_REGIONS

DETECTOR = Detector("test", [phone_rule("US", DEFAULT_PHONE_REGIONS)], Normalizer())


@pytest.mark.parametrize(
    "text",
    [
        "Population 8 336 817 (2023 census), area 783.8 km2",
        "Visitors: 1 204 553 (2019), 1 310 872 (2022)",
        "Einwohner: 3 645 000 (Stand 2023)",
        "Budget 12 500 000 (2024-2026)",
        "Revenue grew to 2 450 000 (15 % up) in Q3",
    ],
)
def test_figures_before_an_open_parenthesis_are_no_phone(text: str) -> None:
    assert DETECTOR.find(text) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("call (415) 555-2671 today", "(415) 555-2671"),
        ("call 1 (800) 555-0199", "1 (800) 555-0199"),
        ("call +44 (0) 20 7946 0958", "+44 (0) 20 7946 0958"),
        ("meu celular é (11) 91234-5678", "(11) 91234-5678"),
        ("phone (020) 7946 0958", "(020) 7946 0958"),
        ("call 415 555 2671 (mobile)", "415 555 2671"),
        ("contact: 06 12 34 56 78 (portable)", "06 12 34 56 78"),
        # A parenthesis that opens before the number and closes after it.
        ("Reach me at (415 555-2671, evenings only)", "(415 555-2671"),
        ("(415 555 2671 after 6pm)", "(415 555 2671"),
        ("Office (020 7946 0958 - ask for Sam)", "(020 7946 0958"),
    ],
)
def test_numbers_with_their_own_parentheses_are_found(text: str, number: str) -> None:
    assert [text[f.start : f.end] for f in DETECTOR.find(text)] == [number]
