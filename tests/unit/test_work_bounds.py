"""Work per input character is bounded: validator calls and windows counted, never timed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import SupportsIndex, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters import validators as v
from safeproxy.filters.work import Work


def _counting(check: Callable[[str], bool], seen: list[int]) -> Callable[[str], bool]:
    def counted(span: str) -> bool:
        seen.append(len(span))
        return check(span)

    return counted


class _Reads(list[int]):
    """A list that counts the items read from it (iteration, indexing, slices)."""

    read = 0

    def __iter__(self) -> Iterator[int]:
        for item in super().__iter__():
            self.read += 1
            yield item

    def __reversed__(self) -> Iterator[int]:
        for item in super().__reversed__():
            self.read += 1
            yield item

    @overload
    def __getitem__(self, i: SupportsIndex) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: SupportsIndex | slice) -> int | list[int]:
        got = super().__getitem__(i)
        self.read += len(got) if isinstance(got, list) else 1
        return got


def _best_span_work(run: str) -> tuple[list[int], int]:
    """For phone-shaped ends: the lengths of the windows `_best_spans` hands its validator,
    and how many ends it read."""
    seen: list[int] = []
    starts = [i for i, c in enumerate(run) if c.isdigit() and (i == 0 or not run[i - 1].isdigit())]
    ends = _Reads(
        i + 1 for i, c in enumerate(run) if c.isdigit() and not run[i + 1 : i + 2].isdigit()
    )
    v._best_spans(run, starts, ends, _counting(lambda _s: False, seen), 24, Work(1 << 30))
    return seen, ends.read


def _best_span_calls(run: str) -> list[int]:
    return _best_span_work(run)[0]


@pytest.mark.parametrize("unit", ["1-2 ", "12-34-56 ", "1 2 3 4 5 ", "(1) 2.3+4 "])
def test_best_spans_tries_a_bounded_number_of_windows_per_start(unit: str) -> None:
    small = _best_span_calls(unit * 256)
    large = _best_span_calls(unit * 1024)
    # Linear: four times the text, at most four times the windows, give or take the starts
    # near the run's end, which have fewer ends ahead (it was quadratic: 16 times).
    assert len(large) <= 4 * len(small) + 24 * 24
    assert max(large) <= 24  # no window longer than the rule's longest value


@pytest.mark.parametrize("unit", ["1-2 ", "12-34-56 ", "1 2 3 4 5 "])
def test_best_spans_reads_a_bounded_number_of_ends_per_start(unit: str) -> None:
    # The validator was only ever called on short windows; the quadratic part was reading
    # every end of the run, from its far end, for every start.
    _, small = _best_span_work(unit * 256)
    _, large = _best_span_work(unit * 1024)
    assert large <= 4 * small + 64 * 24
    assert large <= 64 * len(unit * 1024)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789 -().+", min_size=1, max_size=400))
def test_best_spans_windows_per_character_are_bounded(run: str) -> None:
    # At most one window per end within 24 characters of each start.
    assert len(_best_span_calls(run)) <= 24 * len(run)
    assert all(n <= 24 for n in _best_span_calls(run))
