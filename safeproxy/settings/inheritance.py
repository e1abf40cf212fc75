"""Policy inheritance: `extends` chains resolved into self-contained policies, at load time.

Every consumer (compiling, deep checks, `safeproxy test`, replay) reads `Settings.policies`,
so resolving `extends` where the schema is validated makes an inherited filter run exactly
like a written one, with no second code path. A resolved policy keeps its `extends` (the
effective-policy endpoint shows the chain), and resolving an already resolved set changes
nothing, so a dumped config validates to the same policies.

Merging a child onto its parent: per stage, a child filter whose name (its `name`, else its
type) is the parent's replaces that filter in place, and must not weaken it when it is a
baseline (baseline.py); other child filters are appended. `deep_checks` merge the
same way by label. `stream`, `views` and `hash_salt_env` come from the child when it gives
them, else from the parent. A baseline filter stays a baseline in every descendant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from safeproxy.settings.baseline import STAGES, filter_name, weakenings
from safeproxy.settings.policy import PolicySettings

_OWN = ("stream", "views", "hash_salt_env")
M = TypeVar("M", bound=BaseModel)


class PolicyTreeError(ValueError):
    """An `extends` that cannot be resolved; `path` is the YAML path to fix."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def resolve(raw: Mapping[str, PolicySettings]) -> dict[str, PolicySettings]:
    """Every policy with its ancestors' filters merged in; raises PolicyTreeError for an
    unknown parent, a cycle, or a baseline filter a child weakens."""
    done: dict[str, PolicySettings] = {}

    def visit(name: str, trail: tuple[str, ...]) -> PolicySettings:
        known = done.get(name)
        if known is not None:
            return known
        policy = raw[name]
        parent_name = policy.extends
        if parent_name is None:
            result = _marked(policy) if policy.baseline else policy
        else:
            where = f"policies.{name}.extends"
            if parent_name not in raw:
                raise PolicyTreeError(where, f"unknown policy {parent_name!r}")
            seen = (*trail, name)
            if parent_name in seen:
                cycle = " -> ".join((*seen[seen.index(parent_name) :], parent_name))
                raise PolicyTreeError(where, f"inheritance cycle {cycle}")
            result = _merge(name, visit(parent_name, (*trail, name)), policy)
        done[name] = result
        return result

    return {name: visit(name, ()) for name in raw}


def chain(policies: Mapping[str, PolicySettings], name: str) -> list[str]:
    """`name`, its parent, its parent's parent... (resolved policies have no cycles)."""
    out = [name]
    parent = policies[name].extends
    while parent is not None and parent not in out and parent in policies:
        out.append(parent)
        parent = policies[parent].extends
    return out


def origin(policies: Mapping[str, PolicySettings], name: str, stage: str, spec: Any) -> str:
    """The policy up the chain where this filter, as it is, was written: the oldest
    ancestor from which every descendant down to `name` has it unchanged."""
    found = name
    for ancestor in chain(policies, name)[1:]:
        same = [f for f in getattr(policies[ancestor], stage) if f == spec]
        if not same:
            break
        found = ancestor
    return found


def _merge(name: str, parent: PolicySettings, child: PolicySettings) -> PolicySettings:
    update: dict[str, Any] = {}
    for stage in STAGES:
        merged = list(getattr(parent, stage))
        index = {filter_name(f): i for i, f in enumerate(merged)}
        for i, spec in enumerate(getattr(child, stage)):
            at = index.get(filter_name(spec))
            if at is None:
                index[filter_name(spec)] = len(merged)
                merged.append(spec)
                continue
            inherited = merged[at]
            if inherited.baseline:
                weaker = weakenings(inherited, spec)
                if weaker:
                    raise PolicyTreeError(
                        f"policies.{name}.{stage}.{i}",
                        f"weakens baseline filter {filter_name(spec)!r} of policy "
                        f"{child.extends!r}: {'; '.join(weaker)}",
                    )
                spec = _baseline(spec)
            merged[at] = spec
        update[stage] = merged
    checks = list(parent.deep_checks)
    labels = {c.label: i for i, c in enumerate(checks)}
    for check in child.deep_checks:
        if check.label in labels:
            checks[labels[check.label]] = check
        else:
            checks.append(check)
    update["deep_checks"] = checks
    for key in _OWN:
        if key not in child.model_fields_set:
            update[key] = getattr(parent, key)
    merged_policy = child.model_copy(update=update)
    return _marked(merged_policy) if child.baseline else merged_policy


def _marked(policy: PolicySettings) -> PolicySettings:
    """Every filter of a `baseline: true` policy is a baseline filter."""
    return policy.model_copy(update={s: [_baseline(f) for f in getattr(policy, s)] for s in STAGES})


def _baseline(spec: M) -> M:
    return spec if getattr(spec, "baseline", False) else spec.model_copy(update={"baseline": True})
