"""Offset maps of normalised texts, answered on demand rather than listed.

A normalised text's map from normalised to original index is read only where a finding lies,
but listing it makes one Python int per character (26 ms for a MiB). Two shapes answer the
same look-ups without the list:

- `Kept`: normalisation dropped many characters (zero-width spaces or variation selectors
  between letters); the map is the kept positions, counted per block in C, one block listed
  per look-up.
- `Grown`: some characters became several ("ß" as "ss", a ligature) and some maybe none;
  the map is each original character's folded length. Where few characters are not one for
  one (mixed prose: a "ß" here and there), only those are listed (found in C); otherwise
  lengths are summed per block in C. Nothing is computed before the first look-up (most
  texts hold no finding to map back).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, compress, repeat
from typing import overload

# Positions per block: a look-up lists at most this many (in C); a Python step per block.
BLOCK = 256
# After this many look-ups per block of text, the whole map is listed once and kept (a
# look-up costs about what listing BLOCK / 4 positions does: listing a 1 KB text's map after
# its fifth look-up cost more than all its look-ups).
LOOKUPS_PER_BLOCK = 4
# A Grown map with at most one character not folded one for one per this many lists only
# those characters; a denser one goes by blocks.
SPARSE = 16
# Blocks whose running totals a dense Grown map keeps (look-ups come mostly in order).
KEPT_BLOCKS = 64
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


class Grown(LazyIndex):
    """kept[i] is the original position of the i-th normalised character, where `lengths[j]`
    is how many characters the j-th original one became (0: it vanished; 2: "ß" as "ss").

    `lengths` may be a function that makes them, called at the first look-up; `size` is
    their sum (the normalised text's length), if the caller knows it.
    """

    def __init__(self, lengths: bytes | Callable[[], bytes], size: int | None = None) -> None:
        self._source = lengths
        self._impl: LazyIndex | None = None
        self._size = len(self._map()) if size is None else size

    def _map(self) -> LazyIndex:
        impl = self._impl
        if impl is None:
            source = self._source
            lengths = source if isinstance(source, bytes) else source()
            n = len(lengths)
            if (n - lengths.count(1)) * SPARSE <= n:
                impl = _SparseGrowth(lengths)
            else:
                impl = _DenseGrowth(lengths)
            self._impl = impl
        return impl

    def __len__(self) -> int:
        return self._size

    def _at(self, i: int) -> int:
        return (self._impl or self._map())._at(i)

    def __iter__(self) -> Iterator[int]:
        return iter(self._map())


class _SparseGrowth(LazyIndex):
    """Grown's map by the characters not folded one for one (at most one per SPARSE): each
    one's original position, folded length, and where its folding starts."""

    def __init__(self, lengths: bytes) -> None:
        self._lengths = lengths
        self._folded = lengths.translate(None, b"\x01")  # their lengths, in order (C)
        # Their positions: a C find per character (a regex search reads every byte in `re`).
        at: list[int] = []
        for v in set(self._folded):
            p = lengths.find(v)
            while p >= 0:
                at.append(p)
                p = lengths.find(v, p + 1)
        at.sort()
        self._at_pos = at
        shifts = accumulate((v - 1 for v in self._folded), initial=0)
        # (shifts has one more item: the total after the last)
        self._starts = [p + d for p, d in zip(self._at_pos, shifts, strict=False)]
        self._len = len(lengths) + sum(self._folded) - len(self._folded)

    def __len__(self) -> int:
        return self._len

    def _at(self, i: int) -> int:
        # The last odd character whose folding starts at or before i (a vanished one shares
        # its start with the next: the last of them is the one that holds i, if any does).
        j = bisect.bisect_right(self._starts, i) - 1
        if j < 0:
            return i
        start, length = self._starts[j], self._folded[j]
        if i < start + length:
            return self._at_pos[j]
        return self._at_pos[j] + 1 + (i - start - length)

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(map(repeat, range(len(self._lengths)), self._lengths))


class _DenseGrowth(_Blocks):
    """Grown's map by blocks: each block's length summed in C (a count per distinct length),
    a look-up bisecting its block's running totals (kept for the next look-ups)."""

    def __init__(self, lengths: bytes) -> None:
        self._lengths = lengths
        self._ends: dict[int, list[int]] = {}
        n = len(lengths)
        others = set(lengths.translate(None, b"\x01"))
        if len(others) <= 4:
            # A block's sum: its size, plus (v - 1) for each character of length v != 1.
            count = lengths.count
            totals: Iterable[int] = (
                min(n, a + BLOCK) - a + sum((v - 1) * count(v, a, a + BLOCK) for v in others)
                for a in range(0, n, BLOCK)
            )
        else:
            totals = (sum(lengths[a : a + BLOCK]) for a in range(0, n, BLOCK))
        super().__init__(n, totals)

    def _positions(self, a: int, b: int) -> Iterator[int]:
        return chain.from_iterable(map(repeat, range(a, b), self._lengths[a:b]))

    def _at(self, i: int) -> int:
        # No listing of the whole map: each block's running totals cost one C pass, once.
        k = bisect.bisect_right(self._before, i) - 1
        ends = self._ends.get(k)
        if ends is None:
            if len(self._ends) >= KEPT_BLOCKS:
                self._ends.clear()
            a = k * BLOCK
            ends = self._ends[k] = list(accumulate(self._lengths[a : a + BLOCK]))
        return k * BLOCK + bisect.bisect_right(ends, i - self._before[k])


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
