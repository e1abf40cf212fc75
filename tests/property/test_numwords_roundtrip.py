"""Digits spelt as words in any of the six languages, with any separators, decode back to the
digits and their groups; every decoded character maps back to the word or separator it came
from; and the gate matches wherever the decoder finds anything."""

from __future__ import annotations

import itertools
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from safeproxy.filters import numwords
from safeproxy.filters.numwords import SHORT_LEADS, decode_numwords
from safeproxy.filters.word_find import WordFinder
from tests.support import gate_of

# Per language, the words of each digit 0-9 (several where a language has several).
LANGUAGES: dict[str, list[list[str]]] = {
    "en": [["zero", "oh", "nought"], ["one"], ["two"], ["three"], ["four"], ["five"], ["six"],
           ["seven"], ["eight"], ["nine"]],
    "de": [["null"], ["eins"], ["zwei", "zwo"], ["drei"], ["vier"], ["fünf", "fuenf"],
           ["sechs"], ["sieben"], ["acht"], ["neun"]],
    "fr": [["zéro", "zero"], ["un", "une"], ["deux"], ["trois"], ["quatre"], ["cinq"], ["six"],
           ["sept"], ["huit"], ["neuf"]],
    "es": [["cero"], ["uno", "una"], ["dos"], ["tres"], ["cuatro"], ["cinco"], ["seis"],
           ["siete"], ["ocho"], ["nueve"]],
    "pt": [["zero"], ["um", "uma"], ["dois", "duas"], ["três", "tres"], ["quatro"], ["cinco"],
           ["seis", "meia"], ["sete"], ["oito"], ["nove"]],
    "it": [["zero"], ["uno"], ["due"], ["tre"], ["quattro"], ["cinque"], ["sei"], ["sette"],
           ["otto"], ["nove"]],
}  # fmt: skip
TIGHT = st.sampled_from([" ", "-", ",", ".", "_"])
BREAK = st.sampled_from([", ", " - ", "\n", "  ", ". ", "; ", " and ", ",\n", " / "])
CASE = st.sampled_from([str.lower, str.upper, str.title])
FILLER = st.lists(st.sampled_from(["please", "call", "card", "thanks", "is", "my"]), max_size=3)
gate_hits = gate_of("numwords")


def _word_pair(expected: list[tuple[str, str]]) -> bool:
    """Two words next to each other in one group (one TIGHT character apart: a group break
    may be " and ")."""
    return any(
        a[1] != a[0]
        and b[1] != b[0]
        and a[0] != " "
        and b[0] != " "
        and (len(a[1]) >= 4 or a[1].lower() in SHORT_LEADS)
        for a, b in itertools.pairwise(expected)
    )


@st.composite
def spelt(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]]]:
    """(text, expected digits, per expected character the original text it maps to)."""
    lang = draw(st.sampled_from(sorted(LANGUAGES)))
    groups = draw(
        st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=4).filter(
            lambda gs: sum(map(len, gs)) >= 4
        )
    )
    out = ""
    expected: list[tuple[str, str]] = []
    for g, group in enumerate(groups):
        if g:
            sep = draw(BREAK)
            out += sep
            expected.append((" ", sep))
        for k, d in enumerate(group):
            if k:
                out += draw(TIGHT)
            if draw(st.integers(0, 4)) == 0:  # now and then the digit itself
                token = d
            else:
                token = draw(CASE)(draw(st.sampled_from(LANGUAGES[lang][int(d)])))
            out += token
            expected.append((d, token))
    return out, " ".join(groups), expected


@settings(max_examples=300, deadline=None)
@given(spelt().filter(lambda run: _word_pair(run[2])), FILLER, FILLER)
def test_spelt_digits_decode_and_map_back(
    run: tuple[str, str, list[tuple[str, str]]], before: list[str], after: list[str]
) -> None:
    body, digits, expected = run
    head = " ".join(before) + ": " if before else ""
    text = head + body + (". " + " ".join(after) if after else "")
    [piece] = decode_numwords(text, 1 << 20)
    assert piece.text == digits
    mapped = [(c, text[s:e]) for c, s, e in zip(piece.text, piece.starts, piece.ends, strict=True)]
    assert mapped == expected
    assert piece.starts[0] == len(head)
    assert max(piece.ends) == len(head) + len(body)
    assert gate_hits(text)


TOKENS = st.sampled_from(
    ["one", "two", "oh", "zwo", "fünf", "FÜNF", "zéro", "ZÉRO", "três", "meia", "twenty", "forty",
     "eleven", "double", "triple", "and", "e", "y", "et", "4", "12", "0", "the", "someone",
     "done", "tree", "x"]
)  # fmt: skip
SEPS = st.sampled_from(["", " ", "-", ", ", " - ", "\n", "..", "  ", " , ", "/", "         "])


@settings(max_examples=500)
@given(st.lists(st.tuples(TOKENS, SEPS), max_size=12))
# A repeat word and its digit are one word to the decoder: a pair with the next word.
@example([("triple", " "), ("4", " "), ("one", "")])
@example([("twenty", " "), ("4", "-"), ("one", "")])
def test_the_gate_matches_wherever_the_decoder_finds_a_run(parts: list[tuple[str, str]]) -> None:
    text = "".join(t + s for t, s in parts)
    if decode_numwords(text, 1 << 20):
        assert gate_hits(text), text


_TOKENS = st.sampled_from(
    ["one", "ONE", "One", "un", "une", "under", "someone", "fünf", "FÜNF", "três", "twenty",
     "double", "K", "\u212a", "\u0130", "ſix", "x", "é", "й", "1", "_", " ", "-", ", ", "\n"]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.one_of(_TOKENS, st.characters(exclude_categories=["Cs"])), max_size=40))
def test_number_words_found_by_find_are_the_letter_runs_that_are_words(tokens: list[str]) -> None:
    # The C-listed, find-based search must yield exactly what reading every run yields.
    text = "".join(tokens)
    finder = WordFinder(numwords.READ)
    assert list(finder.find(text, [0])) == list(finder.by_run(text, [0]))


@settings(max_examples=300)
@given(st.lists(st.one_of(_TOKENS, st.characters(exclude_categories=["Cs"])), max_size=40))
def test_the_words_present_hold_every_word_that_is_a_letter_run(tokens: list[str]) -> None:
    # The engine's one scan names at least each word that some whole letter run is.
    text = "".join(tokens)
    finder = WordFinder(numwords.READ)
    runs = {w.lower() for w, _, _ in finder.by_run(text, [0])}
    assert runs <= finder.present(text.lower())


def test_no_character_but_a_letter_lower_cases_to_an_ascii_letter() -> None:
    # Why the scan may take "not an ASCII letter" for "not a letter" around a word.
    letter = re.compile(r"[^\W\d_]")
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        low = chr(cp).lower()
        if low.isascii() and low.isalpha():
            assert letter.match(chr(cp)), hex(cp)
