"""A stream asks a named hold only where one of its names is within reach (hold_names.py):
whatever the text, the holds it picks answer what every hold asked would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.api import Severity
from safeproxy.filters.databases import Databases
from safeproxy.filters.detect import Detector
from safeproxy.filters.hold_names import NameGate
from safeproxy.filters.holds import Hold, Named, earliest, hold_functions
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_RULES
from safeproxy.filters.rules import ALNUM, Rule
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets import SECRET_KINDS

# Every PII and secret rule: each kind's named holds are in them.
RULES = [*PII_RULES.values(), *(rule for rules in SECRET_KINDS.values() for rule in rules)]
HOLDS = hold_functions(RULES)
GATE = NameGate.of(RULES, Databases())
# The names of the default holds, pieces of them, and what stands between a name and its value.
PIECES = st.sampled_from(
    (
        "passport", "Passport", "passpor", "id card", "dob", "d.o.b", "born on", "may",
        "seed", "Seed phrase", "mnemonic", "words", "akia", "AKIA", "asia", "ltai", "de89",
        "GB82", "ab1", "x", "zz", "no.", "number", ": ", " ", "  ", "-", ".", ",", "/", "+",
        "12", "7", "-----begin ", "-----be", "-----end ", "private-lines:", "private-mac:",
        "//npm/:_authtoken=", "/:_auth", "/:", "/", "abandon", "ability", "able", "zoo", "é",
        "ж", "жж7", "éé12", "mp3", "stubborn", "waiting", "password", "\n", "\x00", "|",
        # Distances: names further back than their reach (40 to 480 characters).
        " " * 37, "a" * 41, " lorem ipsum" * 8, " abandon ability" * 16,
    )
)  # fmt: skip
CHARS = st.sampled_from("aZ7 .-:/é")
# As a stream's holds read the window: the normalised view, in lower case.
TEXTS = st.lists(st.one_of(PIECES, PIECES, CHARS), max_size=60).map(lambda p: "".join(p).lower())


def plain(holds: list[Hold], text: str) -> int:
    return min([len(text), *(h(text) for h in holds)])


def test_the_default_rules_have_named_holds() -> None:
    assert GATE is not None


@given(TEXTS)
def test_the_picked_holds_answer_as_all_of_them(text: str) -> None:
    assert GATE is not None
    assert max(0, earliest(GATE.holds(text), text)) == max(0, plain(HOLDS, text))


# One rule for each named hold, alone: no other hold hides what its names miss.
NAMED_RULES = list({id(r.hold): r for r in RULES if isinstance(r.hold, Named)}.values())
ALONE = [(r, NameGate.of([r], Databases())) for r in NAMED_RULES]


@pytest.mark.parametrize(("rule", "gate"), ALONE, ids=lambda x: getattr(x, "type", ""))
@given(text=TEXTS)
def test_each_named_hold_is_skipped_only_where_its_answer_is_its_run(
    rule: Rule, gate: NameGate | None, text: str
) -> None:
    """Never later than the hold itself (no value leaks); where the hold's own run is
    shorter than its whole answer (`otherwise_len`), at most that much earlier."""
    _assert_no_later(rule, gate, text)


def _assert_no_later(rule: Rule, gate: NameGate | None, text: str) -> None:
    assert gate is not None and isinstance(rule.hold, Named)
    picked = max(0, earliest(gate.holds(text), text))
    asked = max(0, plain(hold_functions([rule]), text))
    assert picked <= asked, rule.type
    assert picked >= asked - max(0, rule.hold.otherwise_len - 1), rule.type


def _doc_rule(hold: Named) -> Rule:
    return Rule("t.doc", Pattern("t.doc", "passport [0-9]+", 40), Severity.HIGH, hold=hold)


@given(st.integers(0, 120), st.text(ALNUM.replace("p", "") + " ", max_size=200))
def test_a_name_opens_its_hold_within_reach(gap: int, clean: str) -> None:
    """Open wherever the hold would find its name (starting in the last 40 characters);
    shut where the name ends before them, or there is none."""
    named = Named(len, "passport", 40, ALNUM)
    gate = NameGate.of([_doc_rule(named)], Databases())
    assert gate is not None
    assert gate.opened(clean) == frozenset()
    opened = gate.opened(clean + "passport" + " " * gap)
    if gap <= 40 - len("passport"):
        assert opened == {named}
    if gap >= 40:
        assert opened == frozenset()


def test_prose_asks_no_named_hold() -> None:
    """Counted, on a stream of prose through the detector: no named hold is called."""
    calls = 0

    def counted(norm: str) -> int:
        nonlocal calls
        calls += 1
        return len(norm)

    rules = [
        *RULES,
        _doc_rule(Named(counted, "passport", 40, "")),
    ]
    detector = Detector("t", rules, Normalizer())
    prose = "The quarterly report shows steady growth in every region and the team expects more."
    for end in range(1, len(prose) + 1):
        detector.scan(prose[:end])
    assert calls == 0
    detector.scan(prose + " my passport no")
    assert calls == 1


@pytest.mark.parametrize(
    "text",
    [
        "x" * 20 + "//registry.npmjs.org/:",  # a start of the anchor ends the window
        "y" * 40 + "seed words: abandon ability able",
        # Names further back than a short reach would see, their values still open.
        "my passport no: x12345 6789 0123 4567 8901 2345 67",
        "date of birth: 12 " + " " * 2 + "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4",
        "seed phrase: " + " ".join(["abandon", "ability", "able", "about"] * 12),
        "akia" + "z" * 16 + " / " + "q" * 40,
        " éz7",  # letters outside ASCII before a digit: no IBAN begins there
        "iban: жж89 3704",
    ],
)
def test_windows_the_review_found(text: str) -> None:
    """Each named hold alone, on windows where the engine alone (a `$` at the data's end)
    or a wider reading of letters had the gate shut while the hold answered earlier."""
    for rule, gate in ALONE:
        _assert_no_later(rule, gate, text)
