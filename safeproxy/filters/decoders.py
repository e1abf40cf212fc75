"""The decoders a policy can turn on (policy `views.decoders`), each with its gate and its
stream tail."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from safeproxy.filters import carriers, concat, flipped, numwords
from safeproxy.filters import decoded as d
from safeproxy.filters import decoded_digitlike as digitlike
from safeproxy.filters import decoded_hex as hexes
from safeproxy.filters import decoded_morse as morse
from safeproxy.filters import decoded_qp as qp
from safeproxy.filters import decoded_radix as radix
from safeproxy.filters import transforms as t
from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece


class Decoder(NamedTuple):
    """`gate` is a Hyperscan pattern over the raw text (caseless): where it does not match,
    `decode` cannot produce anything, so ordinary text pays one shared scan and no more.
    `tail(text)` is where, in a stream, an encoded run at the end could still grow.
    `ascii`: whether the gate can match ASCII text at all (one gate database serves it);
    `ascii_gate`: a cheaper gate for ASCII text, where the decoder needs one.
    `input_only`: the view is built for the input stage alone (`stages`). The output stage
    (a reply, whole or streamed) reads without it, so its `tail` never holds a stream back:
    a view whose tail may hold a reply for long (the concat view holds from every quote still
    open) is worth its cost only on what a model is asked to read."""

    kind: str
    gate: str
    decode: d.Decode
    tail: Callable[[str], int]
    ascii: bool = True
    ascii_gate: str | None = None
    input_only: bool = False

    def reads(self, stage: str) -> bool:
        """Whether a stage (`input` or `output`) reads this view."""
        return stage == "input" or not self.input_only


_SPACED_GATE = r"\S[ \t]{1,3}\S[ \t]{1,3}\S[ \t]{1,3}\S[ \t]{1,3}\S"
# Blocks of pictographs, dingbats, arrows and shapes (and the joiner and emoji selector):
# no letter among them (tests check it), and emoji text is full of them between blanks.
NO_LETTERS = (
    (0x200D, 0x200D), (0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x27BF),
    (0x2900, 0x297F), (0x2B00, 0x2BFF), (0xFE0F, 0xFE0F), (0x1F000, 0x1FAFF),
)  # fmt: skip
# Every character Python's `re` counts as whitespace (Hyperscan's \s is ASCII's alone).
_SPACE = (
    r"[\s\x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
)


def _spaced_gate_wide() -> str:
    """The letter-spaced gate for text outside ASCII: five single characters apart by blanks,
    one of which may be a letter. The decoder keeps a run only with three letters, and any
    letter of a run lies in some five of it between blanks (or its ends), so the gate misses
    no run it keeps, while a line of emoji between blanks opens it no more."""
    maybe_letter = "[^\\s" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in NO_LETTERS) + "]"
    alternatives = []
    for k in range(5):
        cells = [maybe_letter if i == k else r"\S" for i in range(5)]
        alternatives.append(r"[ \t]{1,3}".join(cells))
    return rf"(?:^|{_SPACE})(?:{'|'.join(alternatives)})(?:{_SPACE}|$)"


_PUNCT = r"[.*_|,/\\~+\-]"
_B64_GATE = r"[a-z0-9+/_\-]{" + str(d.MIN_B64) + "}"
# Characters of the original before a number-words piece that are scanned with it: rules
# that need a context word ("SSN", "call") find it there.
NUMWORDS_CONTEXT = 32


def builtin_decoders() -> tuple[Decoder, ...]:
    return (
        Decoder("base64", _B64_GATE, d.decode_base64, d.B64_TAIL),
        Decoder(
            "hex",
            # Eight units (decoded.MIN_HEX_BYTES) in the ways runs are written: pairs run
            # together, each after a separator, or each with a prefix. (Seven prefixed units
            # opened it once, and every one of a megabyte of them made decode_hex try a run.)
            r"[0-9a-f]{16}|(?:(?:\\x|0x)?[0-9a-f]{2}[ :,\-]){7}[0-9a-f]{2}"
            r"|(?:(?:\\x|0x)[0-9a-f]{2}[ :,\-]?){8}",
            hexes.decode_hex,
            d.HEX_TAIL,
        ),
        Decoder("binary", radix.BITS_GATE, radix.decode_binary, radix.BITS_TAIL),
        # Base32's runs are runs of base64's alphabet: the same gate costs the scan nothing
        # more (a gate of its own, 1.2 us per 4 KB of prose).
        Decoder("base32", _B64_GATE, radix.decode_base32, radix.B32_TAIL),
        Decoder("morse", morse.GATE, morse.decode_morse, morse.MORSE_TAIL),
        Decoder("percent", r"%[0-9a-f]{2}", d.decode_percent, d.PERCENT_TAIL),
        Decoder("qp", qp.GATE, qp.decode_quoted_printable, qp.QP_TAIL),
        Decoder("escapes", r"\\u\{?[0-9a-f]{4}", d.decode_escapes, d.ESCAPE_TAIL),
        Decoder("entities", r"&(?:#[0-9x]|[a-z][a-z0-9]{1,31};)", d.decode_entities, d.ENTITY_TAIL),
        Decoder(
            "rot13",
            r"\b(?:gur|naq|lbh|lbhe|nyy|vtaber|cerivbhf|vafgehpgvbaf|flfgrz|cebzcg|cnffjbeq"
            r"|frperg|erirny|ehyrf)\b",
            t.decode_rot13,
            d.no_tail,
        ),
        Decoder(
            "reversed",
            r"\b(?:eht|dna|uoy|ruoy|lla|erongi|suoiverp|snoitcurtsni|metsys|tpmorp|drowssap"
            r"|terces|laever|selur)\b|\b(?:moc|gro|ten|ude|vog|oi|ed|ku|rf)\.[a-z0-9.\-]+@",
            t.decode_reversed,
            d.TOKEN_TAIL,
        ),
        # Upside-down text is reversed too: it grows at its start, which comes last.
        Decoder("flipped", flipped.GATE, flipped.decode_flipped, d.TOKEN_TAIL, ascii=False),
        # Letter-spaced text, one decoder per kind of gap: each `re` search reads the whole
        # text, so it runs only where its own gate matched (a megabyte of "a.b." costs no
        # search for blanks). One tail holds both kinds.
        Decoder(
            "spaced",
            _spaced_gate_wide(),
            t.decode_blank_spaced,
            t.spaced_tail,
            ascii_gate=r"(?:^|\s)" + _SPACED_GATE + r"(?:\s|$)",
        ),
        Decoder("spaced", r"\w" + (_PUNCT + r"\w") * 4, t.decode_punct_spaced, d.no_tail),
        # Syllables apart by hyphens ("ig-nore all pre-vious in-struc-tions"): words split
        # inside, as letter-spaced text is split at every letter.
        Decoder(
            "spaced",
            t.HYPHENATED_GATE,
            t.decode_hyphenated,
            d.no_tail,
            ascii_gate=t.HYPHENATED_ASCII_GATE,
        ),
        Decoder(
            "numwords",
            numwords.GATE,
            decode_numwords_in_context,
            numwords_tail,
            ascii_gate=numwords.GATE_ASCII,
        ),
        Decoder("carriers", carriers.GATE, carriers.decode_carriers, _CARRIER_TAIL, ascii=False),
        # Numbers written with O for 0, l and I for 1 ("4lll-llll-llll-llll").
        Decoder(
            "digitlike",
            digitlike.GATE,
            digitlike.decode_digitlike,
            digitlike.DIGITLIKE_TAIL,
        ),
        # Strings split into literals the model is asked to join ('ign' + 'ore', "a" "b",
        # 'a'.'b', 'a' || 'b'), and lists of them joined by a call. Input only: on a streamed
        # reply its tail would hold from every open quote until it closes (up to 1 KB).
        Decoder(
            "concat",
            concat.GATE,
            concat.decode_strings,
            concat.CONCAT_TAIL,
            ascii_gate=concat.ASCII_GATE,
            input_only=True,
        ),
    )


def decode_numwords_in_context(text: str, budget: int) -> list[Piece]:
    """Number-word pieces, each with the original's few characters before it; a text the
    budget cannot read to its end is an Overload."""
    out: list[Piece] = []
    for p in numwords.decode_numwords(text, budget, whole=True):
        first = min(p.starts)
        lead = max(0, first - NUMWORDS_CONTEXT)
        out.append(
            Piece(
                p.kind,
                text[lead:first] + p.text,
                [*range(lead, first), *p.starts],
                [*range(lead + 1, first + 1), *p.ends],
            )
        )
    return out


# Streams hold a trailing run of number words back at most this far.
_NUMWORDS_TAIL = 256
_BREAKS = "".join(sorted(numwords.BREAK_CHARS))
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def numwords_tail(text: str) -> int:
    """Back over number words, numerals and the gaps between them; and a last word that may
    be the start of one (its letters still arriving)."""
    floor = max(0, len(text) - _NUMWORDS_TAIL)
    i = len(text)
    # The common case in C: the last word is no number word, nor the start of one.
    last = text[floor:].rstrip(_BREAKS)
    word = last[len(last.rstrip(_ALNUM)) :].lower()
    if word and word.isascii() and word not in numwords.PREFIXES:
        return i
    start = i
    first = True
    while i > floor:
        j = i
        while j > floor and text[j - 1] in numwords.BREAK_CHARS:
            j -= 1
        k = j
        while k > floor and text[k - 1].isalnum():
            k -= 1
        token = text[k:j].lower()
        if not token:
            break
        if not (
            (token.isdigit() and not first)  # numerals only between words: "1-2 3-4" goes out
            or token in numwords.READ
            or token in numwords.CONNECTIVES
            or (first and j == len(text) and token in numwords.PREFIXES)
        ):
            break
        start = k
        first = False
        i = k
    return start


def carrier_tail(text: str) -> int:
    """Back over a trailing run of variation selectors and tag characters."""
    i = len(text)
    if not i or text[-1] not in carriers.CARRIER_CHARS:  # (every event of a stream asks)
        return i
    floor = max(0, i - d.TAIL_CAP)
    while i > floor and carriers.is_carrier(text[i - 1]):
        i -= 1
    return i


_CARRIER_TAIL = Tail(carrier_tail, bound=carriers.CARRIER_CHARS)
