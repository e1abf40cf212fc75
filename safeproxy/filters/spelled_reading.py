"""How a spelt-out address reads, character by character: the characters of its local part
and its labels, the brackets and wrappers of its disguised at-sign and dots, and where its
local part begins (spelled_email.py: the patterns and their checks; spelled_hold.py: the
stream hold)."""

from __future__ import annotations

import re

from safeproxy.filters.rules import ALNUM

LOCAL = ALNUM + "._%+-"
LABEL = ALNUM + "-"
OPEN = "[({<"
CLOSE = "])}>"
WRAP = "-_|#"
MAX_LEN = 128
# Wrappers as the validator and the hold read them (the engine's patterns read a dash only
# with spaces outside: spelled_email._DASHED).
ANY_W = r"[-_|#]{1,2}"
# A wrapped at-sign or dot, as the validator reads it and where the hold looks for one.
WRAPPED = re.compile(rf"{ANY_W}(at|@|dot|\.){ANY_W}")
WRAPPED_START = re.compile(rf"{ANY_W}(at|dot|@|\.)")
# A window that ends with a wrapper, and maybe the start of a word after it: "jane_a".
WRAPPED_TAIL = re.compile(rf"{ANY_W}(a|at|d|do|dot|@)?\Z")
# Words for "." in other languages, as they read on the normalised view: Spanish and
# Italian, German, Portuguese, Dutch, Polish, Finnish, Norwegian, Czech, Turkish (addresses spelt
# in them: spelled_email_words.py).
FOREIGN_DOTS = ("punto", "punkt", "ponto", "punt", "kropka", "piste", "prikk", "tecka", "nokta")
# The words a local part's own dots may be spelt in: "dot" after any at-sign; before a
# foreign at-word, the foreign ones and French "point" too ("pablo punto ruiz arroba ...").
# (English prose has "point" before an address: "the point john at acme dot com".)
ENGLISH_DOTS = ("dot",)
EVERY_DOT = ("dot", *FOREIGN_DOTS, "point")


def local_start(text: str, p: int, lo: int, dots: tuple[str, ...] = ENGLISH_DOTS) -> int:
    """Where the local part ending at p begins; its dots may be spelt out as well
    ("john dot doe", "john [dot] doe"), between spaces in any of `dots`. p itself when
    there is none."""
    start = local_run_start(text, p, lo)
    for _ in range(6):  # a few dotted parts at most
        if start == p:
            return p
        wrapped = WRAPPED.match(text, start, p)
        if wrapped is not None and wrapped.group(1) in ("dot", "."):
            # The scan over local characters took a wrapped dot as the local part's own
            # ("john _dot_doe": "_" is one): the word before it goes on the local part.
            t, found = start, wrapped.end()
        else:
            t, found = _spaces_before(text, start, lo), start
            if t > lo and text[t - 1] in CLOSE:  # "john [dot] doe"
                k = _dot_before(text, _spaces_before(text, t - 1, lo), lo)
                k = _spaces_before(text, k, lo) if k >= 0 else k
                if not (k > lo and text[k - 1] in OPEN):
                    break
                t = k - 1
            elif t < start and (n := _dot_word_before(text, t, lo, dots)):
                t -= n + 1
            elif t > lo and text[t - 1] in WRAP:  # "john_dot_doe", "john -.- doe"
                k = _dot_before(text, _wrappers_before(text, t, lo), lo)
                if not (k > lo and text[k - 1] in WRAP):
                    break
                t = _wrappers_before(text, k, lo)
            else:
                break
        t = _spaces_before(text, t, lo)
        before = local_run_start(text, t, lo)
        if before == t:
            return found
        start = before
    return start


def _dot_word_before(text: str, t: int, lo: int, dots: tuple[str, ...]) -> int:
    """The length of the word of `dots` that ends at t with a space before it; 0: none."""
    for word in dots:
        k = t - len(word)
        if k >= lo and k >= 1 and text[k - 1] == " " and text.startswith(word, k):
            return len(word)
    return 0


def local_run_start(text: str, p: int, lo: int) -> int:
    """Where the run of local-part characters ending at p begins (not before lo): one strip
    in C, where a step per character cost a stream's hold 1-2 us an event."""
    return lo + len(text[lo:p].rstrip(LOCAL))


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
        if k > lo and text[k - 1] in WRAP:
            k -= 1
    return k
