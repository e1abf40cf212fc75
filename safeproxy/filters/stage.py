"""A compiled stage: its filters as it runs them, what their findings do, and its records.

`policy.Compiler` builds these from the settings; `chain` runs them over whole texts and
`stream` through the hold-back window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from safeproxy.filters.api import (
    Action,
    FilterAction,
    FilterRecord,
    Finding,
    Mode,
    OnError,
    Redaction,
    SharedRecords,
)
from safeproxy.filters.holdback import Finder, type_placeholder
from safeproxy.filters.limits import Limits
from safeproxy.filters.registry import Judge


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """A filter as its stage runs it: the settings' strings as enums, its type's judge."""

    name: str
    type: str
    action: FilterAction
    mode: Mode
    on_error: OnError
    budget_s: float
    redaction: Redaction = Redaction.PLACEHOLDER
    judge: Judge | None = None  # decides on its findings per whole text (registry.Judge)
    scanned: bool = True  # False: limits, checked on the body (exchange/guard.py), not by the scan


class Effects:
    """A finding's fate is its filter's: enforce+block blocks, enforce+redact cuts."""

    def __init__(self, specs: Mapping[str, FilterSpec], salt: bytes) -> None:
        self._specs = specs
        self._salt = salt
        # The filters whose findings block, and those whose findings are cut: a set look-up
        # per finding where a whole text is decided (chain._decide).
        enforced = [s for s in specs.values() if s.mode is Mode.ENFORCE]
        self.blocking = frozenset(s.name for s in enforced if s.action is FilterAction.BLOCK)
        self.cutting = frozenset(s.name for s in enforced if s.action is FilterAction.REDACT)
        self._placeholders: dict[str, str] = {}

    def blocks(self, finding: Finding) -> bool:
        return finding.filter in self.blocking

    def cuts(self, finding: Finding) -> bool:
        return finding.filter in self.cutting

    def replacement(self, finding: Finding, value: str) -> str | None:
        if finding.filter not in self.cutting:
            return None
        spec = self._specs[finding.filter]
        if spec.redaction is Redaction.PLACEHOLDER:
            # One label per finding type (types come from the rules: a fixed set).
            label = self._placeholders.get(finding.type)
            if label is None:
                label = self._placeholders[finding.type] = type_placeholder(finding)
            return label
        if spec.redaction is Redaction.MASK:
            return "".join(" " if c.isspace() else "*" for c in value)
        if spec.redaction is Redaction.REMOVE:
            return ""
        if spec.redaction is Redaction.HASH:
            digest = hashlib.sha256(self._salt + value.encode("utf-8", "surrogatepass"))
            label = finding.type.rsplit(".", 1)[-1].upper()
            return f"[{label}:{digest.hexdigest()[:12]}]"
        raise AssertionError(spec.redaction)


@dataclass(frozen=True, slots=True)
class Stage:
    """The compiled filters of one direction."""

    name: str  # "input" | "output"
    specs: Mapping[str, FilterSpec]
    finder: Finder
    effects: Effects
    limits: Limits | None
    max_len: int

    # No filters at all (an attribute, not a property: read several times per request).
    empty: bool = field(init=False)
    # The filters the scan decides (limits are checked on the body, in exchange/guard.py), and
    # their records when nothing was found.
    scanned: Mapping[str, FilterSpec] = field(init=False)
    clean: SharedRecords = field(init=False)
    # Below this no filter can have overrun its budget (whatever the text's size).
    min_budget_s: float = field(init=False)
    # Each scanned filter's (action, verdict) when it found something and did not fail.
    on_found: Mapping[str, tuple[Action, Action]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "empty", not self.specs)
        scanned = {n: s for n, s in self.specs.items() if s.scanned}
        object.__setattr__(self, "scanned", scanned)
        clean = SharedRecords(
            FilterRecord(n, self.name, Action.CONTINUE, Action.CONTINUE, s.mode)
            for n, s in scanned.items()
        )
        object.__setattr__(self, "clean", clean)
        budgets = [s.budget_s for s in scanned.values()]
        object.__setattr__(self, "min_budget_s", min(budgets, default=float("inf")))
        on_found = {
            n: (
                s.action.verdict() if s.mode is Mode.ENFORCE else Action.CONTINUE,
                s.action.verdict(),
            )
            for n, s in scanned.items()
        }
        object.__setattr__(self, "on_found", on_found)


def found_records(stage: Stage, findings: list[Finding]) -> list[FilterRecord]:
    """Each scanned filter's record when none failed: the shared clean one where it found
    nothing."""
    by_filter: dict[str, list[Finding]] = {}
    for f in findings:
        mine = by_filter.get(f.filter)
        if mine is None:
            by_filter[f.filter] = [f]
        else:
            mine.append(f)
    records = list(stage.clean)
    for i, record in enumerate(records):
        mine = by_filter.get(record.filter)
        if mine is not None:
            action, verdict = stage.on_found[record.filter]
            types = (mine[0].type,) if len(mine) == 1 else tuple(sorted({f.type for f in mine}))
            records[i] = record._replace(
                action=action, verdict=verdict, types=types, hits=len(mine), findings=tuple(mine)
            )
    return records


def failed_records(
    stage: Stage,
    findings: list[Finding],
    failed: dict[str, str],
    closed: list[str],
    degraded: list[str],
) -> list[FilterRecord]:
    """Each scanned filter's record when some failed: `on_error` decides those (closed
    ones block; open ones pass, named in `degraded`)."""
    by_filter: dict[str, list[Finding]] = {}
    for f in findings:
        by_filter.setdefault(f.filter, []).append(f)
    records: list[FilterRecord] = []
    for name, spec in stage.scanned.items():
        mine = by_filter.get(name, [])
        verdict = verdict_of(spec, mine)
        action = verdict if spec.mode is Mode.ENFORCE else Action.CONTINUE
        why = failed.get(name)
        if why is not None:
            if name in closed:
                action = verdict = Action.BLOCK
            else:
                degraded.append(f"{name}:{why}")
        types = tuple(sorted({f.type for f in mine}))
        records.append(
            FilterRecord(
                name, stage.name, action, verdict, spec.mode, types, len(mine), why, tuple(mine)
            )
        )
    return records


def verdict_of(spec: FilterSpec, findings: list[Finding]) -> Action:
    return spec.action.verdict() if findings else Action.CONTINUE


def fails_closed(spec: FilterSpec) -> bool:
    return spec.on_error is OnError.CLOSED and spec.mode is Mode.ENFORCE
