"""SAFEPROXY_* overrides: Kubernetes service links are not config, and errors name the variable."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from safeproxy.settings.env import ENV_NESTING, ENV_PREFIX, apply_env_overrides, is_service_link
from safeproxy.settings.loading import ConfigError, load_settings, validate
from safeproxy.settings.schema import Settings

MINIMAL = "upstreams: [{name: a, base_url: 'http://127.0.0.1:8000/'}]\nroutes: [{upstream: a}]\n"


def write(tmp_path: Path, text: str = MINIMAL) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def service_link_variables(service: str, port: int, port_name: str, proto: str) -> dict[str, str]:
    """What the kubelet injects for one Service (pkg/kubelet/envvars): the name upper-cased,
    dashes to underscores."""
    name = service.upper().replace("-", "_")
    addr = "10.0.0.7"
    base = f"{name}_PORT_{port}_{proto}"
    return {
        f"{name}_SERVICE_HOST": addr,
        f"{name}_SERVICE_PORT": str(port),
        f"{name}_SERVICE_PORT_{port_name.upper().replace('-', '_')}": str(port),
        f"{name}_PORT": f"{proto.lower()}://{addr}:{port}",
        base: f"{proto.lower()}://{addr}:{port}",
        f"{base}_PROTO": proto.lower(),
        f"{base}_PORT": str(port),
        f"{base}_ADDR": addr,
    }


# A Service named `safeproxy` or `safeproxy-<x>` (DNS-1035 labels, no double dash as in
# practice), with a named port (IANA service names).
services = st.one_of(
    st.just("safeproxy"),
    st.from_regex(r"safeproxy(-[a-z0-9]{1,8}){1,3}", fullmatch=True),
)
port_names = st.from_regex(r"[a-z]([a-z0-9]{0,5}-?[a-z0-9]{1,5})?", fullmatch=True)


@given(services, st.integers(1, 65535), port_names, st.sampled_from(["TCP", "UDP", "SCTP"]))
def test_service_links_of_any_safeproxy_service_are_ignored(
    service: str, port: int, port_name: str, proto: str
) -> None:
    env = service_link_variables(service, port, port_name, proto)
    data = yaml.safe_load(MINIMAL)
    result = apply_env_overrides(data, env)
    assert result.problems == []
    assert sorted(result.ignored) == sorted(env)
    assert validate(data).server.port == 8080


def override_names(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every override variable that addresses a field of the config schema (list items as 0)."""
    names = []
    for field_name, info in model.model_fields.items():
        var = f"{prefix}{ENV_NESTING if prefix else ENV_PREFIX}{field_name.upper()}"
        names.append(var)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += override_names(annotation, var)
        args = getattr(annotation, "__args__", ())
        if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            names += override_names(args[0], f"{var}{ENV_NESTING}0")
    return names


def test_no_real_override_looks_like_a_service_link() -> None:
    names = override_names(Settings)
    assert "SAFEPROXY_SERVER__PORT" in names and len(names) > 50
    assert [n for n in names if is_service_link(n)] == []


def test_ignored_variables_are_named_in_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {
        "SAFEPROXY_PORT": "tcp://10.0.0.7:8080",
        "SAFEPROXY_SERVICE_HOST": "10.0.0.7",
        "SAFEPROXY_PORT_8080_TCP": "tcp://10.0.0.7:8080",
        "SAFEPROXY_SERVER__PORT": "9000",
    }
    with caplog.at_level(logging.INFO, logger="safeproxy.config"):
        settings = load_settings(write(tmp_path), environ=env)
    assert settings.server.port == 9000
    lines = [r.getMessage() for r in caplog.records if r.name == "safeproxy.config"]
    assert len(lines) == 1
    assert "SAFEPROXY_PORT, SAFEPROXY_PORT_8080_TCP, SAFEPROXY_SERVICE_HOST" in lines[0]
    assert "10.0.0.7" not in lines[0]  # names only: values may be anything


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "SAFEPROXY_SERVER__PORT",
            "abc",
            ["SAFEPROXY_SERVER__PORT: input should be a valid int"],
        ),
        ("SAFEPROXY_SERVR__PORT", "1", ["SAFEPROXY_SERVR__PORT: extra inputs are not permitted"]),
        (
            "SAFEPROXY_SERVER",
            "{port: x}",
            ["SAFEPROXY_SERVER: input should", "(at server.port)"],
        ),
        ("SAFEPROXY_SERVER__PORT", "[1", ["SAFEPROXY_SERVER__PORT: override value is not valid"]),
        ("SAFEPROXY_SERVER____PORT", "1", ["SAFEPROXY_SERVER____PORT: malformed override name"]),
    ],
)
def test_an_override_error_names_the_variable_not_the_file(
    tmp_path: Path, name: str, value: str, expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path), environ={name: value})
    text = info.value.render()
    assert text.startswith("environment: SAFEPROXY_")
    assert "\n" not in text
    assert all(fragment in text for fragment in expected)
    assert str(tmp_path) not in text


def test_file_errors_keep_their_yaml_path_beside_override_errors(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "server: {port: -2}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={"SAFEPROXY_SERVER__HOST": "[]"})
    text = info.value.render()
    assert text.splitlines()[0] == f"{path}: invalid configuration"
    assert "  server.port: input should be greater than or equal to 0" in text
    assert "  SAFEPROXY_SERVER__HOST: input should be a valid string" in text
