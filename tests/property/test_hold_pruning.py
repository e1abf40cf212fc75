"""A stream's holds are asked only where they could answer earlier (holds.earliest): the
answer must be the plain minimum over every hold, for the default policy's holds and the
decoded views' tails, whatever the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters import transforms
from safeproxy.filters.decoders import builtin_decoders
from safeproxy.filters.detect import Detector
from safeproxy.filters.holds import Hold, PartialLiteral, as_hold, earliest, hold_functions
from safeproxy.filters.injection import injection_rules
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_RULES, SSN_BARE, phone_rule
from safeproxy.filters.secrets import SECRET_RULES
from safeproxy.filters.spelled_email import SPELLED_EMAILS
from safeproxy.settings.policy import DEFAULT_PHONE_REGIONS

RULES = [
    *PII_RULES.values(),
    *SPELLED_EMAILS,
    phone_rule("US", DEFAULT_PHONE_REGIONS),
    SSN_BARE,
    *SECRET_RULES.values(),
    *injection_rules(),
]
HOLDS = hold_functions(RULES)
TAILS = [as_hold(d.tail) for d in builtin_decoders()]
# Pieces of every alphabet the holds and tails reach over, and the characters that end them.
PIECE_LIST = (
    "a",
    "Z",
    "7",
    "f",
    " ",
    "  ",
    "\n",
    "\t",
    ".",
    "@",
    "-",
    "_",
    "+",
    "/",
    "=",
    ":",
    ";",
    "%",
    "&",
    "#",
    "\\",
    "x",
    "0x",
    "\\x4",
    "'",
    '"',
    "\x00",
    "(",
    ")",
    ",",
    "|",
    "*",
    "é",
    "ж",
    "\ufe0f",
    "\U000e0041",
    "\U000e0100",
    "at",
    "dot",
    "[at]",
    "_at_",
    "-dot-",
    "[.]",
    "seven",
    "twenty",
    "-----begin ",
    "-----end ",
    "password=",
    "/:_authtoken=",
    "GB82 ",
    "GB82-",
    "amp;",
    "&#x",
    "QUtJQ",
    "deadbeef",
    "s e c r e t",
    "a.b.c",
)
PIECES = st.sampled_from(PIECE_LIST)
# Single characters too, so that a hold's run covers many kinds of character.
CHARS = st.sampled_from(sorted({c for p in PIECE_LIST for c in p}))
TEXTS = st.lists(st.one_of(CHARS, CHARS, PIECES), max_size=40).map("".join)


def plain(holds: list[Hold], text: str) -> int:
    return min([len(text), *(h(text) for h in holds)])


@given(TEXTS)
def test_detector_holds_answer_their_minimum(text: str) -> None:
    assert max(0, earliest(HOLDS, text)) == max(0, plain(HOLDS, text))


@given(TEXTS)
def test_view_tails_answer_their_minimum(text: str) -> None:
    assert max(0, earliest(TAILS, text)) == max(0, plain(TAILS, text))


@pytest.mark.parametrize("hold", HOLDS + TAILS, ids=lambda h: type(h).__name__)
@given(text=TEXTS)
def test_each_hold_is_skipped_only_where_it_cannot_answer_earlier(hold: Hold, text: str) -> None:
    """One hold at a time, from any point already held: its bound and stops are true."""
    for held in range(len(text) + 1):
        assert max(0, earliest([hold], text, 0, held)) == max(0, min(held, hold(text)))


@given(TEXTS, st.integers(0, 60), st.integers(0, 60))
def test_a_floor_and_a_known_hold_only_cut_the_work(text: str, limit: int, held: int) -> None:
    """At or below `limit` any answer will do; above it, the minimum with `held`."""
    expected = min(held, plain(TAILS + HOLDS, text))
    got = earliest(TAILS + HOLDS, text, limit, held)
    if expected > limit:
        assert got == expected
    else:
        assert got <= limit


LITERALS = st.sampled_from(["-----begin ", "/:_authtoken="])


@given(st.text("-begin /:_authtoken=x ", max_size=30), LITERALS)
def test_a_partial_literal_is_the_longest_start_ending_the_text(text: str, literal: str) -> None:
    expected = max((k for k in range(1, len(literal)) if text.endswith(literal[:k])), default=0)
    assert PartialLiteral(literal).length(text) == expected


def test_the_policy_detector_uses_the_pruned_holds() -> None:
    """The detector's hold is earliest() over its rules' holds (mapped to the original)."""
    detector = Detector("t", RULES, Normalizer())
    text = "mail me at jane.doe@acme.io and password=hunter2 then"
    assert detector.scan(text)[1] == plain(HOLDS, text)


@given(TEXTS)
def test_the_spaced_tail_shortcut_answers_as_the_search_does(text: str) -> None:
    searched = min(
        transforms._spaced_tail(text, 1024, " \t", 3),
        transforms._spaced_tail(text, 1024, transforms._PUNCT_SEPS, 1),
    )
    assert transforms.spaced_tail(text) == searched
