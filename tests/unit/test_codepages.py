"""Character maps through legacy code pages (filters/codepages.py) equal `str.translate`,
for the text each page holds whole, and decline the rest."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.codepages import CODECS, CodePageMap
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.skeleton import EXTRA, Skeleton

LETTERS = {**skeleton_table(), **{ord(k): v for k, v in EXTRA.items()}}
PAGES = CodePageMap(LETTERS)


def _page_chars(codec: str) -> list[str]:
    out = []
    for b in range(0x80, 0x100):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            continue
    return out


ASCII = list(string.printable)


@pytest.mark.parametrize("codec", CODECS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_page_maps_its_text_as_translate_does(codec: str, data: st.DataObject) -> None:
    alphabet = st.sampled_from(_page_chars(codec) + ASCII)
    text = data.draw(st.text(alphabet, max_size=200))
    out = PAGES.map(text)
    if out is not None:
        assert out == text.translate(LETTERS)


@given(st.text(st.sampled_from([*ASCII, "ж", "ا", "λ", "é", "😀", "漢", "\u0301"]), max_size=80))
def test_text_no_page_holds_is_declined(text: str) -> None:
    out = PAGES.map(text)
    assert out is None or out == text.translate(LETTERS)


def test_text_in_one_script_is_mapped_and_other_text_is_not() -> None:
    # The property tests are only as good as their examples: the pages really are used.
    assert PAGES.map("раураl: рау «пожалуйста» — ok") == "paypal: pay «пoжaлyйcta» — ok"
    assert PAGES.map("وقال") is not None
    assert PAGES.map("plain ascii") is None  # the caller's own fast path
    assert PAGES.map("ж 😀") is None  # no page holds an emoji
    assert PAGES.map("ж λ") is None  # nor Cyrillic and Greek at once


def test_a_map_that_leaves_the_page_is_not_used() -> None:
    # "ж" to a Greek letter: cp1251 cannot hold the result, so no page serves the map.
    pages = CodePageMap({ord("ж"): "λ"})
    assert pages.map("жук") is None
    assert Skeleton(skeleton_table()).letters("жук") == "жук".translate(LETTERS)
