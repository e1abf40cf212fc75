"""Hold functions for streams: how far back a rule's match could still be growing at a text's end.

A rule with an alphabet holds its trailing run of that alphabet; a rule with its own hold
function uses it; any other rule holds its longest match - 1. Both are capped at that bound.

A stream asks every hold on every event, so each hold also says which characters it can
reach back over (`bound`: only these; `stops`: never these). Once some hold has answered
`m`, another can answer earlier only by reaching over the character before `m`: if that
character is outside its bound, or one of its stops, it is not asked (`earliest`). In prose
the first hold answers the start of the last word, and the space before it ends most others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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

    __slots__ = ("_prefixes",)

    def __init__(self, literal: str) -> None:
        # Longest first; one `endswith` over all of them answers the common case in C.
        self._prefixes = tuple(literal[:k] for k in range(len(literal) - 1, 0, -1))

    def length(self, norm: str) -> int:
        if not self._prefixes or not norm.endswith(self._prefixes):
            return 0
        return next(len(p) for p in self._prefixes if norm.endswith(p))


class AlphabetHold:
    """The trailing run of an alphabet, at most max_len - 1 back."""

    __slots__ = ("alphabet", "bound", "max_len", "stops")

    def __init__(self, alphabet: str, max_len: int) -> None:
        self.alphabet = alphabet
        self.max_len = max_len
        self.bound: frozenset[str] | None = frozenset(alphabet)
        self.stops: frozenset[str] | None = None

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, len(norm.rstrip(self.alphabet)))


class CustomHold:
    __slots__ = ("bound", "hold", "max_len", "stops")

    def __init__(self, hold: Callable[[str], int], max_len: int) -> None:
        self.hold = hold
        self.max_len = max_len
        self.bound: frozenset[str] | None = None
        self.stops = frozenset(hold.stops) if isinstance(hold, AfterLast) else None

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, self.hold(norm))


class FixedHold:
    """A rule with neither alphabet nor hold function: its longest match - 1, over anything."""

    __slots__ = ("bound", "max_len", "stops")

    def __init__(self, max_len: int) -> None:
        self.max_len = max_len
        self.bound: frozenset[str] | None = None
        self.stops: frozenset[str] | None = None

    def __call__(self, norm: str) -> int:
        return max(0, len(norm) - self.max_len + 1)


class Tail:
    """Any hold function with what it may reach back over, when that is known."""

    __slots__ = ("bound", "hold", "stops")

    def __init__(
        self,
        hold: Callable[[str], int],
        *,
        bound: Iterable[str] | None = None,
        stops: Iterable[str] | None = None,
    ) -> None:
        self.hold = hold
        self.bound = None if bound is None else frozenset(bound)
        self.stops = None if stops is None else frozenset(stops)

    def __call__(self, norm: str) -> int:
        return self.hold(norm)


Hold = AlphabetHold | CustomHold | FixedHold | Tail


def as_hold(hold: Callable[[str], int]) -> Hold:
    """A hold function as a Hold: asked every time unless it declared its bounds (Tail)."""
    return hold if isinstance(hold, Tail) else Tail(hold)


def hold_functions(rules: Sequence[Rule]) -> list[Hold]:
    """As few hold functions as give the same (or an earlier, safer) answer for every rule.

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
    if held is None or held > len(norm):
        held = len(norm)
    for hold in holds:
        if held <= limit or held == 0:
            break
        # Answering before `held` means reaching back over the character just before it.
        before = norm[held - 1]
        bound, stops = hold.bound, hold.stops
        if (bound is not None and before not in bound) or (stops is not None and before in stops):
            continue
        at = hold(norm)
        if at < held:
            held = at
    return held
