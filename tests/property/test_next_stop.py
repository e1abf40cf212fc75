"""spans.NextStop answers as a plain search would, whatever the order of the questions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.spans import NextStop

STOPS = " \"'\n;]"


def _first_stop(text: str, e: int, limit: int) -> int:
    return next((i for i in range(e, limit) if text[i] in STOPS), limit)


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet="ab=1" + STOPS, max_size=80),
    asks=st.lists(st.tuples(st.integers(0, 90), st.integers(0, 40)), max_size=30),
    ordered=st.booleans(),
)
def test_each_answer_is_the_first_stop(
    text: str, asks: list[tuple[int, int]], ordered: bool
) -> None:
    stops = NextStop(text, STOPS)
    if ordered:  # as a scan asks: from ever later points
        asks = sorted(asks)
    for at, reach in asks:
        e = min(at, len(text))
        limit = min(len(text), e + reach)
        assert stops.find(e, limit) == _first_stop(text, e, limit)
