"""Values split by characters that render as nothing (filters/ignorable.py) are still values.

Zero-width and other format characters were dropped from the view already; these are the
rest of what a reader does not see: control characters that are not whitespace (C0, DEL,
C1), the combining grapheme joiner, the Hangul fillers, the Khmer inherent vowels and the
Mongolian free variation selectors. The redaction cuts the whole original span, the
invisible characters inside it included; text that merely holds such characters passes.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.holdback import StreamRedactor
from safeproxy.filters.ignorable import IGNORABLE_RANGES, invisible_control
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

N = Normalizer()
SPLITTERS = {
    "soh": "\x01",
    "bel": "\x07",
    "esc": "\x1b",
    "del": "\x7f",
    "c1-csi": "\x9b",
    "cgj": "\u034f",
    "hangul-filler": "\u3164",
    "halfwidth-hangul-filler": "\uffa0",
    "choseong-filler": "\u115f",
    "khmer-vowel": "\u17b4",
    "mongolian-fvs": "\u180b",
}
# (the text around the value, the value spread with `{}` where a splitter goes, its label)
VALUES = [
    ("Mail {} today.", "jane.doe@acme-corp.io", "EMAIL"),
    ("Card {} please.", "4111 1111 1111 1111", "CREDIT_CARD"),
    ("key id {} ok", "AKIA2E0A8F3B244C9986", "AWS_ACCESS_KEY"),
]


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    settings = load_settings(bundled_config("default.yaml"))
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(settings.policies, compiler)["default"]


def _split(value: str, sep: str) -> str:
    """The value with `sep` after every fourth character (inside it, never at its ends)."""
    return sep.join(value[i : i + 4] for i in range(0, len(value), 4))


@pytest.mark.parametrize("stage", ["input", "output"])
@pytest.mark.parametrize("sep", list(SPLITTERS.values()), ids=list(SPLITTERS))
@pytest.mark.parametrize(("frame", "value", "label"), VALUES, ids=[v[2] for v in VALUES])
def test_a_value_split_by_invisible_characters_is_cut_whole(
    policy: CompiledPolicy, stage: str, sep: str, frame: str, value: str, label: str
) -> None:
    hidden = _split(value, sep)
    text = frame.format(hidden)
    result = run_stage(policy.input if stage == "input" else policy.output, [text])
    assert not result.blocked
    assert result.texts[0] == frame.format(f"[REDACTED:{label}]")


@pytest.mark.parametrize("sep", list(SPLITTERS.values()), ids=list(SPLITTERS))
def test_a_split_value_streamed_a_character_at_a_time_does_not_leak(
    policy: CompiledPolicy, sep: str
) -> None:
    frame, value, label = VALUES[0]
    text = frame.format(_split(value, sep))
    stream = StreamRedactor(policy.output.finder, policy.output.effects)
    streamed = "".join(stream.feed(ch) for ch in text) + stream.end()
    assert streamed == frame.format(f"[REDACTED:{label}]")


@pytest.mark.parametrize("stage", ["input", "output"])
@pytest.mark.parametrize(
    "text",
    [
        "\x1b[31mERROR\x1b[0m build 1234 failed at step 5678",  # a terminal log, coloured
        "Name:\u3164Kim\u3164Minsu",  # Hangul fillers as spaces in a name
        "tab\x0bseparated\x0cfields\x1cand\x1drecords",
        "ver 1.2.3\x07 released 2024-05-06",
    ],
)
def test_text_holding_invisible_characters_passes(
    policy: CompiledPolicy, stage: str, text: str
) -> None:
    result = run_stage(policy.input if stage == "input" else policy.output, [text])
    assert not result.blocked and result.texts == [None]


def test_every_invisible_character_vanishes_from_the_view_and_nul_stays() -> None:
    controls = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]]
    for ch in controls:
        view = N.normalize(f"a{ch}b").text
        if ch == "\x00":
            assert view == "a\x00b"
        elif ch.isspace():
            assert view == "a b", repr(ch)
        else:
            assert invisible_control(ch) and view == "ab", repr(ch)
    for a, b in IGNORABLE_RANGES:
        for cp in (a, b):
            if not 0xE0020 <= cp <= 0xE007E:  # tags decode to the ASCII they hide
                assert N.normalize(f"a{chr(cp)}b").text == "ab", hex(cp)


@given(
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60),
)
def test_the_ascii_view_maps_back_through_dropped_controls(head: str, tail: str) -> None:
    """An ASCII text with controls to drop (fast path, then the marked path) and the same
    text with something outside ASCII (the general path) read the same, and every view
    character points at an original one that folds to it."""
    text = head + "\x1b" + tail
    view = N.normalize(text)
    general = N.normalize(text + "\u0436")  # a Cyrillic letter, which folds to itself
    assert general.text == view.text + "\u0436"
    for i, ch in enumerate(view.text):
        start, end = view.original_span(i, i + 1)
        assert N.normalize(text[start:end]).text == ch
