"""A decoded piece of text with, per character, the original span it was decoded from.

Decoders (decoded.py, numwords.py, carriers.py) turn an encoded run of the original text
(base64, hex, number words, a run of variation selectors...) into a Piece. The detectors scan
the piece like any text; a finding [a, b) in it maps back to `piece.span(a, b)` in the
original, so redaction cuts the encoded characters that carried the value, and a stream
holds them until it is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Piece(NamedTuple):
    """`text[i]` was decoded from original[starts[i]:ends[i]] (ends[i] > starts[i])."""

    kind: str  # the decoder: "base64", "hex", "numwords", "carrier", ...
    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that decoded to text[start:end] (end > start)."""
        # min and max: a reversed piece runs backwards through the original.
        return min(self.starts[start:end]), max(self.ends[start:end])

    def shifted(self, by: int) -> Piece:
        """The same piece for an original that begins `by` characters later."""
        return Piece(
            self.kind, self.text, [s + by for s in self.starts], [e + by for e in self.ends]
        )


def uniform(kind: str, text: str, start: int, end: int) -> Piece:
    """A piece whose every character stands for the whole original [start, end)."""
    n = len(text)
    return Piece(kind, text, [start] * n, [end] * n)
