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

from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece
from safeproxy.filters.scanner import Overload

_LOOKS = str.maketrans("oOlI", "0011")
_GROUP = r"[0-9oOlI]+"
_RUN = re.compile(rf"(?<![A-Za-z0-9]){_GROUP}(?:[ .\-]{_GROUP})*(?![A-Za-z0-9])")
_SEPARATOR = re.compile(r"[ .\-]")
_DIGIT = re.compile(r"[0-9]")
# Longer than any value written with separators (an IBAN's 34 characters and 8 gaps).
_LONG = 64
# Characters of the original before a run that are scanned with it (decoders.NUMWORDS_CONTEXT).
CONTEXT = 32
# The shortest value a run can be: a local phone number.
MIN_DIGITS = 7
# Caseless, over the raw text: a digit beside such a letter, or one separator apart. Every
# run read holds both, and somewhere side by side or one separator apart.
GATE = r"[0-9][ .\-]?[oli]|[oli][ .\-]?[0-9]"
_TAIL_CHARS = "0123456789oOlI .-"


def decode_digitlike(text: str, budget: int) -> list[Piece]:
    """A piece for each run of digit look-alikes, read as the digits it shows, after the
    `CONTEXT` characters before it as written (the rules that need a context word, "ssn"
    or "call", find it there). Past `budget` decoded characters: Overload."""
    out: list[Piece] = []
    used = 0
    for m in _RUN.finditer(text):
        shown = _read(m.group())
        if shown is None:
            continue
        start = m.end() - len(shown)  # (words before the number left out)
        lead = max(0, start - CONTEXT)
        used += len(shown)  # the decoded run (its context is bounded per run)
        if used > budget:
            raise Overload(f"digitlike past {budget} decoded characters")
        out.append(
            Piece(
                "digitlike",
                text[lead:start] + shown,
                range(lead, m.end()),
                range(lead + 1, m.end() + 1),
            )
        )
    return out


def _read(run: str) -> str | None:
    """The run as the digits it shows, or None where it is no number's writing."""
    if len(run) > _LONG:  # longer than any value and any prose's run: read whole, in C
        shown = run.translate(_LOOKS)
        return None if shown == run or _DIGIT.search(run) is None else shown
    groups = _SEPARATOR.split(run)
    # Words before a number are no group of it ("Il 12.03.2024", "I 2024"), nor is a
    # letter alone between numbers ("entre 10.000 o 20.000").
    while groups and _DIGIT.search(groups[0]) is None and len(groups[0]) < 3:
        run = run[len(groups.pop(0)) + 1 :]
    if not groups or any(_DIGIT.search(g) is None and len(g) == 1 for g in groups):
        return None
    shown = run.translate(_LOOKS)
    if shown == run or _DIGIT.search(run) is None:
        return None  # no such letter, or no digit
    with_digits = sum(_DIGIT.search(g) is not None for g in groups)
    if with_digits < 2 and any(_DIGIT.search(g) is None and len(g) < 3 for g in groups):
        return None  # "lo": a word, not a group of a number
    if sum(len(g) for g in groups) < MIN_DIGITS:
        return None
    return shown


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
    if any(c.isdigit() for c in body) or len(_SEPARATOR.split(body.strip(" .-"))) > 1:
        return len(text) - len(body)
    return len(text)


DIGITLIKE_TAIL = Tail(digitlike_tail, bound=_TAIL_CHARS)
