"""The stream hold for a word list: the shortest tail that could still begin a listed word.

A listed word or phrase matches as its letter-and-digit runs joined by any separator run, on
the skeleton (`detector_types._word_regex`). Holding its longest possible match (twice its
length and more) would hold a few dozen characters of every answer whatever the text; only a
tail that could still grow into a listed word needs to wait. Such a tail, with its separator
runs collapsed to one space, is a prefix of a listed word in the same form, so the hold looks
for the earliest position in the last `reach` characters whose collapsed tail is one.

Any position counts, not only word starts: word boundaries are judged on the normalised text,
which can differ from the skeleton's (a `$` folds to an `s`), and holding a few characters too
many is safe where holding too few leaks. Words whose runs hold characters the separator class
treats as separators (non-ASCII letters the skeleton keeps) cannot be matched this way; the
caller keeps the full hold for those.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[^a-z0-9]+")
_RUNS = re.compile(r"[a-z0-9]+")


def collapsed(text: str) -> str:
    """Separator runs as one space (the form the word regex reads)."""
    return _SEPARATORS.sub(" ", text)


def plain(folded_word: str) -> str | None:
    """A folded word in collapsed form, or None when it has letters outside a-z and 0-9."""
    form = collapsed(folded_word).strip()
    runs = [r for r in re.split(r"\W+|_", folded_word) if r]
    if not form or "".join(runs) != form.replace(" ", ""):
        return None
    return form


class WordPrefixHold:
    """Where a stream holds for a list of words: the earliest start, within the last `reach`
    characters, of a tail that is a prefix of some listed word (collapsed forms)."""

    __slots__ = ("_firsts", "_longest", "_prefixes", "reach")

    def __init__(self, forms: list[str], reach: int) -> None:
        self._prefixes = frozenset(f[:i] for f in forms for i in range(1, len(f) + 1))
        self._firsts = frozenset(f[0] for f in forms)
        self._longest = max((len(f) for f in forms), default=0)
        self.reach = reach  # the longest match in raw characters: nothing further can grow

    def __call__(self, scanned: str) -> int:
        base = max(0, len(scanned) - self.reach)
        window = scanned[base:]
        held = len(scanned)
        # Walk the letter-and-digit runs back from the end, building the collapsed tail; a
        # tail longer than the longest listed word cannot be a prefix, so the walk stops there.
        after = " " if window and _SEPARATORS.match(window, len(window) - 1) else ""
        for m in reversed(list(_RUNS.finditer(window))):
            word = m.group()
            tail = word + after
            for j in range(max(0, len(tail) - self._longest), len(word)):
                if word[j] in self._firsts and tail[j:] in self._prefixes:
                    held = base + m.start() + j
                    break
            after = " " + tail
            if len(after) > self._longest:
                break
        return held
