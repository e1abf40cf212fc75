"""Email addresses spelt out to get past filters: `jane (at) acme (dot) io`, `jane[at]acme[.]io`,
`jane at acme dot io`, `jane @ acme . io`.

The at-sign and the dots take any of the usual disguises: brackets of any kind around "at",
"@", "dot" or ".", the words themselves between spaces, or the symbols with spaces around
them. The engine reports only where a match ends (start-of-match tracking of a pattern that
may begin with spaces costs six times the whole plain scan); the start is the disguised
at-sign before that end, and the match grows left over the local part from there, as the
plain email rule's does.

The validator cuts the look-alikes: the last label must read as a top-level domain, the
domain must not be a reserved one (example.com), and with the bare word "at" the local part
must not be an ordinary word ("look at google dot com" names a site, not an address).
"""

from __future__ import annotations

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.rules import ALNUM, Rule, on_norm
from safeproxy.filters.scanner import Pattern

LOCAL = ALNUM + "._%+-"
_LABEL = ALNUM + "-"
_OPEN = "[({<"
_CLOSE = "])}>"
_O = r"[\[({<]"
_C = r"[\])}>]"
_S = r" {0,3}"
_S1 = r" {1,3}"
_L = r"[a-z0-9-]{1,63}"
_DOT = rf"({_S}{_O}{_S}(dot|\.){_S}{_C}{_S}|{_S1}dot{_S1}|{_S1}\.{_S1}|\.)"
# Bounded repeats throughout, and no leading spaces: they let the engine skip ahead to the
# rare parts (a bracketed or spaced at-sign, " dot "). The bare word "at" is common in
# prose, so that form takes its dots as words too ("jane at acme dot io").
SYMBOL_REGEX = rf"({_O}{_S}(at|@){_S}{_C}{_S}| @{_S}|@{_S1}){_L}({_DOT}{_L}){{1,6}}"
WORD_REGEX = rf" at{_S1}{_L}({_S1}dot{_S1}{_L}){{1,6}}"
MAX_LEN = 128

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
_PROSE = frozenset({
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
})
# fmt: on


def _parts(span: str) -> tuple[str, str, list[str]] | None:
    """(local part, at-sign as written, domain labels) of a matched span, or None."""
    text = span.replace("@", " @ ")
    for o in _OPEN:
        text = text.replace(o, " " + o)
    for c in _CLOSE:
        text = text.replace(c, c + " ")
    words = text.split()
    tokens: list[str] = []
    i = 0
    while i < len(words):  # "[ at ]" and "[at]" read alike
        w = words[i]
        if w in _OPEN and i + 2 < len(words) and words[i + 2] in _CLOSE:
            tokens.append(w + words[i + 1] + words[i + 2])
            i += 3
            continue
        if len(w) > 1 and w[0] in _OPEN and i + 1 < len(words) and words[i + 1] in _CLOSE:
            tokens.append(w + words[i + 1])
            i += 2
            continue
        if w in _OPEN and i + 1 < len(words) and words[i + 1][-1:] in _CLOSE:
            tokens.append(w + words[i + 1])
            i += 2
            continue
        tokens.append(w)
        i += 1
    ats = [j for j, t in enumerate(tokens) if _bare(t) in ("at", "@")]
    if len(ats) != 1 or ats[0] != 1:
        return None
    local, at = tokens[0], tokens[1]
    labels: list[str] = []
    expect_label = True
    for t in tokens[2:]:
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
    return token.strip(_OPEN + _CLOSE)


def valid(span: str) -> bool:
    parts = _parts(span)
    if parts is None:
        return False
    local, at, labels = parts
    tld = labels[-1]
    if not tld.isalpha() or not (len(tld) == 2 or tld in _TLDS):
        return False
    if at == "at" and local in _PROSE:
        return False
    return v.email(local + "@" + ".".join(labels))


# Where a disguised at-sign can begin.
_MARKERS = ("@", " at", *_OPEN)


def hold(norm: str) -> int:
    """Where a spelt-out address could still be growing: the local part before a disguised
    at-sign whose rest, up to the end, is still the start of an address."""
    lo = max(0, len(norm) - MAX_LEN)
    starts: list[int] = []
    window = norm[lo:]
    for marker in _MARKERS:
        if marker in window:  # most windows hold none: a scan in C each
            q = norm.find(marker, lo)
            while q >= 0:
                starts.append(q)
                q = norm.find(marker, q + 1)
    body = norm.rstrip(" ")
    if len(body) < len(norm):  # an at-sign may be on its way
        starts.append(len(body))
    elif body.endswith(" a"):  # so may " at "
        starts.append(len(body) - 2)
    held = len(norm)
    for q in starts:
        p = q
        while p > lo and norm[p - 1] == " ":
            p -= 1
        local = p
        while local > lo and norm[local - 1] in LOCAL:
            local -= 1
        if local < p < held and _may_start(norm, q) and _growing(norm, p):
            held = local
    return held


def _may_start(norm: str, q: int) -> bool:
    """A cheap first look (C string calls only) that rules out most prose: whether the
    at-sign candidate at q can lead to something the engine matches. Never False for one
    that can."""
    c = norm[q]
    if c in _OPEN:
        rest = norm[q + 1 : q + 8].lstrip(" ")
        return rest.startswith(("at", "@")) or "at".startswith(rest) or not rest
    if c != " ":
        return True  # "@": rare enough to check in full
    words = norm[q : q + MAX_LEN].split(None, 3)
    if len(words) < 3:
        return True  # still short of the first dot: it may yet come
    return words[0] == "at" and (
        words[2] == "dot" or (len(words) == 3 and "dot".startswith(words[2]))
    )


def _growing(s: str, i: int) -> bool:
    """Whether s[i:] is the start of AT LABEL (DOT LABEL)* reaching the end of s."""
    n = len(s)
    j = _spaces(s, i)
    spaced = j > i
    if j == n:
        return True
    c = s[j]
    if c in _OPEN:
        k = _word(s, _spaces(s, j + 1), ("at", "@"))
        if k <= 0:
            return k == 0
        k = _spaces(s, k)
        if k == n:
            return True
        if s[k] not in _CLOSE:
            return False
        j = _spaces(s, k + 1)
    elif c == "@":
        k = _spaces(s, j + 1)
        if k == j + 1 < n and not spaced:
            return False  # a plain address: the plain email rule's
        j = k
    else:
        if not spaced:
            return False
        k = _word(s, j, ("at",))
        if k <= 0:
            return k == 0
        if k == n:
            return True
        if s[k] != " ":
            return False
        j = _spaces(s, k)
    return _domain(s, j)


def _domain(s: str, j: int) -> bool:
    n = len(s)
    while True:
        k = j
        while k < n and s[k] in _LABEL:
            k += 1
        if k in (j, n):
            return k == n
        if s[k] == ".":
            j = k + 1
            continue
        if s[k] not in " " + _OPEN:
            return False
        m = _spaces(s, k)
        if m == n:
            return True
        if s[m] in _OPEN:
            w = _word(s, _spaces(s, m + 1), ("dot", "."))
            if w <= 0:
                return w == 0
            w = _spaces(s, w)
            if w == n:
                return True
            if s[w] not in _CLOSE:
                return False
            j = _spaces(s, w + 1)
        elif m > k:
            w = _word(s, m, ("dot", "."))
            if w <= 0:
                return w == 0
            if w == n:
                return True
            if s[w] != " ":
                return False
            j = _spaces(s, w)
        else:
            return False


def _spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] == " ":
        i += 1
    return i


def _word(s: str, i: int, words: tuple[str, ...]) -> int:
    """The index after whichever of `words` starts at i; 0 if s[i:] (at the end) is a proper
    start of one of them; -1 otherwise."""
    rest = s[i:]
    for w in words:
        if rest.startswith(w):
            return i + len(w)
    if rest and any(w.startswith(rest) for w in words):
        return 0
    return -1 if rest else 0


def start_of(text: str, end: int) -> int:
    """Where the disguised at-sign of the match ending at `end` begins, brackets and leading
    spaces included: the last "@" or word "at" before the end (a domain holds neither)."""
    lo = max(0, end - MAX_LEN)
    core = text.rfind("@", lo, end)
    q = text.rfind("at", lo, end)
    while q > core:
        before, after = text[q - 1 : q], text[q + 2 : q + 3]
        if before and before in " " + _OPEN and after and after in " " + _CLOSE:
            core = q
            break
        q = text.rfind("at", lo, q)
    if core < 0:
        return -1
    p = core
    while p > lo and text[p - 1] == " ":
        p -= 1
    if p > lo and text[p - 1] in _OPEN:
        p -= 1
        while p > lo and text[p - 1] == " ":
            p -= 1
    return p


def _rule(rule_id: str, regex: str) -> Rule:
    return Rule(
        "pii.email",
        Pattern(rule_id, regex, MAX_LEN, som=False),
        Severity.MEDIUM,
        on_norm(valid),
        grow_left=LOCAL,
        hold=hold,
        start_of=start_of,
    )


SPELLED_EMAILS = (
    _rule("pii.email_spelled", SYMBOL_REGEX),
    _rule("pii.email_spelled_words", WORD_REGEX),
)
