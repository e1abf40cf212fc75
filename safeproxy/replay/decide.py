"""Re-deciding a recorded request under a candidate policy, from its recorded findings.

No text is kept in the audit log, so this tier re-decides what the findings allow: which
route and policy a request gets (a tenant's own policy included), which filters still run
and in which mode, each filter's action, precedence (block over redact over allow), and
scope narrowed to fewer PII entities or secret kinds. What only the text can tell is marked
`needs_text`, not guessed: a filter the record never ran, a failed filter, a deep check's
verdict. A request blocked on input that the candidate lets through is re-decided on its
input, with the caveat that its reply is unknown.
A scope the candidate widens (a lower threshold, a new entity or word) is invisible here.
Decisions made by state (rate limits, quarantine, load shedding, breakers) are `stateful`.
"""

from __future__ import annotations

from typing import Any

from safeproxy.filters.secrets import SECRET_TYPE_KINDS
from safeproxy.replay.triage import RANK, Replayed, Triage
from safeproxy.settings.policy import PiiFilter, PolicySettings, SecretsFilter
from safeproxy.settings.schema import Settings


class Replayer:
    def __init__(self, candidate: Settings) -> None:
        self._triage = Triage(candidate)
        self._policies = candidate.policies

    def replay(self, record: dict[str, Any]) -> Replayed:
        judged = self._triage(record)
        if isinstance(judged, Replayed):
            return judged
        rid, label, tenant, before = judged.request_id, judged.route, judged.tenant, judged.before
        if any(d.get("verdict") == "unsafe" for d in record.get("deep_checks") or ()):
            return Replayed(rid, label, tenant, "needs_text", record["outcome"], None,
                            reason="a deep check's verdict")  # fmt: skip
        recorded = {(f["stage"], f["filter"]): f for f in record["filters"]}
        policy = self._policies[judged.policy]
        after, types, missing = _stage(policy, "input", recorded)
        caveat = None
        if after != "block":
            if any(stage == "output" for stage, _ in recorded):
                out, out_types, out_missing = _stage(policy, "output", recorded)
                after = max(after, out, key=RANK.__getitem__)
                types, missing = types | out_types, missing or out_missing
            elif policy.output:
                # Blocked on input when recorded: the candidate lets it through, and what
                # its output filters would make of the reply is unknown.
                caveat = "the reply was never produced: output filters not judged"
        types_before = tuple(sorted({t for f in record["filters"] for t in f.get("types", ())}))
        if missing:
            return Replayed(rid, label, tenant, "needs_text", before, after, types_before,
                            tuple(sorted(types)), reason=missing)  # fmt: skip
        if after != before:
            category = f"{before}->{after}"
        elif set(types) != set(_enforced(record)):
            category = "reclassified"
        else:
            category = "unchanged"
        return Replayed(rid, label, tenant, category, before, after, types_before,
                        tuple(sorted(types)), reason=caveat)  # fmt: skip


def _enforced(record: dict[str, Any]) -> set[str]:
    """The finding types the recorded policy acted on (enforcing filters)."""
    return {
        t
        for f in record["filters"]
        if f.get("mode") == "enforce" and f.get("count", 0)
        for t in f.get("types", ())
    }


def _stage(
    policy: PolicySettings, stage: str, recorded: dict[tuple[str, str], dict[str, Any]]
) -> tuple[str, set[str], str | None]:
    """The candidate's verdict for one stage: (allow|redact|block, types acted on, what is
    missing to judge it, if anything)."""
    verdict, types, missing = "allow", set[str](), None
    for spec in policy.input if stage == "input" else policy.output:
        name = spec.name or spec.type
        rec = recorded.get((stage, name))
        if rec is None:
            missing = missing or f"{stage} filter {name!r} did not run when this was recorded"
            continue
        if rec.get("error"):
            missing = missing or f"{stage} filter {name!r} failed when this was recorded"
            continue
        if spec.type == "limits":
            # A limit's verdict is about the request's shape, which the record keeps.
            found = set(rec.get("types", ())) if rec.get("verdict") == "block" else set()
            action = "block"
        else:
            found = _in_scope(spec, set(rec.get("types", ())) if rec.get("count", 0) else set())
            action = spec.action
        if not found or spec.mode == "shadow":
            continue
        types |= found
        act = {"block": "block", "redact": "redact"}.get(action, "allow")  # flag: recorded only
        verdict = max(verdict, act, key=RANK.__getitem__)
    return verdict, types, missing


def _in_scope(spec: Any, types: set[str]) -> set[str]:
    """Recorded types the candidate filter still looks for (a narrowed entity or kind list)."""
    if isinstance(spec, PiiFilter):
        return {t for t in types if t.removeprefix("pii.") in spec.entities}
    if isinstance(spec, SecretsFilter):
        kinds = set(spec.kinds)
        # A type not among the built-in rules' (an older record): its kind is its name.
        return {
            t
            for t in types
            if SECRET_TYPE_KINDS.get(t, frozenset([t.removeprefix("secret.")])) & kinds
        }
    return types
