"""Phrase patterns as they read on the plain view: a gate that lets whole texts skip the
skeleton scan.

Phrase rules (injection families, blocklist words) match on the skeleton, a one-for-one
folding of the normalised text (leetspeak "1" reads "i"). Most texts hold no phrase, yet
building the skeleton and scanning it costs a second pass. For plain ASCII, the skeleton is
a per-character map, one ASCII byte for one (`fold_table`), so the plain scan's bytes,
translated through that table (C, a fraction of a microsecond per KB), are the skeleton's.
Phrase patterns are read there as they are, as presence-only patterns in a database of
their own (scanner.py), each reporting its first end.

(They once read the untranslated bytes, every literal rewritten as the class of characters
that fold into it: "i" as [!1Ii|]. Such classes hide the words' literals from the engine,
which then runs its automata at every word: 1 MiB of "ignore previous" took 2x as long, a
single rule 30x, and the database took twice as long to compile.) A phrase database none
of whose rules fired is not scanned. Where a rule's reading is exact (`GateRule.exact`),
its first end is the phrase scan's, and the detector takes it instead of scanning: a text
of phrase words, which wakes the phrase automata at every word, is then read once, not
once more per phrase database. A rule that is not read exactly has a database of its own
(policy.py), scanned only where its reading fired.

Text that is not ASCII is scanned as its projection, one byte per character (scanner.py):
there every character outside ASCII is one byte outside ASCII (the table leaves those
bytes as they are), and a phrase pattern (ASCII alone) matches each of them alike. So a
token that can match such a character (`[^a-z]`, `.`, `\\W`) also takes every byte outside
ASCII, and the gate holds on that text too.

The gate may say yes too often, never too rarely: assertions (`\\b`) are dropped. So
skipping on its "no" is exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from safeproxy.filters.projection import ascii_only

if TYPE_CHECKING:
    from safeproxy.filters.scanner import Pattern


@dataclass(frozen=True, slots=True)
class GateRule:
    """One phrase pattern's plain reading, scanned beside the plain patterns (presence only).

    `table`: what the plain scan's bytes are translated through before `pattern` reads them
    (`fold_table`: the skeleton's; one for every rule of a gate).

    `exact`: on text the gate reads one byte per character (ASCII, or its projection),
    `pattern` matches wherever `reads` matches the skeleton, and first ends where it first
    ends: no assertion was dropped, no wider gate regex stands in for it, and `reads`
    reports one match (single) without regard to case. There the gate's report is the
    phrase scan's, and that scan is skipped.
    """

    pattern: Pattern
    reads: Pattern
    exact: bool
    table: bytes


class GateReading:
    """What the gate said of one text.

    `ends`: phrase pattern -> the end of its first match where an exact gate rule read it,
    else -1 (it may match: its own scan tells). A phrase pattern that
    is not there cannot match. None: the gate could not read this text (as UTF-8), and
    every phrase scan runs.

    (Class-level defaults and no __init__: one is made per gated scan of every request,
    and a dataclass's __init__ is a Python call. The scanner assigns both; none mutates
    them in place.)"""

    open: bool = True
    ends: dict[Pattern, int] | None = None


def reading_ends(rules: Sequence[GateRule], fired: dict[int, int]) -> dict[Pattern, int]:
    """GateReading.ends from the gate rules that fired (by index) and their first ends.

    The ends are the phrase scan's where the text was read one byte per character: a phrase
    pattern (ASCII) reads every character outside ASCII alike, and so does its reading,
    which reads the same projection as the phrase scan would."""
    ends: dict[Pattern, int] = {}
    for k, end in fired.items():
        rule = rules[k]
        value = end if rule.exact else -1
        if ends.get(rule.reads, value) != value:  # one pattern read two ways: unsure
            value = -1
        ends[rule.reads] = value
    return ends


def fold_table(fold: Callable[[str], str]) -> bytes:
    """The bytes.translate table that folds ASCII text as `fold` does, one byte for one;
    bytes outside ASCII (a projection's characters) stay as they are. ValueError where
    `fold` turns an ASCII character into anything but one ASCII character: no gate then."""
    out = bytearray(range(256))
    for x in range(128):
        folded = fold(chr(x))
        if len(folded) != 1 or not folded.isascii():
            raise ValueError(f"{chr(x)!r} does not fold to one ASCII character")
        out[x] = ord(folded)
    return bytes(out)


# Regex syntax copied as it is: grouping, alternation, quantifiers, anchors.
_SYNTAX = frozenset("()|?*+^$.")


def plain_reading(
    regex: str,
    fold: Callable[[str], str],
    cache: dict[tuple[str, bool], str] | None = None,
    caseless: bool = True,
) -> str:
    """`regex` (over fold(text)) rewritten to match the ASCII `text` wherever it matched.
    `cache` keeps each token's class across calls (a policy's phrases share most letters).
    `caseless`: whether the pattern is compiled without regard to case (a case-sensitive
    one's negated classes take the other case). ValueError for what it cannot rewrite."""
    known: dict[tuple[str, bool], str] = {} if cache is None else cache

    def preimage(token: str) -> str:
        hit = known.get((token, caseless))
        if hit is None:
            hit = known[(token, caseless)] = _preimage(token, fold, caseless)
        return hit

    out: list[str] = []
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            token = regex[i : i + 2]
            i += 2
            if token in ("\\b", "\\B"):
                continue  # an assertion: dropping it only widens the gate
            if token[1:] in _UNREAD_ESCAPES:
                raise ValueError(f"unsupported escape in a phrase pattern: {token}")
            out.append(preimage(token))
        elif c == "[":
            if regex.startswith(("[[:", "[^[:"), i):
                raise ValueError("POSIX classes are not read by the gate")
            end = _class_end(regex, i)
            out.append(preimage(regex[i:end]))
            i = end
        elif c == "(" and regex.startswith("(?", i):
            if not regex.startswith("(?:", i):
                raise ValueError(f"unsupported group in a phrase pattern: {regex[i : i + 4]}")
            out.append("(?:")
            i += 3
        elif c == "{":  # a counted repeat: its digits are syntax, not literals
            end = regex.index("}", i) + 1
            out.append(regex[i:end])
            i = end
        elif c in _SYNTAX:
            out.append(c)
            i += 1
        else:
            out.append(preimage(re.escape(c)))
            i += 1
    return "".join(out)


def _class_end(regex: str, start: int) -> int:
    """Index just past the character class opening at `start`."""
    i = start + 1
    if i < len(regex) and regex[i] == "^":
        i += 1
    if i < len(regex) and regex[i] == "]":  # a leading "]" is a literal
        i += 1
    while regex[i] != "]":
        i += 2 if regex[i] == "\\" else 1
    return i + 1


# Escapes that are no one character: anchors and back-references (\\A read as a class
# would match a character, and never the start).
_UNREAD_ESCAPES = frozenset("AZzG123456789")

# A character outside ASCII, standing for all of them: an ASCII pattern tells none apart
# (in Hyperscan's UTF-8 mode but for its CASE_TWINS, whose texts the gate does not read).
_WIDE = "\u0436"


def _preimage(token: str, fold: Callable[[str], str], caseless: bool = True) -> str:
    """The class of ASCII characters whose folding matches `token` (one character), and of
    every byte outside ASCII if the token can match a character outside ASCII (the
    skeleton leaves those as they are)."""
    case = re.IGNORECASE if caseless else re.NOFLAG
    matcher = re.compile(token, case)
    chars = [f"\\x{x:02x}" for x in range(128) if matcher.fullmatch(fold(chr(x)))]
    wide = not ascii_only(token) or re.fullmatch(token, _WIDE, case | re.ASCII)
    if not chars or wide:
        # (With nothing ASCII, the class is still "every byte outside ASCII": never empty.)
        chars.append("\\x80-\\xff")
    return "[" + "".join(chars) + "]"
