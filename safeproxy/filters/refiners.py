"""Refiners: the values inside a run of digit or letter groups, where pattern engines report
one (leftmost) start per end, so a value next to other digits hides inside a longer run.
Each tries windows from group starts and pays for each from the scan's allowance (work.py),
so a text made of look-alikes cannot make them slow; each window is judged by a validator
(validators.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from safeproxy.filters.phones import PhoneRegions
from safeproxy.filters.validators import card_number, digits, iban, one_by_one, phone_number
from safeproxy.filters.work import CARD_CHECK_UNITS, CARD_START_UNITS, Work


def card_spans(run: str, work: Work) -> list[tuple[int, int]]:
    """Card numbers inside a run of digit groups ("0 4111 1111 1111 1111 22").

    Pattern engines report one (leftmost) start per match end, so a card preceded or
    followed by other digits hides inside a longer run. Cards start at a group boundary:
    try every group as a start, take the longest valid number from there, then go on
    after it. Each start costs `work`; once it is spent, the run is cut there.
    """
    starts = [i for i, c in enumerate(run) if c.isdigit() and (i == 0 or not run[i - 1].isdigit())]
    last = len(run.rstrip(_NOT_DIGITS))
    found: list[tuple[int, int]] = []
    after = 0
    for a in starts:
        if a < after:
            continue
        if not work.take(CARD_START_UNITS):
            work.cut = a
            return found
        best = None
        count = 0
        for b in range(a, len(run)):
            if run[b].isdigit():
                count += 1
                end = b + 1
                at_group_end = end == len(run) or not run[end].isdigit()
                if count > 19:
                    break
                if at_group_end and count >= 13:
                    if not work.take(CARD_CHECK_UNITS):
                        work.cut = a
                        return found
                    whole = a == starts[0] and end == last
                    if _card_groups(run[a:end], whole):
                        best = end
        if best is not None:
            found.append((a, best))
            after = best
    return found


def _card_groups(span: str, whole: bool = True) -> bool:
    """Printed cards group digits in threes to sixes (4-4-4-4, 4-6-5) or not at all; an
    obfuscated one may set every digit apart ("4 1 1 1 ..."), but only as a whole run
    (`whole`: inside a longer run of single digits, some window passes Luhn by chance, as
    in the digits of pi). Groups apart by more than one plain separator (" - ", "|") are
    apart the same way throughout."""
    groups = "".join(c if c.isdigit() else " " for c in span).split()
    if len(groups) > 1:
        sizes = set(map(len, groups))
        if min(sizes) < 3 and (sizes != {1} or not whole):
            return False
        if sizes == {1} and not same_separators(span):
            # Set apart one by one within printed groups ("4 1 1 1 - 1 1 1 1 - ..."): the
            # groups as a card's, the whole run only.
            spelt = one_by_one_groups(span)
            return (
                spelt is not None
                and (spelt[0], spelt[1]) == (0, len(span))
                and min(map(len, spelt[2])) >= 3
                and card_number("".join(spelt[2]))
            )
        if (sizes == {1} or not _plain_separators(span)) and not same_separators(span):
            return False
    return card_number(span)


# Separators printed cards mix freely ("4111 1111-1111 1111"), one at a time.
_PLAIN = frozenset(" ./_-")
_NON_DIGITS = re.compile(r"[^0-9]+")
_NOT_DIGITS = " ./_|*~+:\\-()"


def _separators(span: str) -> list[str]:
    """What stands between the digit groups of a span (a matched value: short)."""
    return _NON_DIGITS.findall(span)


def _plain_separators(span: str) -> bool:
    return all(sep in _PLAIN for sep in _separators(span))


def same_separators(span: str) -> bool:
    """Whether every gap between the span's digit groups is written the same way."""
    return len(set(_separators(span))) <= 1


def _best_spans(
    run: str,
    starts: list[int],
    ends: list[int],
    valid: Callable[[str], bool],
    max_len: int,
    work: Work,
) -> list[tuple[int, int]]:
    """From each start, the longest valid span ending at one of `ends`; then go on after it.

    Pattern engines report one (leftmost) start per match end, so a value preceded by
    look-alike text ("bb00 GB82 WEST ...", "12 415-555-2671") hides inside a longer match.
    Each window costs `work` (`valid` may take more); once it is spent, the run is cut at
    the start being tried.
    """
    found: list[tuple[int, int]] = []
    after = lo = hi = 0
    for a in starts:
        if a < after:
            continue
        # Only the ends within max_len of the start, found by two cursors that only move
        # forward: walking every end of a long run from its far end, for every start, was
        # O(run²) (one 160 KB digit run held the loop for 25 s).
        while lo < len(ends) and ends[lo] <= a:
            lo += 1
        hi = max(hi, lo)
        while hi < len(ends) and ends[hi] <= a + max_len:
            hi += 1
        for i in range(hi - 1, lo - 1, -1):
            b = ends[i]
            ok = work.take() and valid(run[a:b])
            if work.exhausted:
                work.cut = a
                return found
            if ok:
                found.append((a, b))
                after = b
                break
    return found


def one_by_one_stretches(run: str) -> list[tuple[int, int, int]]:
    """(start, end, digits) of each stretch of the run whose digits stand one by one (none
    beside another digit), apart the same way throughout: "4 1 5 5 5 5 2 6 7 1". A value
    written so counts only as a whole stretch: inside a longer one, some window always
    passes a check."""
    found: list[tuple[int, int, int]] = []
    places = [i for i, c in enumerate(run) if c.isdigit()]
    stretch: list[int] = []
    gap = ""

    def close() -> None:
        if len(stretch) > 1:
            found.append((stretch[0], stretch[-1] + 1, len(stretch)))

    for k, p in enumerate(places):
        glued = (k > 0 and places[k - 1] == p - 1) or (
            k + 1 < len(places) and places[k + 1] == p + 1
        )
        if glued:
            close()
            stretch = []
        elif not stretch:
            stretch = [p]
        elif len(stretch) == 1 or run[stretch[-1] + 1 : p] == gap:
            gap = run[stretch[-1] + 1 : p]
            stretch.append(p)
        else:
            close()
            stretch = [p]
    close()
    return found


def phone_spans(
    run: str,
    work: Work,
    region: str = "US",
    regions: PhoneRegions | None = None,
    possible: bool = False,
) -> list[tuple[int, int]]:
    """Phone numbers inside a run of digit groups, separators, `+` and parentheses.
    `possible`: the other regions' national numbers need only be possible ones (a context
    word vouches for the run)."""
    starts = [
        i
        for i, c in enumerate(run)
        if c in "+(" or (c.isdigit() and (i == 0 or run[i - 1] not in "0123456789+("))
    ]
    ends = [i + 1 for i, c in enumerate(run) if c.isdigit() and not run[i + 1 : i + 2].isdigit()]
    # Other regions' national numbers count only as a whole run: inside a longer run of
    # groups ("Tracking number 9400 1000 0000 0000 0000 00") some window is always a valid
    # number of some region in its groups.
    whole = len(digits(run))

    def valid(span: str) -> bool:
        if one_by_one(span):
            return False  # digits one by one: whole stretches only, below
        others = regions if regions is not None and len(digits(span)) == whole else None
        return phone_number(span, region, work, others, possible)

    found = _best_spans(run, starts, ends, valid, 24, work)
    if not run.isdigit():  # (a run without separators holds no stretch)
        for a, b, count in one_by_one_stretches(run):
            # Read as the digits in one run, as a bare number is: the detector takes it only
            # after a context word, and another region's then needs its trunk prefix or a
            # mobile's length ("my phone is 0 7 9 1 1 1 2 3 4 5 6").
            joined = digits(run[a:b])
            if 7 <= count <= 15 and work.take() and phone_number(joined, region, work, regions):
                found.append((a, b))
        grouped = one_by_one_groups(run)
        if grouped is not None and not found and work.take():
            a, b, groups = grouped
            if 7 <= len("".join(groups)) <= 15 and phone_number(
                "-".join(groups), region, work, regions
            ):
                found.append((a, b))
        found.sort()
    return found


def one_by_one_groups(run: str) -> tuple[int, int, list[str]] | None:
    """A whole run of digits one by one in groups: one gap between the digits of a group,
    another between groups, each the same throughout ("2 0 6 - 5 5 5 - 0 1 4 7", "4 1 5  5 5
    5  2 6 7 1"). (start, end, the groups' digits), or None. Read as the number it spells,
    grouped as written, so the groups are judged as a number's."""
    places = [i for i, c in enumerate(run) if c.isdigit()]
    if len(places) < 7 or any(q == p + 1 for p, q in pairwise(places)):
        return None
    gaps = [run[p + 1 : q] for p, q in pairwise(places)]
    kinds = Counter(gaps)
    if len(kinds) != 2:
        return None
    # The gap inside groups is the commoner one; the other stands between groups.
    outer = kinds.most_common(2)[1][0]
    groups: list[str] = [run[places[0]]]
    for gap, q in zip(gaps, places[1:], strict=True):
        if gap == outer:
            groups.append("")
        groups[-1] += run[q]
    if min(map(len, groups[1:])) < 2:
        return None  # a lone digit between groups: no number's grouping
    return places[0], places[-1] + 1, groups


def iban_spans(run: str, work: Work) -> list[tuple[int, int]]:
    """IBANs inside a run of alphanumeric groups: they start with two letters, two digits."""
    # Groups apart by spaces, or by dashes, or by dots.
    sep = "-" if "-" in run else "." if "." in run else " "
    if run.isascii() and run.replace(sep, "").isalnum():
        # The detector's runs (ASCII letters, digits and one separator): one step per group,
        # not per character (a long base64 text is one run after another).
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        for group in run.split(sep):
            if group:
                if len(group) >= 4 and group[:2].isalpha() and group[2:4].isdigit():
                    starts.append(at)
                ends.append(at + len(group))
            at += len(group) + 1
        return _best_spans(run, starts, ends, iban, 42, work)
    starts = [
        i
        for i in range(len(run) - 3)
        if (i == 0 or not run[i - 1].isalnum())
        and run[i : i + 2].isalpha()
        and run[i + 2 : i + 4].isdigit()
    ]
    ends = [i + 1 for i, c in enumerate(run) if c.isalnum() and not run[i + 1 : i + 2].isalnum()]
    return _best_spans(run, starts, ends, iban, 42, work)
