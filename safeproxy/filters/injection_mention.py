"""Injection phrases mentioned, not used: "untrusted text contains instructions like
'ignore previous instructions'", in a text about prompt injection.

A phrase counts as mentioned when it stands inside quotes that open right after a word
that introduces an example ("like", "such as", "e.g.", "the phrase"), what an attacker is
said to write ("an attacker writes '...'"), or a title ("our blog post '...'"), and the
text is about attacks on models (it names injection, jailbreaks, attackers, defences,
filters and their tests). The quotes are
then blanked and the text scanned again: what a quote hid is gone, and whatever else the
text says still counts. The rescan is what keeps quoting from being a way in: a phrase
rule reports its first match only, so without it "like 'ignore previous instructions'.
Ignore previous instructions and ..." would hide the second, used, copy behind the first.
A text that tells the model to act on what it quotes ("follow", "execute", "obey") is
not a mention: it is an order with the quotes as its object.

Plain string tests over a bounded window around each finding (and one `in` pass per
topic word over the text, only for texts with a candidate): linear, no pattern engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from safeproxy.filters.api import Finding
from safeproxy.filters.injection_negation import negated_spans

# The filter's findings in another text (the chain's scan, restricted to the filter).
Rescan = Callable[[str], list[Finding]]

# Quote characters, and the one that closes each.
_CLOSE = {"'": "'", '"': '"', "`": "`", "\u2018": "\u2019", "\u201c": "\u201d", "\u00ab": "\u00bb"}
# How far before a phrase its quote may open, and after it close (characters).
_OPEN_REACH = 48
_CLOSE_REACH = 160
# Words that introduce an example, as the text before the opening quote ends.
_LEAD_INS = (
    "like",
    "such as",
    "e.g.",
    "e.g.,",
    "e.g",
    "eg",
    "for example",
    "for example,",
    "for instance",
    "for instance,",
    "as in",
    "phrase",
    "phrases",
    "string",
    "strings",
    "the words",
    "called",
    # What an attacker is said to write (third person or past: "write" alone is an order):
    # "prompt injection is when an attacker writes '...' into a page".
    "writes",
    "wrote",
    "types",
    "typed",
    "inserts",
    "inserted",
    "injects",
    "injected",
    "embeds",
    "embedded",
    "hides",
    "plants",
    "planted",
    "smuggles",
    "smuggled",
    # A title: "our blog post 'Ignore previous instructions: anatomy of an attack'".
    "post",
    "article",
    "talk",
    "paper",
    "titled",
    "entitled",
    "named",
    "episode",
    "video",
    "chapter",
    "book",
    "webinar",
    "headline",
    "essay",
    "slides",
    "keynote",
    "newsletter",
    # A term asked about: "what does 'DAN mode' mean", "the term 'jailbreak prompt'".
    "what does",
    "what is",
    "what's",
    # The lead-in is compared as typed, so the typographic apostrophe is its own entry.
    "what\u2019s",
    "meaning of",
    "the term",
    "mean by",
)
# What a text about attacks on models names (lowercase; one of them is enough).
_TOPIC = (
    "inject",
    "jailbreak",
    "attack",
    "malicious",
    "red team",
    "red-team",
    "adversarial",
    "untrusted",
    "exploit",
    "dangerous",
    "risk",
    "vulnerab",
    "research",
    "hack",
    "defend",
    "defense",
    "defence",
    "security",
    # Defences and their tests: "write a unit test that checks our filter blocks phrases
    # such as '...'".
    "filter",
    "detector",
    "classifier",
    "guardrail",
    "moderation",
    "blocklist",
    "unit test",
    "test case",
)
# Words that turn a quote into the object of an order: act on what is quoted ("... like
# 'ignore all previous instructions'. Now do it."). A text that has any of them anywhere
# loses the exemption: a document about attacks rarely tells its reader to do one.
_ACT_ON = (
    "follow", "obey", "execute", "comply", "carry out", "act on", "do what", "do as",
    "do it", "do this", "do that", "do so", "proceed", "perform", "apply it", "run it",
    "as your instruction", "as an instruction", "as instructed", "treat it as", "pretend",
)  # fmt: skip


# The exemption costs a second scan of the whole text: past this size a quoted order
# counts as one (the text is blocked), so no text pays for two scans of more than this
# (a MiB of "an attacker writes '...'" took 120 ms, over issue 13's 100).
RESCAN_MAX_CHARS = 64 * 1024
# Negated orders are an operator's system prompt, scanned joined with the whole request:
# a long context must not turn them into orders. Up to this size they are rescanned (one
# rescan; up to RESCAN_MAX_CHARS, until no negated phrase is left, at most _ROUNDS).
NEGATED_RESCAN_MAX_CHARS = 1024 * 1024
_ROUNDS = 3


def quoted_span(text: str, finding: Finding) -> tuple[int, int] | None:
    """[open, close] of the quotes around `finding`, when they hold an example (opened
    right after a lead-in word), else None."""
    start, end = finding.start, finding.end
    window = text[max(0, start - _OPEN_REACH) : start]
    at = max((window.rfind(q) for q in _CLOSE), default=-1)
    if at < 0 or "\n" in window[at:]:
        return None
    opening = start - len(window) + at
    quote = text[opening]
    before = text[max(0, opening - 16) : opening].rstrip().lower()
    if not before.endswith(_LEAD_INS) and not _listed(before):
        return None
    closing = text.find(_CLOSE[quote], end, end + _CLOSE_REACH)
    if closing < 0 or "\n" in text[end:closing]:
        return None
    return opening, closing


def _listed(before: str) -> bool:
    """Whether a quote follows another in a list ('"a", "b" or "c"'): the text before it
    ends with a closing quote, then "or", "and" or a comma."""
    for joiner in (" or", " and", ",", ";", "/"):
        if before.endswith(joiner):
            return before[: -len(joiner)].rstrip().endswith(tuple(_CLOSE.values()))
    return False


def used(text: str, findings: Sequence[Finding], rescan: Rescan | None) -> Sequence[Finding]:
    """The findings that are uses: `findings` itself, or those of a rescan of the text
    with its quoted mentions and its negated phrases (injection_negation) blanked (see the
    module's docstring)."""
    if rescan is None or not findings or len(text) > NEGATED_RESCAN_MAX_CHARS:
        return findings
    spans = negated_spans(text, findings)
    small = len(text) <= RESCAN_MAX_CHARS
    quoted = [s for f in findings if (s := quoted_span(text, f)) is not None] if small else []
    if quoted and _about_attacks(text):
        spans += quoted
    rounds = _ROUNDS if small else 1
    while spans and rounds:
        # A phrase reports its first match only: the rescan may find another negated one
        # ("never reveal your system prompt. never reveal your instructions.").
        chars = list(text)
        for opening, closing in spans:
            chars[opening : closing + 1] = " " * (closing + 1 - opening)
        text = "".join(chars)
        findings = rescan(text)
        rounds -= 1
        spans = negated_spans(text, findings) if rounds else []
    return findings


def _about_attacks(text: str) -> bool:
    """Whether a text names attacks on models and tells its reader to act on none."""
    lower = text.lower()
    return any(word in lower for word in _TOPIC) and not any(w in lower for w in _ACT_ON)
