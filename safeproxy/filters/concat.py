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

The view reads the input stage only (decoders.Decoder.input_only): its tail would hold a
streamed reply from every quote still open until it closes, so replies go without it.
`concat_tail` stays the decoder's tail, for any stream a stage reading the view scans.

Python's `re` runs here over client text: a literal is one class repeated at most
_LONGEST times between two quotes, gaps are bounded runs of blanks, and a chain holds at
most _PARTS literals, so a failed attempt at one position reads a bounded stretch.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

import hyperscan

from safeproxy.filters.holds import Tail
from safeproxy.filters.piece import Piece
from safeproxy.filters.projection import project
from safeproxy.filters.scanner import Overload
from safeproxy.filters.scratches import Scratches

KIND = "concat"
# Characters of the original before a chain that are scanned with it.
CONTEXT = 32
# Chains that join to fewer characters make no piece.
MIN_JOINED = 8
# What a chain costs the budget at least (its match and its piece).
CHAIN_COST = 8

_LONGEST = 256
_PARTS = 48


def _literal(least: int, most: int) -> str:
    """A literal in any of the quotes code and prose use (curly ones: a model reads them)."""
    n = f"{{{least},{most}}}"
    return (
        f"'[^'\\n]{n}'"
        f'|"[^"\\n]{n}"'
        f"|`[^`\\n]{n}`"
        f"|\u201c[^\u201c\u201d\\n]{n}\u201d"
        f"|\u2018[^\u2018\u2019\\n]{n}\u2019"
    )


# Literals with something in them; an empty one counts only after an operator or a comma
# ('ign' + '' + 'ore'), so that triple quotes (Python's docstrings) and CSV's doubled
# quotes are no chains. (Side by side, the joint's scan below asks the same: a quote after
# something that is no quote nor an opener, and before something that is no quote nor a
# closer: `x = ""`, `f("")`, `"", ` are no joints.)
_FULL = _literal(1, _LONGEST)
_EMPTY = _literal(0, 0)
_BREAK = r"(?:\r?\n[ \t]{0,16})?"
# Operators that join strings: + (most languages), . (PHP), .. (Lua), || (SQL), & (VB,
# spreadsheets), a line break allowed on either side; or none at all, blanks alone
# (implicit concatenation: C, Python).
_OPERATOR = rf"[ \t]{{0,8}}{_BREAK}(?:\+|\.\.?|\|\||&)[ \t]{{0,8}}{_BREAK}"
_BESIDE = rf"[ \t]{{0,8}}{_BREAK}"
_CHAIN = re.compile(
    rf"(?:{_FULL})(?:{_OPERATOR}(?:{_FULL}|{_EMPTY})|{_BESIDE}(?:{_FULL})){{1,{_PARTS}}}"
)
# Lists of literals joined by a call: `[...].join(`, or a joining call's arguments (after
# a short separator literal, for concat_ws and implode), the list in brackets or not.
_COMMA = rf"[ \t]{{0,8}},[ \t]{{0,8}}{_BREAK}"
_LIST = rf"(?:{_FULL}|{_EMPTY})(?:{_COMMA}(?:{_FULL}|{_EMPTY})){{1,{_PARTS}}}"
_SEPARATOR = _literal(0, 8)
# A list in brackets joined after it (JavaScript, Python's ''.join's argument), matched
# from its bracket; or a joining call's arguments, matched from the call's name.
_BRACKET_LIST = re.compile(
    rf"\[[ \t]*{_BREAK}(?P<list>{_LIST})[ \t]*,?[ \t]*{_BREAK}\][ \t]*\.[ \t]*join[ \t]*\("
    rf"|\[[ \t]*{_BREAK}(?P<args>{_LIST})[ \t]*,?[ \t]*{_BREAK}\][ \t]*\)",
    re.IGNORECASE,
)
_CALL_LIST = re.compile(
    rf"(?:(?:concat_ws|implode)[ \t]*\([ \t]*(?:{_SEPARATOR})[ \t]*,"
    rf"|(?:join|concat|strcat|cat)[ \t]*\()"
    rf"[ \t]*[\[({{]?[ \t]*{_BREAK}(?P<list>{_LIST})"
    r"(?:[ \t]*,?[ \t]*[\])}]){0,2}",
    re.IGNORECASE,
)
_QUOTES = "'\"`\u201c\u201d\u2018\u2019"
_CLOSERS = "'\"`\u201d\u2019"
_PAIRS = {"\u201d": "\u201c", "\u2019": "\u2018"}

# The Hyperscan gate over the raw text (caseless): a closing quote, blanks, operator
# characters or commas, an opening quote. Every joint the decoder looks for (below) is one,
# and every list of two literals or more holds one. (An empty literal, or a JSON list,
# opens it too: the decoder's own scans then find no joint nor joining call there. Other
# gates, alternatives for operators and for literals side by side or for the calls' names,
# cost ASCII prose several times more: one class of quotes first is all it pays for.)
_CLOSE = "['\"`\\x{201d}\\x{2019}]"
_OPEN = "['\"`\\x{201c}\\x{2018}]"
GATE = rf"{_CLOSE}[\s+.|&,]*{_OPEN}"
ASCII_GATE = r"['\"`][\s+.|&,]*['\"`]"

# Where the decoder looks: Hyperscan finds the joints (a closing quote, an operator or
# blanks, an opening quote), then the joining calls, each in a pass over the text's projection
# (projection.py: one byte per character, every curly quote its lead byte \xe2, checked
# again in Python); Python's `re` reads only from there. Each place found costs the budget
# one character, each chain read CHAIN_COST more: a text of more than the budget reads is an
# Overload, never read in part.
_Q = "['\"`\\xe2]"
_GAP = r"[ \t]*(?:\r?\n[ \t]*)?"
_JOINTS = (
    rf"{_Q}{_GAP}(?:\+|\.\.?|\|\||&){_GAP}{_Q}",
    rf"[^'\n(\[{{,=:]'{_GAP}'[^'\r\n)\]}},;:]",
    rf"[^\"\n(\[{{,=:]\"{_GAP}\"[^\"\r\n)\]}},;:]",
    rf"[^`\n(\[{{,=:]`{_GAP}`[^`\r\n)\]}},;:]",
    rf"\xe2{_GAP}\xe2",
)
_CALLS = (
    r"\][ \t]*\.[ \t]*join[ \t]*\(",
    r"(?:join|concat(?:_ws)?|strcat|implode|cat)[ \t]*\(",
)
# How far back a bracket's list is looked for from its `.join(`.
_LIST_BACK = 4096


class _Places:
    """A Hyperscan database of places, scanned for their starts (compiled on first use)."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._patterns = patterns
        self._db: hyperscan.Database | None = None
        self._scratches = Scratches()

    def scan(self, text: str, on_match: Callable[..., bool | None]) -> None:
        if self._db is None:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            flags = int(hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SOM_LEFTMOST)
            db.compile(
                expressions=[p.encode("latin-1") for p in self._patterns],
                ids=list(range(len(self._patterns))),
                elements=len(self._patterns),
                flags=[flags] * len(self._patterns),
            )
            self._db = db
        data = text.encode("utf-8", "surrogatepass")
        if not text.isascii():
            data = project(data)
        with contextlib.suppress(hyperscan.ScanTerminated):  # (the budget spent)
            self._scratches.scan(self._db, data, on_match)


_JOINT_PLACES = _Places(_JOINTS)
_CALL_PLACES = _Places(_CALLS)


def decode_strings(text: str, budget: int) -> list[Piece]:
    """Chains of literals, and lists of literals joined by a call, read joined."""
    out = decode_concat(text, budget)
    return out + decode_joined_lists(text, budget - sum(len(p.text) for p in out))


def decode_concat(text: str, budget: int) -> list[Piece]:
    """Chains of literals joined by operators or written side by side, read joined."""
    out: list[Piece] = []
    left = [budget]
    resume = [0]

    def on_match(_id: int, start: int, _end: int, _flags: int, _ctx: object) -> bool | None:
        left[0] -= 1
        if left[0] <= 0:
            return True
        if start < resume[0]:
            return None  # a joint of a chain already read
        q = start if text[start] in _QUOTES else start + 1
        close = text[q]
        if close not in _CLOSERS:
            return None
        o = text.rfind(_PAIRS.get(close, close), max(0, q - _LONGEST - 1), q)
        if o < 0:
            return None
        left[0] -= CHAIN_COST
        m = _CHAIN.match(text, o)
        if m is None or m.end() <= q + 1:
            return None
        resume[0] = m.end()
        left[0] -= _add(out, text, m.start(), m.end(), m.group())
        return None

    _JOINT_PLACES.scan(text, on_match)
    if left[0] <= 0:
        raise Overload(f"concat past {budget} decoded characters")
    return out


def decode_joined_lists(text: str, budget: int) -> list[Piece]:
    """Lists of literals joined by a call, read joined."""
    out: list[Piece] = []
    left = [budget]
    resume = [0]

    def on_match(kind: int, start: int, end: int, _flags: int, _ctx: object) -> bool | None:
        left[0] -= 1
        if left[0] <= 0:
            return True
        if start < resume[0]:
            return None
        if kind == 0:
            o = text.rfind("[", max(resume[0], start - _LIST_BACK), start)
            if o < 0:
                return None
            left[0] -= CHAIN_COST + (start - o) // 16
            m = _BRACKET_LIST.match(text, o)
            if m is None or m.end() < end:
                return None
        else:
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                return None  # the end of another word ("bobcat(")
            left[0] -= CHAIN_COST
            m = _CALL_LIST.match(text, start)
            if m is None:
                return None
        resume[0] = m.end()
        left[0] -= _add(out, text, m.start(), m.end(), m.group("list") or m.group("args"))
        return None

    _CALL_PLACES.scan(text, on_match)
    if left[0] <= 0:
        raise Overload(f"concat past {budget} decoded characters")
    return out


def _add(out: list[Piece], text: str, start: int, end: int, body: str) -> int:
    """The literals of `body` joined, after the text before `start`, as a piece whose joined
    characters each stand for [start, end); how many characters were joined."""
    joined = "".join(lit.group()[1:-1] for lit in _LITERALS.finditer(body))
    if len(joined) < MIN_JOINED:
        return 0
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
    return n


_LITERALS = re.compile(_literal(0, _LONGEST))


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


CONCAT_TAIL = Tail(concat_tail)
