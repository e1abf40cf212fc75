"""The effective-policy endpoint of the admin listener: which policy and filters apply, and why.

    GET /admin/effective-policy?tenant=<name>&route=<route>&model=<model>

`route` is a route's name (its upstream when unnamed); `model` picks the route as traffic
would (the first matching glob); give either or both (both: the model must route there).
`tenant` is a tenant name from auth.keys; without it the answer is for a client with no
tenant policies. The answer comes from the generation being served: the precedence steps
in order (the one that matched marked), the inheritance chain of the chosen policy, its
filters with the policy in the chain each comes from, and its baseline filters.

Unknown tenant, route or model: 404; no route or model, or a model that routes elsewhere:
400 (the admin listener renders both as JSON errors). It sits behind the admin tokens; the
handler is in admin.py, with the listener's other generation endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeproxy.errors import BadRequest, NotFound
from safeproxy.generation.generation import Generation
from safeproxy.settings.baseline import STAGES, filter_name
from safeproxy.settings.inheritance import chain, origin
from safeproxy.upstream.routes import Route


def answer(gen: Generation, query: Mapping[str, str]) -> dict[str, Any]:
    """The endpoint's answer to a query string (tenant, route, model); raises NotFound (404)
    or BadRequest (400), which the admin listener renders as JSON errors."""
    tenant = query.get("tenant") or None
    if tenant is not None and tenant not in {k.tenant for k in gen.settings.auth.keys}:
        raise NotFound("no key in auth.keys belongs to this tenant", param="tenant",
                       code="unknown_tenant")  # fmt: skip
    route = _route(gen, query.get("route") or None, query.get("model") or None)
    body = explain(gen, tenant, route)
    body["model"] = query.get("model") or None
    return body


def explain(gen: Generation, tenant: str | None, route: Route) -> dict[str, Any]:
    """The endpoint's answer for `tenant` on `route` (one of `gen`'s routes)."""
    choice = gen.tenants.choose(tenant, route)
    name = choice.route.policy
    policies = gen.settings.policies
    policy = policies[name]
    filters: dict[str, list[dict[str, Any]]] = {}
    for stage in STAGES:
        filters[stage] = [
            {"name": filter_name(f), "type": f.type, "action": getattr(f, "action", None),
             "mode": f.mode, "baseline": f.baseline, "from": origin(policies, name, stage, f)}
            for f in getattr(policy, stage)
        ]  # fmt: skip
    return {
        "generation": gen.hash,
        "tenant": tenant,
        "route": route.label,
        "policy": {"name": name, "version": gen.versions.get(name, "")},
        "matched": {"step": choice.step, "where": choice.where},
        "precedence": [
            {"step": s.step, "where": s.where, "policy": s.policy, "matched": s.step == choice.step}
            for s in gen.tenants.steps(tenant, route)
        ],
        "inheritance": chain(policies, name),
        "filters": filters,
        "baselines": [
            f"{stage}.{f['name']}" for stage in STAGES for f in filters[stage] if f["baseline"]
        ],
    }


def _route(gen: Generation, name: str | None, model: str | None) -> Route:
    if name is None and model is None:
        raise BadRequest("give route or model", param="route", code="missing_route")
    by_name = None
    if name is not None:
        by_name = next((r for r in gen.router.routes() if r.label == name), None)
        if by_name is None:
            raise NotFound("no route has this name", param="route", code="unknown_route")
    if model is None:
        assert by_name is not None
        return by_name
    by_model = gen.router.route(model)
    if by_model is None:
        raise NotFound("no route for this model", param="model", code="model_not_found")
    if by_name is not None and by_model is not by_name:
        raise BadRequest("this model routes to another route", param="model",
                         code="route_mismatch")  # fmt: skip
    return by_model
