"""Any text smuggled as a selector run after a base character decodes back, with spans that
cover the run exactly; the gate matches every run the decoder lists and no legitimate emoji
sequence or subdivision flag."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.carriers import (
    _RUNS,
    carrier_runs,
    decode_carriers,
    encode,
    may_carry,
    strip_carriers,
)
from tests.support import gate_of

gate_hits = gate_of("carriers")


def carrier(c: str) -> bool:
    cp = ord(c)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0000 <= cp <= 0xE007F or 0xE0100 <= cp <= 0xE01EF


# Surrounding text and base characters: anything but carriers (which would join the run).
AROUND = st.text(st.characters(exclude_categories=["Cs"]).filter(lambda c: not carrier(c)))
BASE = st.sampled_from(["\U0001f600", "a", "\u2764", "\U0001f3f4", "\u845b", " ", "\U0001f44d"])
# Payloads of printable text, any script (emoji, CJK, accents, ASCII).
PAYLOAD = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")), min_size=4
)


@settings(max_examples=300)
@given(AROUND, BASE, PAYLOAD, AROUND)
def test_a_smuggled_text_decodes_and_its_run_is_exact(
    before: str, base: str, payload: str, after: str
) -> None:
    run = encode(payload.encode())
    start = len(before) + len(base)
    text = before + base + run + after
    assert carrier_runs(text) == [(start, start + len(run))]
    pieces = decode_carriers(text, 1 << 20)
    assert [p.text for p in pieces] == [payload]
    assert pieces[0].span(0, len(payload)) == (start, start + len(run))
    assert strip_carriers(text) == before + base + after
    assert gate_hits(text)


def tags(ascii_text: str) -> str:
    return "".join(chr(0xE0000 + ord(c)) for c in ascii_text)


SUBDIVISION = st.from_regex(r"[a-z]{2}[a-z0-9]{1,3}", fullmatch=True)
LEGIT = st.one_of(
    SUBDIVISION.map(lambda s: "\U0001f3f4" + tags(s) + "\U000e007f"),
    st.sampled_from(
        ["\u2764\ufe0f", "\u2764\ufe0e", "1\ufe0f\u20e3", "\U0001f3f3\ufe0f\u200d\U0001f308",
         "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u845b\U000e0100", "\U0001f44d\U0001f3fd",
         "\U0001f3f4", "\u200d", "a", " "]
    ),
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(LEGIT, max_size=12))
def test_legitimate_sequences_give_no_carrier_and_do_not_trip_the_gate(parts: list[str]) -> None:
    text = "".join(parts)
    assert carrier_runs(text) == []
    assert strip_carriers(text) == text
    assert not gate_hits(text)


PIECES = st.sampled_from(
    ["\ufe0f", "\ufe00", "\U000e0100", "\U000e01ef", "\U000e0067", "\U000e0030", "\U000e007f",
     "\U000e0001", "\U000e0041", "\U0001f3f4", "a", "\U0001f600", " "]
)  # fmt: skip


@settings(max_examples=500)
@given(st.lists(PIECES, max_size=16))
def test_the_gate_matches_wherever_a_run_is_listed(parts: list[str]) -> None:
    text = "".join(parts)
    if carrier_runs(text):
        assert gate_hits(text), [hex(ord(c)) for c in text]


# Carriers of every kind among ordinary characters, selectors after emoji included.
_MIXED = st.lists(
    st.one_of(
        st.sampled_from(["\ufe00", "\ufe0f", "\U000e0041", "\U000e007f", "\U000e0100"]),
        st.sampled_from(["\U0001f600", "\u2764", "a", "\u0439", " "]),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=40,
).map("".join)


@given(_MIXED)
def test_the_quick_test_never_misses_a_run(text: str) -> None:
    # may_carry's bytes test stands in front of every search: a text with a run must pass it.
    if _RUNS.search(text):
        assert may_carry(text)
    assert strip_carriers(text) == _RUNS.sub("", text) or "\U0001f3f4" in text
