"""Offset maps of normalised texts, answered on demand rather than listed.

A normalised text's map from normalised to original index is read only where a finding lies,
but listing it makes one Python int per character (26 ms for a MiB). Two shapes answer the
same look-ups without the list:

- `Kept`: normalisation dropped many characters (zero-width spaces or variation selectors
  between letters); the map is the kept positions, counted per block in C, one block listed
  per look-up.
- `Grown`: some characters became several ("ß" as "ss", a ligature) and some maybe none;
  the map is each original character's folded length, summed per block in C.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, compress, repeat
from typing import overload

# Positions per block: a look-up lists at most this many (in C); a Python step per block.
BLOCK = 256
# After this many look-ups per block of text, the whole map is listed once and kept.
LOOKUPS_PER_BLOCK = 1
# Counts a Kept look-up makes before it lists the block instead (one when nothing was dropped
# near it; a listing costs about as much as twenty).
GUESSES = 8


class LazyIndex(Sequence[int]):
    """A sequence of ints whose items are computed by `_at` (indexes, slices, negatives)."""

    def _at(self, i: int) -> int:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self._at(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._at(i)


class _Blocks(LazyIndex):
    """Original positions counted per block of BLOCK originals, one block read per look-up;
    past LOOKUPS_PER_BLOCK look-ups per block, the whole map is listed once and kept."""

    def __init__(self, n: int, totals: Iterable[int]) -> None:
        """`totals`: how many normalised characters each block of originals became."""
        self._n = n
        self._before = [0, *accumulate(totals)]  # before[k]: those of the blocks before k
        self._len = self._before[-1]
        self._lookups = 0
        self._all: tuple[int, ...] | None = None

    def _positions(self, a: int, b: int) -> Iterator[int]:
        """The original position of each normalised character from originals [a, b)."""
        raise NotImplementedError

    def _in_block(self, a: int, offset: int) -> int:
        """The original position of the `offset`-th normalised character of block [a, ...)."""
        return list(self._positions(a, min(self._n, a + BLOCK)))[offset]

    def __len__(self) -> int:
        return self._len

    def _at(self, i: int) -> int:
        if self._all is not None:
            return self._all[i]
        self._lookups += 1
        if self._lookups > LOOKUPS_PER_BLOCK * len(self._before):
            # Look-ups everywhere (a text full of findings): the list costs less by now.
            self._all = tuple(self._positions(0, self._n))
            return self._all[i]
        k = bisect.bisect_right(self._before, i) - 1
        return self._in_block(k * BLOCK, i - self._before[k])

    def __iter__(self) -> Iterator[int]:
        return self._positions(0, self._n)


class Grown(_Blocks):
    """kept[i] is the original position of the i-th normalised character, where `lengths[j]`
    is how many characters the j-th original one became (0: it vanished; 2: "ß" as "ss").
    Counted per block in C (`sum` of a bytes slice)."""

    def __init__(self, lengths: bytes) -> None:
        self._lengths = lengths
        # The last block's running totals: a span's two ends mostly lie in one block.
        self._last: tuple[int, list[int]] = (-1, [])
        n = len(lengths)
        super().__init__(n, (sum(lengths[a : a + BLOCK]) for a in range(0, n, BLOCK)))

    def _positions(self, a: int, b: int) -> Iterator[int]:
        return chain.from_iterable(map(repeat, range(a, b), self._lengths[a:b]))

    def _in_block(self, a: int, offset: int) -> int:
        # The block's running totals (C), and the first character whose total passes offset.
        block, ends = self._last
        if block != a:
            ends = list(accumulate(self._lengths[a : a + BLOCK]))
            self._last = (a, ends)
        return a + bisect.bisect_right(ends, offset)


class Kept(_Blocks):
    """kept[i] is the original position of the i-th character kept.

    `dropped(a, b)` counts the dropped positions in [a, b); `keep` is a sequence of n
    numbers (sliceable, as a memoryview is) that are zero exactly where a position was dropped.
    """

    def __init__(self, n: int, dropped: Callable[[int, int], int], keep: Sequence[int]) -> None:
        self._keep = keep
        self._dropped = dropped
        blocks = ((a, min(n, a + BLOCK)) for a in range(0, n, BLOCK))
        super().__init__(n, ((b - a) - dropped(a, b) for a, b in blocks))

    def _positions(self, a: int, b: int) -> Iterator[int]:
        return compress(range(a, b), self._keep[a:b])

    def _in_block(self, a: int, offset: int) -> int:
        # Few positions are dropped, as a rule: step past those before the guess, counted in
        # C, until none is left to step past (the guess never passes the answer: it counts
        # only drops before it). Dense drops take more steps: then the block is listed.
        p = a + offset
        for _ in range(GUESSES):
            q = a + offset + self._dropped(a, p + 1)
            if q == p:
                return p
            p = q
        return super()._in_block(a, offset)
