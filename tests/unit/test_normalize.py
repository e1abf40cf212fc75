"""Normalisation for matching: obfuscations fold away, offsets lead back to the original."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.char_runs import EMOJI_BLOCKS, plain_blocks, runs_pattern
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer, _fold_char, fold_exceptions
from safeproxy.filters.skeleton import Skeleton

N = Normalizer()
# The classes the normaliser and the skeleton split texts by, as they build them.
WIDE = list(fold_exceptions())
PLAIN = plain_blocks(
    lambda cp: len(chr(cp).casefold()) != 1 or _fold_char(chr(cp)) != chr(cp).casefold()
)
SKELETON_TABLE = Skeleton(skeleton_table())._letters


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width
        ("ig\u200bnore", "ignore"),  # zero-width space
        ("ig\u00adnore", "ignore"),  # soft hyphen
        ("a\u202eb\u202cc", "abc"),  # bidi override
        ("\U000e0069\U000e0067\U000e006e", "ign"),  # tag characters
        ("٤٥٦ ४५६ ๔๕๖", "456 456 456"),  # Arabic-Indic, Devanagari, Thai digits
        ("ﬁle", "file"),  # ligature
        ("Crème Brûlée", "creme brulee"),  # accents
        ("STRASSE Straße", "strasse strasse"),  # casefold
        ("a\u00a0b\u2003c\td", "a b c d"),  # every whitespace is one space
        ("x\ufe0fy", "xy"),  # variation selector
        ("user@exa\u200dmple.com", "user@example.com"),  # ZWJ between letters
    ],
)
def test_obfuscations_fold_away(text: str, folded: str) -> None:
    assert N.normalize(text).text == folded


def test_ascii_fast_path_keeps_offsets_without_a_map() -> None:
    view = N.normalize("Mail Bob@Example.COM\tnow")
    assert view.text == "mail bob@example.com now"
    assert view.sources is None
    assert view.original_span(5, 20) == (5, 20)


def test_span_maps_back_over_invisible_characters() -> None:
    text = "write to b\u200bob@exa\u2060mple.com please"
    view = N.normalize(text)
    start = view.text.index("bob@example.com")
    s, e = view.original_span(start, start + len("bob@example.com"))
    assert text[s:e] == "b\u200bob@exa\u2060mple.com"


def test_expanding_characters_map_to_their_source() -> None:
    text = "xﬃy"  # one ligature code point becomes three letters
    view = N.normalize(text)
    assert view.text == "xffiy"
    assert view.original_span(1, 4) == (1, 2)


@given(st.text(max_size=200))
def test_every_normalised_char_points_into_the_original(text: str) -> None:
    view = N.normalize(text)
    if view.sources is not None:
        assert len(view.sources) == len(view.text)
        assert list(view.sources) == sorted(view.sources)
        assert all(0 <= i < len(text) for i in view.sources)
    for start in range(len(view.text)):
        s, e = view.original_span(start, start + 1)
        assert 0 <= s < e <= len(text)


@given(st.text(max_size=200))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = N.normalize(text).text
    assert N.normalize(once).text == once


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_fast_path_agrees_with_the_general_path(text: str) -> None:
    # Adding one non-ASCII invisible character forces the general path.
    slow = N.normalize("\u200b" + text)
    assert slow.text == N.normalize(text).text


# ASCII dense in what the fast path must tell apart: NULs of the text's own (the joiner of
# texts scanned as one) stay, other controls vanish, space-like ones become spaces.
_ASCII_EDGES = st.lists(
    st.one_of(
        st.sampled_from(["\x00", "\x01", "\x07", "\x7f", "\t", "\x1f"]),
        st.characters(max_codepoint=127),
    ),
    max_size=80,
).map("".join)


@given(_ASCII_EDGES)
def test_fast_path_keeps_the_general_paths_view_and_map(text: str) -> None:
    fast = Normalizer().normalize(text)
    general = Normalizer()._normalize(text)
    assert fast.text == general.text
    n = len(fast.text)
    assert [fast.original_span(i, i + 1) for i in range(n)] == [
        general.original_span(i, i + 1) for i in range(n)
    ]


def test_emoji_and_arabic_text_are_not_changed_in_the_original() -> None:
    family = "👩\u200d👩\u200d👧"
    arabic = "\u0645\u0631\u062d\u0628\u0627\u200f"
    for text in (family, arabic):
        view = N.normalize(text)
        assert view.original == text
        assert unicodedata.is_normalized("NFC", view.original)


def _per_character(text: str) -> tuple[str, list[int]]:
    """The definition: each character folded alone, and the original index of each output."""
    out: list[str] = []
    sources: list[int] = []
    for i, c in enumerate(text):
        folded = _fold_char(c)
        out.append(folded)
        sources.extend([i] * len(folded))
    return "".join(out), sources


# Characters that each path treats differently: accents, ligatures and "ß" (grow), joiners,
# selectors and tags (vanish), full stops and dashes (rewritten), Hangul, CJK, emoji, spaces.
_TRICKY = st.sampled_from(
    [
        *"aZ9 \t\n\x1céÉßﬃ…½й。－—\u00a0\u200b\u200d\ufe0f가漢😀👍🏽🇫🇷🚀🤔٣",
        "\U000e0061",
        "\U0001d400",
    ]
)


@given(st.lists(st.one_of(_TRICKY, st.characters()), max_size=120).map("".join))
def test_every_path_folds_as_each_character_alone(text: str) -> None:
    folded, sources = _per_character(text)
    view = N.normalize(text)
    assert view.text == folded
    assert [view.original_span(i, i + 1)[0] for i in range(len(folded))] == sources


@given(st.lists(st.sampled_from(["aß", "a\u200d", "aé", "a\ufb01", "\u200d"]), min_size=200))
def test_a_text_dense_in_changed_runs_folds_the_same_by_translate(units: list[str]) -> None:
    text = "".join(units)
    assert N._runs.split(text) is None  # over one run per RUN_SPACING: translated whole
    folded, sources = _per_character(text)
    view = N.normalize(text)
    assert view.text == folded
    assert [view.original_span(i, i + 1)[0] for i in range(len(folded))] == sources


def test_outside_the_class_casefold_alone_folds_every_bmp_character() -> None:
    runs = runs_pattern(fold_exceptions())
    plain = [
        chr(cp)
        for cp in range(0x80, 0x10000)
        if not 0xD800 <= cp < 0xE000 and runs.fullmatch(chr(cp)) is None
    ]
    assert len(plain) > 50_000  # most of the plane takes the C path
    wrong = [c for c in plain if _fold_char(c) != c.casefold() or len(c.casefold()) != 1]
    assert wrong == []


def test_outside_the_class_casefold_alone_folds_every_emoji() -> None:
    # The blocks of emoji are left out of the class above the BMP (emoji text would be one
    # run per emoji): every character there must fold as casefold alone folds it.
    astral = [cp for a, b in EMOJI_BLOCKS for cp in range(a, b + 1)]
    plain = [chr(cp) for cp in astral if N._runs._pattern.fullmatch(chr(cp)) is None]
    assert len(plain) == len(astral)  # all of them: none holds an exception
    wrong = [c for c in plain if _fold_char(c) != c.casefold() or len(c.casefold()) != 1]
    assert wrong == []
    assert N._runs._pattern.fullmatch("\U0001d400")  # the rest above the BMP stays in it


def test_casefolding_a_folded_character_changes_nothing() -> None:
    # The runs path casefolds folded runs a second time, with the text around them.
    wrong = [
        cp
        for cp in range(0x80, 0x110000)
        if not 0xD800 <= cp < 0xE000 and _fold_char(chr(cp)).casefold() != _fold_char(chr(cp))
    ]
    assert wrong == []


def test_plain_ranges_are_cut_out_of_the_class_exactly() -> None:
    runs = runs_pattern([0xE9], [(0x1F1E6, 0x1F1FF), (0x1F300, 0x1F6FF)])
    inside = [0xE9, 0x10000, 0x1F1E5, 0x1F200, 0x1F2FF, 0x1F700, 0x10FFFF]
    outside = [0xEA, 0x1F1E6, 0x1F1FF, 0x1F300, 0x1F6FF]
    assert [cp for cp in inside if not runs.fullmatch(chr(cp))] == []
    assert [cp for cp in outside if runs.fullmatch(chr(cp))] == []
    assert runs_pattern([0xE9], None).fullmatch("\U00010000") is None  # within the BMP only


def _positive_class(code_points: list[int], plain: list[tuple[int, int]] | None) -> set[int]:
    """The definition: the code points, and above the BMP all but the plain ranges."""
    members = set(code_points)
    if plain is not None:
        members |= set(range(0x10000, 0x110000))
        for a, b in plain:
            members -= set(range(a, b + 1))
    return members


@pytest.mark.parametrize("which", ["normalize", "normalize-bmp", "skeleton", "skeleton-bmp"])
def test_the_negated_classes_hold_exactly_their_code_points(which: str) -> None:
    # runs_pattern writes its class as the negation of the others' (faster in `re`): each of
    # the real classes must match one character exactly where the definition says.
    skeleton_bmp = sorted(cp for cp in SKELETON_TABLE if cp < 0x10000)
    code_points, plain = {
        "normalize": (WIDE, PLAIN),
        "normalize-bmp": (WIDE, None),
        "skeleton": (skeleton_bmp, plain_blocks(SKELETON_TABLE.__contains__)),
        "skeleton-bmp": (skeleton_bmp, None),
    }[which]
    members = _positive_class(code_points, plain)
    pattern = runs_pattern(code_points, plain)
    matched = {
        cp
        for cp in range(0x110000)
        if not 0xD800 <= cp < 0xE000 and pattern.fullmatch(chr(cp)) is not None
    }
    assert matched == members - set(range(0xD800, 0xE000))
    assert pattern.fullmatch("\ud800") is None  # surrogates: in no class, as before


@given(st.lists(st.integers(0x80, 0xFFFF), max_size=40), st.text(max_size=200))
def test_runs_of_a_negated_class_are_the_runs_of_the_class(cps: list[int], text: str) -> None:
    code_points = sorted(set(cps) - set(range(0xD800, 0xE000)))
    plain = [(0x1F300, 0x1F6FF)]
    members = _positive_class(code_points, plain)
    expected = [
        "".join(group)
        for inside, group in itertools.groupby(text, lambda c: ord(c) in members)
        if inside
    ]
    assert runs_pattern(code_points, plain).split(text)[1::2] == expected


@pytest.mark.parametrize(("tail", "by_runs"), [("", False), ("\U0001f600", True)])
def test_a_text_within_the_bmp_moderately_dense_in_runs_is_mapped_whole(
    tail: str, by_runs: bool
) -> None:
    # One run per 8 characters: within the BMP (list look-ups) the whole is translated; with
    # a character above it (dict look-ups) the runs are folded one by one. Both fold alike.
    text = "abcdefg\u00e9" * 64 + tail
    assert (N._by_runs(text) is not None) is by_runs
    assert N.normalize(text).text == "abcdefge" * 64 + tail


@pytest.mark.parametrize("every", [1, 2, 9, 200])
def test_runs_that_grow_map_back_whether_few_or_many(every: int) -> None:
    # Few growing characters: the map lists them alone (sparse); many (more than one per
    # kept.SPARSE characters): it sums lengths per block. Both as the definition says.
    words = ["Straße", "café", "ﬁle", "x\u00e9\u00df\u200d\u00dfy", "plain", "naïve"]
    picked = (words[(i // every) % len(words)] if i % every == 0 else "word" for i in range(400))
    text = " ".join(picked)
    text += " \U0001f600"  # above the BMP: the runs path whatever the density
    folded, sources = _per_character(text)
    view = N.normalize(text)
    assert view.text == folded
    assert view.sources is not None
    assert [view.original_span(i, i + 1)[0] for i in range(len(folded))] == sources


@pytest.mark.parametrize("every", [1, 3, 20, 200])
def test_vanished_characters_map_back_whether_few_or_many(every: int) -> None:
    # Few or many vanished characters (emoji joiners, selectors, zero-width spaces), alone
    # or side by side: the map says what the definition says.
    words = ["\U0001f468\u200d\U0001f469", "\u2764\ufe0f", "a\u200b\u200db", "\u00e9\u200d"]
    picked = (words[(i // every) % len(words)] if i % every == 0 else "word" for i in range(400))
    text = " ".join(picked)
    folded, sources = _per_character(text)
    view = N.normalize(text)
    assert view.text == folded
    assert view.sources is not None
    assert [view.original_span(i, i + 1)[0] for i in range(len(folded))] == sources
