"""Strings split into pieces that the model is asked to join: `'ign' + 'ore all prev' +
'ious instructions'`, `"sk-" "proj-..."` (implicit concatenation), PHP's `'a'.'b'`, SQL's
`'a' || 'b'`, Lua's `..`, Excel's `&`, and lists joined by a call (`['ig', 'nore'].join('')`,
`''.join([...])`, `concat('pass', 'word')`). A model reads the joined text; so do the
filters: each chain of two or more string literals becomes a piece that reads as the
literals' contents run together, after a few characters of the text before it (a rule that
needs a context word, "password =", finds it there). Every character of the joined text
stands for the whole expression, so a finding in it cuts the expression whole.

Operands that are not literals (`"Hello, " + name + "!"`, `path + "/" + file`) end a chain:
ordinary code that builds strings from variables makes no piece, and a chain of literals
alone reads as its words did, run together. A chain that joins to fewer than MIN_JOINED
characters is dropped: no rule finds a value that short.

Python's `re` runs here over client text: a literal is one class repeated at most
_LONGEST times between two quotes, gaps are bounded runs of blanks, and a chain holds at
most _PARTS literals, so a failed attempt at one position reads a bounded stretch.
"""

from __future__ import annotations

import re

from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece

KIND = "concat"
# Characters of the original before a chain that are scanned with it.
CONTEXT = 32
# Chains that join to fewer characters make no piece.
MIN_JOINED = 8
# What a chain costs the budget at least (its match and its piece).
CHAIN_COST = 8

_LONGEST = 256
_PARTS = 48
# A literal in any of the quotes code and prose use (curly quotes: a model reads them too).
_LITERAL = (
    rf"'[^'\n]{{0,{_LONGEST}}}'"
    rf'|"[^"\n]{{0,{_LONGEST}}}"'
    rf"|`[^`\n]{{0,{_LONGEST}}}`"
    rf"|\u201c[^\u201c\u201d\n]{{0,{_LONGEST}}}\u201d"
    rf"|\u2018[^\u2018\u2019\n]{{0,{_LONGEST}}}\u2019"
)
# Operators that join strings: + (most languages), . (PHP), .. (Lua), || (SQL), & (VB,
# spreadsheets), or none at all (implicit concatenation: C, Python), a line break allowed.
_JOIN = r"[ \t]{0,8}(?:\+|\.\.?|\|\||&)?[ \t]{0,8}(?:\r?\n[ \t]{0,16})?"
_CHAIN = re.compile(rf"(?:{_LITERAL})(?:{_JOIN}(?:{_LITERAL})){{1,{_PARTS}}}")
# Lists joined by a call: the same literals apart by commas.
_LIST = re.compile(
    rf"(?:{_LITERAL})(?:[ \t]{{0,8}},[ \t]{{0,8}}(?:\r?\n[ \t]{{0,16}})?(?:{_LITERAL})){{1,{_PARTS}}}"
)
# A list is joined when a joining call opens before it or `.join(` follows it.
_CALL_BEFORE = re.compile(
    r"(?:\bjoin|\bconcat(?:_ws)?|\bstrcat|\bimplode|\bString\.Join|\bcat)"
    r"[ \t]*\([ \t]*(?:(?:'[^'\n]{0,8}'|\"[^\"\n]{0,8}\")[ \t]*,[ \t]*)?[\[({]?[ \t]*$",
    re.IGNORECASE,
)
_JOIN_AFTER = re.compile(r"^[ \t]*[\])}]?[ \t]*\.[ \t]*join[ \t]*\(")
_QUOTES = "'\"`\u201c\u201d\u2018\u2019"

# Hyperscan gates over the raw text (caseless). Operators: a closing quote, an operator, an
# opening quote. Implicit joins: two quotes of a kind apart by blanks (an empty literal
# `''` opens it too; the decoder then finds no chain of two).
_CLOSE = "['\"`\\x{201d}\\x{2019}]"
_OPEN = "['\"`\\x{201c}\\x{2018}]"
GATE = (
    rf"{_CLOSE}[ \t]*(?:\+|\.|\|\||&)\s*{_OPEN}"
    r"|'[ \t]*\r?\n?[ \t]*'|\"[ \t]*\r?\n?[ \t]*\"|`[ \t]*\r?\n?[ \t]*`"
)
ASCII_GATE = r"['\"`][ \t]*(?:\+|\.|\|\||&)\s*['\"`]|'\s{0,24}'|\"\s{0,24}\"|`\s{0,24}`"
LIST_GATE = (
    r"(?:join|concat|strcat|implode|\bcat)[ \t]*\([^)\n]{0,24}['\"`]"
    r"|['\"`][ \t]*[\])}]?[ \t]*\.[ \t]*join[ \t]*\("
)


def decode_concat(text: str, budget: int) -> list[Piece]:
    """Chains of literals joined by operators or written side by side, read joined."""
    return _decode(text, budget, _CHAIN, listed=False)


def decode_joined_lists(text: str, budget: int) -> list[Piece]:
    """Lists of literals joined by a call, read joined."""
    return _decode(text, budget, _LIST, listed=True)


def _decode(text: str, budget: int, chain: re.Pattern[str], *, listed: bool) -> list[Piece]:
    out: list[Piece] = []
    left = budget
    for m in chain.finditer(text):
        if left <= 0:
            break
        start, end = m.span()
        left -= CHAIN_COST
        if listed and not (
            _CALL_BEFORE.search(text, max(0, start - 40), start)
            or _JOIN_AFTER.match(text[end : end + 24])
        ):
            continue
        joined = "".join(lit.group()[1:-1] for lit in _LITERALS.finditer(m.group()))
        if len(joined) < MIN_JOINED:
            continue
        lead = max(0, start - CONTEXT)
        n = len(joined)
        out.append(
            Piece(
                KIND,
                text[lead:start] + joined,
                [*range(lead, start), *([start] * n)],
                [*range(lead + 1, start + 1), *([end] * n)],
            )
        )
        left -= n
    return out


_LITERALS = re.compile(_LITERAL)


# --- streams: a chain at the end may still be growing ---------------------------------

# How far back a trailing chain is held, at most.
TAIL_CAP = 1024
_OPERATOR_CHARS = "+.|&, \t\r\n"


def concat_tail(text: str) -> int:
    """Where a chain at the end of a stream could still be growing: back over the literals
    and operators that end the text, and a literal still open (its closing quote not yet
    come, no line break since). An apostrophe inside a word opens no literal, and a text
    whose last quote is further back than a literal reaches goes out."""
    n = len(text)
    floor = max(0, n - TAIL_CAP)
    near = max(floor, n - _LONGEST - 2)
    q = max(text.rfind(c, near) for c in _QUOTES)  # (in C: prose holds no quote mostly)
    if q < 0:
        return n
    if not text[q + 1 :].strip(_OPERATOR_CHARS):
        j = q + 1  # the quote closes a literal (or opens one just begun): back from it
    elif "\n" in text[q:] or (q > 0 and text[q - 1].isalnum()):
        return n
    else:
        j = q  # an open literal: back from its opening quote
    start = q
    for _ in range(_PARTS):
        k = j
        while k > floor and text[k - 1] in _OPERATOR_CHARS:
            k -= 1
        if k <= floor or text[k - 1] not in _QUOTES:
            break
        close = text[k - 1]
        o = text.rfind(_PAIRS.get(close, close), max(floor, k - _LONGEST - 2), k - 1)
        if o < 0 or "\n" in text[o:k]:
            break
        start = min(start, o)
        j = o
    return start


_PAIRS = {"\u201d": "\u201c", "\u2019": "\u2018"}
CONCAT_TAIL = Tail(concat_tail)
