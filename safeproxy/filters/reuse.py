"""What a shadow candidate reuses of the active policy's input scan.

A shadow candidate scans every sampled request a second time. Most candidates change one or
two filters of the active policy and keep the rest as they are, and a filter's findings
depend on its own settings and the text alone (the policy's views and salt being the same).
So the candidate scans only its other filters, and takes the shared filters' findings from
the active policy's scan (chain.run_stage_reusing): a shadow then costs what the candidate
changed, not a whole second policy.

The one place where filters of one scan meet is the validator allowance of a scan that runs
out of it (adversarial input: work.py). There a finding the full candidate stage would have
left unchecked may be checked, or the other way round; both are findings of the same span.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from safeproxy.filters.policy import CompiledPolicy, Compiler, PolicyError
from safeproxy.filters.stage import Stage
from safeproxy.filters.views import ViewFinder
from safeproxy.settings.policy import PolicySettings


@dataclass(frozen=True, slots=True)
class Reuse:
    """The candidate's input filters that are not shared (`delta`, compiled as one stage),
    and the names of those that are."""

    delta: Stage
    shared: frozenset[str]


def shared_filters(active: PolicySettings, candidate: PolicySettings) -> frozenset[str]:
    """The input filters the two policies run alike: same name and same settings, under
    the same decoded views and hashing salt."""
    if active.views != candidate.views or active.hash_salt_env != candidate.hash_salt_env:
        return frozenset()
    theirs = {f.name or f.type: f for f in active.input}
    return frozenset(
        name for f in candidate.input if (name := f.name or f.type) in theirs and theirs[name] == f
    )


def plan(
    compiler: Compiler,
    active: PolicySettings,
    candidate: PolicySettings,
    compiled: CompiledPolicy,
) -> Reuse | None:
    """How `compiled` (the candidate) reuses a scan by `active`; None when it shares no
    filter that the scan decides."""
    shared = shared_filters(active, candidate) & compiled.input.scanned.keys()
    if not shared:
        return None
    rest = [f for f in candidate.input if (f.name or f.type) not in shared]
    where = f"policies.{compiled.name}.input"
    problems: list[tuple[str, str]] = []
    try:
        salt = compiler.salt(candidate, f"policies.{compiled.name}")
    except PolicyError:
        return None  # the candidate itself did not compile either: never reached
    delta = compiler.stage(
        "input",
        rest,
        salt,
        where,
        problems,
        views=candidate.views,
        views_always=isinstance(compiled.input.finder, ViewFinder),
    )
    return None if problems else Reuse(delta, shared)


def plans(
    compiler: Compiler,
    settings: Mapping[str, PolicySettings],
    compiled: Mapping[str, CompiledPolicy],
    candidates: frozenset[str],
) -> dict[tuple[str, str], Reuse]:
    """(active policy, candidate) -> its reuse, for every candidate of a rollout and every
    other policy that may be active beside it (a route's, or a tenant's)."""
    out: dict[tuple[str, str], Reuse] = {}
    for name in sorted(candidates):
        if name not in compiled:
            continue
        for active in settings:
            if active == name:
                continue
            reuse = plan(compiler, settings[active], settings[name], compiled[name])
            if reuse is not None:
                out[(active, name)] = reuse
    return out
