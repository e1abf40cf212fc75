"""A stage result as a shadow verdict: allow, redact or block, with the finding types acted on."""

from __future__ import annotations

from safeproxy.filters.api import Mode, SharedRecords
from safeproxy.filters.chain import StageResult
from safeproxy.rollout.mark import ShadowVerdicts


def verdict(result: StageResult) -> tuple[str, tuple[str, ...]]:
    found: set[str] = set()
    if type(result.records) is not SharedRecords:  # shared records are a clean request's
        for r in result.records:
            if r.hits and r.mode is Mode.ENFORCE:
                found.update(r.types)
    name = "block" if result.blocked else "redact" if result.changed else "allow"
    return name, tuple(sorted(found))


# Two clean scans, by far the most common comparison: one shared answer.
_BOTH_ALLOW = ShadowVerdicts("allow", (), "allow", ())


def compare(active: StageResult, candidate: StageResult) -> ShadowVerdicts:
    if type(active.records) is SharedRecords and type(candidate.records) is SharedRecords:
        return _BOTH_ALLOW  # shared records are a clean request's: nothing blocked or cut
    a, a_types = verdict(active)
    c, c_types = verdict(candidate)
    return ShadowVerdicts(a, a_types, c, c_types)
