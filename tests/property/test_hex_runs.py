"""The hex run search skips the positions whose match an earlier position's match contains
(decoded_hex._HEX_START): it finds the same runs as the search that tries every position, on any
text of the hex alphabet, prefixes and separators, and with any limit on a run's length."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.decoded import MIN_HEX_BYTES
from safeproxy.filters.decoded_hex import _HEX_MORE, _HEX_RESUME, _HEX_RUN, _HEX_UNIT
from safeproxy.filters.runs import run_spans

# Every position tried: the unit repeated, with no look-behind.
_EVERY_POSITION = re.compile(_HEX_UNIT + "{" + str(MIN_HEX_BYTES) + ",256}+")

_UNITS = st.sampled_from(
    ["41", "4", "0x", "\\x", "x", "0", "fe", "\\", " ", ":", ",", "-", "z", "."]
)
_TEXTS = st.lists(_UNITS, max_size=120).map("".join)
_LIMITS = st.sampled_from([2, 7, 16, 40, 10**9])


@settings(max_examples=600, deadline=None)
@given(text=_TEXTS, most=_LIMITS)
def test_the_runs_are_those_every_position_finds(text: str, most: int) -> None:
    expected = list(run_spans(_EVERY_POSITION, _HEX_MORE, text, lambda: most))
    found = list(run_spans(_HEX_RUN, _HEX_MORE, text, lambda: most, resume=_HEX_RESUME))
    assert found == expected


def test_a_run_right_after_a_run_is_found() -> None:
    # The first run ends at "48"; the "4" after it starts no unit, and the escaped run after
    # that is preceded by two hex digits: the look-behinds alone would skip it.
    first = "4142434445464748"
    second = "".join(f"\\x{b:02x}" for b in b"password")
    text = first + "4" + second
    spans = list(run_spans(_HEX_RUN, _HEX_MORE, text, lambda: 10**9, resume=_HEX_RESUME))
    assert spans == [(0, len(first)), (len(first) + 1, len(text))]
