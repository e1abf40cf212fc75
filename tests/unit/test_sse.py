"""SSE decoder edge cases from the WHATWG spec."""

from __future__ import annotations

import pytest

from safeproxy.upstream.sse import SSEDecoder, SSEEvent, SSEOverflow, encode_event


def decode(data: bytes) -> list[SSEEvent]:
    dec = SSEDecoder()
    return dec.feed(data) + dec.flush()


def test_line_endings_are_cr_lf_and_crlf_only() -> None:
    assert decode(b"data: a\r\rdata: b\n\ndata: c\r\n\r\n") == [
        SSEEvent("a"),
        SSEEvent("b"),
        SSEEvent("c"),
    ]
    # U+2028, VT and FF are data, not line breaks (str.splitlines would split on them).
    assert decode("data: a\u2028b\x0bc\x0cd\n\n".encode()) == [SSEEvent("a\u2028b\x0bc\x0cd")]


def test_crlf_split_across_reads_is_one_line_ending() -> None:
    dec = SSEDecoder()
    assert dec.feed(b"data: a\r") == []
    assert dec.feed(b"\n\r") == [SSEEvent("a")]
    assert dec.feed(b"\ndata: b\n\n") == [SSEEvent("b")]


def test_fields_comments_and_multiline_data() -> None:
    stream = b": ping\nevent: delta\nid: 7\nretry: 1500\ndata: one\ndata:two\nbogus: x\n\n"
    assert decode(stream) == [SSEEvent("one\ntwo", event="delta", id="7", retry=1500)]


def test_bom_is_dropped_and_unterminated_tail_is_discarded() -> None:
    assert decode(b"\xef\xbb\xbfdata: a\n\ndata: tail") == [SSEEvent("a")]
    dec = SSEDecoder()
    assert dec.feed(b"\xef") == []
    assert dec.feed(b"\xbb\xbfdata: x\n\n") == [SSEEvent("x")]


def test_empty_data_is_dispatched_and_no_data_is_not() -> None:
    assert decode(b"data:\n\nevent: x\n\n") == [SSEEvent("")]


def test_encode_matches_the_usual_openai_framing() -> None:
    assert encode_event(SSEEvent('{"a":1}')) == b'data: {"a":1}\n\n'
    assert encode_event(SSEEvent("[DONE]")) == b"data: [DONE]\n\n"
    assert encode_event(SSEEvent("a\nb", event="e")) == b"event: e\ndata: a\ndata: b\n\n"


def test_an_event_past_the_cap_is_refused_however_it_arrives() -> None:
    line = b"data: " + b"x" * 100  # one line, no end, in pieces
    decoder = SSEDecoder(max_event_bytes=64)
    with pytest.raises(SSEOverflow):
        for i in range(0, len(line), 7):
            decoder.feed(line[i : i + 7])
    many = b"".join(b"data: %d\n" % i for i in range(40))  # data lines, never a blank one
    with pytest.raises(SSEOverflow):
        SSEDecoder(max_event_bytes=64).feed(many)
    within = SSEDecoder(max_event_bytes=64)
    assert within.feed(b"data: " + b"y" * 40) == []  # under the cap: held until it ends
    assert [e.data for e in within.feed(b"\n\n")] == ["y" * 40]


def test_an_unfinished_line_is_joined_once_when_it_ends() -> None:
    """Reads without a line break are kept, not joined again on every read (a long line in
    many reads cost the square of its length)."""
    decoder = SSEDecoder()
    for _ in range(1000):
        assert decoder.feed(b"z" * 10) == []
    # The first read started the stream (a BOM check); the others are kept, never re-joined.
    assert len(decoder._held) == 999 and decoder._buf == b"z" * 10
    events = decoder.feed(b"\n\n")
    assert events == []  # a line of no known field: ignored, and the event is empty
    assert decoder._held == [] and decoder._buf == b""
