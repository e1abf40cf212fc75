"""SSE decode → re-encode → decode gives the same events however the bytes are split."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.upstream.sse import SSEDecoder, SSEEvent, encode_event

# Text with multi-byte UTF-8 (2, 3 and 4 bytes), but no CR/LF inside a field value.
field_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"),
    max_size=40,
)
events = st.builds(
    SSEEvent,
    data=st.lists(field_text, min_size=1, max_size=3).map("\n".join),
    event=st.none() | field_text.filter(lambda s: s != ""),
    id=st.none() | field_text.filter(lambda s: "\0" not in s),
    retry=st.none() | st.integers(min_value=0, max_value=10**6),
)
newlines = st.sampled_from([b"\n", b"\r", b"\r\n"])


def wire(evs: list[SSEEvent], eol: bytes) -> bytes:
    """Encode, then rewrite every line ending to `eol` (all three are legal)."""
    return b"".join(encode_event(e) for e in evs).replace(b"\n", eol)


def decode_in(data: bytes, cuts: list[int]) -> list[SSEEvent]:
    dec = SSEDecoder()
    out: list[SSEEvent] = []
    prev = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        out += dec.feed(data[prev:cut])
        prev = cut
    out += dec.flush()
    return out


@settings(max_examples=300, deadline=None)
@given(
    evs=st.lists(events, max_size=6),
    eol=newlines,
    cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=30),
    comment=st.booleans(),
)
def test_split_invariance_and_round_trip(
    evs: list[SSEEvent], eol: bytes, cuts: list[int], comment: bool
) -> None:
    data = wire(evs, eol)
    if comment:
        data = b": keep-alive" + eol + data
    cuts = [c % (len(data) + 1) for c in cuts]
    got = decode_in(data, cuts)
    assert got == evs
    # Re-encoding what was decoded and decoding again is the identity.
    again = decode_in(b"".join(encode_event(e) for e in got), [])
    assert again == got


@given(data=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=20))
def test_any_bytes_decode_the_same_however_split(data: bytes, cuts: list[int]) -> None:
    cuts = [c % (len(data) + 1) for c in cuts]
    assert decode_in(data, cuts) == decode_in(data, [])


def test_every_single_byte_split_of_a_multibyte_event() -> None:
    data = 'data: {"content": "héllo ✓ 😀"}\r\n\r\n'.encode()
    whole = decode_in(data, [])
    assert whole == [SSEEvent('{"content": "héllo ✓ 😀"}')]
    for cut in range(len(data) + 1):
        assert decode_in(data, [cut]) == whole
    assert decode_in(data, list(range(len(data)))) == whole
