"""The orders in scripts other than Latin (injection_scripts.py): every rule needs a
character outside ASCII, and the detector that reads only text outside ASCII answers as the
full scan does (the orders through the default policy: test_injection_languages.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detect import Detector
from safeproxy.filters.injection_scripts import (
    ORDERS,
    ScriptFinder,
    needs_non_ascii,
    script_rules,
)
from safeproxy.filters.injection_scripts_more import ORDERS as MORE_ORDERS
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.skeleton import Skeleton

NORMALIZER = Normalizer()
SKELETON = Skeleton(skeleton_table())


def fold(text: str) -> str:
    return SKELETON.fold(NORMALIZER.normalize(text).text)


def test_every_order_needs_a_character_outside_ascii() -> None:
    assert all(needs_non_ascii(template, fold) for _k, _r, template in ORDERS)
    assert not needs_non_ascii("(ignore|забудь) all", fold)
    assert needs_non_ascii("(ignore|skip)? забудь", fold)


RULES = script_rules(fold)
DETECTOR = Detector("input", RULES, NORMALIZER, None, SKELETON.fold, True)
FINDER = ScriptFinder(DETECTOR, DETECTOR.max_len - 1)
# Words of the orders (as written, and as they fold: Cyrillic that reads Latin) and ASCII;
# and the stops that end a Persian or Bengali order (`$`, `.`).
WORDS = sorted(
    {w for _k, _r, t in ORDERS + MORE_ORDERS for w in re.split(r"[()|?$. ]+", t) if w}
    | {fold(w) for _k, _r, t in ORDERS + MORE_ORDERS for w in re.split(r"[()|?$. ]+", t) if w}
    | {"ignore", "all", "previous", "bce", "the", "system", "prompt", "1", ",", ".", "।", "،"}
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join), st.booleans())
def test_reading_only_text_outside_ascii_answers_as_the_full_scan(text: str, hold: bool) -> None:
    assert FINDER.scan(text, hold=hold) == DETECTOR.scan(text, hold=hold)
