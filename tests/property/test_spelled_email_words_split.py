"""An address spelt in another language's words, its local part's dots included, reaches a
streaming client as the whole reply would: cut whole, whatever the split."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from tests.property.test_stream_filter_split import REDACTING, _cut, _text_of, _through_hook, _wire

# (local part's words, at-word, domain's words): each word of the address is a name no
# sentence around it uses.
ADDRESSES = [
    ("pablo punto ruiz", "arroba", "gmail punto com"),
    ("marie point curie", "arobase", "orange point fr"),
    ("t punkt weber", "at", "gmx punkt net"),
    ("jan kropka nowak", "malpa", "wp kropka pl"),
    ("giulia punto neri", "chiocciola", "tiscali punto it"),
]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ADDRESSES),
    st.sampled_from(["escríbeme a ", "contact: ", "schreib an "]),
    st.lists(st.integers(0, 200), max_size=12),
)
def test_the_local_part_never_reaches_the_client_whatever_the_split(
    address: tuple[str, str, str], lead: str, cuts: list[int]
) -> None:
    local, at, domain = address
    text = f"{lead}{local} {at} {domain} gracias"
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert whole == f"{lead}[REDACTED:EMAIL] gracias"
    received, finishes = _text_of(_through_hook(REDACTING, _wire(_cut(text, cuts)), []))
    assert received == whole
    assert finishes[-1] == "stop"
