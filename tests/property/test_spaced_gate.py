"""The letter-spaced decoder's gate for text outside ASCII (decoders.py) opens wherever the
decoder keeps a run: a line of emoji between blanks no longer opens it, a spaced word among
emoji, other scripts and Unicode spaces still does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.decoders import NO_LETTERS, builtin_decoders
from safeproxy.filters.transforms import decode_blank_spaced
from safeproxy.filters.views import Gate

SPACED = next(d for d in builtin_decoders() if d.decode is decode_blank_spaced)
GATE = Gate([SPACED])
CHARS = [*"ab1Ж.", "😀", "✅", "🇫", "\u200d", "\ufe0f", "ⓐ", "ℹ", *"  \t\t\n", "\u00a0", "\u3000"]


def test_the_blocks_left_out_hold_no_letter() -> None:
    letters = [cp for a, b in NO_LETTERS for cp in range(a, b + 1) if chr(cp).isalpha()]
    assert letters == []


SINGLES = st.sampled_from([c for c in CHARS if not c.isspace()])
BLANKS = st.sampled_from([" ", "\t", "  ", " \t ", "    "])
AROUND = st.lists(st.sampled_from(CHARS), max_size=6).map("".join)


@st.composite
def spaced_texts(draw: st.DrawFn) -> str:
    """Runs of single characters apart by blanks (some kept, some not), amid other text."""
    out = [draw(AROUND)]
    for _ in range(draw(st.integers(1, 3))):
        cells = draw(st.lists(SINGLES, min_size=3, max_size=10))
        run = cells[0]
        for c in cells[1:]:
            run += draw(BLANKS) + c
        out += [run, draw(AROUND)]
    return "".join(out)


@settings(max_examples=800, deadline=None)
@given(spaced_texts())
def test_the_gate_opens_wherever_the_decoder_keeps_a_run(text: str) -> None:
    if decode_blank_spaced(text, 1 << 16):
        assert GATE.open(text) == [0]


def test_emoji_between_blanks_keep_the_gate_shut_and_a_spaced_word_opens_it() -> None:
    # The property is only as good as its examples: both sides are met.
    emoji = "the team 🚀 🎉 ✅ 🙂 👍🏽 🔥 done"
    assert GATE.open(emoji) == [] and decode_blank_spaced(emoji, 1 << 16) == []
    spaced = "\u00a0🙂 i g n o r e 🙂"
    assert GATE.open(spaced) == [0] and decode_blank_spaced(spaced, 1 << 16) != []
