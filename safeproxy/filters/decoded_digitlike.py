"""Numbers written with letters that look like digits: O for 0, l and I for 1 ("card
4lll-llll-llll-llll", "SSN O78-O5-112O", "call O7911 l23456"). A model reads them as the
digits they show, so the filters read them so too (decoders.py: the `digitlike` view).

A run is groups of digits and such letters, apart by one space, dot or dash each, standing
whole (no letter or digit glued to its ends): read with the letters as digits when it holds
at least one digit and one such letter and, so read, at least `MIN_DIGITS` digits. A group
of letters alone counts from three letters ("llll" in a card, not "I" or "lo" in prose), or
shorter beside two groups that hold digits (an IBAN's last "OO"), so words in prose stay
words. What the run reads as is only a candidate: the
detectors' own checks (Luhn, the SSA's rules, libphonenumber, a context word) decide.

Python's `re` runs over client text: a group is one class repeated, and the separator is
outside it, so a failed attempt reads at most the run it started in; a start inside a
group is refused by the lookbehind at once. Linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from safeproxy.filters.decoded import inline
from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece

_LOOKS = str.maketrans("oOlI", "0011")
_LETTERS = frozenset("oOlI")
_GROUP = r"[0-9oOlI]+"
_RUN = re.compile(rf"(?<![A-Za-z0-9]){_GROUP}(?:[ .\-]{_GROUP})*(?![A-Za-z0-9])")
# The shortest value a run can be: a local phone number.
MIN_DIGITS = 7
# Caseless, over the raw text: a digit beside such a letter, or one separator apart. Every
# run read holds both, and somewhere side by side or one separator apart.
GATE = r"[0-9][ .\-]?[oli]|[oli][ .\-]?[0-9]"
_TAIL_CHARS = "0123456789oOlI .-"


def decode_digitlike(text: str, budget: int) -> list[Piece]:
    """The text with each run of digit look-alikes read as the digits it shows."""

    def read(run: str, at: int) -> Iterable[tuple[str, int, int]] | None:
        groups = re.split(r"[ .\-]", run)
        if not any(c.isdigit() for c in run) or _LETTERS.isdisjoint(run):
            return None
        with_digits = sum(any(c.isdigit() for c in g) for g in groups)
        if with_digits < 2 and any(not any(c.isdigit() for c in g) and len(g) < 3 for g in groups):
            return None  # "I", "lo": a word, not a group of a number
        if sum(len(g) for g in groups) < MIN_DIGITS:
            return None
        shown = run.translate(_LOOKS)
        return ((c, at + i, at + i + 1) for i, c in enumerate(shown))

    return inline("digitlike", text, _RUN, read, budget)


def digitlike_tail(text: str) -> int:
    """A stream holds the trailing run of digits, such letters and separators when it holds
    a digit or a second group: "4lll-ll" and "llll-ll" may still grow into a number, the
    "llo" of "hello" cannot be a group of one (a run's letter-only groups have three)."""
    window = text[-64:]
    run = window[len(window.rstrip(_TAIL_CHARS)) :]
    start = len(text) - len(run)
    if start > 0 and text[start - 1].isalnum():
        # Glued to a word: only what follows its first separator can start a run.
        cut = min((run.find(s) for s in " .-" if s in run), default=-1)
        if cut < 0:
            return len(text)
        run, start = run[cut:], start + cut
    body = run.lstrip(" .-")
    if any(c.isdigit() for c in body) or len(re.split(r"[ .\-]+", body.strip(" .-"))) > 1:
        return len(text) - len(body)
    return len(text)


DIGITLIKE_TAIL = Tail(digitlike_tail, bound=_TAIL_CHARS)
