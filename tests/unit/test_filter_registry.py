"""The registry of detector types: the six the schema names, and what a missing one means."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from safeproxy.filters.api import FilterAction, Mode, OnError, Redaction
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detector_types import PiiType, SecretsType, default_registry
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, PolicyError, compile_policies
from safeproxy.filters.registry import Registry
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import ConfigError, load_settings
from safeproxy.settings.policy import FilterSettings, OutputFilterSettings, PolicySettings

SKELETON = Skeleton(skeleton_table())


def _schema_types(union: object) -> dict[str, type]:
    """`type` literal -> settings model, for a discriminated union of the schema."""
    members = typing.get_args(typing.get_args(union)[0])
    return {typing.get_args(m.model_fields["type"].annotation)[0]: m for m in members}


def test_the_registry_lists_the_six_types_the_schema_names() -> None:
    registry = default_registry()
    assert registry.names == (
        "pii",
        "secrets",
        "injection",
        "blocklist",
        "limits",
        "hidden_payload",
    )
    schema = _schema_types(FilterSettings)
    assert {t.name: t.settings for t in registry} == schema
    assert set(_schema_types(OutputFilterSettings)) <= set(registry.names)


def test_a_type_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'pii' registered twice"):
        Registry([PiiType(), PiiType()])


def test_an_unknown_type_is_a_config_error_with_its_yaml_path(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "upstreams: [{name: u, base_url: 'http://127.0.0.1:9'}]\n"
        "routes: [{upstream: u, policy: p}]\n"
        "policies: {p: {input: [{type: pii}, {type: classifier}]}}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert [p for p, _m in caught.value.problems] == ["policies.p.input.1"]


def test_a_type_the_registry_lacks_is_a_policy_error_with_its_yaml_path() -> None:
    compiler = Compiler(Normalizer(), SKELETON, {}, registry=Registry([SecretsType()]))
    settings = PolicySettings.model_validate({"input": [{"type": "secrets"}, {"type": "pii"}]})
    with pytest.raises(PolicyError) as caught:
        compile_policies({"p": settings}, compiler)
    assert caught.value.problems == [("policies.p.input.1.type", "unknown filter type 'pii'")]


def test_specs_carry_enums_converted_once_from_the_yaml_strings() -> None:
    settings = PolicySettings.model_validate(
        {
            "input": [
                {"type": "pii", "mode": "shadow", "on_error": "open", "redaction": "mask"},
                {"type": "injection", "action": "flag"},
                {"type": "limits", "max_messages": 3},
            ],
            "output": [{"type": "secrets"}],
        }
    )
    policy = compile_policies({"p": settings}, Compiler(Normalizer(), SKELETON, {}))["p"]
    pii = policy.input.specs["pii"]
    assert (pii.action, pii.mode, pii.on_error, pii.redaction) == (
        FilterAction.REDACT,
        Mode.SHADOW,
        OnError.OPEN,
        Redaction.MASK,
    )
    assert policy.input.specs["injection"].action is FilterAction.FLAG
    assert policy.input.specs["injection"].judge is not None
    assert list(policy.input.scanned) == ["pii", "injection"]  # limits: checked on the body
    assert policy.input.limits is not None
    secrets = policy.output.specs["secrets"]
    assert (secrets.action, secrets.on_error) == (FilterAction.BLOCK, OnError.CLOSED)
