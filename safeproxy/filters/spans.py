"""Span helpers of the detector: growing, merging and refining candidate spans."""

from __future__ import annotations

import re
from collections.abc import Iterator

from safeproxy.filters.normalize import Normalized
from safeproxy.filters.rules import DIGITS, Rule
from safeproxy.filters.validators import nanp_local, one_by_one
from safeproxy.filters.work import Work


def run_start(rule: Rule, text: str, end: int) -> int:
    assert rule.alphabet is not None
    return lstrip_from(text, end, rule.alphabet, max(0, end - rule.pattern.max_len))


def lstrip_from(text: str, end: int, alphabet: str, floor: int) -> int:
    """The start of the run of `alphabet` characters that ends at `end` (not before floor)."""
    return floor + len(text[floor:end].rstrip(alphabet))


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def merge(spans: list[list[int]]) -> list[list[int]]:
    spans.sort()
    out: list[list[int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


class NextStop:
    """Where the next of some characters is, for a scan asking from ever later points.

    The last answer is remembered, so no stretch of text is searched twice: a text made of
    anchors ("password=password=...", no stop in sight) has one candidate every few
    characters, and a fresh search per candidate read its longest match each time. One
    search for the set of stops (a C loop over a class), not one per stop: a rule with two
    dozen stops and a candidate every 24 characters (a MiB of named secrets) spent most of
    its time looping over the stops in Python.
    """

    __slots__ = ("_memo", "_stop", "text")

    def __init__(self, text: str, stops: str) -> None:
        self.text = text
        self._stop = re.compile("[" + re.escape(stops) + "]")  # (re's cache: once per rule)
        # (searched from, first stop at or after it, or -1: none before `upto`, upto)
        self._memo = (0, -1, 0)

    def find(self, e: int, limit: int) -> int:
        """The first index in [e, limit) holding a stop character; `limit` if none."""
        start, hit, upto = self._memo
        if start <= e <= hit:
            return min(hit, limit)  # nothing of the stops between start and hit
        known = start <= e and hit < 0  # none in [e, upto) already
        frm = max(e, upto) if known else e
        m = self._stop.search(self.text, frm, limit) if frm < limit else None
        at = -1 if m is None else m.start()
        self._memo = (e, at, max(limit, upto) if known else limit)
        return limit if at < 0 else at


def anchored(rule: Rule, text: str, ends: list[int]) -> Iterator[tuple[int, int]]:
    """(start, end) for each end of a start-less match of an anchored rule that has one:
    the start is its anchor before the end (`Rule.anchor`, `Rule.start_of`)."""
    at, reach = -1, rule.pattern.max_len
    for e in sorted(ends) if rule.start_first else ends:
        if rule.start_first and at >= 0 and e - reach <= at:
            pass  # the first anchor within reach of the last end: within this one's too
        elif rule.start_of is not None:
            at = rule.start_of(text, e)
        else:
            at = text.rfind(rule.anchor, max(0, e - reach), e)
        if at >= 0:
            yield at, e


def grown(
    rule: Rule, text: str, s: int, ends: list[int], stops: NextStop | None = None
) -> tuple[int, list[int]]:
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
        limit = min(len(text), s + cap)
        if stops is None:
            stops = NextStop(text, rule.grow_right_until)
        grown = {stops.find(e, limit) if e < limit else e for e in ends}
        ends = sorted(grown, reverse=True)
    return s, ends


def bare(value: str) -> bool:
    """Whether a value is digits alone, its digits written one by one ("4 1 5 5 ..."), or
    a local number with no area code ("867-5309"): each is a number only after a context
    word (`said`)."""
    return value.isdigit() or one_by_one(value) or nanp_local(value)


def said(norm: str, s: int, rule: Rule) -> bool:
    """Whether a context word of the rule comes within 32 characters before s. For digits
    one by one (lists of single digits are common: scores, lottery numbers, a table's
    cells), within 12 characters and as a whole word: "numbers" and "telemetry" do not say
    "number" and "tel"."""
    if norm[s : s + 2].isdigit():
        words = rule.bare_words
        if words is None:
            return False
        for found in words.finditer(norm, max(0, s - 32), s):
            at, word = found.start(), found.group()
            if _word_start(norm, at, word) and not _names_other(norm, at, s, rule):
                return True
        return False
    for spaced in rule.bare_context:
        word = spaced.rstrip(" .:")  # "tel " and "tel:" are "tel" as a whole word
        at = norm.find(word, max(0, s - 12 - len(word)), s)  # the word ends within 12
        while at >= 0:
            end = at + len(word)
            if not norm[at - 1 : at].isalnum() and not norm[end : end + 1].isalnum():
                return True
            at = norm.find(word, at + 1, s)
    return False


# What stands between an identifier's name and its value: "order no. 123", "part number:
# 0612-345-678", "reference is 553 201 998", "order #046 ...".
_OWNED_BETWEEN = frozenset(("", "n", "no", "nr", "num", "number", "numero", "nummer", "is", "was"))


def owned(norm: str, a: int, rule: Rule) -> bool:
    """Whether the value at `a` comes right after one of the rule's `owners` (at most two
    words of `_OWNED_BETWEEN` apart), so is that thing's number. Not where a context word
    stands in the same stretch ("Tel. for the order: ...", "Caller ID: ..."), nor for a
    number written to be dialled from abroad with "+" ("00" opens order ids too: "invoice
    0049 30 123456")."""
    if not rule.owners or norm[a : a + 1] == "+":
        return False
    floor = max(0, a - 40)
    if rule.bare_words is not None and any(
        m.group().strip(" .:") not in _OWNED_BETWEEN
        for m in rule.bare_words.finditer(norm, floor, a)
    ):
        return False  # a context word ("tel", "call"), not "number" ("part number ...")
    words = [w.strip("#:.,-(°") for w in norm[floor:a].split()]
    if floor and not norm[floor - 1].isspace() and not norm[floor].isspace():
        words = words[1:]  # the first may be cut
    for word in reversed(words[-3:]):
        if word not in _OWNED_BETWEEN:
            return word in rule.owners
    return False


def unsaid_digits(norm: str, s: int, e: int, rule: Rule) -> bool:
    """Whether the run [s, e) is one number of digits alone (between the separators the
    run may have gathered around it) with no context word before it: nothing in it can be
    a value, so no validator need run on it."""
    run = norm[s:e]
    value = run.lstrip(_AROUND)
    return value.rstrip(_AROUND).isdigit() and not said(norm, e - len(value), rule)


# What a run of digit groups gathers around a number that is not part of it.
_AROUND = " \t\n.,|*~\\-)"


def _word_start(norm: str, at: int, word: str) -> bool:
    """Whether `word` found at `at` begins a word: "tel" in "hotel" and "call" in "recall"
    say nothing. Only for scripts that write spaces between words (Latin, Greek,
    Cyrillic); in the others a word may follow another directly ("我的电话")."""
    return not word[0].isalnum() or word[0] >= "\u0590" or not wordy(norm, at - 1)


def _names_other(norm: str, at: int, s: int, rule: Rule) -> bool:
    """Whether the word before the context word at `at`, or one between it and the value
    at `s`, is one of the rule's `bare_others`: "order number 0612345678", "I called about
    ticket 0612345678"."""
    words = norm[max(0, at - 16) : at].split()[-1:] + norm[at:s].split()[1:]
    return any(w.strip("#:.-,") in rule.bare_others for w in words)


def named(norm: str, s: int, words: tuple[str, ...]) -> bool:
    """Whether one of `words` ends within 32 characters before s, as a whole word ("pan"
    is not the end of "japan" nor the start of "panel")."""
    floor = max(0, s - 32)
    for word in words:
        at = norm.find(word, floor, s)
        while at >= 0:
            end = at + len(word)
            if not wordy(norm, at - 1) and not wordy(norm, end):
                return True
            at = norm.find(word, at + 1, s)
    return False


def block_end(norm: str, e: int, marker: str) -> int:
    """Where a block rule's block ends: past its closing marker's line, which is the armour's
    `-----` for PEM (`-----END ... KEY-----`), else the marker's value (`Private-MAC: <hex>`;
    the normalised view has read line breaks as spaces). The end of the text without one."""
    at = norm.find(marker, e)
    if at < 0:
        return len(norm)
    if marker.startswith("-----"):
        close = norm.find("-----", at + len(marker))
        return len(norm) if close < 0 else close + 5
    value = at + len(marker)
    value += len(norm[value : value + 1]) if norm[value : value + 1] == " " else 0
    close = norm.find(" ", value)
    return len(norm) if close < 0 else close


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
    # Asked where the run starts, as its memo key is (refine_key).
    vouched = rule.refine_said if _vouched(rule, norm, s) else None
    if rule.continues_ids and _continues_id(norm, s, e):
        # The identifier's groups are digits and separators; a `+` or `(` after them opens a
        # number of its own ("b0 0 +1 (415) 867-5309", "b0 0- +1 (415) 867-5309"), read
        # from there. (A run holds no letters: its first `+` or `(` is found in C.)
        rest = norm[s:e]
        ids = min((at for at in (rest.find("+"), rest.find("(")) if at >= 0), default=-1)
        if ids < 0:
            return [], None
        s += ids
    if rule.bounded:
        # A group glued to a word ("b224 4111 ...", "... 1111x") cannot start or end a value;
        # trim it first, so the search inside the run does not spend its start on it.
        # Each group is skipped in C (strip): a run of one long glued group (base64) was
        # walked a character at a time, before any of the scan's allowance was charged.
        # Inside a run every character is of the rule's (ASCII) alphabet.
        while s < e and wordy(norm, s - 1):
            rest = norm[s:e]  # past the group's end, and the character ending it
            s = min(e, s + len(rest) - len(rest.lstrip(_ALNUM)) + 1)
        while e > s and wordy(norm, e):
            kept = norm[s:e].rstrip(_ALNUM)
            e = s + len(kept) - 1 if kept else s
    work.cut = None
    # Finding a run's starts and ends reads each of its characters a few times.
    if not work.take(1 + (e - s) // rule.run_chars_per_unit):
        return [], s
    found = [(s + a, s + b) for a, b in rule.refine(norm[s:e], work)]
    if not found and work.cut is None and vouched is not None:
        found = [(s + a, s + b) for a, b in vouched(norm[s:e], work)]
    cut = None if work.cut is None else s + work.cut
    if rule.bounded:
        right = rule.joiners + rule.end_joiners
        found = [
            (a, b)
            for a, b in found
            if not glued(norm, a - 1, -1, rule.joiners) and not glued(norm, b, 1, right)
        ]
    return found, cut


def refine_key(rule: Rule, norm: str, s: int, base: int) -> str:
    """What a refined run's answer depends on besides its text around it: where it starts
    in that window, and whether a context word before it vouches for it (`refine_said`)."""
    return f"{s - base}+" if _vouched(rule, norm, s) else str(s - base)


def _vouched(rule: Rule, norm: str, s: int) -> bool:
    # A run that opens with digits: said() reads whose number a "(" or "+" run is no further
    # ("order number (07911) 482630").
    if rule.refine_said is None:
        return False
    # (A run may begin with the separators before its first group: "Tel. 600 123 149".)
    first = s + len(norm[s : s + 4]) - len(norm[s : s + 4].lstrip(" .|*~\\-"))
    return norm[first : first + 2].isdigit() and said(norm, first, rule)


def _continues_id(norm: str, s: int, e: int) -> bool:
    """Whether the run [s, e) begins with digits glued to letters (`aa1`), then one space and
    more digits: the spaced groups of an alphanumeric identifier, which a letter both ends
    and begins ("5pm 0151 ..." has letters last, and is no identifier's group). The
    memo of runs keys on two characters before the run, which hold that letter."""
    if not (0 < s < e and norm[s - 1].isalpha() and norm[s].isdigit()):
        return False
    group = s + len(norm[s:e]) - len(norm[s:e].lstrip(DIGITS))
    return norm[group : group + 1] == " " and norm[group + 1 : group + 2].isdigit()


def by_start(item: tuple[tuple[int, int], list[int]]) -> tuple[int, int]:
    (index, start), _ends = item
    return start, index


def glued(text: str, i: int, step: int, joiners: str) -> bool:
    """Does the character at i (next to a match) continue the token the match is part of?"""
    if wordy(text, i):
        return True
    return bool(joiners) and 0 <= i < len(text) and text[i] in joiners and wordy(text, i + step)


def wordy(text: str, i: int) -> bool:
    """Whether the character at i continues a word. Not a letter of the scripts written
    without spaces between words (Chinese, Japanese, Thai; and Hangul, whose particles are
    glued to what they follow): "携帯は090-1234-5678です" has a number between two words."""
    if not 0 <= i < len(text):
        return False
    c = text[i]
    if c.isascii():
        return c.isalnum() or c == "_"
    return c.isalnum() and not any(a <= ord(c) <= b for a, b in UNSPACED)


# Scripts written without spaces between words: Thai, Lao, kana, CJK ideographs (and their
# extensions and compatibility forms), Hangul syllables, half-width kana.
UNSPACED = (
    (0x0E00, 0x0EFF), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3134F),
)  # fmt: skip
