"""Detector types: what each filter `type` contributes to a stage, in one injected registry.

The compiler (policy.py) looks a filter's `type` up in a Registry and asks the DetectorType
found there for its `Share` of the stage; it knows no type by name. A share may hold:

- `plain`: rules (rules.py) read on the normalised view, compiled with every other filter's
  into one Hyperscan database;
- `phrases`: rules read on the confusables skeleton, likewise one database per stage;
- `wide`: skeleton rules every match of which holds a character outside ASCII (the
  injection orders in other scripts): one database of their own, which ASCII text skips;
- `finders`: detectors that are not regular expressions (a classifier, a decoder reading a
  view of its own), as `BoundedFinder`s;
- `judge`: a decision over the filter's findings in one whole text (the injection threshold,
  with its classifier's share); whole texts only, streams have none, which is why the
  schema allows `injection` on input alone;
- `limits`: request-shape limits, checked on the body before any scan (exchange/guard.py).

A non-regex detector takes part in every stage through the stage's one `Finder`, beside
the rule databases and outside the phrase gate: whole texts (input, non-streamed output)
ask `scan(text, hold=False)`; a stream asks `scan(window, floor=...)` on every event and
holds text from the index answered, as for rules (holdback.StreamRedactor). It declares
`max_hold`, the most trailing characters it may still need: the compiler clamps its answers
to that (`Clamped`), so whatever could still become or change one of its findings must lie
in the last `max_hold` characters, and a finding must be decided by at most
`stream.context_chars` characters before it (what a stream keeps of released text).
`TextFinder` adapts a plain `find(text)` to this, with the fixed maximum or a `hold(text)`
answer that releases prose at once. Its findings name their filter (`Context.owner`), whose
action, mode and on_error apply to them as to any other; a scan that raises is decided by
`on_error` (chain.py, stream.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from safeproxy.filters.api import FilterAction, Finding, Redaction
from safeproxy.filters.limits import Limits
from safeproxy.filters.normalize import Normalized, Normalizer
from safeproxy.filters.rules import Rule
from safeproxy.filters.skeleton import Skeleton

S_contra = TypeVar("S_contra", contravariant=True)


class FilterCommon(Protocol):
    """What every filter's settings have (policy_settings._Filter), whatever its type."""

    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def mode(self) -> str: ...
    @property
    def on_error(self) -> str: ...
    @property
    def budget_ms(self) -> float: ...


class BoundedFinder(Protocol):
    """A Finder (holdback.py) that declares the most trailing text it may hold back."""

    @property
    def max_hold(self) -> int: ...

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]: ...


class Judge(Protocol):
    """Decides on one filter's findings in one whole text (not in streams)."""

    def decide(
        self,
        text: str,
        findings: list[Finding],
        rescan: Callable[[str], list[Finding]] | None = None,
    ) -> tuple[list[Finding], bool]:
        """(the findings that count, whether the text came near to counting: a sampling
        signal). `rescan` scans another text for this filter's findings (a judge may ask
        what a text says with part of it blanked)."""
        ...


@dataclass(slots=True)
class Context:
    """What a detector type may use to compile one filter."""

    stage: str  # "input" | "output"
    owner: str  # the filter's name: findings carry it
    where: str  # the filter's YAML path, for problems
    normalizer: Normalizer
    skeleton: Skeleton
    problems: list[tuple[str, str]]

    def problem(self, key: str, message: str) -> None:
        """Report a problem with the filter's setting `key` (a dotted path under it)."""
        self.problems.append((f"{self.where}.{key}", message))


@dataclass(slots=True)
class Share:
    """One filter's share of a stage (see the module docstring)."""

    action: FilterAction = FilterAction.BLOCK
    redaction: Redaction = Redaction.PLACEHOLDER
    plain: list[Rule] = field(default_factory=list)
    phrases: list[Rule] = field(default_factory=list)
    # Phrase rules every match of which holds a character outside ASCII (checked where they
    # are made): a detector of their own that only such text reaches.
    wide: list[Rule] = field(default_factory=list)
    finders: list[BoundedFinder] = field(default_factory=list)
    judge: Judge | None = None
    limits: Limits | None = None
    # Contents the settings only name (a word file, a model artifact): the policy's version
    # hashes them too.
    versioned: list[bytes] = field(default_factory=list)

    @property
    def scanned(self) -> bool:
        """Whether its findings come from the scan (limits are checked on the body)."""
        return self.limits is None


class DetectorType(Protocol[S_contra]):
    """A filter type: its name in YAML, its settings model, and its share of a stage."""

    @property
    def name(self) -> str: ...
    @property
    def settings(self) -> type[Any]: ...

    def share(self, settings: S_contra, ctx: Context) -> Share: ...


class Registry:
    """The detector types a compiler knows, by name."""

    def __init__(self, types: Iterable[DetectorType[Any]]) -> None:
        self._types: dict[str, DetectorType[Any]] = {}
        for t in types:
            if t.name in self._types:
                raise ValueError(f"detector type {t.name!r} registered twice")
            self._types[t.name] = t

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._types)

    def get(self, name: str) -> DetectorType[Any] | None:
        return self._types.get(name)

    def __iter__(self) -> Iterator[DetectorType[Any]]:
        return iter(self._types.values())


class TextFinder:
    """A non-regex detector as a BoundedFinder: `find(text)` gives its findings in a whole
    text (sorted by start, spans in `text`), `hold(text)` the index from which a finding
    could still grow (default: `max_hold` characters from the end). `ascii`: False when
    `find` finds nothing in a text that is all ASCII, so a whole such text skips it."""

    def __init__(
        self,
        find: Callable[[str], Sequence[Finding]],
        max_hold: int,
        hold: Callable[[str], int] | None = None,
        *,
        ascii: bool = True,
    ) -> None:
        self._find = find
        self._hold = hold
        self.max_hold = max_hold
        self.ascii = ascii

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        found = list(self._find(text))
        if not hold:
            return found, len(text)
        at = len(text) - self.max_hold
        if self._hold is not None:
            at = max(at, self._hold(text))
        return found, max(0, at)


class Clamped:
    """A contributed finder whose hold answers are kept within its declared maximum.
    `ascii`: as TextFinder's."""

    def __init__(self, finder: BoundedFinder, *, ascii: bool = True) -> None:
        self._finder = finder
        self.max_hold = finder.max_hold
        self.ascii = ascii

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        found, at = self._finder.scan(text, hold=hold, view=view, floor=floor)
        if not hold:  # nothing held: `at` is the text's end, within any maximum
            return found, at
        return found, max(at, len(text) - self.max_hold)
