"""Spelt-out addresses: whatever disguise the at-sign and each dot take, the whole address
(local part to top-level domain) is one finding, and the prose around it is left alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_RULES
from safeproxy.filters.spelled_email import SPELLED_EMAILS

DETECTOR = Detector("test", [PII_RULES["email"], *SPELLED_EMAILS], Normalizer())

BRACKETS = st.sampled_from([("[", "]"), ("(", ")"), ("{", "}"), ("<", ">")])
# Labels and local parts that are the words "at" or "dot" make the address itself ambiguous
# ("a0 at at dot com"): no reader could tell where it starts, so they are not drawn.
SPELT = {"at", "dot"}
LABEL = st.from_regex(r"[a-z][a-z0-9]{1,9}", fullmatch=True).filter(lambda w: w not in SPELT)
LOCAL = st.from_regex(r"[a-z][a-z0-9._]{0,8}[a-z0-9]", fullmatch=True).filter(
    lambda w: w not in SPELT
)
TLD = st.sampled_from(["com", "io", "org", "de", "uk", "net"])
SPACE = st.sampled_from(["", " "])
# Prose around the address: words that are neither "at" nor "dot", then a full stop.
FILLER = st.lists(st.sampled_from(["mail", "me", "please", "thanks", "today", "or"]), max_size=4)


@st.composite
def local_part(draw: st.DrawFn) -> str:
    """`jane`, or `john dot doe`, `john[.]doe`: the local part's dots may be spelt out too."""
    parts = draw(st.lists(LOCAL, min_size=1, max_size=3))
    out = parts[0]
    for part in parts[1:]:
        o, c = draw(BRACKETS)
        out += draw(st.sampled_from([" dot ", f"{o}dot{c}", f" {o}.{c} "])) + part
    return out


@st.composite
def symbol_form(draw: st.DrawFn) -> str:
    """`jane [at] acme (dot) io`, `jane @ acme . io`: any bracket, inner spaces or not."""
    labels = [*draw(st.lists(LABEL, min_size=1, max_size=3)), draw(TLD)]
    o, c = draw(BRACKETS)
    pad = draw(SPACE)
    at = draw(st.sampled_from([f"{o}{pad}at{pad}{c}", f"{o}@{c}", " @ ", "@ "]))
    at = f"{draw(SPACE)}{at}" if at[0] in "[({<" else at
    out = draw(local_part()) + at + labels[0]
    for label in labels[1:]:
        o, c = draw(BRACKETS)
        dot = draw(st.sampled_from([f"{o}dot{c}", f" {o}.{c} ", ".", " . "]))
        out += dot + label
    return out


@st.composite
def word_form(draw: st.DrawFn) -> str:
    """`jane at acme dot io`, in any case."""
    labels = [*draw(st.lists(LABEL, min_size=1, max_size=3)), draw(TLD)]
    text = draw(local_part()) + " at " + " dot ".join(labels)
    return text.upper() if draw(st.booleans()) else text


@given(st.one_of(symbol_form(), word_form()), FILLER, FILLER)
def test_a_spelt_out_address_is_one_whole_finding(
    address: str, before: list[str], after: list[str]
) -> None:
    head = " ".join(before) + " " if before else ""
    text = head + address + (" " + " ".join(after) if after else "") + "."
    findings = [f for f in DETECTOR.find(text) if f.type == "pii.email"]
    assert [(f.start, f.end) for f in findings] == [(len(head), len(head) + len(address))]


@given(FILLER, FILLER)
def test_prose_without_an_address_has_no_finding(before: list[str], after: list[str]) -> None:
    text = " ".join([*before, "meet", "at", "noon", "dot", *after])
    assert DETECTOR.find(text) == []
