"""Numbers spelt as words: decoded digits, group breaks, spans, benign prose, bounded work."""

from __future__ import annotations

import pytest

from safeproxy.filters import numwords
from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.numwords import decode_numwords
from safeproxy.filters.piece import Piece
from safeproxy.filters.pii import PII_RULES
from safeproxy.filters.scanner import Overload
from tests.support import gate_of

BUDGET = 1 << 20
PII = Detector("test", [PII_RULES[k] for k in ("credit_card", "ssn", "phone")], Normalizer())


gate_hits = gate_of("numwords")


def texts(text: str) -> list[str]:
    return [p.text for p in decode_numwords(text, BUDGET)]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("four one one one, one one one one", ["4111 1111"]),
        ("four-one-one-one", ["4111"]),
        ("FOUR one One oNe", ["4111"]),
        ("4111 1111 1111 four one one one", ["4111 1111 1111 4111"]),
        ("forty-one eleven", ["4111"]),
        ("twenty one thirty", ["2130"]),
        ("double five triple seven", ["55777"]),
        ("oh one two three", ["0123"]),
        ("four one five - five five five - two six seven one", ["415 555 2671"]),
        ("one two three\nfour five\nsix seven eight nine", ["123 45 6789"]),
        ("vier eins eins eins zwo", ["41112"]),
        ("fünf FÜNF fuenf funf", ["5555"]),
        ("zéro ZÉRO zero sept", ["0007"]),
        ("cuatro uno uno uno", ["4111"]),
        ("três dois um meia", ["3216"]),
        ("quattro due tre nove", ["4239"]),
        ("quatre deux trois neuf", ["4239"]),
        ("one.two.three.four", ["1234"]),
        ("one_two_three_four", ["1234"]),
    ],
)
def test_runs_decode_to_digits_with_group_breaks(text: str, digits: list[str]) -> None:
    assert texts(text) == digits
    assert gate_hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "one of the two",
        "I have one or two questions",
        "Version one point two",
        "one, two, three",  # three digits: a count, not a number
        "Oh, one more thing",
        "Someone gave the tree to otto",
        "the twenty first of May",
        "a one-to-one meeting at three",
        "un deux",
        "Il y a une pomme et deux poires",
        "four score and seven years ago",
        "eleven",
        "Call me at 415 555 2671",  # digits alone are the plain detectors' work
    ],
)
def test_prose_yields_nothing(text: str) -> None:
    assert texts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I have one or two questions about the order.",
        "Someone said they would come at noon, done by one.",
        "The tree was due yesterday; sei contento?",
        "Please review the documents attached and send them back.",
    ],
)
def test_ordinary_prose_does_not_trip_the_gate(text: str) -> None:
    assert not gate_hits(text)


def test_each_digit_maps_to_its_word_and_a_break_to_its_separator() -> None:
    text = "Card: four one, double five"
    [piece] = decode_numwords(text, BUDGET)
    assert piece.text == "41 55"
    spans = [text[s:e] for s, e in zip(piece.starts, piece.ends, strict=True)]
    assert spans == ["four", "one", ", ", "double five", "double five"]
    assert piece.kind == "numwords"


def test_numerals_map_digit_by_digit() -> None:
    text = "x 12 four two"
    [piece] = decode_numwords(text, BUDGET)
    assert piece.text == "12 42"
    assert list(zip(piece.starts, piece.ends, strict=True))[:3] == [(2, 3), (3, 4), (4, 5)]


@pytest.mark.parametrize(
    ("spelt", "kind"),
    [
        ("four one one one one one one one one one one one one one one one", "pii.credit_card"),
        ("four one one one, one one one one, one one one one, one one one one", "pii.credit_card"),
        ("one two three - four five - six seven eight nine", "pii.ssn"),
        ("four one five, five five five, two six seven one", "pii.phone"),
    ],
)
def test_the_pii_detectors_read_the_decoded_digits(spelt: str, kind: str) -> None:
    text = f"My number is {spelt}, thanks"
    [piece] = decode_numwords(text, BUDGET)
    findings = [f for f in PII.find(piece.text) if f.type == kind]
    assert findings, piece.text
    start, end = piece.span(findings[0].start, findings[0].end)
    assert text[start:end] == spelt


def test_the_budget_cuts_the_decoding() -> None:
    text = " ".join(["four"] * 100) + ". " + " ".join(["two"] * 100)
    budget = 20 * numwords.ITEM_COST  # twenty words' reading
    pieces = decode_numwords(text, budget)
    assert sum(len(p.text) for p in pieces) <= 20
    assert pieces and set(pieces[0].text) == {"4"}
    assert decode_numwords(text, 0) == []
    # For the decoded views, a text the budget cannot read to its end is an Overload.
    with pytest.raises(Overload):
        decode_numwords(text, budget, whole=True)
    assert decode_numwords(text, 400 * numwords.ITEM_COST, whole=True)


def test_each_item_read_is_charged_so_lone_words_stop_early() -> None:
    """Lone number words make no piece but cost their reading: the words read stay within
    budget / ITEM_COST, however long the text (`read` counts every letter run: the "x"
    between them too)."""
    text = "one x " * (1 << 16)
    pieces, read, cut = numwords._read_text(text, 8192)
    assert pieces == [] and cut
    assert read <= 2 * (8192 // numwords.ITEM_COST + 1)


@pytest.mark.parametrize(
    "unit",
    ["one ", "on ", "one", "1 one ", "double ", "twenty ", "a", "one and ", "one---------",
     "one x ", "the cat sat ", "1 ", "zéro, "],
)  # fmt: skip
def test_work_is_linear(unit: str) -> None:
    """Letter runs and numerals read stay under one per two characters; decoded size under
    the text's; and a budget as large as the text does not change that."""
    text = unit * ((1 << 18) // len(unit))
    pieces, tokens = numwords._scan(text, len(text))
    assert tokens <= len(text) // 2 + 1
    assert sum(len(p.text) for p in pieces) <= len(text)


def test_digits_far_from_words_are_not_read() -> None:
    text = "1 " * (1 << 18) + "four two"
    pieces, tokens = numwords._scan(text, BUDGET)
    assert tokens <= 64  # a window (MAX_HEAD) back from the first word, not the whole table
    assert [p.text for p in pieces] == ["1" * 48 + "42"]  # the window's numerals, the words


def test_piece_type() -> None:
    [piece] = decode_numwords("one two three four", BUDGET)
    assert isinstance(piece, Piece)
    assert piece.span(0, 4) == (0, 18)


def test_prose_spends_little_of_the_budget() -> None:
    """A number word in prose costs ITEM_COST; other words and connectives nothing (100 KB
    of prose dense with number words, then a spelt card, within 8 K words' reading)."""
    prose = "I have one or two questions about it, and three more. Il y a un chat et un chien. "
    card = "four one one one one one one one one one one one one one one one"
    text = prose * (100_000 // len(prose)) + card
    pieces = decode_numwords(text, 8192 * numwords.ITEM_COST)
    assert [p.text for p in pieces] == ["4111111111111111"]
    assert pieces[0].span(0, 16) == (len(text) - len(card), len(text))


@pytest.mark.parametrize("text", ["4 one 1 1", "one and one and one and one", "1 2 3 four"])
def test_a_run_needs_two_number_words_side_by_side(text: str) -> None:
    """Numerals with a lone word, or words apart only by connectives, are no run: the gate
    (two words apart by separators) stays cheap, and digits are the plain detectors'."""
    assert texts(text) == []


def test_lone_number_words_in_long_prose_cost_nothing() -> None:
    """French prose holds a number word every few words, none of them in a run: only the
    windows around pairs are read, so a long text neither spends the budget on them nor is
    refused (it was an Overload: a filter error that blocked ordinary prose)."""
    prose = "Il y a un chat et une table avec deux tasses pour trois amis. Tengo uno o dos. "
    card = "quatre un un un un un un un un un un un un un un un"
    text = prose * (256_000 // len(prose)) + "Ma carte: " + card + ". " + prose
    pieces, read = numwords._scan(text, 1024)
    assert [p.text for p in pieces] == ["4111111111111111"]
    assert read <= 64  # the card's words and their neighbours, not the prose's
    assert [p.text for p in decode_numwords(text, 1024, whole=True)] == ["4111111111111111"]


def test_the_windows_search_is_bounded_by_the_budget() -> None:
    """A text made of one long run: the walks stop when the budget's steps are spent, and
    the decoding is refused as a whole (Overload), not read on for free."""
    text = "one " * (1 << 16) + "four two"
    _, cut, steps = numwords._WINDOWS.find(text, 100)
    assert cut and steps <= 102
    with pytest.raises(Overload):
        decode_numwords(text, 100 * numwords.ITEM_COST, whole=True)
