"""Encoded values (base64, hex, binary, base32, Morse, percent, quoted-printable, entities,
reversed, letter-spaced, digit look-alikes) in a streamed reply: however the upstream splits
the text, the client never receives the encoded value, and what it assembles equals the
non-streamed result."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.decoded_morse import _SIGNS
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.transforms import _PUNCT_LEAD, _PUNCT_SPACED, _SPACED, _SPACED_LEAD
from safeproxy.settings.schema import Settings
from tests.property.test_stream_filter_split import (
    FILLER,
    REDACTING,
    _cut,
    _text_of,
    _through_hook,
    _wire,
)

DEFAULT_YAML = Path(__file__).resolve().parents[2] / "config" / "default.yaml"
EMAIL = "jane.doe@acme-corp.io"
_MORSE = {letter: sign for sign, letter in _SIGNS.items()}
KEY = "AKIAIOSFODNN7EXAMPLE"
ENCODED = [
    base64.b64encode(KEY.encode()).decode(),
    base64.urlsafe_b64encode(f"mail {EMAIL} today".encode()).decode(),
    EMAIL.encode().hex(),
    " ".join(f"{b:02x}" for b in KEY.encode()),
    "".join(f"\\x{b:02x}" for b in EMAIL.encode()),
    EMAIL.replace("@", "%40"),
    "".join(f"%{b:02X}" for b in KEY.encode()),
    EMAIL.replace("@", "\\u0040").replace(".", "\\u{2e}"),
    EMAIL.replace("@", "&#64;").replace(".", "&period;"),
    EMAIL[::-1],
    " ".join(EMAIL),
    ".".join(KEY),
    " ".join(f"{b:08b}" for b in EMAIL.encode()),
    "".join(f"{b:08b}" for b in KEY.encode()),
    base64.b32encode(f"mail {EMAIL} today".encode()).decode(),
    base64.b32encode(KEY.encode()).decode().rstrip("="),
    "".join(f"={b:02X}" for b in EMAIL.encode()),
    # Digits written as look-alike letters (decoded_digitlike.py).
    "4lll llll llll llll",
    "55OO-OOOO-OOOO-OOO4",
]
# A card number in Morse (which has no "@" nor "."). Words around it, not " -- ": dashes and
# dots next to a run read as more signs.
MORSE_CARD = " ".join(_MORSE[c] for c in "4111111111111111")


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    values: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        parts.append(draw(FILLER))
        value = draw(st.sampled_from([*ENCODED, MORSE_CARD]))
        values.append(value)
        # Words either side: a lone character next to a spaced run would read as part of it.
        parts.append(f" see: {value} thanks ")
    parts.append(draw(FILLER))
    return "".join(parts), values


@settings(max_examples=200, deadline=None)
@given(replies(), st.lists(st.integers(0, 500), max_size=30))
def test_an_encoded_value_never_reaches_the_client_whatever_the_split(
    sample: tuple[str, list[str]], text_cuts: list[int]
) -> None:
    text, values = sample
    events = _through_hook(REDACTING, _wire(_cut(text, text_cuts)), [])
    received, finishes = _text_of(events)
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert whole is not None
    assert received == whole
    for value in values:
        assert value not in received
    assert KEY not in received and EMAIL not in received
    assert finishes[-1] == "stop"


@given(st.sampled_from(ENCODED))
def test_each_encoding_is_cut_whole_when_checked_at_once(value: str) -> None:
    text = f"here it is: {value} -- thanks"
    out = run_stage(REDACTING.output, [text]).texts[0]
    assert out is not None and out.startswith("here it is: ") and out.endswith(" -- thanks")
    assert "[REDACTED:" in out


PLAIN = ["4111 1111 1111 1111", EMAIL, KEY, "078-05-1120"]
INPUT = compile_policies(
    Settings.model_validate(yaml.safe_load(DEFAULT_YAML.read_text())).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"].input


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PLAIN + ENCODED),
    st.lists(st.integers(1, 60), min_size=1, max_size=3),
)
def test_a_value_split_across_content_parts_never_reaches_the_model(
    value: str, cuts: list[int]
) -> None:
    text = f"note: {value} -- end"
    edges = sorted({6 + c % len(value) for c in cuts})
    parts = [text[a:b] for a, b in zip([0, *edges], [*edges, len(text)], strict=True)]
    result = run_stage(INPUT, parts, joined=[(0, len(parts))])
    assert not result.blocked
    sent = [new if new is not None else old for new, old in zip(result.texts, parts, strict=True)]
    joined = "".join(sent)
    assert value not in joined and "[REDACTED:" in joined
    assert joined.startswith("note: ") and joined.endswith(" -- end")


@given(st.text(st.sampled_from("ab1 \t.,-_é"), max_size=80), st.integers(0, 10), st.integers(0, 3))
def test_a_lead_finds_the_run_a_search_finds(text: str, pos: int, misses: int) -> None:
    # The leads only skip ahead to likely starts: the first run found must be search's.
    for run, lead in ((_SPACED, _SPACED_LEAD), (_PUNCT_SPACED, _PUNCT_LEAD)):
        found = lead.first(run, text, pos, [misses])
        expected = run.search(text, pos)
        assert (found and found.span()) == (expected and expected.span())
