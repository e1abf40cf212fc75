"""Slot: one text field of a request or reply, where the filters read and rewrite it."""

from __future__ import annotations

import functools
from typing import Any, NamedTuple


class Slot(NamedTuple):
    """One text field: `holder[key]` is a str. (A NamedTuple: several are made per request.)"""

    holder: Any  # dict[str, Any] | list[Any]
    key: Any  # str | int
    # The content array this text is a part of (its id), 0 for a field of its own: the
    # parts of one array reach the model joined, so they are also scanned joined.
    part_of: int = 0

    def get(self) -> str:
        value: str = self.holder[self.key]
        return value

    def set(self, text: str) -> None:
        self.holder[self.key] = text


# new_slot((holder, key, part_of)): Slot(holder, key, part_of) without the Python frame of a
# NamedTuple's __new__, for the slots every request makes (a message's string content, a
# reply's).
new_slot = functools.partial(tuple.__new__, Slot)
