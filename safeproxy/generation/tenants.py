"""The tenant map of one generation: which policy answers a tenant on a route, and why.

Precedence (settings/tenants.py documents the config): tenant_route, tenant_any_route,
route, default. Every (tenant, route) answer is worked out when the generation is built,
so a request pays one dict lookup, and a reload swaps the whole map with the generation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import NamedTuple

from safeproxy.settings.schema import Settings
from safeproxy.settings.tenants import ANY_ROUTE, DEFAULT_POLICY
from safeproxy.upstream.routes import Route, Router

STEPS = ("tenant_route", "tenant_any_route", "route", "default")


class Step(NamedTuple):
    """One precedence step as it applies to a tenant and route."""

    step: str  # one of STEPS
    where: str  # the config path that would answer at this step
    policy: str | None  # the policy it names (None: this step says nothing here)


class Choice(NamedTuple):
    route: Route  # the route with the policy that answers
    step: str  # the precedence step that matched
    where: str  # its config path


class TenantPolicies:
    def __init__(self, settings: Settings, router: Router) -> None:
        self._own: Mapping[str, Mapping[str, str]] = {
            t: dict(s.policies) for t, s in settings.tenants.items()
        }
        # Whether a route names its policy (else it gets `default`), by config index.
        self._routes = router.routes()
        self._index = {id(r): i for i, r in enumerate(self._routes)}
        self._named = [("policy" in r.model_fields_set) for r in settings.routes]
        # Keyed by the identity of the generation's own Route objects (the router hands out
        # those, and keeps them as long as this map lives): a lookup hashes no dataclass.
        self._choices: dict[tuple[str, int], Choice] = {}
        self._plain: dict[int, Choice] = {}
        for route in router.routes():
            self._plain[id(route)] = self._choose(None, route)
            for tenant in self._own:
                self._choices[(tenant, id(route))] = self._choose(tenant, route)

    def choose(self, tenant: str | None, route: Route) -> Choice:
        """The policy for `tenant` (a configured tenant name, or None) on `route`, one of
        this generation's routes."""
        if tenant is not None and tenant in self._own:
            found = self._choices.get((tenant, id(route)))
        else:  # no policies of its own: the route's choice
            found = self._plain.get(id(route))
        # A route from elsewhere (not this generation's router): worked out now.
        return found if found is not None else self._choose(tenant, route)

    def steps(self, tenant: str | None, route: Route) -> list[Step]:
        """Every precedence step for `tenant` on `route`, in order, matched or not."""
        own = self._own.get(tenant, {}) if tenant is not None else {}
        i = self._index.get(id(route))
        if i is None:  # an equal copy of one of ours (or none)
            i = next((j for j, r in enumerate(self._routes) if r == route), -1)
        at = f"tenants.{tenant}.policies"
        named = i >= 0 and self._named[i]
        return [
            Step("tenant_route", f"{at}.{route.label}", own.get(route.label)),
            Step("tenant_any_route", f"{at}.{ANY_ROUTE}", own.get(ANY_ROUTE)),
            Step("route", f"routes.{i}.policy", route.policy if named else None),
            Step("default", f"policies.{DEFAULT_POLICY}", route.policy),
        ]

    def _choose(self, tenant: str | None, route: Route) -> Choice:
        for step in self.steps(tenant, route):
            if step.policy is not None:
                chosen = route
                if step.policy != route.policy:
                    chosen = dataclasses.replace(route, policy=step.policy)
                return Choice(chosen, step.step, step.where)
        raise AssertionError("the default step always names a policy")
