"""Hold functions for streams: how far back a rule's match could still be growing at a text's end.

A rule with an alphabet holds its trailing run of that alphabet; a rule with its own hold
function uses it; any other rule holds its longest match - 1. Both are capped at that bound.

A stream asks every hold on every event, so each hold also says what it can hold (its
`chars`: the only characters from its answer to the end; its `stops`: characters it never
reaches back over). Once the holds asked so far answer `m`, another can answer earlier only
by holding the character before `m` and all after it: if any of those is outside its
`chars`, or that character is one of its stops, it is not asked (`earliest`). In prose the
first hold answers the start of the last word, and the space before it, or a letter of that
word, rules out most of the others.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from safeproxy.filters.rules import Rule


@dataclass(frozen=True, slots=True)
class TrailingRun:
    """A rule's own hold: the trailing run of an alphabet (a key-and-value rule holds only
    its value's run; the key may flow, and the stream's context still shows it)."""

    alphabet: str

    def __call__(self, norm: str) -> int:
        return len(norm.rstrip(self.alphabet))


@dataclass(frozen=True, slots=True)
class AfterLast:
    """A rule's own hold: everything after the last of some stop characters (a value that
    runs to the next space or quote)."""

    stops: str

    def __call__(self, norm: str) -> int:
        return max(map(norm.rfind, self.stops)) + 1


# A secret's value runs to the next whitespace (always " " in the normalised view), quote or
# joiner between pieces.
VALUE_RUN = AfterLast(" \"'\x00")


class PartialLiteral:
    """How much of a literal's beginning ends a text (a keyword still arriving)."""

    __slots__ = ("prefixes",)

    def __init__(self, literal: str) -> None:
        # Longest first; one `endswith` over all of them answers the common case in C (a
        # caller asked on every event of a stream makes that test itself, without a call).
        self.prefixes = tuple(literal[:k] for k in range(len(literal) - 1, 0, -1))

    def length(self, norm: str) -> int:
        if not self.prefixes or not norm.endswith(self.prefixes):
            return 0
        return next(len(p) for p in self.prefixes if norm.endswith(p))


class AlphabetHold:
    """The trailing run of an alphabet, at most max_len - 1 back."""

    __slots__ = ("bound", "chars", "fn", "max_len", "stops")

    def __init__(self, alphabet: str, max_len: int) -> None:
        self.chars: str | None = alphabet
        self.bound: frozenset[str] | None = frozenset(alphabet)
        self.fn: Callable[[str], int] | None = None  # (the run, computed in place)
        self.max_len = max_len
        self.stops: frozenset[str] | None = None

    @property
    def alphabet(self) -> str:
        assert self.chars is not None
        return self.chars

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, len(norm.rstrip(self.alphabet)))


class CustomHold:
    __slots__ = ("bound", "chars", "fn", "max_len", "stops")

    def __init__(self, hold: Callable[[str], int], max_len: int) -> None:
        self.fn: Callable[[str], int] | None = hold
        self.max_len = max_len
        self.chars: str | None = None
        self.bound: frozenset[str] | None = None
        self.stops = frozenset(hold.stops) if isinstance(hold, AfterLast) else None

    @property
    def hold(self) -> Callable[[str], int]:
        assert self.fn is not None
        return self.fn

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, self.hold(norm))


def _nothing_of_its_own(norm: str) -> int:
    return 0


class FixedHold:
    """A rule with neither alphabet nor hold function: its longest match - 1, over anything."""

    __slots__ = ("bound", "chars", "fn", "max_len", "stops")

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len
        # Nothing of its own: the cap alone answers.
        self.fn: Callable[[str], int] | None = _nothing_of_its_own
        self.chars: str | None = None
        self.bound: frozenset[str] | None = None
        self.stops: frozenset[str] | None = None

    def __call__(self, norm: str) -> int:
        return max(0, len(norm) - self.max_len + 1)


class Tail:
    """Any hold function with what it may reach back over, when that is known: `bound`, the
    only characters its held text can hold (from its answer to the end); `stops`, characters
    it never reaches back over."""

    __slots__ = ("bound", "chars", "fn", "max_len", "stops")

    def __init__(
        self,
        hold: Callable[[str], int],
        *,
        bound: Iterable[str] | None = None,
        stops: Iterable[str] | None = None,
    ) -> None:
        self.fn: Callable[[str], int] | None = hold
        self.bound = None if bound is None else frozenset(bound)
        self.chars = None if self.bound is None else "".join(sorted(self.bound))
        self.stops = None if stops is None else frozenset(stops)
        self.max_len = 0  # (no cap of its own)

    @property
    def hold(self) -> Callable[[str], int]:
        assert self.fn is not None
        return self.fn

    def __call__(self, norm: str) -> int:
        return self.hold(norm)


class Named:
    """A rule's own hold that only a name can open (a document's "passport no.", a wallet's
    "seed phrase", a cloud key id's prefix): where no name ends in the last `reach`
    characters, and the text ends in none of `ends` (a name still arriving), `hold` answers
    the trailing run of `otherwise` ("": nothing), at most `otherwise_len` - 1 characters
    back (0: the rule's longest match), and a stream does not ask it.

    `names` is an ASCII Hyperscan expression that matches, caselessly, at least every name
    `hold` looks for, and that reports every such name's end (hold_names.py scans them all
    at once). No `$`: the engine can miss a match at the end of the data in a small
    database; what ends the text is `ends`, tested in Python."""

    __slots__ = ("ends", "hold", "names", "otherwise", "otherwise_len", "reach")

    def __init__(
        self,
        hold: Callable[[str], int],
        names: str,
        reach: int,
        otherwise: str,
        otherwise_len: int = 0,
        ends: tuple[str, ...] = (),
    ) -> None:
        if not names.isascii() or "$" in names.replace("\\$", ""):
            raise ValueError(f"a hold's names must be ASCII, without $: {names!r}")
        self.hold = hold
        self.names = names
        self.reach = reach
        self.otherwise = otherwise
        self.otherwise_len = otherwise_len
        self.ends = ends

    def __call__(self, norm: str) -> int:
        return self.hold(norm)


Hold = AlphabetHold | CustomHold | FixedHold | Tail


def as_hold(hold: Callable[[str], int]) -> Hold:
    """A hold function as a Hold: asked every time unless it declared its bounds (Tail)."""
    return hold if isinstance(hold, Tail) else Tail(hold)


def hold_functions(rules: Sequence[Rule], opened: Collection[Named] | None = None) -> list[Hold]:
    """As few hold functions as give the same (or an earlier, safer) answer for every rule.

    `opened`: the named holds whose names are within their reach (None: all of them); the
    others answer their `otherwise` run, and join the alphabets.

    An alphabet inside another one merges into it, with the longer of the two longest
    matches: its trailing run can only be longer. A rule's own trailing-run hold is an
    alphabet hold over its value's alphabet, and merges the same way. Rules sharing a hold
    function share it. The widest alphabets come first: they answer earliest in prose, so
    the others are mostly not asked (`earliest`).
    """
    runs: list[tuple[str, int]] = []
    custom: dict[Callable[[str], int], CustomHold] = {}
    fixed = 0
    for rule in rules:
        max_len = rule.pattern.max_len
        if isinstance(rule.hold, TrailingRun):
            runs.append((rule.hold.alphabet, max_len))
        elif isinstance(rule.hold, Named) and opened is not None and rule.hold not in opened:
            if rule.hold.otherwise:
                runs.append((rule.hold.otherwise, rule.hold.otherwise_len or max_len))
        elif rule.hold is not None:
            known = custom.get(rule.hold)
            if known is None:
                custom[rule.hold] = CustomHold(rule.hold, max_len)
            else:
                known.max_len = max(known.max_len, max_len)
        elif rule.alphabet is not None:
            runs.append((rule.alphabet, max_len))
        else:
            fixed = max(fixed, max_len)
    groups: list[AlphabetHold] = []
    for alphabet, max_len in sorted(runs, key=lambda r: -len(set(r[0]))):
        for group in groups:
            if set(alphabet) <= set(group.alphabet):
                group.max_len = max(group.max_len, max_len)
                break
        else:
            groups.append(AlphabetHold(alphabet, max_len))
    out: list[Hold] = [*groups, *custom.values()]
    if fixed:
        out.append(FixedHold(fixed))
    return out


def earliest(holds: Sequence[Hold], norm: str, limit: int = 0, held: int | None = None) -> int:
    """The earliest index any of `holds` answers for `norm` (or `held`, if earlier), or any
    index at or before `limit` once one reaches that far (the caller holds from there anyway)."""
    n = len(norm)
    if held is None or held > n:
        held = n
    for hold in holds:
        if held <= limit or held == 0:
            break
        # Answering before `held` means holding the character just before it, and everything
        # after: that character must be in the bound and no stop, and all of it in the bound.
        bound, stops = hold.bound, hold.stops
        before = norm[held - 1]
        if (bound is not None and before not in bound) or (stops is not None and before in stops):
            continue
        chars, fn = hold.chars, hold.fn
        if fn is None:  # an alphabet's run (chars): found as cheaply as ruled out
            at = len(norm.rstrip(chars))
        elif chars is not None and norm[held:].rstrip(chars):
            continue
        else:
            at = fn(norm)
        cap = hold.max_len
        if cap and at < n - cap + 1:
            at = n - cap + 1
        if at < held:
            held = at
    return held
