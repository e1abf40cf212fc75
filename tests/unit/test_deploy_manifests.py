"""The Kubernetes sidecar manifest: it parses, and the proxy config it ships, with the
SAFEPROXY_* overrides its container sets, is a valid config (what the pod would load)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from safeproxy.configfile import validate
from safeproxy.env_overrides import apply_env_overrides

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes" / "sidecar.yaml"


def test_the_sidecar_config_loads_with_its_container_environment() -> None:
    docs: list[dict[str, Any]] = list(yaml.safe_load_all(MANIFEST.read_text()))
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]["safeproxy.yaml"]
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    container = next(
        c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "safeproxy"
    )
    assert deployment["spec"]["template"]["spec"]["enableServiceLinks"] is False
    env = {e["name"]: e["value"] for e in container.get("env", [])}
    data = yaml.safe_load(config)
    assert apply_env_overrides(data, env).problems == []
    settings = validate(data, str(MANIFEST))
    assert settings.telemetry.audit.path == env["SAFEPROXY_TELEMETRY__AUDIT__PATH"]
    # The sidecar runs the recommended policy, not an empty chain.
    assert settings.routes[0].policy == "default"
    assert settings.policies["default"].input and settings.policies["default"].output
    # The audit log's directory is a mounted volume (the root filesystem is read-only).
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert str(Path(settings.telemetry.audit.path or "").parent) in mounts
