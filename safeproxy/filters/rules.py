"""A detector rule: its pattern, validator, and how a stream holds back text for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from safeproxy.filters.api import Severity
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.work import RUN_CHARS_PER_UNIT, Work

# (normalised span, original span as written) -> keep?
Validator = Callable[[str, str], bool]

ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class Rule:
    type: str  # finding type, e.g. "pii.email"
    pattern: Pattern
    severity: Severity
    validate: Validator | None = None
    # The match must not continue a word or number on either side.
    bounded: bool = True
    # Characters that continue a token when a word character follows ("1.2.3.4.5").
    joiners: str = ""
    # A run of groups that begins with a group glued to a word's letters (`AA1 01 2345`)
    # continues that identifier (a UPS number `1Z 999 AA1 01 2345 6784`): no value in it.
    continues_ids: bool = False
    # Finds the real values inside a candidate (normalised text) when a value can hide in a
    # longer run; replaces `validate`. It pays for its windows from the scan's allowance
    # (work.py) and, once that is spent, sets `work.cut` and stops.
    refine: Callable[[str, Work], list[tuple[int, int]]] | None = None
    # A second refiner for a run that a context word says (`bare_context`), asked where
    # `refine` found nothing: it may take what the context vouches for ("text me on 07911
    # 482630": a number of the region's shape, in its groups, though no carrier holds it).
    refine_said: Callable[[str, Work], list[tuple[int, int]]] | None = None
    # What reading a run costs before the refiner's own charges: a unit per this many
    # characters (a refiner that walks its run in Python, character by character or group
    # by group). More for one whose walk is a C search that charges per value it tries.
    run_chars_per_unit: int = RUN_CHARS_PER_UNIT
    # Streams: every character a match can contain (normalised view). A match still growing
    # lies inside the trailing run of these, so only that run is held back, not max_len - 1
    # characters of prose. None: hold max_len - 1.
    alphabet: str | None = None
    # Streams: overrides `alphabet` with a function giving where a match could still begin.
    hold: Callable[[str], int] | None = None
    # Where the sensitive value lies inside the match (`password: <value>`), as offsets
    # into the matched (normalised) text: only that part is the finding, so the keyword may
    # flow while the value is held.
    value: Callable[[str], tuple[int, int]] | None = None
    # The match must not directly follow this (an email right after "://" is a URL's user).
    not_after: str | None = None
    # Like `joiners`, on the right side only.
    end_joiners: str = ""
    # A bare run of digits counts only after one of these words (within 32 characters):
    # "call 4155552671" is a phone, "size 3145728000" and "x = 2147483647" are not.
    bare_context: tuple[str, ...] = ()
    # ...but not right after one of these, which say whose number it is: "order number",
    # "tracking no" and "account number" name an identifier, not a phone.
    bare_others: tuple[str, ...] = ()
    # Any value right after one of these, with at most a few words such as "number", "no"
    # or "#" between, is that thing's identifier whatever its shape: "the order 046 454 286
    # shipped", "part number 0612-345-678" (spans.owned). Not for a value that opens with
    # "+": a number written for dialling from abroad is a phone.
    owners: tuple[str, ...] = ()
    # Any value counts only after one of these words (as a whole word, within 32
    # characters): a shape that product codes share ("PAN ABCPF1234K" is a tax number,
    # "SKU ABCPF1234K" is not) is a value only where the text says what it is.
    context: tuple[str, ...] = ()
    # The pattern matches only a rare anchor ("@", "password:"); the match then grows over
    # these characters (left: the local part of an email) or up to these (right: a value).
    # Leading and trailing character classes are what make start-of-match tracking costly.
    grow_left: str = ""
    # With `som=False` on the pattern: the match starts at the last occurrence of this
    # literal before its end (the "@" of an email), found without the engine's help.
    anchor: str = ""
    # The same for anchors of several spellings: where the match ending at `end` starts
    # (-1: nowhere), from the text and that end.
    start_of: Callable[[str, int], int] | None = None
    # `start_of` answers the first anchor within the pattern's reach of `end`: for ends in
    # order, an answer still within reach stands (one search per group of ends, not per
    # end: prose about seeds reports a dozen ends per name).
    start_first: bool = False
    # The pattern ends by consuming one character past the value (or the end of text), so
    # a run is reported once, not at every character; a match whose last character is not
    # one of these (what values end with) is given that character back.
    trailing: str = ""
    grow_right_until: str = ""
    # Judge only the longest candidate: a value is the whole run (`get_token()` must not be
    # judged as `get_token` once the parentheses made it fail).
    longest_only: bool = False
    # A block that runs from the match to this closing marker's line (PEM key bodies); the
    # end of the text when the marker never comes.
    until: str | None = None
    # Phrase rules: what the phrase gate reads instead of the pattern (gate.py), a part that
    # every match holds (its rarer words), where the whole pattern costs every scan more.
    gate_regex: str | None = None
    # Of two findings of one value and type, the kept one is the more severe, then the one
    # whose rule ranks higher (a scored phrase: its weight). Without it, which rules happen
    # to share a database decided whether a phrase of weight 1.0 or its 0.6 twin was kept.
    rank: float = 0.0
    # `bare_context` as one pattern of literals, read over at most 32 characters before
    # each bare run (spans.said): one C call instead of a search per word.
    bare_words: re.Pattern[str] | None = field(default=None, init=False, compare=False)

    def __post_init__(self) -> None:
        if self.bare_context:
            words = sorted(self.bare_context, key=len, reverse=True)  # "iphone" before "phone"
            literal = re.compile("|".join(map(re.escape, words)))
            object.__setattr__(self, "bare_words", literal)


def on_norm(check: Callable[[str], bool]) -> Validator:
    """A validator that needs only the normalised span."""
    return lambda norm, _orig: check(norm)


def visible(orig: str) -> str:
    """The span without invisible characters (what a validator should judge)."""
    if orig.isprintable():  # nearly always: one C pass, no per-character Python
        return orig
    return "".join(c for c in orig if c.isprintable() or c == " ")
