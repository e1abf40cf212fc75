"""Streaming redaction: however the text is split, nothing detected leaks, and the output
equals redacting the whole text at once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.holdback import Redact, StreamRedactor, apply
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_RULES, SSN_BARE, phone_rule
from safeproxy.filters.secrets import SECRET_RULES
from safeproxy.filters.spelled_email import SPELLED_EMAILS
from safeproxy.settings.policy import DEFAULT_PHONE_REGIONS

RULES = [
    PII_RULES["email"],
    *SPELLED_EMAILS,
    PII_RULES["credit_card"],
    PII_RULES["ssn"],
    phone_rule("US", DEFAULT_PHONE_REGIONS),
    SSN_BARE,
    PII_RULES["iban"],
    SECRET_RULES["aws_access_key"],
    SECRET_RULES["keyword_value"],
    SECRET_RULES["private_key"],
]
DETECTOR = Detector("test", RULES, Normalizer())

VALUES = st.sampled_from(
    [
        "jane.doe@acme-corp.io",
        "jane [at] acme [dot] io",
        "jdoe at gmail dot com",
        "john [dot] doe at gmail dot com",
        "bob(@)acme(.)co(.)uk",
        "jane @ acme . io",
        "4111 1111 1111 1111",
        "5500-0000-0000-0004",
        "123-45-6789",
        "AKIAIOSFODNN7EXAMPLE",
        "j\u200bane@acme\u200d.io",
        "４１１１ １１１１ １１１１ １１１１",
        "1\u200b2\u200b3\u200b-\u200b4\u200b5\u200b-\u200b6\u200b7\u200b8\u200b9",
        "+1 (415) 867-5309",
        # National numbers of other regions, and SSNs without separators after a context
        # word: the nine digits are held until the character after them decides.
        # Another region's national number counts only as a whole run of groups:
        # the words and ";" keep filler digits out of it.
        "Tel: 030 12345678;",
        "tél. 06 12 34 56 78;",
        "SSN: 078051120",
        "social security number: 536228910",
        "GB82 WEST 1234 5698 7654 32",
        "password: Xq7#mP2!vL9@kR4z",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
    ]
)
FILLER = st.text(
    alphabet=st.sampled_from([*"abc xyz.,-@ 0123456789\n", "é", "✓", "😀", "\u200b"]),
    max_size=30,
)


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    values: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(FILLER))
        value = draw(VALUES)
        values.append(value)
        parts.append(f" {value} ")
    parts.append(draw(FILLER))
    return "".join(parts), values


EFFECTS = Redact()


def whole(text: str) -> str:
    return apply(text, DETECTOR.find(text), EFFECTS).text


@settings(max_examples=300, deadline=None)
@given(texts(), st.lists(st.integers(0, 400), max_size=40))
def test_any_split_gives_the_whole_text_result(
    sample: tuple[str, list[str]], cuts: list[int]
) -> None:
    text, values = sample
    points = sorted({c % (len(text) + 1) for c in cuts})
    stream = StreamRedactor(DETECTOR, EFFECTS)
    out: list[str] = []
    prev = 0
    for p in [*points, len(text)]:
        out.append(stream.feed(text[prev:p]))
        prev = p
    out.append(stream.end())
    streamed = "".join(out)
    assert streamed == whole(text)
    for value in values:
        assert value not in streamed
        assert value.split(": ")[-1] not in streamed


@given(texts())
def test_one_character_per_chunk(sample: tuple[str, list[str]]) -> None:
    text, _values = sample
    stream = StreamRedactor(DETECTOR, EFFECTS)
    streamed = "".join(stream.feed(ch) for ch in text) + stream.end()
    assert streamed == whole(text)


def test_holdback_is_bounded_and_benign_text_flows() -> None:
    stream = StreamRedactor(DETECTOR, EFFECTS)
    released = stream.feed("hello world, " * 20)
    assert len(released) > 0
    # Prose holds back only its last word (the run an email or key could still grow in).
    assert stream.held <= len("world, ")
