"""The places where a text holds a word of a small set as a whole letter run.

Reading every letter run of a text costs a Python step each (0.3 µs a word). Here one
Hyperscan scan says which of the set's words stand in the text between two characters that
are not ASCII letters (every whole letter run does: no other character lower-cases to one),
each reported once; only those words are then looked for, each with `str.find`, so ordinary
words cost no Python step. (Listing the runs of the set's letters with `re` instead cost
about 15 ns a character: most words are made of those letters.)
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from operator import itemgetter

import hyperscan

from safeproxy.filters.scratches import Scratches

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
        # One pattern per word, reported once: the word between characters that are not
        # ASCII letters (UTF-8 steps over whole characters; no UCP: a letter outside ASCII
        # only makes a report that `_occurrences` then turns down).
        self._listed = sorted(words)
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = int(hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH)
        self._db.compile(
            expressions=[f"(?:^|[^a-z]){_literal(w)}(?:[^a-z]|$)".encode() for w in self._listed],
            ids=list(range(len(self._listed))),
            elements=len(self._listed),
            flags=[flags] * len(self._listed),
        )
        self._scratches = Scratches()

    def find(self, text: str, counter: list[int]) -> Iterator[tuple[str, int, int]]:
        """(run, start, end) of each such run in order; `counter[0]` counts the places
        looked at (the Python work)."""
        low = text.lower()
        if len(low) != len(text):  # a character lower-cases to two ("İ"): run by run
            yield from self.by_run(text, counter)
            return
        hits = self.present(low)
        yield from heapq.merge(
            *(_occurrences(text, low, w, counter) for w in hits), key=itemgetter(1)
        )

    def present(self, low: str) -> set[str] | frozenset[str]:
        """The words that may be whole letter runs of the lower-cased `low` (at least all
        that are)."""
        try:
            data = low.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: no valid UTF-8 for the engine
            return self.words.intersection(self._runs.findall(low))
        hits: set[str] = set()
        listed = self._listed

        def on_match(index: int, *_rest: object) -> None:
            hits.add(listed[index])

        self._scratches.scan(self._db, data, on_match)
        return hits

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


def _literal(word: str) -> str:
    """`word` as a Hyperscan pattern matching exactly it (letters escaped as code points)."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}" for c in word)
