"""Where a spelt-out address could still be growing at the end of a stream's window: the
local part before a disguised at-sign or dot whose rest is still the start of an address
(spelled_email.py has the patterns that find the whole address)."""

from __future__ import annotations

from safeproxy.filters.spelled_reading import (
    CLOSE,
    EVERY_DOT,
    LABEL,
    LOCAL,
    MAX_LEN,
    OPEN,
    WRAP,
    WRAPPED_START,
    WRAPPED_TAIL,
    local_start,
)

# Where a disguised at-sign or dot can begin.
MARKERS = ("@", " at", " dot", *OPEN)
# How a window may end on its way to a spaced " at " or " dot ".
_PARTIALS = (" a", " d", " do")


def hold(norm: str) -> int:
    """Where a spelt-out address could still be growing: the local part before a disguised
    at-sign or dot whose rest, up to the end, is still the start of an address."""
    lo = max(0, len(norm) - MAX_LEN)
    starts: list[int] = []
    window = norm[lo:]
    if may_hold_cue(window):
        for marker in MARKERS:
            if marker in window:
                q = norm.find(marker, lo)
                while q >= 0:
                    starts.append(q)
                    q = norm.find(marker, q + 1)
        if any(w in window for w in WRAP):
            starts.extend(m.start() for m in WRAPPED_START.finditer(norm, lo))
    body = norm.rstrip(" ")
    if len(body) < len(norm):  # an at-sign or a dot may be on its way
        starts.append(len(body))
    else:
        if body.endswith(_PARTIALS):  # so may " at " and " dot "
            for partial in _PARTIALS:
                if body.endswith(partial):
                    starts.append(len(body) - len(partial))
        tail = WRAPPED_TAIL.search(body, max(lo, len(body) - 5))
        if tail is not None:  # and a wrapped one: "jane_a", "jane-"
            starts.append(tail.start())
    held = len(norm)
    for q in starts:
        if not _may_start(norm, q):  # C calls only: most candidates in prose end here
            continue
        p = q
        while p > lo and norm[p - 1] == " ":
            p -= 1
        # The widest reading of a local part (any rule's): a stream holds all it may be.
        local = local_start(norm, p, lo, EVERY_DOT)
        if local < p < held and _growing(norm, p):
            held = local
    return held


def may_hold_cue(window: str) -> bool:
    """Whether `window` holds any of MARKERS or WRAP. A stream asks on every event and most
    windows hold none: written out, since a loop over them (or one regular expression with
    every alternative) cost 1-2.5 us a window, and these C calls 0.3."""
    return (
        "@" in window
        or " at" in window
        or " dot" in window
        or "[" in window
        or "(" in window
        or "{" in window
        or "<" in window
        or "-" in window
        or "_" in window
        or "|" in window
        or "#" in window
    )


def _may_start(norm: str, q: int) -> bool:
    """A cheap first look (C string calls only) that rules out most prose: whether the
    candidate at q can lead to something the engine matches. Never False for one that can."""
    c = norm[q]
    if c in OPEN:
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
        return third in ("at", "dot") or third[0] in OPEN + "@" or len(words) == 3
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
        while k < n and s[k] in LABEL:
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
    if c in WRAP:
        # A dash wraps only with a space before it: "state-of" is a word's own.
        return _wrapped(s, j) if c != "-" or spaced else False
    if c in OPEN:
        k = _spaces(s, j + 1)
        if k == n:
            return True
        for word, kind in (("at", "at"), ("@", "at"), ("dot", "dot"), (".", "dot")):
            if s.startswith(word, k):
                k = _spaces(s, k + len(word))
                if k == n:
                    return True
                return (kind, _spaces(s, k + 1)) if s[k] in CLOSE else False
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
        if i < len(s) and s[i] in WRAP:
            i += 1
    return i


def _spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] == " ":
        i += 1
    return i
