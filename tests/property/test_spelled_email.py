"""Spelt-out addresses: whatever disguise the at-sign and each dot take (brackets, words,
spaces, wrappers such as `-at-` or `_dot_`), the whole address
(local part to top-level domain) is one finding, and the prose around it is left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_RULES
from safeproxy.filters.spelled_email import PROSE_WORDS, SPELLED_EMAILS

DETECTOR = Detector("test", [PII_RULES["email"], *SPELLED_EMAILS], Normalizer())

BRACKETS = st.sampled_from([("[", "]"), ("(", ")"), ("{", "}"), ("<", ">")])
# Labels and local parts that are the words "at" or "dot" make the address itself ambiguous
# ("a0 at at dot com"): no reader could tell where it starts, so they are not drawn. Nor are
# local parts that ordinarily come before "at" in prose ("look at google dot com").
SPELT = {"at", "dot"}
LABEL = st.from_regex(r"[a-z][a-z0-9]{1,9}", fullmatch=True).filter(lambda w: w not in SPELT)
LOCAL = st.from_regex(r"[a-z][a-z0-9._]{0,8}[a-z0-9]", fullmatch=True).filter(
    lambda w: w not in SPELT and w not in PROSE_WORDS
)
TLD = st.sampled_from(["com", "io", "org", "de", "uk", "net"])
SPACE = st.sampled_from(["", " "])
WRAPPERS = "-_|#"
# "_at_", "__dot__": one or two of the same wrapper on each side.
WRAPPER = st.builds(lambda c, n: c * n, st.sampled_from(WRAPPERS), st.integers(1, 2))


@st.composite
def wrapped(draw: st.DrawFn, word: str) -> str:
    """`word` between wrappers; dashes with spaces outside them (" -at- "): "jane-at-acme" is
    also a name joined by dashes."""
    w = draw(WRAPPER)
    if "-" in w:
        return f" {w}{word}{w} "
    return f"{draw(SPACE)}{w}{word}{w}{draw(SPACE)}"


# Prose around the address: words that are neither "at" nor "dot", then a full stop.
FILLER = st.lists(st.sampled_from(["mail", "me", "please", "thanks", "today", "or"]), max_size=4)


@st.composite
def local_part(draw: st.DrawFn) -> str:
    """`jane`, or `john dot doe`, `john[.]doe`: the local part's dots may be spelt out too."""
    parts = draw(st.lists(LOCAL, min_size=1, max_size=3))
    out = parts[0]
    for part in parts[1:]:
        o, c = draw(BRACKETS)
        w = draw(wrapped("dot"))
        out += draw(st.sampled_from([" dot ", f"{o}dot{c}", f" {o}.{c} ", w])) + part
    return out


@st.composite
def symbol_form(draw: st.DrawFn) -> str:
    """`jane [at] acme (dot) io`, `jane @ acme . io`: any bracket, inner spaces or not."""
    labels = [*draw(st.lists(LABEL, min_size=1, max_size=3)), draw(TLD)]
    o, c = draw(BRACKETS)
    pad = draw(SPACE)
    w = draw(wrapped("at"))
    at = draw(st.sampled_from([f"{o}{pad}at{pad}{c}", f"{o}@{c}", " @ ", "@ ", w]))
    # After a tight wrapper ("_at_") every dot is disguised: "value_at_risk.py" is a file.
    tight = at == w and "-" not in w
    at = f"{draw(SPACE)}{at}" if at[0] in "[({<" else at
    out = draw(local_part()) + at + labels[0]
    for label in labels[1:]:
        o, c = draw(BRACKETS)
        dots = [f"{o}dot{c}", f" {o}.{c} ", draw(wrapped("dot"))]
        out += draw(st.sampled_from(dots if tight else [*dots, ".", " . "])) + label
    return out


@st.composite
def plain_at_form(draw: st.DrawFn) -> str:
    """`jane@acme[.]io`, `jane@mail.acme_dot_io`: a plain at-sign, and a dot after it that is
    disguised."""
    labels = [*draw(st.lists(LABEL, min_size=1, max_size=3)), draw(TLD)]
    disguised = draw(st.integers(0, len(labels) - 2))
    out = draw(local_part()) + "@" + labels[0]
    for i, label in enumerate(labels[1:]):
        o, c = draw(BRACKETS)
        dots = [f"{o}dot{c}", f"{o}.{c}", " dot ", draw(wrapped("dot")), draw(wrapped("."))]
        out += (draw(st.sampled_from(dots)) if i == disguised else ".") + label
    return out


@st.composite
def word_form(draw: st.DrawFn) -> str:
    """`jane at acme dot io`, in any case."""
    labels = [*draw(st.lists(LABEL, min_size=1, max_size=3)), draw(TLD)]
    text = draw(local_part()) + " at " + " dot ".join(labels)
    return text.upper() if draw(st.booleans()) else text


@given(st.one_of(symbol_form(), word_form(), plain_at_form()), FILLER, FILLER)
def test_a_spelt_out_address_is_one_whole_finding(
    address: str, before: list[str], after: list[str]
) -> None:
    head = " ".join(before) + " " if before else ""
    text = head + address + (" " + " ".join(after) if after else "") + "."
    spans = {(f.start, f.end) for f in DETECTOR.find(text) if f.type == "pii.email"}
    whole = (len(head), len(head) + len(address))
    # The plain email rule may also read the plain part of `jane@mail.acme[.]io`, inside it.
    assert whole in spans
    assert all(whole[0] <= start and end <= whole[1] for start, end in spans)


@given(FILLER, FILLER, st.sampled_from([" ", "-", "_", "*"]))
def test_prose_without_an_address_has_no_finding(
    before: list[str], after: list[str], wrapper: str
) -> None:
    """ "meet at noon dot com", "look-at-google-dot-com": a word that ordinarily comes before
    "at" is not a local part, whatever wraps the at."""
    words = ["meet", "at", "noon", "dot", "com"]
    text = " ".join([*before, wrapper.join(words), *after])
    assert DETECTOR.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Docs **at** docs.python.org",  # Markdown's emphasis
        "Slides *at* speakerdeck.com/x",
        "see tests/test_value_at_risk.py for details",  # snake_case file names
        "open data_at_rest.md first",
        "I saw Sam at Walmart . It was crowded",  # a sentence, its full stop spaced
        "Kids sit-at-home . It is sad",  # a word's own dashes
        "the state-of-the-art at least.",
        # A closed-class word before "at" (a conjunction, an adverb of time): a site named.
        "Look at google dot com for the docs, and at python dot org too.",
        "Check the wiki, or at python dot org if it is down.",
        "Docs live both at mozilla dot org and at w3 dot org.",
        "We met yesterday at acme dot com headquarters.",
        "Available now at apple dot com and in stores.",
        "Search first at stackoverflow dot com, then at github dot com.",
    ],
)
def test_look_alikes_pass(text: str) -> None:
    assert DETECTOR.find(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("email sam dot lee at outlook dot com", "sam dot lee at outlook dot com"),
        ("mail andy at acme dot io today", "andy at acme dot io"),
        ("and then write to jane at acme dot io", "jane at acme dot io"),
    ],
)
def test_an_address_after_closed_class_words_is_still_found(text: str, address: str) -> None:
    assert [text[f.start : f.end] for f in DETECTOR.find(text)] == [address]
