"""Every injection rule that the phrase gate reads by a part of it (`Rule.gate_regex`, the
GATES of each family module) must hold that part in every match: the gate reads the part
instead of the pattern (gate.py), so a match without it is never scanned for and its
finding is lost. Texts drawn from each rule's own pattern must match its gate."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeproxy.filters.injection import injection_rules
from safeproxy.filters.rules import Rule

GATED = [r for r in injection_rules() if r.gate_regex is not None]
# Texts over ASCII: the families' patterns and gates are ASCII, and a separator class such
# as [^a-z0-9]+ reads every other character alike.
ASCII = st.characters(min_codepoint=32, max_codepoint=126)


def test_the_families_have_gated_rules() -> None:
    assert len(GATED) > 50


@pytest.mark.parametrize("rule", GATED, ids=[r.pattern.rule for r in GATED])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_of_a_gated_rule_holds_its_gate(rule: Rule, data: st.DataObject) -> None:
    assert rule.gate_regex is not None
    pattern = re.compile(rule.pattern.regex, re.IGNORECASE)
    text = data.draw(st.from_regex(pattern, fullmatch=True, alphabet=ASCII))
    assert re.search(rule.gate_regex, text, re.IGNORECASE), (rule.pattern.rule, text)
