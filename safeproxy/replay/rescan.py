"""Tier-2 replay: re-scan a captured request's texts with a candidate policy.

The candidate's policies are compiled by the production compiler (the same detector
registry, normaliser and views) and run by the production stage runner (filters/chain.py),
so precedence, shadow mode, thresholds and redaction are decided exactly as serving would.
The reply is re-scanned as the upstream sent it, choice by choice, as a whole text (a
stream's decision does not depend on its chunking). What the capture cannot tell is a
caveat, not a guess: a request blocked on input has no reply; the policy's limits judge
the body's shape, which is not captured; deep checks (remote judges) are not re-run.
Decisions made by state (rate limits, quarantine, breakers) are `stateful`, as in tier 1.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from safeproxy.exchange.decision import finding_types
from safeproxy.filters.chain import StageResult, run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detector_types import default_registry
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.stage import Stage
from safeproxy.replay.triage import RANK, Replayed, Triage
from safeproxy.settings.schema import Settings


class Rescanner:
    def __init__(self, candidate: Settings, environ: Mapping[str, str]) -> None:
        compiler = Compiler(
            Normalizer(), Skeleton(skeleton_table()), environ, registry=default_registry()
        )
        self._policies: dict[str, CompiledPolicy] = compile_policies(candidate.policies, compiler)
        self._triage = Triage(candidate)

    def replay(self, record: dict[str, Any]) -> Replayed:
        judged = self._triage(record)
        if isinstance(judged, Replayed):
            return judged
        rid, label, tenant, before = judged.request_id, judged.route, judged.tenant, judged.before
        policy = self._policies[judged.policy]
        view = record["input"]
        joined = [(int(i), int(j)) for i, j in view["joined"]]
        first = _scan(policy.input, view["texts"], joined)
        after, groups = _verdict(first), [first.records]
        caveat = None
        if policy.input.limits is not None:
            caveat = "input limits not re-judged: the body's shape is not captured"
        if after != "block":
            output = record.get("output")
            if output is None:
                if not policy.output.empty:
                    caveat = "no reply was captured: output filters not judged"
            else:
                for text in output:
                    result = _scan(policy.output, [text], [])
                    groups.append(result.records)
                    after = max(after, _verdict(result), key=RANK.__getitem__)
        types = finding_types(groups)
        recorded = tuple(sorted(str(t) for t in record.get("types", ())))
        if after != before:
            category = f"{before}->{after}"
        elif set(types) != set(recorded):
            category = "reclassified"
        else:
            category = "unchanged"
        return Replayed(rid, label, tenant, category, before, after, recorded, types,
                        reason=caveat)  # fmt: skip


def _scan(stage: Stage, texts: list[str], joined: list[tuple[int, int]]) -> StageResult:
    # CPU time for budgets: a replay shares its machine, and a filter that only looks slow
    # must not turn into a block it would not be in production.
    return run_stage(stage, texts, time.thread_time, time.thread_time, joined=joined)


def _verdict(result: StageResult) -> str:
    if result.blocked:
        return "block"
    return "redact" if result.changed else "allow"
