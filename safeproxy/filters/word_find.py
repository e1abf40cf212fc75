"""The places where a text holds a word of a small set as a whole letter run.

Reading every letter run of a text costs a Python step each (0.3 µs a word). Here the runs
made only of the set's letters are listed in C (`findall`): a word that is a whole letter run
is a whole run of those letters too. Only the set's words among them are then looked for,
each with `str.find`, so ordinary words cost no Python step.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from operator import itemgetter

# A letter: what `[^\W\d_]+` runs are made of.
_LETTERS = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


class WordFinder:
    """Whole letter runs that are one of `words` (lower case), whatever their case."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self._longest = max(map(len, words))
        alphabet = re.escape("".join(sorted(set("".join(words)))))
        # `[a][a]*`, not `[a]+`: a pattern that begins with a class is searched in a C loop.
        self._runs = re.compile(f"[{alphabet}][{alphabet}]*")

    def find(self, text: str, counter: list[int]) -> Iterator[tuple[str, int, int]]:
        """(run, start, end) of each such run in order; `counter[0]` counts the places
        looked at (the Python work)."""
        low = text.lower()
        if len(low) != len(text):  # a character lower-cases to two ("İ"): run by run
            yield from self.by_run(text, counter)
            return
        hits = self.words.intersection(self._runs.findall(low))
        yield from heapq.merge(
            *(_occurrences(text, low, w, counter) for w in hits), key=itemgetter(1)
        )

    def by_run(self, text: str, counter: list[int]) -> Iterator[tuple[str, int, int]]:
        """The same, reading every letter run (the definition)."""
        for m in _LETTERS.finditer(text):
            counter[0] += 1
            word = m.group()
            if len(word) <= self._longest and word.lower() in self.words:
                yield word, m.start(), m.end()


def _occurrences(
    text: str, low: str, word: str, counter: list[int]
) -> Iterator[tuple[str, int, int]]:
    """Where `word` is a whole letter run of `text` (lower-cased, in `low`), in order."""
    at = low.find(word)
    while at >= 0:
        counter[0] += 1
        end = at + len(word)
        # A whole run: no letter on either side (`low` and `text` agree on what is a letter).
        if (at == 0 or not _LETTER.match(text, at - 1)) and not _LETTER.match(text, end):
            run = text[at:end]
            if run.lower() == word:
                yield run, at, end
        at = low.find(word, end)
