"""Bare national numbers after a phone word in a streamed reply: however the upstream
splits the text and the network splits the bytes, the number never reaches the client
(the run is held while it may still be one, the word before it is read where the whole
text would read it), and what the client assembles equals the non-streaming result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from tests.property.test_stream_filter_split import _cut, _policy, _text_of, _through_hook, _wire
from tests.unit.test_phone_bare_national import LOCAL, SAID

POLICY = _policy([{"type": "pii", "entities": ["phone", "email"]}])
FILLER = st.text(alphabet=st.sampled_from([*"abc xyz.,:\n", "é", "电"]), max_size=16)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SAID),
    FILLER,
    FILLER,
    st.lists(st.integers(0, 200), max_size=30),
    st.lists(st.integers(0, 2000)),
)
def test_a_bare_national_number_never_reaches_the_client_whatever_the_split(
    said: tuple[str, str], before: str, after: str, text_cuts: list[int], byte_cuts: list[int]
) -> None:
    sentence, value = said
    text = f"{before} {sentence} {after}"
    whole = run_stage(POLICY.output, [text]).texts[0]
    assert whole is not None and value not in whole
    events = _through_hook(POLICY, _wire(_cut(text, text_cuts)), byte_cuts)
    received, _finishes = _text_of(events)
    assert received == whole


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LOCAL), FILLER, st.lists(st.integers(0, 200), max_size=30))
def test_a_local_number_never_reaches_the_client_whatever_the_split(
    sentence: str, before: str, text_cuts: list[int]
) -> None:
    text = f"{before} {sentence}"
    whole = run_stage(POLICY.output, [text]).texts[0]
    assert whole is not None and "[REDACTED:PHONE]" in whole
    events = _through_hook(POLICY, _wire(_cut(text, text_cuts)), [])
    received, _finishes = _text_of(events)
    assert received == whole
