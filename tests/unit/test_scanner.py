"""The Hyperscan scanner: spans, leftmost-longest, length caps, UTF-8 offsets, load checks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.scanner import Pattern, Scanner, compile_error

EMAIL = Pattern("pii.email", r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}", 254)
DIGITS = Pattern("digits", r"\d(?:[ .-]?\d){12,18}", 37)


def test_spans_are_leftmost_longest_per_rule() -> None:
    scanner = Scanner([EMAIL, DIGITS])
    text = "mail bob@example.com or 4111 1111 1111 1111 now"
    got = scanner.scan(text)
    assert [(m.index, text[m.start : m.end]) for m in got] == [
        (0, "bob@example.com"),
        (1, "4111 1111 1111 1111"),
    ]


def test_spans_never_exceed_the_cap() -> None:
    short = Pattern("word", r"[a-z]+", 5)
    got = Scanner([short]).scan("abc abcdefgh")
    assert [(m.start, m.end) for m in got] == [(0, 3), (4, 9)]
    assert Scanner([short]).candidates("abcdefgh")[(0, 0)] == [5, 4, 3, 2, 1]


def test_offsets_are_characters_not_bytes() -> None:
    text = "ünïcödé → bob@example.com ✓"
    (m,) = Scanner([EMAIL]).scan(text)
    assert text[m.start : m.end] == "bob@example.com"


def test_unsupported_constructs_are_reported_at_load() -> None:
    assert compile_error(Pattern("backref", r"(a)\1", 10)) is not None
    assert compile_error(Pattern("lookbehind", r"(?<!x)abc", 10)) is not None
    assert compile_error(EMAIL) is None


def test_no_patterns_no_matches() -> None:
    assert Scanner([]).scan("anything") == []


@given(st.text(max_size=60), st.text(max_size=60))
def test_an_embedded_email_is_found_wherever_it_sits(before: str, after: str) -> None:
    text = before + " bob@example.com " + after
    spans = {text[m.start : m.end] for m in Scanner([EMAIL]).scan(text)}
    assert any("bob@example.com" in s for s in spans)
