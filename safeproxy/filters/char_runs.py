"""Runs of the characters a whole-string C pass gets wrong, mapped one run at a time.

A `str.translate` through a dict costs about 45 ns a character on text that is not ASCII;
`str.casefold` runs over a whole string at a few. For most characters of most scripts,
normalisation's folding (`normalize._fold_char`) is exactly `c.casefold()`, and the
confusables skeleton leaves most characters alone. So a text is split at runs of the
exceptions (a C search), only the runs are mapped (a dict look-up each: runs repeat), and
the rest goes through whole.

A class is built for the Basic Multilingual Plane only, and every character above it counts
as an exception: `re` keeps a BMP class as a bitmap (one look-up a character), but checks
ranges above the BMP one by one for every character (370 ns a character for this class).
Only the blocks of emoji are left out of it where they hold no exception (`EMOJI_BLOCKS`: a
few ranges, so that emoji-heavy text is not one run per emoji). The class is written as the
negation of the others' (`runs_pattern`): then a character within the BMP is answered by the
bitmap alone, and text within it needs no class of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence

from safeproxy.filters.ignorable import ignorable

BMP_END = 0x10000
# A text split into more runs than one per this many characters is mapped whole instead.
RUN_SPACING = 4
# ... when mapping the whole is cheap (a list look-up per character: text within the BMP).
LIST_RUN_SPACING = 16
MIN_RUNS = 16
# The runs a split finds before it judges the text's density by them: a text dense from the
# start is turned down after these, not after a run per spacing of the whole text.
PROBE_RUNS = 256
# Runs up to this long are kept mapped; the cache is cleared past this many (client input).
CACHED_RUN_CHARS = 8
CACHE_LIMIT = 1 << 16
# Blocks above the BMP that emoji-heavy text is made of: regional indicators (flags), the
# pictographs, emoticons and transport symbols with skin tones, supplemental pictographs.
EMOJI_BLOCKS = ((0x1F1E6, 0x1F1FF), (0x1F300, 0x1F6FF), (0x1F900, 0x1FAFF))
# The categories whose characters `_fold_char` rewrites whatever they decompose to (of Po and
# Sm, the full stops and middle dots it reads as ".").
_REWRITTEN = frozenset({"Cc", "Cf", "Nd", "Pd", "Po", "Sm"})


def exceptions(fold: Callable[[str], str], also: Container[int] = ()) -> Iterator[int]:
    """The non-ASCII BMP code points whose `fold` is not their casefold, or whose casefold is
    not one character.

    A cheap test in C picks the candidates (the few thousand that decompose, combine, are
    rewritten by category, are spaces or casefold to several, and those in `also`, which
    `fold` rewrites by a table of its own); `fold` then decides each, so the class says
    exactly what `fold` does. (ASCII is left to the caller: only its space-like controls
    differ.)
    """
    category, decomposition = unicodedata.category, unicodedata.decomposition
    combining = unicodedata.combining
    for cp in range(0x80, BMP_END):
        if 0xD800 <= cp < 0xE000:  # surrogates: never in a decoded request
            continue
        c = chr(cp)
        lowered = c.casefold()
        candidate = (
            decomposition(c)
            or combining(c)
            or category(c) in _REWRITTEN
            or c.isspace()
            or len(lowered) != 1
            or 0xFE00 <= cp <= 0xFE0F  # variation selectors (Mn, combining class 0)
            or ignorable(cp)  # Hangul fillers, ... (ignorable.py)
            or 0xAC00 <= cp <= 0xD7A3  # Hangul syllables decompose algorithmically
            or cp in also
        )
        if candidate and (len(lowered) != 1 or fold(c) != lowered):
            yield cp


def plain_blocks(member: Callable[[int], bool]) -> list[tuple[int, int]]:
    """The EMOJI_BLOCKS holding no code point for which `member` holds."""
    return [(a, b) for a, b in EMOJI_BLOCKS if not any(map(member, range(a, b + 1)))]


def runs_pattern(
    code_points: Iterable[int], plain: Sequence[tuple[int, int]] | None = ()
) -> re.Pattern[str]:
    """Runs of the given BMP code points (in increasing order) and of any character above
    the BMP but those in the `plain` ranges (increasing, disjoint), captured (for `split`).
    `plain` None: no character above the BMP (a class for text within it).

    Written `[X][X]*` rather than `[X]+`: `re` then scans for a run's first character in its
    tight charset loop instead of trying a match at every position (16 against 370 ns).

    X is written as the negation of the other characters' class: `re` tests a class's BMP
    part as one bitmap, then each range above the BMP in turn, so the class of the others
    answers every character within the BMP (ASCII above all) at its bitmap, where X itself
    tried every range above the BMP first (4 KB of emoji text: 39 -> 25 µs).
    """
    others: list[tuple[int, int]] = []  # the BMP but the code points, as ranges
    at = 0
    for cp in code_points:
        if cp > at:
            others.append((at, cp - 1))
        at = cp + 1
    if at < BMP_END:
        others.append((at, BMP_END - 1))
    if plain is None:
        others.append((BMP_END, 0x10FFFF))
    else:
        others += plain
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in others
    )
    one = f"[^{body}]"
    return re.compile(f"({one}{one}*)")


class Mapped(dict[str, str]):
    """A run -> what it maps to, computed on first sight; short runs are kept."""

    def __init__(self, map_run: Callable[[str], str]) -> None:
        super().__init__()
        self._map_run = map_run

    def __missing__(self, run: str) -> str:
        mapped = self._map_run(run)
        if len(run) <= CACHED_RUN_CHARS:
            if len(self) >= CACHE_LIMIT:
                self.clear()
            self[run] = mapped
        return mapped


class RunMapper:
    """Maps the runs of a class's characters in a text, leaving the rest as it is."""

    def __init__(
        self, pattern: re.Pattern[str], map_run: Callable[[str], str], probe: int = PROBE_RUNS
    ) -> None:
        self._pattern = pattern
        self._mapped = Mapped(map_run)
        self._probe_runs = probe

    def split(self, text: str, spacing: int = RUN_SPACING) -> tuple[list[str], list[str]] | None:
        """(parts, runs): the text's parts with each run mapped (runs at odd indices), and
        the runs as they were; None for a text with more than one run per `spacing`
        characters (or whose first `probe` runs are that close), where a Python step per
        run would cost more than mapping the whole."""
        most = len(text) // spacing + MIN_RUNS
        parts = self._probe(text, spacing, most)
        if parts is None or len(parts) > 2 * most:
            return None
        runs = parts[1::2]
        parts[1::2] = map(self._mapped.__getitem__, runs)
        return parts, runs

    def _probe(self, text: str, spacing: int, most: int) -> list[str] | None:
        """The text split at up to `most` runs; None where its first `probe` runs lie
        closer than one per `spacing` characters (a split that goes on to `most` runs only
        to be turned down reads half a MiB of dense text before it knows: 17 ms).

        The rest is split on from the probe's last run (runs are greedy and the pattern looks
        at nothing around them, so the parts are those of one split)."""
        probe = self._probe_runs
        if most <= probe:
            return self._pattern.split(text, most)
        parts = self._pattern.split(text, probe)
        if len(parts) <= 2 * probe:  # fewer runs in the whole text
            return parts
        rest = parts.pop()
        if len(text) - len(rest) < probe * spacing:
            return None
        parts += self._pattern.split(rest, most - probe)
        return parts


def bmp_only(text: str) -> bool:
    """Whether every character of `text` lies in the BMP (its UTF-16 has no surrogate pair;
    encoding a text of the BMP is a copy in C)."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


def bmp_table(default: Callable[[int], str], exceptions: dict[int, str]) -> list[str]:
    """A `str.translate` table of the whole BMP as a list: a list look-up per character costs
    half a dict's (25 against 45 ns). Characters above the BMP are not in it (`translate`
    leaves them as they are), so it serves only texts for which `bmp_only` holds."""
    table = [default(cp) for cp in range(BMP_END)]
    for cp, value in exceptions.items():
        table[cp] = value
    return table


def bmp_identity_table(exceptions: Mapping[int, str]) -> list[int | str]:
    """`bmp_table` of a map that leaves all but `exceptions` as they are: the others as their
    code points (`translate` takes ints; an int costs half the memory of a one-character
    string outside Latin-1, and maps as fast)."""
    table: list[int | str] = list(range(BMP_END))
    for cp, value in exceptions.items():
        if cp < BMP_END:
            table[cp] = value
    return table
