"""GenerationHolder: owns the current generation and swaps it as one reference.

Requests read `current` once, at admission; a swap replaces the reference, so a request
sees either the old generation or the new one, whole, never a mix. The previous generation
is kept for `rollback`. Observers (metrics, status files) hear of every swap.
"""

from __future__ import annotations

from collections.abc import Callable

from safeproxy.generation.generation import Generation

# Called with (old, new) after each swap, on the event loop's thread.
OnSwap = Callable[[Generation, Generation], None]


class GenerationHolder:
    def __init__(self, first: Generation) -> None:
        # An attribute, not a property: every request reads it, and an attribute costs no
        # call. Only `swap` (and `rollback`, through it) assigns it.
        self.current = first
        self._previous: Generation | None = None
        self._observers: list[OnSwap] = []

    @property
    def previous(self) -> Generation | None:
        """The generation the last swap replaced (what `rollback` restores)."""
        return self._previous

    def observe(self, observer: OnSwap) -> None:
        self._observers.append(observer)

    def swap(self, new: Generation) -> Generation:
        """Make `new` current; returns the generation it replaced."""
        old = self.current
        self.current, self._previous = new, old
        for observer in self._observers:
            observer(old, new)
        return old

    def rollback(self) -> Generation | None:
        """Swap back to the previous generation (None: there is none). Rolling back twice
        returns to where it started: the replaced generation becomes the previous one."""
        if self._previous is None:
            return None
        self.swap(self._previous)
        return self.current
