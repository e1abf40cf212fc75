"""Phone numbers as people write them beyond the region's printed format: a mobile without
its trunk prefix where the region's metadata says so (India, Turkey, Russia, Vietnam), an
area or network code then the rest as one run ("0151 23456789"), a number valid for the
region's calling code (Guernsey's "07911 123456" written as in Britain), digits one by one
in groups ("2 0 6 - 5 5 5 - 0 1 4 7"), an area code in words, and a number between two
words of a script written without spaces ("携帯は090-1234-5678です"). Dates, versions,
ISBNs, order ids and scores pass untouched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.refiners import one_by_one_groups
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

DEFAULT = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]


def hidden(text: str, value: str) -> bool:
    out = run_stage(DEFAULT.input, [text]).texts[0]
    return out is not None and value not in out


def untouched(text: str) -> bool:
    return run_stage(DEFAULT.input, [text]).texts[0] is None


@pytest.mark.parametrize(
    "number",
    [
        "07911 123456",  # GB format, a Guernsey mobile
        "07700 900123",  # GB mobile
        "0151 23456789",  # DE mobile, network code then the rest
        "0171 2345678",
        "030 12345678",  # DE landline
        "020 79460958",  # GB landline, area code then the rest
        "98765 43210",  # IN mobile, no trunk prefix
        "090-1234-5678",  # JP mobile
        "0532 123 45 67",  # TR mobile
        "912 345-67-89",  # RU mobile, no trunk prefix
    ],
)
@pytest.mark.parametrize("frame", ["call me on {}", "Nummer: {}.", "WhatsApp {} tonight"])
def test_a_national_number_is_hidden(number: str, frame: str) -> None:
    assert hidden(frame.format(number), number)


@pytest.mark.parametrize(
    "text",
    [
        "携帯は090-1234-5678です",
        "전화번호는 010-1234-5678입니다",
        "メールはjane.doe@acme.ioです",
    ],
)
def test_a_number_between_words_of_unspaced_scripts_is_hidden(text: str) -> None:
    assert not untouched(text)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["2065550147", "4155552671", "3125550188"]),
    st.sampled_from([" ", "  ", "."]),
    st.sampled_from([" - ", "   ", " | ", " . "]),
)
def test_digits_one_by_one_in_groups(number: str, inner: str, outer: str) -> None:
    groups = [number[:3], number[3:6], number[6:]]
    written = outer.join(inner.join(g) for g in groups)
    if inner == outer:
        return
    assert one_by_one_groups(written) == (0, len(written), groups)
    assert hidden(f"my number is {written}", written)


def test_an_area_code_in_words() -> None:
    assert hidden("phone: (three one two) 555-0188", "555-0188")


@pytest.mark.parametrize(
    "text",
    [
        "ISBN 978-3-16-148410-0",
        "dates 2024-11-03 and 3.11.2024, version 10.15.7 build 19H15",
        "invoice 12345 67890 paid",
        "scores 87 92 88 76 91",
        "ref 0123 4567890",
        "pages 6120-6189 of volume 2024",
        "the grid 1 2 3 - 4 5 6 - 7 8 9 - 0",
        "number of items: 2 0 2 4 - 1 1 - 0 3",
        "I have three apples and 2 pears (one for you)",
        "版本2024-11-03です",
        "IP 192.168.100.200 port 8080",
    ],
)
def test_look_alikes_pass(text: str) -> None:
    assert untouched(text)


def test_the_prefix_may_be_left_out_only_where_the_metadata_says() -> None:
    # India marks its mobiles' trunk prefix optional; Britain does not: without it, a
    # British mobile's digits in its groups are no number.
    assert not untouched("WhatsApp: 98765 43210")
    assert untouched("Ref 7911 123456 ok") and untouched("Ref 7700 900123 ok")


@pytest.mark.parametrize("gap", [" ", ". ", "- ", ", ", "; "])
def test_a_number_after_an_identifier_s_groups_is_hidden(gap: str) -> None:
    # The groups of an identifier glued to letters ("b0 0"), then any separator, then a
    # number opened by "+" or "(": the number is read from there.
    text = f"b0 0{gap}+1 (415) 867-5309 "
    assert hidden(text, "+1 (415) 867-5309"), text
