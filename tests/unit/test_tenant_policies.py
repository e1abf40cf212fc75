"""Per-tenant policies: the precedence (tenant_route, tenant_any_route, route, default),
the `tenants:` checks with their YAML paths, and `safeproxy validate` refusing a tenant policy
that drops a baseline filter."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.cli import main
from safeproxy.generation.tenants import TenantPolicies
from safeproxy.settings.loading import ConfigError, validate
from safeproxy.upstream.routes import Router

POLICIES = {
    "default": {"input": [{"type": "secrets", "baseline": True}]},
    "strict": {"extends": "default", "input": [{"type": "pii", "action": "block"}]},
    "loose": {"extends": "default"},
    "acme": {"extends": "default", "output": [{"type": "blocklist", "words": ["x"]}]},
}


def key(tenant: str) -> dict[str, str]:
    return {"sha256": hashlib.sha256(f"key-{tenant}".encode()).hexdigest(), "tenant": tenant}


def config(tenants: dict[str, Any], policies: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [
            {"name": "chat", "match": {"model": "chat-*"}, "upstream": "u", "policy": "strict"},
            {"name": "batch", "match": {"model": "*"}, "upstream": "u"},
        ],
        "auth": {"mode": "api_keys", "keys": [key("acme"), key("globex"), key("initech")]},
        "policies": policies or POLICIES,
        "tenants": tenants,
    }


def chooser(tenants: dict[str, Any]) -> tuple[TenantPolicies, Router]:
    settings = validate(config(tenants))
    router = Router(settings)
    return TenantPolicies(settings, router), router


def test_precedence_tenant_route_then_tenant_any_route_then_route_then_default() -> None:
    tenants, router = chooser({
        "acme": {"policies": {"chat": "acme", "*": "loose"}},
        "globex": {"policies": {"*": "acme"}},
    })  # fmt: skip
    chat, batch = router.route("chat-1"), router.route("other")
    assert chat is not None and batch is not None
    picked = {
        (tenant, route.label): (c.route.policy, c.step, c.where)
        for tenant in ("acme", "globex", "initech", None)
        for route in (chat, batch)
        for c in [tenants.choose(tenant, route)]
    }
    assert picked == {
        ("acme", "chat"): ("acme", "tenant_route", "tenants.acme.policies.chat"),
        ("acme", "batch"): ("loose", "tenant_any_route", "tenants.acme.policies.*"),
        ("globex", "chat"): ("acme", "tenant_any_route", "tenants.globex.policies.*"),
        ("globex", "batch"): ("acme", "tenant_any_route", "tenants.globex.policies.*"),
        ("initech", "chat"): ("strict", "route", "routes.0.policy"),
        ("initech", "batch"): ("default", "default", "policies.default"),
        (None, "chat"): ("strict", "route", "routes.0.policy"),
        (None, "batch"): ("default", "default", "policies.default"),
    }
    # Only the policy changes: the route still goes where it went.
    assert tenants.choose("acme", chat).route.targets == chat.targets
    # Worked out when the generation was built: a request gets the same object back, and a
    # tenant with no policies of its own shares the route's.
    assert tenants.choose("acme", chat) is tenants.choose("acme", chat)
    assert tenants.choose("initech", chat) is tenants.choose(None, chat)
    # A route object from elsewhere (a copy) is answered alike, just not from the memo.
    copy = dataclasses.replace(chat)
    for tenant in ("acme", "initech"):
        assert tenants.choose(tenant, copy)[1:] == tenants.choose(tenant, chat)[1:]


@given(
    st.dictionaries(
        st.sampled_from(["acme", "globex", "initech"]),
        st.dictionaries(st.sampled_from(["chat", "batch", "*"]),
                        st.sampled_from(["strict", "loose", "acme"]), max_size=3),
        max_size=3,
    )
)  # fmt: skip
def test_the_first_step_that_names_a_policy_answers(own: dict[str, dict[str, str]]) -> None:
    # No tenant policy here may drop the `secrets` baseline (they all extend default).
    tenants, router = chooser({t: {"policies": p} for t, p in own.items()})
    for route in router.routes():
        for tenant in ("acme", "globex", "initech"):
            mine = own.get(tenant, {})
            expected = mine.get(route.label, mine.get("*", route.policy))
            assert tenants.choose(tenant, route).route.policy == expected
            steps = tenants.steps(tenant, route)
            assert [s.step for s in steps] == [
                "tenant_route", "tenant_any_route", "route", "default"
            ]  # fmt: skip


def problems(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        validate(cfg)
    return info.value.problems


def test_unknown_tenants_routes_and_policies_are_errors_with_their_path() -> None:
    found = problems(config({
        "nobody": {"policies": {"chat": "strict"}},
        "acme": {"policies": {"nowhere": "strict", "batch": "missing"}},
    }))  # fmt: skip
    assert [w for w, _ in found] == [
        "tenants.nobody", "tenants.acme.policies.nowhere", "tenants.acme.policies.batch"
    ]  # fmt: skip
    assert found[2][1] == "unknown policy 'missing'"
    no_keys = config({"acme": {"policies": {"*": "strict"}}})
    no_keys["auth"] = {"mode": "none"}
    assert [w for w, _ in problems(no_keys)] == ["tenants"]


def test_a_tenant_policy_that_drops_a_baseline_is_an_error() -> None:
    policies = {**POLICIES, "bare": {"input": [{"type": "pii"}]}}
    [(where, message)] = problems(config({"acme": {"policies": {"batch": "bare"}}}, policies))
    assert where == "tenants.acme.policies.batch"
    assert message == (
        "policy 'bare' drops baseline filter input.secrets of policy 'default' (route 'batch')"
    )
    # "*" is checked against every route it answers on (not the one with an exact entry).
    found = problems(config({"acme": {"policies": {"*": "bare", "chat": "strict"}}}, policies))
    assert [(w, m.rsplit("(", 1)[1]) for w, m in found] == [
        ("tenants.acme.policies.*", "route 'batch')")
    ]


def test_a_route_policy_must_keep_the_default_policys_baselines() -> None:
    policies = {**POLICIES, "strict": {"input": [{"type": "pii"}]}}
    [(where, message)] = problems(config({}, policies))
    assert where == "routes.0.policy"
    assert "drops baseline filter input.secrets" in message


def test_safeproxy_validate_reports_the_dropped_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = {**POLICIES, "bare": {"input": [{"type": "pii"}]}}
    path = tmp_path / "safeproxy.yaml"
    path.write_text(yaml.safe_dump(config({"acme": {"policies": {"*": "bare"}}}, policies)))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr()
    out = err.out + err.err
    assert "tenants.acme.policies.*" in out and "drops baseline filter input.secrets" in out
    path.write_text(yaml.safe_dump(config({"acme": {"policies": {"*": "acme"}}})))
    assert main(["validate", str(path)]) == 0
