"""Running a compiled stage over whole texts: precedence, shadow mode, on_error and budgets.

Used for request text (input) and for non-streamed replies (output); streams go through
stream.py, which applies the same effects through the hold-back window. Every filter that
took part leaves a FilterRecord, whatever it decided, and a failure or an overrun is
decided by the filter's `on_error`, never skipped.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from safeproxy.filters.api import FilterRecord, Finding
from safeproxy.filters.holdback import cut
from safeproxy.filters.scanner import Overload
from safeproxy.filters.stage import Stage, failed_records, fails_closed, found_records

Clock = Callable[[], float]


@dataclass(slots=True)
class StageResult:
    """`texts[i]` is the new text of input i, or None when it is unchanged."""

    texts: list[str | None]
    seconds: float = 0.0
    blocked: bool = False
    reason: str | None = None
    types: tuple[str, ...] = ()
    records: Sequence[FilterRecord] = ()
    degraded: list[str] = field(default_factory=list)
    # Injection phrases were found, short of their filter's threshold (a sampling signal).
    near_threshold: bool = False
    # The findings per text when the scan finished in budget (None: it failed or overran):
    # what a shadow candidate sharing filters with this stage reuses (`run_stage_reusing`).
    found: list[list[Finding]] | None = None
    # Whether any text was rewritten (some `texts[i]` is not None): set where they are.
    changed: bool = False


def run_stage(
    stage: Stage,
    texts: Sequence[str],
    clock: Clock = time.perf_counter,
    cpu_clock: Clock = time.thread_time,
    joined: Sequence[tuple[int, int]] = (),
) -> StageResult:
    """`joined`: [i, j) ranges of texts that reach the model as one (the parts of one
    content array); they are also scanned joined, so a value split across them is found,
    and cut in each part it lies in."""
    n = len(texts)
    if stage.empty:
        return StageResult([None] * n)
    # _scan_in_budget and _decide's first case, inline: every request runs this (twice, in
    # and out), and nearly every one finds nothing in budget.
    near: list[bool] = []
    started = clock()
    error: str | None = None
    try:  # (_timed_scan, inline; and _scan_all's case of one text, as a reply has)
        if n == 1:
            one = texts[0]
            found = stage.finder.scan(one, hold=False)[0]
            per_text = [_scored(stage, found, near, one) if found else found]
        else:
            per_text = _scan_all(stage, texts, near)
        for i, j in joined:
            _scan_joined(stage, texts, i, j, per_text, near)
    except Overload:
        per_text, error = [], "overload"
    except Exception:
        per_text, error = [], "exception"
    elapsed = clock() - started
    if error is None and elapsed <= stage.min_budget_s:
        for found in per_text:
            if found:
                break
        else:  # nothing found in budget: the shared clean records (as _decide)
            return StageResult(
                [None] * n,
                elapsed,
                records=stage.clean,
                near_threshold=bool(near),
                found=per_text,
            )
    else:
        first = per_text, error, elapsed
        per_text, error, elapsed = _recheck(stage, stage, texts, cpu_clock, joined, near, first)
    return _decide(stage, texts, per_text, error, elapsed, near)


def run_stage_reusing(
    stage: Stage,
    delta: Stage,
    shared: frozenset[str],
    known: StageResult,
    texts: Sequence[str],
    clock: Clock = time.perf_counter,
    cpu_clock: Clock = time.thread_time,
    joined: Sequence[tuple[int, int]] = (),
) -> StageResult:
    """`stage`'s result on `texts`, scanning only `delta`: the filters of `stage` that are
    not in `shared`. The `shared` filters are the same filters (same settings, views and
    salt) of a stage that already scanned these texts and gave `known`; a filter's findings
    depend on its settings and the text alone, so theirs are taken from `known`. A shadow
    candidate that changes one filter of the active policy then costs that filter's scan.
    When `known` has no findings to give (its scan failed or overran), all of `stage` is
    scanned, as run_stage does."""
    if known.found is None or len(known.found) != len(texts):
        return run_stage(stage, texts, clock, cpu_clock, joined)
    if stage.empty:
        return StageResult([None] * len(texts))
    per_text: list[list[Finding]]
    near: list[bool]
    if delta.empty:
        per_text, error, elapsed, near = [[] for _ in texts], None, 0.0, []
    else:
        per_text, error, elapsed, near = _scan_in_budget(
            delta, stage, texts, clock, cpu_clock, joined
        )
    if error is None:
        for mine, theirs in zip(per_text, known.found, strict=True):
            reused = [f for f in theirs if f.filter in shared]
            if reused:
                mine += reused
                mine.sort(key=lambda f: (f.start, f.end))
    return _decide(stage, texts, per_text, error, elapsed, near)


def _scan_in_budget(
    scanner: Stage,
    stage: Stage,
    texts: Sequence[str],
    clock: Clock,
    cpu_clock: Clock,
    joined: Sequence[tuple[int, int]],
) -> tuple[list[list[Finding]], str | None, float, list[bool]]:
    """`scanner`'s findings on `texts`, judged against `stage`'s budgets: (findings per
    text, error, seconds, near-threshold signals)."""
    near: list[bool] = []
    first = _timed_scan(scanner, texts, clock, near, joined)
    return (*_recheck(scanner, stage, texts, cpu_clock, joined, near, first), near)


def _recheck(
    scanner: Stage,
    stage: Stage,
    texts: Sequence[str],
    cpu_clock: Clock,
    joined: Sequence[tuple[int, int]],
    near: list[bool],
    first: tuple[list[list[Finding]], str | None, float],
) -> tuple[list[list[Finding]], str | None, float]:
    """The `first` scan's (findings, error, seconds), or a second scan's in CPU time when the
    first looks over budget."""
    _, error, elapsed = first
    # Budgets are per 64 KiB of text: size is capped elsewhere (limits, the body cap); the
    # budget is for a filter gone slow, and must not turn a long document into a block.
    # (The scale is at least 1: a scan within the smallest budget needs no scale at all.)
    if (
        error is None
        and elapsed > stage.min_budget_s
        and elapsed > stage.min_budget_s * _scale(texts)
    ):
        # Wall time includes what is not the filter's doing: a CFS-throttled container, a
        # descheduled process, a GC pass, a GIL wait. An apparent overrun is measured again
        # in this thread's CPU time (the scan is deterministic), so only a filter that is
        # itself slow can fail closed. It costs nothing when the first run is in budget
        # (scaled like the budgets: unscaled, every long text was scanned twice).
        near.clear()
        return _timed_scan(scanner, texts, cpu_clock, near, joined)
    return first


def _decide(
    stage: Stage,
    texts: Sequence[str],
    per_text: list[list[Finding]],
    error: str | None,
    elapsed: float,
    near: list[bool],
) -> StageResult:
    """What `stage` does with its findings: records, then block, redact or pass."""
    near_threshold = bool(near)  # entries are only ever True
    if error is None and elapsed <= stage.min_budget_s:
        for found in per_text:
            if found:
                break
        else:  # the common case, nothing found in budget: nothing to decide
            # The records are shared and immutable: the same every clean time.
            return StageResult(
                [None] * len(texts),
                elapsed,
                records=stage.clean,
                near_threshold=near_threshold,
                found=per_text,
            )
    result = StageResult([None] * len(texts))
    result.seconds = elapsed
    result.near_threshold = near_threshold
    failed: dict[str, str] = {}
    if error is not None or elapsed > stage.min_budget_s:
        scale = _scale(texts)
        if error is not None or elapsed > stage.min_budget_s * scale:
            failed = {
                name: (error or "timeout")
                for name, spec in stage.scanned.items()
                if error is not None or elapsed > spec.budget_s * scale
            }
    findings = per_text[0] if len(per_text) == 1 else [f for found in per_text for f in found]
    if not failed:
        result.found = per_text
        if not findings:  # nothing found, within the scaled budgets
            result.records = stage.clean
            return result
        result.records = found_records(stage, findings)
    else:
        closed = [n for n, why in failed.items() if fails_closed(stage.specs[n])]
        result.records = failed_records(stage, findings, failed, closed, result.degraded)
        if closed:
            result.blocked = True
            result.reason = "filter_error"
            return result
        if error is not None:
            return result  # failed open: the text goes on unchanged, recorded as degraded
    effects = stage.effects
    blocking = [f for f in findings if f.filter in effects.blocking]
    if blocking:
        result.blocked = True
        result.types = tuple(sorted({f.type for f in blocking}))
        result.reason = result.types[0]
        return result
    cutting = effects.cutting
    for i, (text, found) in enumerate(zip(texts, per_text, strict=True)):
        cuts = [f for f in found if f.filter in cutting]
        if cuts:
            new = cut(text, cuts, effects)
            if new != text:
                result.texts[i] = new
                result.changed = True
    return result


def _scale(texts: Sequence[str]) -> float:
    """Budgets are per 64 KiB of text (at least one)."""
    return max(1.0, sum(map(len, texts)) / 65536)


def _timed_scan(
    stage: Stage,
    texts: Sequence[str],
    clock: Clock,
    near: list[bool],
    joined: Sequence[tuple[int, int]] = (),
) -> tuple[list[list[Finding]], str | None, float]:
    started = clock()
    try:
        per_text = _scan_all(stage, texts, near)
        for i, j in joined:
            _scan_joined(stage, texts, i, j, per_text, near)
        return per_text, None, clock() - started
    except Overload:
        return [], "overload", clock() - started
    except Exception:
        return [], "exception", clock() - started


# Joins the texts of one request for a single scan. No rule's characters include it, so
# no PII or secret match crosses from one text into the next; phrase rules may (an
# injection split over two messages is still one injection).
_JOINER = "\x00"


def _scan_all(stage: Stage, texts: Sequence[str], near: list[bool]) -> list[list[Finding]]:
    """Findings per text, from one scan over all of them (per-call costs paid once).
    `near` gets an entry when injection phrases scored short of their threshold."""
    if len(texts) == 1:
        found = stage.finder.scan(texts[0], hold=False)[0]
        return [_scored(stage, found, near, texts[0]) if found else found]
    joined = _JOINER.join(texts)
    found = stage.finder.scan(joined, hold=False)[0]
    per_text: list[list[Finding]] = [[] for _ in texts]
    if not found:  # (nothing to score either)
        return per_text
    found = _scored(stage, found, near, joined)
    starts: list[int] = []
    at = 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    for f in found:
        i = bisect.bisect_right(starts, f.start) - 1
        base, end = starts[i], starts[i] + len(texts[i])
        if f.start >= end:
            continue  # starts on a joiner: nothing of the text itself
        per_text[i].append(f._replace(start=f.start - base, end=min(f.end, end) - base))
    return per_text


# How the parts of one content array may reach the model: concatenated, or one space (or
# line) apart, as chat templates join them.
_PART_JOINERS = ("", " ")


def _scan_joined(
    stage: Stage,
    texts: Sequence[str],
    i: int,
    j: int,
    per_text: list[list[Finding]],
    near: list[bool],
) -> None:
    """Adds to per_text[i:j] the findings that exist only across their boundaries."""
    known = [set(per_text[k]) for k in range(i, j)]  # findings are NamedTuples: hashable
    for joiner in _PART_JOINERS:
        joined = joiner.join(texts[i:j])
        bounds: list[int] = []  # end of each part in `joined`
        at = 0
        for text in texts[i:j]:
            at += len(text)
            bounds.append(at)
            at += len(joiner)
        found = _scored(stage, stage.finder.scan(joined, hold=False)[0], near, joined)
        for f in found:
            first = bisect.bisect_right(bounds, f.start)
            last = bisect.bisect_left(bounds, f.end)
            # Even a finding inside one part may exist only joined (a base64 run whose first
            # characters lie in the part before decodes differently without them).
            for k in range(first, min(last, len(bounds) - 1) + 1):
                base = bounds[k] - len(texts[i + k])
                start, end = max(f.start, base), min(f.end, bounds[k])
                if start < end:
                    mine = f._replace(start=start - base, end=end - base)
                    if mine not in known[k]:
                        known[k].add(mine)
                        per_text[i + k].append(mine)
    for k in range(i, j):
        per_text[k].sort(key=lambda f: (f.start, f.end))


def _rescan(stage: Stage, name: str) -> Callable[[str], list[Finding]]:
    """The findings of filter `name` in another text, by the stage's one scan."""

    def rescan(text: str) -> list[Finding]:
        return [f for f in stage.finder.scan(text, hold=False)[0] if f.filter == name]

    return rescan


def _scored(stage: Stage, found: list[Finding], near: list[bool], text: str) -> list[Finding]:
    """The findings of a filter with a judge count only when it keeps them (the injection
    threshold, with its classifier's share: see injection.PhraseThreshold)."""
    if not found:
        return found
    keep: list[Finding] = []
    groups: dict[str, list[Finding]] = {}
    for f in found:
        if stage.specs[f.filter].judge is None:
            keep.append(f)
        else:
            groups.setdefault(f.filter, []).append(f)
    for name, group in groups.items():
        judge = stage.specs[name].judge
        assert judge is not None
        kept, close = judge.decide(text, group, _rescan(stage, name))
        keep += kept
        if close:
            near.append(True)  # short of its threshold: a sampling signal
    return keep
