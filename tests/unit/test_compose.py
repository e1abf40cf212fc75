"""deploy/compose/compose.yaml without a Docker daemon: it matches the compose-spec schema,
every file it mounts exists, and the services' settings point at one another."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import check_jsonschema
import jsonschema
import yaml

from safeproxy.settings.env import apply_env_overrides
from safeproxy.settings.loading import validate
from tests.manifest_checks import tool

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
COMPOSE = COMPOSE_DIR / "compose.yaml"
# The compose-spec schema (Apache-2.0) as check-jsonschema vendors it.
SCHEMA = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
SERVICES = {"proxy", "model", "redis", "prometheus", "grafana", "otel-collector", "jaeger"}


def compose() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return doc


def schema_errors(doc: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def binds(service: dict[str, Any]) -> dict[str, Path]:
    """container path -> host path, for each bind mount (short syntax `src:dst[:ro]`)."""
    found: dict[str, Path] = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            found[target] = (COMPOSE_DIR / source).resolve()
    return found


def host_port(url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def test_the_compose_file_matches_the_compose_spec() -> None:
    doc = compose()
    assert set(doc["services"]) == SERVICES
    assert schema_errors(doc) == []


def test_a_compose_spec_violation_is_caught() -> None:
    doc = copy.deepcopy(compose())
    doc["services"]["proxy"]["restart_policy"] = "always"  # not a service key
    doc["services"]["proxy"]["depends_on"]["model"]["condition"] = "service_up"  # no such
    assert len(schema_errors(doc)) == 2


def test_every_mounted_file_and_the_build_context_exist() -> None:
    doc = compose()
    for name, service in doc["services"].items():
        for target, source in binds(service).items():
            assert source.exists(), f"{name}: {target} mounts {source}, which does not exist"
            assert ROOT in source.parents, f"{name}: {source} is outside the repository"
    build = doc["services"]["proxy"]["build"]
    assert (COMPOSE_DIR / build["context"] / build["dockerfile"]).resolve() == ROOT / "Dockerfile"


def test_services_depend_on_services_and_publish_on_loopback_only() -> None:
    doc = compose()
    for name, service in doc["services"].items():
        assert set(service.get("depends_on", [])) <= SERVICES, name
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name}: {port} listens beyond this machine"


def test_the_proxy_config_is_valid_and_points_at_the_services() -> None:
    doc = compose()
    proxy = doc["services"]["proxy"]
    config = binds(proxy)[proxy["command"][proxy["command"].index("--config") + 1]]
    data = yaml.safe_load(config.read_text())
    env = {k: str(v) for k, v in proxy.get("environment", {}).items()}
    assert apply_env_overrides(data, env).problems == []
    settings = validate(data, str(config))
    # The upstream is the model service, on the port the mock model listens on.
    model = doc["services"]["model"]["command"]
    (url,) = settings.upstreams[0].base_urls
    assert host_port(str(url)) == ("model", int(model[model.index("--port") + 1]))
    # The published port is the proxy's; the drain fits in the stop grace period.
    assert proxy["ports"] == [f"127.0.0.1:{settings.server.port}:{settings.server.port}"]
    assert settings.server.drain_s < int(proxy["stop_grace_period"].rstrip("s"))
    # Redis and the collector are services (the collector's OTLP/HTTP port).
    assert settings.rate_limits.backend == "redis"
    assert host_port(env[settings.rate_limits.redis.url_env]) == ("redis", 6379)
    collector = yaml.safe_load((COMPOSE_DIR / "otel-collector.yaml").read_text())
    http = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    assert host_port(env["OTEL_EXPORTER_OTLP_ENDPOINT"]) == (
        "otel-collector",
        int(http.split(":")[1]),
    )
    # The proxy's root filesystem is read-only: /tmp is a tmpfs (`--workers` writes there).
    assert proxy["read_only"] is True and "/tmp" in proxy["tmpfs"]


def test_prometheus_loads_the_rules_and_scrapes_the_proxy(tmp_path: Path) -> None:
    doc = compose()
    mounted = binds(doc["services"]["prometheus"])
    config = yaml.safe_load(mounted["/etc/prometheus/prometheus.yml"].read_text())
    rules = {mounted[path] for path in config["rule_files"]}
    prometheus_dir = ROOT / "deploy" / "prometheus"
    assert rules == {prometheus_dir / "recording_rules.yml", prometheus_dir / "alert_rules.yml"}
    proxy_config = yaml.safe_load((COMPOSE_DIR / "safeproxy.yaml").read_text())
    (job,) = config["scrape_configs"]
    assert job["static_configs"][0]["targets"] == [f"proxy:{proxy_config['server']['port']}"]
    assert job["metrics_path"] == "/metrics"
    # promtool reads the config as Prometheus would, with the rule files where compose mounts
    # them (here: their paths in the repository).
    config["rule_files"] = [str(mounted[path]) for path in config["rule_files"]]
    checked = tmp_path / "prometheus.yml"
    checked.write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [
            tool("promtool", "Debian's prometheus; scripts/test.sh installs it"),
            "check",
            "config",
            str(checked),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_provisions_the_dashboards_and_the_datasource() -> None:
    doc = compose()
    mounted = binds(doc["services"]["grafana"])
    provisioning = Path("/etc/grafana/provisioning")
    providers = yaml.safe_load(
        (mounted[str(provisioning / "dashboards")] / "safeproxy.yaml").read_text()
    )
    (provider,) = providers["providers"]
    dashboards = mounted[provider["options"]["path"]]
    assert dashboards == ROOT / "deploy" / "grafana" and sorted(dashboards.glob("*.json"))
    sources = yaml.safe_load(
        (mounted[str(provisioning / "datasources")] / "prometheus.yaml").read_text()
    )
    (source,) = sources["datasources"]
    assert source["type"] == "prometheus" and source["isDefault"] is True
    assert host_port(source["url"]) == ("prometheus", 9090)


def test_the_collector_sends_traces_to_jaeger() -> None:
    collector = yaml.safe_load((COMPOSE_DIR / "otel-collector.yaml").read_text())
    pipeline = collector["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    (exporter,) = pipeline["exporters"]
    assert collector["exporters"][exporter]["endpoint"] == "jaeger:4317"
    jaeger = compose()["services"]["jaeger"]
    assert jaeger["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
