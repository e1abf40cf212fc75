"""The `tenants:` section: a tenant's own policy per route, and the checks that tie it in.

    tenants:
      acme:                      # a tenant name from auth.keys
        policies:
          chat: acme-strict      # on the route named `chat` (its name, else its upstream)
          "*": acme-default      # on every other route

Which policy answers a request (generation/tenants.py), first match wins:
  1. tenant_route      tenants.<tenant>.policies.<route>
  2. tenant_any_route  tenants.<tenant>.policies."*"
  3. route             routes[i].policy, when the route names one
  4. default           the policy named `default`
Levels cannot drop baselines (baseline.py): a route's policy keeps the `default`
policy's baseline filters, and a tenant's policy keeps those of the policy it replaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from safeproxy.settings.baseline import missing_baselines
from safeproxy.settings.types import Name, Strict

if TYPE_CHECKING:
    from safeproxy.settings.schema import Settings

ANY_ROUTE = "*"
DEFAULT_POLICY = "default"
RouteKey = Annotated[str, Field(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$")]


class TenantSettings(Strict):
    """One tenant's policies: route name (or "*") -> policy name."""

    policies: dict[RouteKey, Name] = Field(default_factory=dict)


def tenant_errors(settings: Settings) -> list[tuple[str, str]]:
    """Unknown tenants, routes and policies in `tenants`, and dropped baselines."""
    errors: list[tuple[str, str]] = []
    policies = settings.policies
    default = policies.get(DEFAULT_POLICY)
    for i, route in enumerate(settings.routes):
        if default is not None and route.policy != DEFAULT_POLICY and route.policy in policies:
            dropped = missing_baselines(default, policies[route.policy])
            errors += [
                (f"routes.{i}.policy", f"policy {route.policy!r} {m} of policy {DEFAULT_POLICY!r}")
                for m in dropped
            ]
    if not settings.tenants:
        return errors
    if settings.auth.mode != "api_keys":
        need = "tenant policies need auth mode api_keys: tenants come from API keys"
        return [*errors, ("tenants", need)]
    keyed = {k.tenant for k in settings.auth.keys}
    labels = [r.label for r in settings.routes]
    for tenant, own in settings.tenants.items():
        if tenant not in keyed:
            errors.append((f"tenants.{tenant}", f"no key in auth.keys belongs to {tenant!r}"))
        for key, name in own.policies.items():
            where = f"tenants.{tenant}.policies.{key}"
            if key != ANY_ROUTE and key not in labels:
                errors.append((where, f"unknown route {key!r} (routes: {', '.join(labels)})"))
                continue
            if name not in policies:
                errors.append((where, f"unknown policy {name!r}"))
                continue
            for route in settings.routes:
                exact = route.label in own.policies
                if (key == ANY_ROUTE and exact) or (key != ANY_ROUTE and route.label != key):
                    continue  # this entry does not answer on that route
                replaced = route.policy
                if replaced not in policies or replaced == name:
                    continue
                dropped = missing_baselines(policies[replaced], policies[name])
                errors += [
                    (where, f"policy {name!r} {m} of policy {replaced!r} (route {route.label!r})")
                    for m in dropped
                ]
    return errors
