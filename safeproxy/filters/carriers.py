"""Hidden-payload carriers: runs of variation selectors and tag characters that encode bytes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from safeproxy.filters.decoded import bytes_text
from safeproxy.filters.piece import Piece
from safeproxy.filters.scanner import Overload

KIND = "carrier"
# "Emoji smuggling" hides text after one visible character as a run of variation selectors,
# one per byte: VS1-VS16 (U+FE00..FE0F) are bytes 0-15, VS17-VS256 (U+E0100..E01EF) bytes
# 16-255. "ASCII smuggling" writes it in tag characters (U+E0000..E007F, byte = code point
# minus U+E0000; the normaliser already reads those inline). Both read here as one alphabet
# of byte carriers, so a run mixing them cannot split itself below the threshold, and decode
# as UTF-8.
#
# Unicode never puts two of these in a row but for one case: a subdivision flag is the
# black flag U+1F3F4, a tag spelling its region ("gbsct"), and the cancel tag U+E007F
# (Scotland's flag). That prefix is legitimate, neither reported nor stripped; so are a
# single selector after a character (emoji or text presentation, an ideographic variant)
# and ZWJ sequences, which hold none of these characters in a row.

# A run of this many carriers in a row is a carrier whatever it decodes to: a variation
# sequence holds one selector, so four in a row never occur in real text.
MIN_RUN = 4
BLACK_FLAG = "\U0001f3f4"
CANCEL_TAG = "\U000e007f"
# A subdivision tag: a region and a subdivision code, lower-case letters and digits
# (Unicode's tag_spec, at most 7 before the cancel tag).
MAX_FLAG_SPEC = 7
_CARRIER = "\ufe00-\ufe0f\U000e0000-\U000e007f\U000e0100-\U000e01ef"
# One class repeated (linear, nothing to backtrack); shorter runs (a selector after an emoji)
# never reach Python. Written `[C][C]{3,}`: a pattern that begins with a class lets `re` look
# for its first character in a tight loop instead of trying a match at every position.
_RUNS = re.compile(f"[{_CARRIER}][{_CARRIER}]{{{MIN_RUN - 1},}}")
# In UTF-8, every carrier above the BMP begins F3 A0, and two selectors in a row read
# EF B8 8x EF B8 8x: a text with neither holds no run (found in C, about 1 ns a character).
_ASTRAL_CARRIER = b"\xf3\xa0"
_TWO_SELECTORS = re.compile(rb"\xef\xb8[\x80-\x8f]\xef\xb8[\x80-\x8f]")
_SPEC = frozenset(
    [chr(c) for c in range(0xE0030, 0xE003A)] + [chr(c) for c in range(0xE0061, 0xE007B)]
)
# A decoded run is a piece only if at least this share of it is printable text.
MIN_PRINTABLE = 0.5
_TEXT_SPACE = frozenset("\t\n\r")

# The gate, for Hyperscan (UTF-8, no lookaround). C: any carrier; T: a subdivision tag
# letter or digit; N: a carrier that is neither T nor the cancel tag.
_C = r"[\x{FE00}-\x{FE0F}\x{E0000}-\x{E007F}\x{E0100}-\x{E01EF}]"
_T = r"[\x{E0030}-\x{E0039}\x{E0061}-\x{E007A}]"
_N = (
    r"[\x{FE00}-\x{FE0F}\x{E0000}-\x{E002F}\x{E003A}-\x{E0060}\x{E007B}-\x{E007E}"
    r"\x{E0100}-\x{E01EF}]"
)
# Matches every run the decoder reports, and no subdivision flag (however many tags it has):
# a run of MIN_RUN not right after the black flag; a flag followed by MIN_RUN more; or the
# black flag followed by a run that is not a flag's (no cancel within MAX_FLAG_SPEC + 1, a
# carrier outside the tag spec, an empty spec, or MIN_RUN tags or more with no cancel after).
GATE = (
    rf"(?:^|[^\x{{1F3F4}}\x{{FE00}}-\x{{FE0F}}\x{{E0000}}-\x{{E007F}}\x{{E0100}}-\x{{E01EF}}])"
    rf"{_C}{{{MIN_RUN}}}"
    rf"|\x{{1F3F4}}{_T}{{1,{MAX_FLAG_SPEC}}}\x{{E007F}}{_C}{{{MIN_RUN}}}"
    rf"|\x{{1F3F4}}(?:{_T}{{0,{MAX_FLAG_SPEC}}}{_N}|\x{{E007F}}|{_T}{{{MAX_FLAG_SPEC + 1}}})"
    # A flag's tags that never reach their cancel tag (the text, or the carriers, end first).
    rf"|\x{{1F3F4}}{_T}{{{MIN_RUN},{MAX_FLAG_SPEC}}}"
    rf"(?:[^\x{{FE00}}-\x{{FE0F}}\x{{E0000}}-\x{{E007F}}\x{{E0100}}-\x{{E01EF}}]|$)"
)


def carrier_runs(text: str, most: int | None = None) -> list[tuple[int, int]]:
    """The [start, end) of every carrier run in `text`, legitimate flag tags left out. More
    than `most` runs is an Overload, found before the rest are listed: each run is a finding
    with its own Python work (a redaction), and no honest text holds many."""
    if most is None:
        return list(_runs(text))
    runs = list(islice(_runs(text), most + 1))
    if len(runs) > most:
        raise Overload(f"over {most} carrier runs")
    return runs


def strip_carriers(text: str) -> str:
    """`text` without its carrier runs (what is forwarded when policy strips them)."""
    if not may_carry(text):
        return text
    if BLACK_FLAG not in text:  # no flag to keep: one substitution in C
        return _RUNS.sub("", text)
    kept: list[str] = []
    at = 0
    for start, end in _runs(text):
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return "".join(kept)


def decode_carriers(text: str, budget: int) -> list[Piece]:
    """One piece per carrier run whose bytes read as mostly printable UTF-8 text; at most
    `budget` decoded characters in all (the run that reaches it is cut there)."""
    pieces: list[Piece] = []
    left = budget
    for start, end in _runs(text):  # lazily: a spent budget stops the listing too
        if left <= 0:
            break
        piece = _decode(text, start, min(end, start + 4 * left), left)
        if piece is None:
            continue
        left -= len(piece.text)
        if _printable_count(piece.text) >= MIN_PRINTABLE * len(piece.text):
            pieces.append(piece)
    return pieces


# Variation selectors, tag characters and the supplementary variation selectors.
_CARRIER_RANGES = ((0xFE00, 0xFE0F), (0xE0000, 0xE007F), (0xE0100, 0xE01EF))
# Every character is_carrier accepts.
CARRIER_CHARS = frozenset(chr(c) for lo, hi in _CARRIER_RANGES for c in range(lo, hi + 1))


def is_carrier(ch: str) -> bool:
    """A variation selector or a tag character (what carrier runs are made of)."""
    return ch in CARRIER_CHARS


def _printable(c: str) -> bool:
    return c.isprintable() and c != "\ufffd"  # U+FFFD is where the bytes were no UTF-8


def byte_of(ch: str) -> int:
    """The byte a carrier character stands for."""
    cp = ord(ch)
    if cp >= 0xE0100:
        return cp - 0xE0100 + 16
    if cp >= 0xE0000:
        return cp - 0xE0000
    return cp - 0xFE00


def encode(data: bytes) -> str:
    """The variation selectors that carry `data` (the smuggling technique; tests use it)."""
    return "".join(chr(0xFE00 + b) if b < 16 else chr(0xE0100 + b - 16) for b in data)


def may_carry(text: str) -> bool:
    """False only if `text` holds no carrier run (a quick test before the search)."""
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    return _ASTRAL_CARRIER in data or _TWO_SELECTORS.search(data) is not None


def _runs(text: str) -> Iterator[tuple[int, int]]:
    if not may_carry(text):
        return
    for m in _RUNS.finditer(text):
        start, end = _flag_end(text, m.start(), m.end()), m.end()
        if end - start >= MIN_RUN:
            yield start, end


def _flag_end(text: str, start: int, end: int) -> int:
    """Where the carriers of the run [start, end) begin once a legitimate subdivision flag's
    tags (black flag, tag spec, cancel tag) are set aside."""
    if start == 0 or text[start - 1] != BLACK_FLAG:
        return start
    limit = min(end, start + MAX_FLAG_SPEC)
    at = start
    while at < limit and text[at] in _SPEC:
        at += 1
    if at > start and at < end and text[at] == CANCEL_TAG:
        return at + 1
    return start


def _decode(text: str, start: int, end: int, most: int) -> Piece | None:
    """text[start:end] as UTF-8, one character per sequence of bytes, at most `most` of them;
    an invalid byte reads as U+FFFD."""
    # The bytes in C: each carrier becomes the Latin-1 character of its byte.
    data = text[start:end].translate(_BYTES).encode("latin-1")
    if data.isascii():  # the common payload, English text: one byte, one character
        n = min(len(data), most)
        chars = data[:n].decode("ascii")
        return Piece(KIND, chars, range(start, start + n), range(start + 1, start + n + 1))
    # Else in C too: a byte that is no UTF-8 reads as U+FFFD, one character for that byte.
    chars, starts, ends = bytes_text(
        data, range(start, start + len(data)), range(start + 1, start + len(data) + 1)
    )
    if not chars:
        return None
    return Piece(KIND, chars[:most], starts[:most], ends[:most])


# Carrier -> the Latin-1 character of the byte it stands for (for str.translate).
_BYTES = {
    cp: chr(byte_of(chr(cp)))
    for lo, hi in ((0xFE00, 0xFE0F), (0xE0000, 0xE007F), (0xE0100, 0xE01EF))
    for cp in range(lo, hi + 1)
}
# What reads as no text in a decoded ASCII payload (ASCII controls but the usual spaces).
_ASCII_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable_count(text: str) -> int:
    """How many characters read as text (tab, newline and CR count); in C for ASCII."""
    if text.isascii():
        return len(text) - len(_ASCII_UNPRINTABLE.findall(text))
    return sum(1 for c in text if c in _TEXT_SPACE or _printable(c))


def _sequence_length(lead: int) -> int:
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1
