"""Span helpers of the detector: growing, merging and refining candidate spans."""

from __future__ import annotations

from safeproxy.filters.normalize import Normalized
from safeproxy.filters.rules import Rule
from safeproxy.filters.work import RUN_CHARS_PER_UNIT, Work


def run_start(rule: Rule, text: str, end: int) -> int:
    assert rule.alphabet is not None
    return lstrip_from(text, end, rule.alphabet, max(0, end - rule.pattern.max_len))


def lstrip_from(text: str, end: int, alphabet: str, floor: int) -> int:
    """The start of the run of `alphabet` characters that ends at `end` (not before floor)."""
    return floor + len(text[floor:end].rstrip(alphabet))


def merge(spans: list[list[int]]) -> list[list[int]]:
    spans.sort()
    out: list[list[int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def grown(rule: Rule, text: str, s: int, ends: list[int]) -> tuple[int, list[int]]:
    """Extend an anchor match over its rule's grow characters, within its longest match.

    Both walks run in C (rstrip, find): a text made of anchors ("password=password=...")
    has one candidate every few characters, each growing up to the rule's longest match.
    """
    cap = rule.pattern.max_len
    if rule.grow_left:
        floor = min(s, max(0, ends[0] - cap))
        start = floor + len(text[floor:s].rstrip(rule.grow_left))
        if start == s:
            return s, []  # an "@" with nothing before it is no address
        s = start
    if rule.grow_right_until:
        stop = rule.grow_right_until
        limit = min(len(text), s + cap)
        grown = set()
        for e in ends:
            if e < limit:
                hits = [at for at in (text.find(c, e, limit) for c in stop) if at >= 0]
                e = min(hits, default=limit)
            grown.add(e)
        ends = sorted(grown, reverse=True)
    return s, ends


def said(norm: str, s: int, rule: Rule) -> bool:
    before = norm[max(0, s - 32) : s]
    return any(word in before for word in rule.bare_context)


def block_end(norm: str, e: int, marker: str) -> int:
    at = norm.find(marker, e)
    if at < 0:
        return len(norm)
    close = norm.find("-----", at + len(marker))
    return len(norm) if close < 0 else close + 5


def to_original(view: Normalized, index: int) -> int:
    """The original index of normalised `index` (the end maps to the end)."""
    index = max(0, index)
    if view.sources is None:
        return index
    if index >= len(view.sources):
        return len(view.original)
    return view.sources[index]


def refined_spans(
    rule: Rule, norm: str, s: int, e: int, work: Work
) -> tuple[list[tuple[int, int]], int | None]:
    """The values inside the run [s, e), and where the run is unchecked from (None: not at
    all) when the scan's allowance ran out."""
    assert rule.refine is not None
    if rule.bounded:
        # A group glued to a word ("b224 4111 ...", "... 1111x") cannot start or end a value;
        # trim it first, so the search inside the run does not spend its start on it.
        while s < e and wordy(norm, s - 1):
            s += 1
            while s < e and norm[s - 1].isalnum():
                s += 1
        while e > s and wordy(norm, e):
            e -= 1
            while e > s and norm[e].isalnum():
                e -= 1
    work.cut = None
    # Finding a run's starts and ends reads each of its characters a few times.
    if not work.take(1 + (e - s) // RUN_CHARS_PER_UNIT):
        return [], s
    found = [(s + a, s + b) for a, b in rule.refine(norm[s:e], work)]
    cut = None if work.cut is None else s + work.cut
    if rule.bounded:
        right = rule.joiners + rule.end_joiners
        found = [
            (a, b)
            for a, b in found
            if not glued(norm, a - 1, -1, rule.joiners) and not glued(norm, b, 1, right)
        ]
    return found, cut


def by_start(item: tuple[tuple[int, int], list[int]]) -> tuple[int, int]:
    (index, start), _ends = item
    return start, index


def glued(text: str, i: int, step: int, joiners: str) -> bool:
    """Does the character at i (next to a match) continue the token the match is part of?"""
    if wordy(text, i):
        return True
    return bool(joiners) and 0 <= i < len(text) and text[i] in joiners and wordy(text, i + step)


def wordy(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
