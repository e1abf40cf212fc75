"""What both replay tiers decide before judging a record: its route and policy under the
candidate (a tenant's own policy included), and whether the policy can judge it at all.

A record whose outcome was made by state (rate limits, quarantine, shedding, breakers) is
`stateful`; one whose outcome is no policy decision, or whose model no candidate route
takes, is not judged either. The rest gets the candidate's policy name for its tenant and
route, as serving would choose it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safeproxy.generation.tenants import TenantPolicies
from safeproxy.settings.schema import Settings
from safeproxy.upstream.routes import Router

VERDICTS = {"allowed": "allow", "redacted": "redact", "blocked_input": "block",
            "blocked_output": "block"}  # fmt: skip
STATEFUL = frozenset({"rate_limited", "quarantined", "shed", "breaker_open"})
RANK = {"allow": 0, "redact": 1, "block": 2}


@dataclass(frozen=True)
class Replayed:
    request_id: str
    route: str
    tenant: str
    category: str  # unchanged | reclassified | <before>-><after> | stateful | needs_text | ...
    before: str
    after: str | None
    types_before: tuple[str, ...] = ()
    types_after: tuple[str, ...] = ()
    reason: str | None = None  # why it was not re-judged


@dataclass(frozen=True)
class Judgeable:
    request_id: str
    route: str  # the route's label
    tenant: str
    before: str  # the recorded verdict: allow | redact | block
    policy: str  # the candidate's policy for this tenant on this route


class Triage:
    """The candidate's routes and tenant map, applied to one record at a time."""

    def __init__(self, candidate: Settings) -> None:
        self._router = Router(candidate)
        self._labels = {r.label: r for r in self._router.routes()}
        # A record's tenant is the configured name under api_keys; a salted hash never
        # names a tenant, so it falls through to the route's policy.
        self._tenants = TenantPolicies(candidate, self._router)

    def __call__(self, record: dict[str, Any]) -> Judgeable | Replayed:
        rid = str(record.get("request_id", "?"))
        tenant = str(record.get("tenant", "?"))
        outcome = record["outcome"]
        model = record.get("model")
        route = self._router.route(model) if isinstance(model, str) else None
        if route is None and not isinstance(model, str):
            route = self._labels.get(str(record.get("route")))
        label = route.label if route is not None else str(record.get("route", "-"))

        def not_judged(category: str, reason: str) -> Replayed:
            return Replayed(rid, label, tenant, category, outcome, None, reason=reason)

        if outcome in STATEFUL:
            return not_judged("stateful", f"{outcome} depends on state, not the policy")
        before = VERDICTS.get(outcome)
        if before is None:
            return not_judged("not_a_policy_decision", outcome)
        if route is None:
            return not_judged("unrouted", "no route of the candidate matches the model")
        policy = self._tenants.choose(tenant, route).route.policy
        return Judgeable(rid, label, tenant, before, policy)
