"""Generation: everything a policy change touches, compiled once and never changed after.

A request takes the current generation once, at admission (Exchange.generation), and uses it
to the end, streams included: its input and output filters, its route, its tenant and its
deep-check plan come from that generation, and its decision carries that generation's policy
versions. A reload builds a new one beside it (Builder.build, off the event loop) and swaps
one reference (holder.py); nothing in a generation is mutated after it was built, except
the router's memo of model-name lookups, which is a cache of the generation's own routes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import orjson

from safeproxy.deepcheck.plan import PolicyChecks
from safeproxy.exchange.decision import TenantHasher
from safeproxy.exchange.identity import Authenticator
from safeproxy.filters.policy import CompiledPolicy, Compiler, PolicyError, compile_policies
from safeproxy.filters.reuse import Reuse, plans
from safeproxy.generation.tenants import TenantPolicies
from safeproxy.settings.policy import PolicySettings
from safeproxy.settings.schema import Settings, cross_reference_errors
from safeproxy.upstream.routes import Router

# Compiles a config's deep checks against the judges running in this process; raises
# GenerationError for a check whose judge is not running.
DeepCompile = Callable[[Mapping[str, PolicySettings]], dict[str, PolicyChecks]]


class GenerationError(Exception):
    """A config that cannot become a generation; `problems` are (YAML path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Generation:
    """One immutable runtime generation (see the module docstring)."""

    number: int  # 1 for the one built at start, then one more per successful reload
    hash: str  # content hash of the effective config (settings and word files)
    settings: Settings
    policies: Mapping[str, CompiledPolicy]
    versions: Mapping[str, str]  # policy name -> version (content hash)
    router: Router
    auth: Authenticator  # API keys (as SHA-256) -> tenant names
    tenants: TenantPolicies  # the tenant map: (tenant, route) -> the policy that answers
    deep: Mapping[str, PolicyChecks]  # deep-check plans by policy (empty: none configured)
    built_unix: float
    # (active policy, rollout candidate) -> what a shadow scan reuses of the active's scan.
    reuse: Mapping[tuple[str, str], Reuse] = field(default_factory=lambda: MappingProxyType({}))


class Builder:
    """Builds generations; the same code at start and for every reload.

    The compiler is kept between builds: detectors whose spec did not change are reused (a
    reload then compiles only what changed). Builds run one at a time (the reloader's
    executor has one thread), so the compiler's caches see no concurrent use.
    """

    def __init__(
        self,
        compiler: Compiler,
        tenants: TenantHasher,
        deep: DeepCompile | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._compiler = compiler
        self._tenants = tenants
        self._deep = deep
        self._clock = clock

    def build(self, settings: Settings, number: int) -> Generation:
        """Compile `settings` into a generation; raises GenerationError listing problems."""
        problems = cross_reference_errors(settings)
        if problems:
            raise GenerationError(problems)
        deep: dict[str, PolicyChecks] = {}
        try:
            policies = compile_policies(settings.policies, self._compiler)
            if self._deep is not None:
                deep = self._deep(settings.policies)
        except PolicyError as exc:
            raise GenerationError(exc.problems) from None
        if self._deep is None and any(p.deep_checks for p in settings.policies.values()):
            where = next(f"policies.{n}.deep_checks" for n, p in settings.policies.items()
                         if p.deep_checks)  # fmt: skip
            raise GenerationError([(where, "deep checks were not configured at start; restart")])
        versions = {name: p.version for name, p in policies.items()}
        candidates = frozenset(r.candidate for r in settings.rollouts.values())
        reuse = plans(self._compiler, settings.policies, policies, candidates)
        router = Router(settings)
        return Generation(
            number=number,
            hash=generation_hash(settings, versions),
            settings=settings,
            policies=MappingProxyType(policies),
            versions=MappingProxyType(versions),
            router=router,
            auth=Authenticator(settings.auth, self._tenants),
            tenants=TenantPolicies(settings, router),
            deep=MappingProxyType(deep),
            built_unix=self._clock(),
            reuse=MappingProxyType(reuse),
        )


def generation_hash(settings: Settings, versions: Mapping[str, str]) -> str:
    """The config's content hash, with the policies' versions (which also hash their word
    files: an edited blocklist is a new generation even when the YAML is the same)."""
    blob = orjson.dumps(
        {"settings": settings.model_dump(mode="json"), "versions": dict(versions)},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(blob).hexdigest()[:16]
