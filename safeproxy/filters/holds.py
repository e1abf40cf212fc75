"""Hold functions for streams: how far back a rule's match could still be growing at a text's end.

A rule with an alphabet holds its trailing run of that alphabet; a rule with its own hold
function uses it; any other rule holds its longest match - 1. Both are capped at that bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from safeproxy.filters.rules import Rule


class AlphabetHold:
    """The trailing run of an alphabet, at most max_len - 1 back."""

    __slots__ = ("alphabet", "max_len")

    def __init__(self, alphabet: str, max_len: int) -> None:
        self.alphabet = alphabet
        self.max_len = max_len

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, len(norm.rstrip(self.alphabet)))


class CustomHold:
    __slots__ = ("hold", "max_len")

    def __init__(self, hold: Callable[[str], int], max_len: int) -> None:
        self.hold = hold
        self.max_len = max_len

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, self.hold(norm))


def hold_functions(rules: Sequence[Rule]) -> list[Callable[[str], int]]:
    """As few hold functions as give the same (or an earlier, safer) answer for every rule.

    An alphabet inside another one merges into it, with the longer of the two longest
    matches: its trailing run can only be longer. Rules sharing a hold function share it.
    """
    groups: list[AlphabetHold] = []
    custom: dict[Callable[[str], int], CustomHold] = {}
    fixed = 0
    for rule in sorted(rules, key=lambda r: -len(r.alphabet or "")):
        max_len = rule.pattern.max_len
        if rule.hold is not None:
            known = custom.get(rule.hold)
            if known is None:
                custom[rule.hold] = CustomHold(rule.hold, max_len)
            else:
                known.max_len = max(known.max_len, max_len)
        elif rule.alphabet is not None:
            for group in groups:
                if set(rule.alphabet) <= set(group.alphabet):
                    group.max_len = max(group.max_len, max_len)
                    break
            else:
                groups.append(AlphabetHold(rule.alphabet, max_len))
        else:
            fixed = max(fixed, max_len)
    out: list[Callable[[str], int]] = [*groups, *custom.values()]
    if fixed:
        out.append(lambda norm: len(norm) - fixed + 1)
    return out
