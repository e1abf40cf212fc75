"""Email addresses spelt out to get past filters: `jane (at) acme (dot) io`, `jane[at]acme[.]io`,
`jane at acme dot io`, `jane @ acme . io`, `jane -at- acme -dot- io`, `jane_at_acme_dot_io`,
`jane@acme[.]io`.

The at-sign and the dots take any of the usual disguises: brackets of any kind around "at",
"@", "dot" or ".", the words themselves between spaces, the symbols with spaces around
them, or one or two underscores, stars, tildes, bars or hashes on each side of the word or
symbol (wrappers); dashes too, with spaces outside them (`jane-at-acme` is also a name
joined by dashes). A plain at-sign counts when a dot after it is disguised.

The engine reports only where a match ends (start-of-match tracking of a pattern that may
begin with spaces costs six times the whole plain scan); the start is the disguised at-sign
before that end, moved left over the local part, whose dots may be spelt out too.

The validator cuts the look-alikes: the last label must read as a top-level domain, the
domain must not be a reserved one (example.com), and with the bare word "at" the local part
must not be an ordinary word ("look at google dot com" names a site, not an address).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.rules import ALNUM, Rule, on_norm
from safeproxy.filters.scanner import Pattern

LOCAL = ALNUM + "._%+-"
_LABEL = ALNUM + "-"
_OPEN = "[({<"
_CLOSE = "])}>"
_WRAP = "-_*~|#"
# Wrappers as the engine reads them: dashes only with spaces outside (" -at- "), since a dash
# also joins a label's parts. As one more wrapper beside them, a label's dash could be read
# either way, which puts the patterns over the engine's size limit in UTF-8 mode.
_W = r"[_*~|#]{1,2}"
_DASHED = r"-{1,2}"
# Wrappers as the validator and the hold read them.
_ANY_W = r"[-_*~|#]{1,2}"
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
# Bounded repeats throughout, and no leading spaces: they let the engine skip ahead to the
# rare parts (a bracketed, wrapped or spaced at-sign, " dot "). The bare word "at" is common
# in prose, so that form takes its dots as words too ("jane at acme dot io"). A plain
# at-sign is DOT_REGEX's.
SYMBOL_REGEX = rf"({_O}{_S}(at|@){_S}{_C}{_S}| @{_S}|@{_S1}){_L}({_DOT}{_L}){{1,6}}"
# "jane_at_acme_dot_io", "jane -at- acme -dot- io". A pattern of its own: as one more
# alternative of SYMBOL_REGEX it doubled the scan of text full of plain addresses.
WRAPPED_REGEX = rf"({_W}at{_W}{_S}| {_DASHED}at{_DASHED}{_S1}){_L}({_DOT}{_L}){{1,6}}"
# A disguised dot and the labels after it, wherever the at-sign is: "jane@acme[.]io",
# "jane@mail.acme_dot_io". start_of finds the at-sign, plain or disguised, behind it. A plain
# at-sign cannot begin the pattern: "@" is common enough (every address) that the automaton
# kept busy after each one tripled the scan of text full of addresses.
DOT_REGEX = (
    rf"({_O}{_S}(dot|\.){_S}{_C}{_S}|{_W}(dot|\.){_W}{_S}| {_DASHED}(dot|\.){_DASHED}{_S1}"
    rf"| dot{_S1}| \.{_S1})"
    rf"{_L}({_DOT}{_L}){{0,5}}"
)
WORD_REGEX = rf" at{_S1}{_L}({_S1}dot{_S1}{_L}){{1,6}}"
MAX_LEN = 128
# A wrapped at-sign or dot, as the validator reads it and where the hold looks for one.
_WRAPPED = re.compile(rf"{_ANY_W}(at|@|dot|\.){_ANY_W}")
_WRAPPED_START = re.compile(rf"{_ANY_W}(at|dot|@)")
# A window that ends with a wrapper, and maybe the start of a word after it: "jane_a".
_WRAPPED_TAIL = re.compile(rf"{_ANY_W}(a|at|d|do|dot|@)?\Z")

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
})
# fmt: on


def _parts(span: str) -> tuple[str, str, list[str]] | None:
    """(local part, at-sign as written, domain labels) of a matched span, or None."""
    # A wrapped word or symbol reads as the bare one: "look-at-google-dot-com" is prose
    # the way "look at google dot com" is.
    text = _WRAPPED.sub(r" \1 ", span).replace("@", " @ ")
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
    return token.strip(_OPEN + _CLOSE)


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
    return not exempt_reserved or v.email(local + "@" + ".".join(labels))


def _valid_any_domain(span: str) -> bool:
    return valid(span, exempt_reserved=False)


# Where a disguised at-sign or dot can begin.
_MARKERS = ("@", " at", " dot", *_OPEN)


def hold(norm: str) -> int:
    """Where a spelt-out address could still be growing: the local part before a disguised
    at-sign or dot whose rest, up to the end, is still the start of an address."""
    lo = max(0, len(norm) - MAX_LEN)
    starts: list[int] = []
    window = norm[lo:]
    for marker in _MARKERS:
        if marker in window:  # most windows hold none: a scan in C each
            q = norm.find(marker, lo)
            while q >= 0:
                starts.append(q)
                q = norm.find(marker, q + 1)
    if any(w in window for w in _WRAP):  # most windows hold none of these
        starts.extend(m.start() for m in _WRAPPED_START.finditer(norm, lo))
    body = norm.rstrip(" ")
    if len(body) < len(norm):  # an at-sign or a dot may be on its way
        starts.append(len(body))
    else:
        for partial in (" a", " d", " do"):  # so may " at " and " dot "
            if body.endswith(partial):
                starts.append(len(body) - len(partial))
        tail = _WRAPPED_TAIL.search(body, max(lo, len(body) - 5))
        if tail is not None:  # and a wrapped one: "jane_a", "jane-"
            starts.append(tail.start())
    held = len(norm)
    for q in starts:
        if not _may_start(norm, q):  # C calls only: most candidates in prose end here
            continue
        p = q
        while p > lo and norm[p - 1] == " ":
            p -= 1
        local = _local_start(norm, p, lo)
        if local < p < held and _growing(norm, p):
            held = local
    return held


def _may_start(norm: str, q: int) -> bool:
    """A cheap first look (C string calls only) that rules out most prose: whether the
    candidate at q can lead to something the engine matches. Never False for one that can."""
    c = norm[q]
    if c in _OPEN:
        rest = norm[q + 1 : q + 8].lstrip(" ")
        return (
            not rest
            or rest.startswith(("at", "@", "dot", "."))
            or "at".startswith(rest)
            or "dot".startswith(rest)
        )
    if c != " ":
        return True  # "@": rare enough to check in full
    words = norm[q : q + MAX_LEN].split(None, 3)
    if len(words) < 3:
        return True  # too short to tell yet
    third = words[2]
    if words[0] == "at":
        return third == "dot" or (len(words) == 3 and "dot".startswith(third))
    if words[0] == "dot":  # a dot in the local part: an at-sign or another dot follows
        return third in ("at", "dot") or third[0] in _OPEN + "@" or len(words) == 3
    return True


def _growing(s: str, i: int) -> bool:
    """Whether s[i:], just after a local part's word, can still become
    (DOT WORD)* AT LABEL (DOT LABEL)* with the end of s inside it."""
    n = len(s)
    for _ in range(8):
        token = _disguise(s, i)
        if isinstance(token, bool):
            return token
        kind, j = token
        if kind == "at":
            return _domain(s, j)
        k = j  # a dot inside the local part: another word must follow
        while k < n and s[k] in LOCAL:
            k += 1
        if k in (j, n):
            return k == n
        i = k
    return False


def _domain(s: str, j: int) -> bool:
    n = len(s)
    for _ in range(8):
        k = j
        while k < n and s[k] in _LABEL:
            k += 1
        if k in (j, n):
            return k == n
        token = _disguise(s, k)
        if isinstance(token, bool):
            return token
        kind, j = token
        if kind == "at":
            return False
    return False


def _disguise(s: str, i: int) -> tuple[str, int] | bool:
    """One disguised at-sign or dot at s[i:], leading spaces included: ("at" | "dot", the
    index after it); True when s ends inside one (it may yet come), False when none starts
    here."""
    n = len(s)
    j = _spaces(s, i)
    spaced = j > i
    if j == n:
        return True
    c = s[j]
    if c in _WRAP:
        # A dash wraps only with a space before it: "state-of" is a word's own.
        return _wrapped(s, j) if c != "-" or spaced else False
    if c in _OPEN:
        k = _spaces(s, j + 1)
        if k == n:
            return True
        for word, kind in (("at", "at"), ("@", "at"), ("dot", "dot"), (".", "dot")):
            if s.startswith(word, k):
                k = _spaces(s, k + len(word))
                if k == n:
                    return True
                return (kind, _spaces(s, k + 1)) if s[k] in _CLOSE else False
        rest = s[k:]
        return "at".startswith(rest) or "dot".startswith(rest)
    if c in "@.":
        # A plain at-sign too: a disguised dot after it may be on its way ("jane@acme[.]io").
        return ("at" if c == "@" else "dot", _spaces(s, j + 1))
    if not spaced:
        return False
    for word in ("at", "dot"):
        if s.startswith(word, j):
            k = j + len(word)
            if k == n:
                return True
            return (word, _spaces(s, k)) if s[k] == " " else False
    rest = s[j:]
    return "at".startswith(rest) or "dot".startswith(rest)


def _wrapped(s: str, j: int) -> tuple[str, int] | bool:
    """_disguise for a wrapped at-sign or dot at s[j:]: "-at-", "__dot__", "*@*"."""
    n = len(s)
    k = _wrappers(s, j)
    if k == n:
        return True
    for word, kind in (("at", "at"), ("@", "at"), ("dot", "dot"), (".", "dot")):
        if s.startswith(word, k):
            m = k + len(word)
            e = _wrappers(s, m)
            if e == n:
                return True
            return (kind, _spaces(s, e)) if e > m else False
    rest = s[k:]
    return "at".startswith(rest) or "dot".startswith(rest)


def _wrappers(s: str, i: int) -> int:
    """The index after at most two wrapper characters at s[i:]."""
    for _ in range(2):
        if i < len(s) and s[i] in _WRAP:
            i += 1
    return i


def _spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] == " ":
        i += 1
    return i


_BEFORE_AT = " " + _OPEN + _WRAP
_AFTER_AT = " " + _CLOSE + _WRAP


def start_of(text: str, end: int) -> int:
    """Where the disguised at-sign of the match ending at `end` begins, brackets and leading
    spaces included: the last "@" or word "at" before the end (a domain holds neither)."""
    lo = max(0, end - MAX_LEN)
    core = text.rfind("@", lo, end)
    q = text.rfind("at", lo, end)
    while q > core:
        before, after = text[q - 1 : q], text[q + 2 : q + 3]
        if before and before in _BEFORE_AT and after and after in _AFTER_AT:
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
    elif p > lo and text[p - 1] in _WRAP:
        p -= 1
        if p > lo and text[p - 1] in _WRAP:
            p -= 1
        while p > lo and text[p - 1] == " ":
            p -= 1
    start = _local_start(text, p, lo)
    return start if start < p else -1


def _local_start(text: str, p: int, lo: int) -> int:
    """Where the local part ending at p begins; its dots may be spelt out as well
    ("john dot doe", "john [dot] doe"). p itself when there is none."""
    start = p
    while start > lo and text[start - 1] in LOCAL:
        start -= 1
    for _ in range(6):  # a few dotted parts at most
        if start == p:
            return p
        wrapped = _WRAPPED.match(text, start, p)
        if wrapped is not None and wrapped.group(1) in ("dot", "."):
            # The scan over local characters took a wrapped dot as the local part's own
            # ("john _dot_doe": "_" is one): the word before it goes on the local part.
            t, found = start, wrapped.end()
        else:
            t, found = _spaces_before(text, start, lo), start
            if t > lo and text[t - 1] in _CLOSE:  # "john [dot] doe"
                k = _dot_before(text, _spaces_before(text, t - 1, lo), lo)
                k = _spaces_before(text, k, lo) if k >= 0 else k
                if not (k > lo and text[k - 1] in _OPEN):
                    break
                t = k - 1
            elif t < start and text[max(lo, t - 3) : t] == "dot" and text[t - 4 : t - 3] == " ":
                t -= 4
            elif t > lo and text[t - 1] in _WRAP:  # "john_dot_doe", "john -.- doe"
                k = _dot_before(text, _wrappers_before(text, t, lo), lo)
                if not (k > lo and text[k - 1] in _WRAP):
                    break
                t = _wrappers_before(text, k, lo)
            else:
                break
        t = _spaces_before(text, t, lo)
        before = t
        while before > lo and text[before - 1] in LOCAL:
            before -= 1
        if before == t:
            return found
        start = before
    return start


def _dot_before(text: str, k: int, lo: int) -> int:
    """Where a "." or a "dot" that ends at k begins; -1 when none does."""
    if text[k - 1 : k] == ".":
        return k - 1
    if text[max(lo, k - 3) : k] == "dot":
        return k - 3
    return -1


def _spaces_before(text: str, k: int, lo: int) -> int:
    while k > lo and text[k - 1] == " ":
        k -= 1
    return k


def _wrappers_before(text: str, k: int, lo: int) -> int:
    """k moved left over at most two wrapper characters."""
    for _ in range(2):
        if k > lo and text[k - 1] in _WRAP:
            k -= 1
    return k


def _rule(rule_id: str, regex: str, check: Callable[[str], bool] = valid) -> Rule:
    return Rule(
        "pii.email",
        Pattern(rule_id, regex, MAX_LEN, som=False),
        Severity.MEDIUM,
        on_norm(check),
        hold=hold,
        start_of=start_of,
    )


SPELLED_EMAILS = (
    _rule("pii.email_spelled", SYMBOL_REGEX),
    _rule("pii.email_spelled_words", WORD_REGEX),
    _rule("pii.email_spelled_wrapped", WRAPPED_REGEX),
    _rule("pii.email_spelled_dot", DOT_REGEX),
)
# The same with `exempt_reserved_domains: false`: example.com addresses are findings too.
SPELLED_EMAILS_ANY_DOMAIN = (
    _rule("pii.email_spelled", SYMBOL_REGEX, _valid_any_domain),
    _rule("pii.email_spelled_words", WORD_REGEX, _valid_any_domain),
    _rule("pii.email_spelled_wrapped", WRAPPED_REGEX, _valid_any_domain),
    _rule("pii.email_spelled_dot", DOT_REGEX, _valid_any_domain),
)
