"""Decoders for the encodings a model reads without effort: base64, hex, percent-encoding,
code-point escapes and HTML entities (transforms.py: ROT13, reversed and letter-spaced text).

Each decoder turns the encoded runs of a text into Pieces (piece.py) that the detectors scan
like any text; a finding maps back to the encoded characters that carried it. A decoder
keeps only what reads as text (random bytes, hashes and ordinary words decode to nothing
printable and are dropped), and decodes at most `budget` characters: the caller caps the
decoded size per request.

Python's `re` runs here over client text, so every pattern is a single run of one character
class, or a fixed-width unit repeated: each is matched in time linear in the text (a failed
attempt at one position reads at most a unit's width), whatever the input.

`budget` bounds the work as well as the output: a decoder reads no more of a run than the
budget can decode, and bytes that read as no text are charged too (hex: each byte, a unit
of `re` work; base64: a run's fixed cost and a share of its bytes, decoded in C). A text
that needs more is an Overload (a filter error, decided by `on_error`), never half read.
"""

from __future__ import annotations

import binascii
import html
import re
from collections.abc import Callable, Iterable, Sequence

from safeproxy.filters import decoded_keys as keys
from safeproxy.filters.holds import Tail
from safeproxy.filters.kept import LazyIndex
from safeproxy.filters.piece import Piece
from safeproxy.filters.scanner import Overload

# (text, budget) -> the pieces the text's encoded runs decode to, at most `budget` characters.
Decode = Callable[[str, int], list[Piece]]

# Shares of a decoded text that must be printable for it to count as text whole; else only
# its readable runs of at least MIN_READABLE characters count.
PRINTABLE_SHARE = 0.9
MIN_READABLE = 8
# The shortest encoded run worth decoding (base64: 12 bytes; hex: 8 bytes).
MIN_B64 = 16
MIN_HEX_BYTES = 8


# What does not read as text: C0 controls but the usual whitespace, DEL, C1, U+FFFD.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def _printable(text: str) -> bool:
    """Whether nearly all of `text` reads as text (counted in C: decoded bytes are many)."""
    if not text:
        return False
    if text.isascii() and text.isprintable():
        return True
    return len(_UNREADABLE.findall(text)) <= (1 - PRINTABLE_SHARE) * len(text)


def bytes_text(
    data: bytes, starts: Sequence[int], ends: Sequence[int]
) -> tuple[str, Sequence[int], Sequence[int]]:
    """Bytes (byte i from original [starts[i], ends[i])) as UTF-8 text, with the original
    span of each character. A stray byte (a separator read as a pair, a cut sequence) reads
    as U+FFFD, one character for that byte, so the rest still reads."""
    text = data.decode("utf-8", "surrogateescape")
    if len(text) == len(data):
        return (text if text.isascii() else _STRAYS.sub("\ufffd", text)), starts, ends
    cs: list[int] = []
    ce: list[int] = []
    at = 0
    for ch in text:
        width = len(ch.encode("utf-8", "surrogateescape"))
        cs.append(starts[at])
        ce.append(ends[at + width - 1])
        at += width
    return _STRAYS.sub("\ufffd", text), cs, ce


_STRAYS = re.compile("[\udc80-\udcff]")


def bytes_pieces(kind: str, data: bytes, starts: Sequence[int], ends: Sequence[int]) -> list[Piece]:
    """The runs of decoded bytes that read as text, as pieces: the whole when it is UTF-8
    text; else (binary, most decoded runs of random-looking characters) its runs of printable
    ASCII, found in C, as `strings` finds them."""
    # UTF-8 or not, told without raising (an exception per binary run costs more than the
    # rest of its look): a replacement character that the bytes did not spell means not.
    text = data.decode("utf-8", "replace")
    if "\ufffd" in text and text.count("\ufffd") != data.count(b"\xef\xbf\xbd"):
        text = ""
    if text and _printable(text):
        text, cs, ce = bytes_text(data, starts, ends)
        return [Piece(kind, text, cs, ce)]
    return [
        Piece(
            kind, m.group().decode("ascii"), starts[m.start() : m.end()], ends[m.start() : m.end()]
        )
        for m in _READABLE_BYTES.finditer(data)
    ]


# Runs of what reads as text inside decoded bytes: a key in a binary blob is still a key;
# random bytes rarely hold a run this long.
_READABLE_BYTES = re.compile(rb"[\x20-\x7e\t\n\r]{%d,}" % MIN_READABLE)


# --- base64 (standard and URL-safe) -------------------------------------------------------

_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{" + str(MIN_B64) + r",}={0,2}")
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-="


def decode_base64(text: str, budget: int) -> list[Piece]:
    out: list[Piece] = []
    left = budget
    block = 0  # the end of the last private key body, whose lines are read
    for m in _B64_RUN.finditer(text):  # one class repeated: the run is found in C
        if left <= 0:
            break
        start, stop = m.span()
        if start < block:
            continue
        # Read no more of the run than `left` bytes take (4 characters per 3 bytes), and
        # one group more, so that a longer run is seen to be one.
        end = min(stop, start + 4 * (left // 3 + 2))
        run = text[start:end].rstrip("=")
        usable = len(run) - len(run) % 4
        if len(run) % 4 > 1:
            usable = len(run)  # 2 or 3 trailing characters still carry 1 or 2 bytes
        body = run[:usable].replace("-", "+").replace("_", "/")  # URL-safe (no dict look-ups)
        try:  # (base64.b64decode(validate=True) is this call behind a Python wrapper)
            data = binascii.a2b_base64(body + "=" * (-len(body) % 4), strict_mode=True)
        except (binascii.Error, ValueError):
            continue
        decoded = len(data)
        # A DER SEQUENCE or `openssh-key-v1` first: one byte compared for most runs.
        if data[:1] in (b"\x30", b"o") and keys.private_key(data):
            # A private key's body without its armour: a piece that reads as one, over
            # the whole body (decoded_keys.py).
            block, lines = keys.block_end(text, start, stop)
            out.append(Piece("base64", keys.KEY_PIECE, *_spread(start, block)))
            # Charged as its lines would be, each a run that reads as no text.
            left -= RUN_COST * lines + (block - start) * 3 // 4 // BINARY_SHARE
            if left < 0:
                raise Overload(f"base64 past {budget} decoded characters")
            continue
        data = data[:left]
        pieces = bytes_pieces("base64", data, *groups(start, stop, len(data)))
        kept = sum(len(p.text) for p in pieces)
        if decoded > left and kept >= left:
            raise Overload(f"base64 past {budget} decoded characters")
        out += pieces
        # What reads as text counts whole; bytes that read as none cost their decoding.
        left -= max(kept, RUN_COST + decoded // BINARY_SHARE)
        if left < 0 or end < stop:
            raise Overload(f"base64 past {budget} decoded characters")
    return out


def _spread(start: int, end: int) -> tuple[list[int], list[int]]:
    """Every character of a piece that stands for the whole of [start, end)."""
    n = len(keys.KEY_PIECE)
    return [start] * n, [end] * n


# Binary runs (base64, hex) are decoded in C; what a run costs is mostly its fixed Python
# work (a match, a decode call, a look for readable bytes: about 8 us), so each run that
# reads as no text is charged this many characters, plus one per BINARY_SHARE bytes: a text
# of nothing but runs stops after about 5 000 of them (a MiB holds 15 000). A lock file's
# lines (a hash and two paths in about 300 characters) cost about 34 per entry, a checksum
# list's (a SHA-256 and a name) about 12: 400 K characters of either fit.
RUN_COST = 8
BINARY_SHARE = 8


def groups(start: int, end: int, n: int, size: int = 3, width: int = 4) -> tuple[Groups, Groups]:
    """Where each of `n` decoded bytes began and ended in a run [start, end) that writes each
    `size` bytes in `width` characters (base64: 3 in 4)."""
    starts = Groups(start, end, n, size, width)
    return starts, starts.ends


class Groups(LazyIndex):
    """Where each decoded byte of a run began, computed when asked: most runs decode to
    binary, whose few readable bytes are all that is ever looked up."""

    def __init__(self, start: int, end: int, n: int, size: int, width: int, ends: bool = False):
        self._start, self._end, self._n, self._is_ends = start, end, n, ends
        self._size, self._width, self._last = size, width, (n - 1) // size

    @property
    def ends(self) -> Groups:
        return Groups(self._start, self._end, self._n, self._size, self._width, ends=True)

    def __len__(self) -> int:
        return self._n

    def _at(self, i: int) -> int:
        group, width = i // self._size, self._width
        if not self._is_ends:
            return self._start + width * group
        return self._end if group == self._last else self._start + width * group + width


def run_tail(text: str, alphabet: str, cap: int) -> int:
    """The start of the trailing run of `alphabet` (at most `cap` back), found in C."""
    window = text[-cap:]
    return len(text) - len(window) + len(window.rstrip(alphabet))


# --- hex: decoded_hex.py; its stream tail is below ---------------------------------

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_SEPS = frozenset(" :,-")


# --- percent-encoding and HTML entities (inline escapes in otherwise plain text) ----------

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")


def decode_percent(text: str, budget: int) -> list[Piece]:
    """The text with its %XX runs decoded (the rest as it is), when any decodes to text."""

    def unescape(run: str, at: int) -> Iterable[tuple[str, int, int]] | None:
        data = bytes(int(run[i + 1 : i + 3], 16) for i in range(0, len(run), 3))
        n = len(data)
        text, cs, ce = bytes_text(data, range(at, at + 3 * n, 3), range(at + 3, at + 3 * n + 3, 3))
        return zip(text, cs, ce, strict=True)

    return inline("percent", text, _PERCENT_RUN, unescape, budget)


_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|u\{[0-9A-Fa-f]{1,6}\})")


def decode_escapes(text: str, budget: int) -> list[Piece]:
    """The text with its code-point escapes decoded (\\u0041, \\U00000041, \\u{41})."""

    def unescape(ref: str, at: int) -> Iterable[tuple[str, int, int]] | None:
        cp = int(ref[2:].strip("{}"), 16)
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            return None  # no character (a surrogate half of a pair is left as written)
        return ((chr(cp), at, at + len(ref)),)

    return inline("escapes", text, _ESCAPE, unescape, budget)


def decode_entities(text: str, budget: int) -> list[Piece]:
    """The text with its HTML character references decoded."""

    def unescape(ref: str, at: int) -> Iterable[tuple[str, int, int]] | None:
        value = html.unescape(ref)
        if value == ref:
            return None  # not a reference html knows
        return ((c, at, at + len(ref)) for c in value)

    return inline("entities", text, _ENTITY, unescape, budget)


Unescape = Callable[[str, int], "Iterable[tuple[str, int, int]] | None"]


def inline(
    kind: str, text: str, pattern: re.Pattern[str], unescape: Unescape, budget: int
) -> list[Piece]:
    """The text with each match of `pattern` replaced by what `unescape` reads it as."""
    if len(text) > budget:
        text = text[:budget]
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    changed = False
    for m in pattern.finditer(text):
        decoded = unescape(m.group(), m.start())
        if decoded is None:
            continue
        chars.append(text[at : m.start()])
        starts.extend(range(at, m.start()))
        ends.extend(range(at + 1, m.start() + 1))
        for c, s, e in decoded:
            chars.append(c)
            starts.append(s)
            ends.append(e)
        at = m.end()
        changed = True
    if not changed:
        return []
    chars.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return [Piece(kind, "".join(chars), starts, ends)]


# --- stream tails: where a run at the end of a stream could still be growing --------

# Streams: how far back an encoded run still growing at the end is held, at most.
TAIL_CAP = 1024


def b64_tail(text: str) -> int:
    return run_tail(text, _B64_ALPHABET, TAIL_CAP)


def hex_tail(text: str) -> int:
    """Back over hex pairs (each perhaps prefixed, perhaps followed by one separator) and a
    half pair: digits in prose ("1-2 3-4") are not pairs, and go out at once."""
    floor = max(0, len(text) - TAIL_CAP)
    i = len(text)
    if i > floor and text[i - 1] in _HEX_SEPS:
        i -= 1
    start = i
    if i > floor and text[i - 1] in _HEX_DIGITS and (i < 2 or text[i - 2] not in _HEX_DIGITS):
        i -= 1  # half a pair
        start = i
        if i > floor and text[i - 1] in _HEX_SEPS:
            i -= 1
    while i - 2 >= floor and text[i - 1] in _HEX_DIGITS and text[i - 2] in _HEX_DIGITS:
        i -= 2
        if i - 2 >= floor and text[i - 2 : i] in ("\\x", "0x", "0X"):
            i -= 2
        start = i
        if i > floor and text[i - 1] in _HEX_SEPS:
            i -= 1
    return start


def percent_tail(text: str) -> int:
    """A `%` with at most one hex digit after it ends the text: `%XX` may be arriving."""
    cut = text.rfind("%", max(0, len(text) - 2))
    return cut if cut >= 0 and not text[cut + 1 :].strip(_HEX_CHARS) else len(text)


def entity_tail(text: str) -> int:
    """An `&` with only what a reference holds after it (no `;` yet) ends the text."""
    at = text.rfind("&", max(0, len(text) - 40))
    return at if at >= 0 and not text[at + 1 :].strip(_ENTITY_CHARS) else len(text)


def escape_tail(text: str) -> int:
    """A backslash with only what an escape holds after it ends the text."""
    at = text.rfind("\\", max(0, len(text) - 12))
    return at if at >= 0 and not text[at + 1 :].strip(_ESCAPE_CHARS) else len(text)


def no_tail(text: str) -> int:
    return len(text)


def token_tail(text: str) -> int:
    """A reversed value grows at its start, which comes last: hold the last word."""
    floor = max(0, len(text) - 64)
    return max(floor, text.rfind(" ") + 1, text.rfind("\n") + 1, text.rfind("\t") + 1)


# The tails as a stream asks them, with what each can reach back over (holds.earliest).
_HEX_CHARS = "0123456789abcdefABCDEF"
_ENTITY_CHARS = "#0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ESCAPE_CHARS = "uU{}" + _HEX_CHARS
B64_TAIL = Tail(b64_tail, bound=_B64_ALPHABET)
HEX_TAIL = Tail(hex_tail, bound=[*_HEX_DIGITS, *_HEX_SEPS, "\\", "x", "X"])
PERCENT_TAIL = Tail(percent_tail, bound="%" + _HEX_CHARS)
ENTITY_TAIL = Tail(entity_tail, bound="&" + _ENTITY_CHARS)
ESCAPE_TAIL = Tail(escape_tail, bound="\\" + _ESCAPE_CHARS)
TOKEN_TAIL = Tail(token_tail, stops=" \n\t")
