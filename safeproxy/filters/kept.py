"""The offset map of a normalised text that dropped characters: kept positions, found on demand.

When normalisation drops many characters (a text of zero-width spaces or variation selectors
between letters), its map from normalised to original index is the list of the positions
that were kept. Listing them makes one Python int per character: 26 ms for a MiB, paid on
every such text although the map is read only where a finding lies. `Kept` answers the same
look-ups from counts per block (taken in C) and lists one block per look-up.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from itertools import compress
from typing import overload

# Positions per block: a look-up lists at most this many (in C); a Python step per block.
BLOCK = 256
# After this many look-ups per block of text, the whole map is listed once and kept.
LOOKUPS_PER_BLOCK = 1


class Kept(Sequence[int]):
    """kept[i] is the original position of the i-th character kept.

    `dropped(a, b)` counts the dropped positions in [a, b); `keep` is a sequence of n
    numbers (sliceable, as a memoryview is) that are zero exactly where a position was dropped.
    """

    def __init__(self, n: int, dropped: Callable[[int, int], int], keep: Sequence[int]) -> None:
        self._n = n
        self._keep = keep
        # _before[k]: kept positions before block k (a Python step per block).
        before = [0]
        for a in range(0, n, BLOCK):
            b = min(n, a + BLOCK)
            before.append(before[-1] + (b - a) - dropped(a, b))
        self._before = before
        self._len = before[-1]
        self._lookups = 0
        self._all: tuple[int, ...] | None = None

    def __len__(self) -> int:
        return self._len

    def _at(self, i: int) -> int:
        if self._all is not None:
            return self._all[i]
        self._lookups += 1
        if self._lookups > LOOKUPS_PER_BLOCK * len(self._before):
            # Look-ups everywhere (a text full of findings): the list costs less by now.
            self._all = tuple(compress(range(self._n), self._keep))
            return self._all[i]
        k = bisect.bisect_right(self._before, i) - 1
        a = k * BLOCK
        b = min(self._n, a + BLOCK)
        block = list(compress(range(a, b), self._keep[a:b]))
        return block[i - self._before[k]]

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self._at(k) for k in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        return self._at(i)

    def __iter__(self) -> Iterator[int]:
        return compress(range(self._n), self._keep)
