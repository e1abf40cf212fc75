"""Email addresses spelt out to get past filters: `jane (at) acme (dot) io`, `jane[at]acme[.]io`,
`jane at acme dot io`, `jane @ acme . io`, `jane -at- acme -dot- io`, `jane_at_acme_dot_io`,
`jane@acme[.]io`.

The at-sign and the dots take any of the usual disguises: brackets of any kind around "at",
"@", "dot" or ".", the words themselves between spaces, the symbols with spaces around
them, or one or two underscores, bars or hashes on each side of the word or symbol
(wrappers; then every dot is disguised too, since `value_at_risk.py` is a file name); dashes
too, with spaces outside them (`jane-at-acme` is also a name joined by dashes). Not stars
nor tildes: Markdown's emphasis (`docs **at** python.org`). A plain at-sign counts when a
dot after it is disguised.

The engine reports only where a match ends (start-of-match tracking of a pattern that may
begin with spaces costs six times the whole plain scan); the start is the disguised at-sign
before that end, moved left over the local part, whose dots may be spelt out too.

The validator cuts the look-alikes: the last label must read as a top-level domain, the
domain must not be a reserved one (example.com), and with the bare word "at" the local part
must not be an ordinary word ("look at google dot com" names a site, not an address).

How such an address reads character by character is spelled_reading.py's; where one could
still be growing at the end of a stream's window, spelled_hold.py's.
"""

from __future__ import annotations

from collections.abc import Callable

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.rules import Rule, on_norm
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.spelled_hold import hold
from safeproxy.filters.spelled_reading import (
    CLOSE,
    ENGLISH_DOTS,
    LABEL,
    LOCAL,
    MAX_LEN,
    OPEN,
    WRAP,
    WRAPPED,
    local_start,
)

# Wrappers as the engine reads them: dashes only with spaces outside (" -at- "), since a dash
# also joins a label's parts. As one more wrapper beside them, a label's dash could be read
# either way, which puts the patterns over the engine's size limit in UTF-8 mode.
# Not stars nor tildes: Markdown's emphasis ("docs **at** python.org").
_W = r"[_|#]{1,2}"
_DASHED = r"-{1,2}"
_O = r"[\[({<]"
_C = r"[\])}>]"
_S = r" {0,3}"
_S1 = r" {1,3}"
_L = r"[a-z0-9-]{1,63}"
_DISGUISED_DOT = (
    rf"{_S}{_O}{_S}(dot|\.){_S}{_C}{_S}|{_S1}dot{_S1}|{_S1}\.{_S1}|{_S}{_W}(dot|\.){_W}{_S}"
    rf"|{_S1}{_DASHED}(dot|\.){_DASHED}{_S1}"
)
_DOT = rf"({_DISGUISED_DOT}|\.)"
# After a tight wrapper ("_at_") every dot is disguised too, and not as a lone " . ": a file
# name in snake_case ("value_at_risk.py") and a sentence ("sit_at_home . It") are no address.
_TIGHT_DOT = (
    rf"({_S}{_O}{_S}(dot|\.){_S}{_C}{_S}|{_S1}dot{_S1}|{_S}{_W}(dot|\.){_W}{_S}"
    rf"|{_S1}{_DASHED}(dot|\.){_DASHED}{_S1})"
)
# Bounded repeats throughout, and no leading spaces: they let the engine skip ahead to the
# rare parts (a bracketed, wrapped or spaced at-sign, " dot "). The bare word "at" is common
# in prose, so that form takes its dots as words too ("jane at acme dot io"). A plain
# at-sign is DOT_REGEXES'.
SYMBOL_REGEX = rf"({_O}{_S}(at|@){_S}{_C}{_S}| @{_S}|@{_S1}){_L}({_DOT}{_L}){{1,6}}"
# "jane_at_acme_dot_io", "jane -at- acme -dot- io". A pattern of its own: as one more
# alternative of SYMBOL_REGEX it doubled the scan of text full of plain addresses.
WRAPPED_REGEX = (
    rf"{_W}at{_W}{_S}{_L}({_TIGHT_DOT}{_L}){{1,6}}"
    rf"| {_DASHED}at{_DASHED}{_S1}{_L}({_DOT}{_L}){{1,6}}"
)
# A disguised dot and the labels after it, wherever the at-sign is: "jane@acme[.]io",
# "jane@mail.acme_dot_io". start_of finds the at-sign, plain or disguised (not the bare word:
# "Sam at Walmart . It" is a sentence), behind it. A plain at-sign cannot begin the pattern:
# "@" is common enough (every address) that the automaton kept busy after each one tripled
# the scan of text full of addresses.
# One pattern per disguise of that first dot: as alternatives of one pattern they kept the
# engine from skipping ahead to each form's rare part, which cost a fifth of the whole plain
# scan of ordinary prose (4 KB: 18.7 against 14.8 µs).
DOT_REGEXES = tuple(
    rf"{first}{_L}({_DOT}{_L}){{0,5}}"
    for first in (
        rf"{_O}{_S}(dot|\.){_S}{_C}{_S}",
        rf"{_W}(dot|\.){_W}{_S}",
        rf" {_DASHED}(dot|\.){_DASHED}{_S1}",
        rf" dot{_S1}",
    )
)
WORD_REGEX = rf" at{_S1}{_L}({_S1}dot{_S1}{_L}){{1,6}}"

# Top-level domains longer than two letters that addresses commonly use; every two-letter
# label passes (country codes).
# fmt: off
_TLDS = frozenset({
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi", "aero",
    "coop", "museum", "io", "ai", "app", "dev", "co", "xyz", "online", "site", "tech", "store",
    "cloud", "email", "mail", "blog", "shop", "club", "live", "news", "media", "agency", "company",
    "systems", "solutions", "digital", "network", "team", "work", "world", "today", "global",
})
# fmt: on
# Words that ordinarily come before "at" in prose: "look at google dot com" is no address.
# fmt: off
PROSE_WORDS = frozenset({
    "look", "looks", "looked", "looking", "stare", "staring", "glance", "glanced", "aim", "aimed",
    "point", "pointed", "arrive", "arrived", "arrives", "meet", "met", "meeting", "stay", "stayed",
    "work", "works", "worked", "working", "live", "lives", "lived", "is", "was", "are", "were",
    "be", "been", "am", "me", "us", "him", "her", "them", "it", "you", "i", "we", "they", "he",
    "she", "this", "that", "what", "where", "who", "something", "anything", "nothing",
    "everything", "all", "best", "least", "most", "good", "bad", "great", "right", "left", "back",
    "up", "out", "here", "there", "home", "once", "even", "just", "only", "also", "not", "email",
    "mail", "reach", "contact", "write", "call", "find", "found", "available", "online", "open",
    "opened", "hosted", "located", "based", "posted", "published", "shop", "buy", "sold", "shared",
    "laugh", "laughed", "smile", "smiled",
    # Closed-class words (conjunctions, prepositions, adverbs of time and degree, indefinite
    # pronouns), which no one's mailbox is named: "..., and at python dot org too".
    "and", "or", "but", "nor", "so", "yet", "then", "than", "as", "if", "when", "while", "both",
    "either", "neither", "too", "very", "still", "again", "now", "later", "today", "tonight",
    "tomorrow", "yesterday", "off", "in", "on", "by", "with", "from", "for", "to", "of", "into",
    "onto", "over", "under", "around", "about", "directly", "exactly", "someone", "anyone",
    "everyone", "somebody", "anybody", "everybody", "people", "more", "less", "else", "first",
    "last", "next",
})
# fmt: on


def _parts(span: str) -> tuple[str, str, list[str]] | None:
    """(local part, at-sign as written, domain labels) of a matched span, or None."""
    # A wrapped word or symbol reads as the bare one: "look-at-google-dot-com" is prose
    # the way "look at google dot com" is.
    text = WRAPPED.sub(r" \1 ", span).replace("@", " @ ")
    for o in OPEN:
        text = text.replace(o, " " + o)
    for c in CLOSE:
        text = text.replace(c, c + " ")
    words = text.split()
    tokens: list[str] = []
    i = 0
    while i < len(words):  # "[ at ]" and "[at]" read alike
        w = words[i]
        if w in OPEN and i + 2 < len(words) and words[i + 2] in CLOSE:
            tokens.append(w + words[i + 1] + words[i + 2])
            i += 3
            continue
        if len(w) > 1 and w[0] in OPEN and i + 1 < len(words) and words[i + 1] in CLOSE:
            tokens.append(w + words[i + 1])
            i += 2
            continue
        if w in OPEN and i + 1 < len(words) and words[i + 1][-1:] in CLOSE:
            tokens.append(w + words[i + 1])
            i += 2
            continue
        tokens.append(w)
        i += 1
    ats = [j for j, t in enumerate(tokens) if _bare(t) in ("at", "@")]
    if len(ats) != 1:
        return None
    at = tokens[ats[0]]
    words = tokens[: ats[0]]  # the local part, its dots spelt out too: "john dot doe"
    if len(words) % 2 == 0 or any(_bare(t) not in ("dot", ".") for t in words[1::2]):
        return None
    local = ".".join(words[::2])
    labels: list[str] = []
    expect_label = True
    for t in tokens[ats[0] + 1 :]:
        if _bare(t) in ("dot", "."):
            if expect_label:
                return None
            expect_label = True
            continue
        for k, piece in enumerate(t.split(".")):
            if k > 0:
                expect_label = True
            if not piece:
                continue
            if not expect_label:
                return None
            labels.append(piece)
            expect_label = False
    if expect_label or len(labels) < 2:
        return None
    return local, at, labels


def _bare(token: str) -> str:
    return token.strip(OPEN + CLOSE)


def valid(span: str, exempt_reserved: bool = True) -> bool:
    parts = _parts(span)
    if parts is None:
        return False
    local, at, labels = parts
    tld = labels[-1]
    if not tld.isalpha() or not (len(tld) == 2 or tld in _TLDS):
        return False
    if at == "at" and local in PROSE_WORDS:
        return False
    # Only the characters of an address: a span can take in a word glued by other marks
    # ("jane**dot**co" is no label).
    if not all(c in LOCAL for c in local) or not all(c in LABEL for c in "".join(labels)):
        return False
    return not exempt_reserved or v.email(local + "@" + ".".join(labels))


def _valid_any_domain(span: str) -> bool:
    return valid(span, exempt_reserved=False)


_BEFORE_AT = " " + OPEN + WRAP
_AFTER_AT = " " + CLOSE + WRAP


def start_of(text: str, end: int, bare: bool = True, dots: tuple[str, ...] = ENGLISH_DOTS) -> int:
    """Where the disguised at-sign of the match ending at `end` begins, brackets and leading
    spaces included: the last "@" or word "at" before the end (a domain holds neither);
    with `bare` off, not the word between spaces. `dots`: as local_start's."""
    lo = max(0, end - MAX_LEN)
    core = text.rfind("@", lo, end)
    q = text.rfind("at", lo, end)
    while q > core:
        before, after = text[q - 1 : q], text[q + 2 : q + 3]
        if (
            before
            and before in _BEFORE_AT
            and after
            and after in _AFTER_AT
            and (bare or before != " " or after != " ")
            and _dash_spaced(text, q, lo)
        ):
            core = q
            break
        q = text.rfind("at", lo, q)
    if core < 0:
        return -1
    p = core
    while p > lo and text[p - 1] == " ":
        p -= 1
    if p > lo and text[p - 1] in OPEN:
        p -= 1
        while p > lo and text[p - 1] == " ":
            p -= 1
    elif p > lo and text[p - 1] in WRAP:
        p -= 1
        if p > lo and text[p - 1] in WRAP:
            p -= 1
        while p > lo and text[p - 1] == " ":
            p -= 1
    start = local_start(text, p, lo, dots)
    return start if start < p else -1


def _dash_spaced(text: str, q: int, lo: int) -> bool:
    """Whether the dashes around the word "at" at q, if any, have spaces outside them, as
    the engine's patterns read dashes ("sit-at-home" is a word's own)."""
    a = q
    while a > lo and q - a < 2 and text[a - 1] == "-":
        a -= 1
    b = q + 2
    while b < len(text) and b - q - 2 < 2 and text[b] == "-":
        b += 1
    return (a == q or text[a - 1 : a] == " ") and (b == q + 2 or text[b : b + 1] == " ")


def _start_of_sign(text: str, end: int) -> int:
    """start_of for a disguised dot (DOT_REGEXES): the at-sign is "@", bracketed or wrapped."""
    return start_of(text, end, bare=False)


def _rule(
    rule_id: str,
    regex: str,
    check: Callable[[str], bool] = valid,
    starts: Callable[[str, int], int] = start_of,
) -> Rule:
    return Rule(
        "pii.email",
        Pattern(rule_id, regex, MAX_LEN, som=False),
        Severity.MEDIUM,
        on_norm(check),
        hold=hold,
        start_of=starts,
    )


_DOTS = tuple(enumerate(DOT_REGEXES))
SPELLED_EMAILS = (
    _rule("pii.email_spelled", SYMBOL_REGEX),
    _rule("pii.email_spelled_words", WORD_REGEX),
    _rule("pii.email_spelled_wrapped", WRAPPED_REGEX),
    *(_rule(f"pii.email_spelled_dot{i}", rx, starts=_start_of_sign) for i, rx in _DOTS),
)
# The same with `exempt_reserved_domains: false`: example.com addresses are findings too.
SPELLED_EMAILS_ANY_DOMAIN = (
    _rule("pii.email_spelled", SYMBOL_REGEX, _valid_any_domain),
    _rule("pii.email_spelled_words", WORD_REGEX, _valid_any_domain),
    _rule("pii.email_spelled_wrapped", WRAPPED_REGEX, _valid_any_domain),
    *(_rule(f"pii.email_spelled_dot{i}", rx, _valid_any_domain, _start_of_sign) for i, rx in _DOTS),
)
