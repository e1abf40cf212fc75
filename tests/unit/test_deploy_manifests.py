"""The kustomize overlays in deploy/kubernetes render, match the Kubernetes schema, and hang
together: probes reach the proxy's port, the drain fits the grace period, the config each
pod loads is valid, and the gateway's Service, ServiceMonitor, HPA, PDB and NetworkPolicies
point at what is there. A manifest value that cannot work fails here (the tests at the end
break a rendered manifest and expect the check to say so)."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.manifest_checks import (
    PROXY_CONTAINER,
    Doc,
    hpa_problems,
    named,
    network_policy_problems,
    pdb_problems,
    pod_problems,
    proxy_config,
    proxy_problems,
    proxy_settings,
    render,
    schema_problems,
    service_monitor_problems,
    service_problems,
    tool,
    walk_rules,
)

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
OVERLAYS = ["sidecar", "gateway"]
# Prometheus Operator kinds: no schema ships for them; the checks below cover them instead.
OPERATOR_KINDS = {"ServiceMonitor", "PrometheusRule"}


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[Doc]]:
    return {name: render(KUBERNETES / "overlays" / name) for name in OVERLAYS}


def proxy_deployment(docs: list[Doc]) -> Doc:
    return named(docs, "Deployment")["safeproxy"]


def make_prometheusrule() -> ModuleType:
    path = KUBERNETES / "make_prometheusrule.py"
    spec = importlib.util.spec_from_file_location("make_prometheusrule", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_manifest_matches_the_kubernetes_schema(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    docs = rendered[overlay]
    assert {d["kind"] for d in docs} >= {"ConfigMap", "Deployment", "Service"}
    problems = [p for d in docs if d["kind"] not in OPERATOR_KINDS for p in schema_problems(d)]
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_have_working_probes_and_a_writable_tmp(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    docs = rendered[overlay]
    assert [p for d in named(docs, "Deployment").values() for p in pod_problems(d)] == []
    assert [p for s in named(docs, "Service").values() for p in service_problems(s, docs)] == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_proxy_loads_its_config_and_drains_within_the_grace_period(
    rendered: dict[str, list[Doc]], overlay: str
) -> None:
    docs = rendered[overlay]
    deployment = proxy_deployment(docs)
    assert proxy_problems(deployment, docs) == []
    settings, _ = proxy_settings(deployment, docs)
    # The recommended policy, not an empty chain.
    assert settings.routes[0].policy == "default"
    assert settings.policies["default"].input and settings.policies["default"].output
    assert settings.telemetry.audit.path == "/var/log/safeproxy/audit.jsonl"


def test_the_sidecar_proxies_the_model_in_its_own_pod(rendered: dict[str, list[Doc]]) -> None:
    docs = rendered["sidecar"]
    deployment = proxy_deployment(docs)
    names = [c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]]
    assert sorted(names) == ["model", PROXY_CONTAINER]
    model = next(
        c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "model"
    )
    settings, _ = proxy_settings(deployment, docs)
    # The model listens on localhost only, where the proxy's upstream points.
    host, port = (
        model["args"][model["args"].index("--host") + 1],
        model["args"][model["args"].index("--port") + 1],
    )
    assert host == "127.0.0.1"
    assert [str(u) for u in settings.upstreams[0].base_urls] == [f"http://127.0.0.1:{port}"]


def test_the_gateway_shares_state_through_its_redis(rendered: dict[str, list[Doc]]) -> None:
    docs = rendered["gateway"]
    deployment = proxy_deployment(docs)
    settings, _ = proxy_settings(deployment, docs)
    assert settings.rate_limits.backend == "redis" and settings.quarantine.backend == "redis"
    _, env = proxy_config(deployment, docs)
    redis_service = named(docs, "Service")["safeproxy-redis"]
    port = redis_service["spec"]["ports"][0]["port"]
    assert env[settings.rate_limits.redis.url_env] == f"redis://safeproxy-redis:{port}/0"
    assert service_problems(redis_service, docs) == []
    # Redis admits the proxy's pods only.
    redis = named(docs, "Deployment")["safeproxy-redis"]
    assert network_policy_problems(docs, redis, "redis") == []
    policy = named(docs, "NetworkPolicy")["safeproxy-redis"]
    sources = [s for rule in policy["spec"]["ingress"] for s in rule.get("from", [])]
    assert sources == [
        {"podSelector": {"matchLabels": deployment["spec"]["selector"]["matchLabels"]}}
    ]


def test_the_gateway_scales_is_scraped_and_admits_clients(rendered: dict[str, list[Doc]]) -> None:
    docs = rendered["gateway"]
    deployment = proxy_deployment(docs)
    (hpa,) = named(docs, "HorizontalPodAutoscaler").values()
    (pdb,) = named(docs, "PodDisruptionBudget").values()
    (monitor,) = named(docs, "ServiceMonitor").values()
    assert hpa_problems(hpa, docs) == []
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert pdb_problems(pdb, docs) == []
    # The budget never blocks every eviction: the HPA keeps more replicas than it holds back.
    assert pdb["spec"]["maxUnavailable"] >= 1 and hpa["spec"]["minReplicas"] >= 2
    assert service_monitor_problems(monitor, docs) == []
    settings, _ = proxy_settings(deployment, docs)
    # Clients and the scrape reach the proxy's port (/metrics is served there).
    assert network_policy_problems(docs, deployment, settings.server.port) == []


def test_the_committed_prometheusrule_is_generated_from_the_rule_files() -> None:
    module = make_prometheusrule()
    committed = module.OUTPUT.read_text()
    assert committed == module.prometheus_rule(), (
        "deploy/kubernetes/overlays/gateway/prometheusrule.yaml is out of date: "
        "run python deploy/kubernetes/make_prometheusrule.py"
    )


def test_the_gateway_prometheusrule_holds_every_rule_with_the_runbook_base(
    rendered: dict[str, list[Doc]], tmp_path: Path
) -> None:
    (rule,) = named(rendered["gateway"], "PrometheusRule").values()
    module = make_prometheusrule()
    expected = [r.get("alert") or r.get("record") for g in module.rule_groups() for r in g["rules"]]
    assert [r.get("alert") or r.get("record") for r in walk_rules(rule)] == expected
    kustomization = yaml.safe_load(
        (KUBERNETES / "overlays" / "gateway" / "kustomization.yaml").read_text()
    )
    values = next(g for g in kustomization["configMapGenerator"] if g["name"] == "deploy-values")
    base = dict(v.split("=", 1) for v in values["literals"])["runbook_base_url"]
    for r in walk_rules(rule):
        if "alert" in r:
            assert r["annotations"]["runbook_url"] == f"{base}/{r['alert']}.md"
    # What the Prometheus Operator loads is a valid rule file.
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    result = subprocess.run(
        [
            tool("promtool", "Debian's prometheus; scripts/test.sh installs it"),
            "check",
            "rules",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# A manifest value that cannot work fails the checks above: each test breaks one.


def broken(docs: list[Doc]) -> tuple[list[Doc], Doc, Doc]:
    """A copy of the rendered gateway, its proxy Deployment and the proxy container."""
    docs = copy.deepcopy(docs)
    deployment = proxy_deployment(docs)
    container = next(
        c
        for c in deployment["spec"]["template"]["spec"]["containers"]
        if c["name"] == PROXY_CONTAINER
    )
    return docs, deployment, container


def test_a_probe_on_a_wrong_port_fails(rendered: dict[str, list[Doc]]) -> None:
    docs, deployment, container = broken(rendered["gateway"])
    container["readinessProbe"]["httpGet"]["port"] = 9090
    assert any("readinessProbe port 9090" in p for p in pod_problems(deployment))
    docs, deployment, container = broken(rendered["gateway"])
    container["ports"].append({"name": "admin", "containerPort": 9090})
    container["livenessProbe"]["httpGet"]["port"] = "admin"
    assert any("livenessProbe does not reach" in p for p in proxy_problems(deployment, docs))


def test_a_drain_longer_than_the_grace_period_fails(rendered: dict[str, list[Doc]]) -> None:
    docs, deployment, container = broken(rendered["gateway"])
    container["env"].append({"name": "SAFEPROXY_SERVER__DRAIN_S", "value": "40"})
    assert any(
        "exceeds terminationGracePeriodSeconds" in p for p in proxy_problems(deployment, docs)
    )
    docs, deployment, container = broken(rendered["gateway"])
    deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 20
    assert any(
        "exceeds terminationGracePeriodSeconds" in p for p in proxy_problems(deployment, docs)
    )


def test_a_sidecar_model_that_stops_before_the_drain_ends_fails(
    rendered: dict[str, list[Doc]],
) -> None:
    docs, deployment, _ = broken(rendered["sidecar"])
    spec = deployment["spec"]["template"]["spec"]
    model = next(c for c in spec["containers"] if c["name"] == "model")
    del model["lifecycle"]
    assert any(
        "model: preStop sleep 0 s ends before" in p for p in proxy_problems(deployment, docs)
    )
    model["lifecycle"] = {"preStop": {"exec": {"command": ["sleep", "60"]}}}
    assert any("exceeds the grace period" in p for p in proxy_problems(deployment, docs))


def test_a_server_port_off_the_container_port_fails(rendered: dict[str, list[Doc]]) -> None:
    docs, deployment, container = broken(rendered["sidecar"])
    container["env"].append({"name": "SAFEPROXY_SERVER__PORT", "value": "9000"})
    assert any("server.port 9000" in p for p in proxy_problems(deployment, docs))


def test_a_read_only_root_without_a_tmp_emptydir_fails(rendered: dict[str, list[Doc]]) -> None:
    _, deployment, container = broken(rendered["gateway"])
    container["volumeMounts"] = [m for m in container["volumeMounts"] if m["mountPath"] != "/tmp"]
    assert any("emptyDir at /tmp" in p for p in pod_problems(deployment))


def test_a_bad_env_override_or_config_fails(rendered: dict[str, list[Doc]]) -> None:
    docs, deployment, container = broken(rendered["sidecar"])
    container["env"].append({"name": "SAFEPROXY_SERVER__PORT", "value": "eighty"})
    assert any(
        "server.port: input should be a valid integer" in p
        for p in proxy_problems(deployment, docs)
    )
    docs, deployment, container = broken(rendered["sidecar"])
    container["env"].append({"name": "SAFEPROXY_SERVER", "value": "port: [80"})
    assert any(p.startswith("SAFEPROXY_SERVER:") for p in proxy_problems(deployment, docs))
    docs, deployment, _ = broken(rendered["sidecar"])
    (config_map,) = named(docs, "ConfigMap").values()
    config_map["data"]["safeproxy.yaml"] += "\nunknown_section: {}\n"
    assert any("unknown_section" in p for p in proxy_problems(deployment, docs))


def test_mismatched_selectors_and_ports_fail(rendered: dict[str, list[Doc]]) -> None:
    docs, deployment, _ = broken(rendered["gateway"])
    (monitor,) = named(docs, "ServiceMonitor").values()
    monitor["spec"]["endpoints"][0]["port"] = "metrics"
    assert service_monitor_problems(monitor, docs) != []
    monitor["spec"]["selector"]["matchLabels"] = {"app.kubernetes.io/name": "other"}
    assert service_monitor_problems(monitor, docs) != []
    (hpa,) = named(docs, "HorizontalPodAutoscaler").values()
    deployment["spec"]["replicas"] = 2
    assert hpa_problems(hpa, docs) == ["HPA safeproxy: its Deployment sets replicas"]
    hpa["spec"]["scaleTargetRef"]["name"] = "safeproxy-gateway"
    assert hpa_problems(hpa, docs) != []
    (pdb,) = named(docs, "PodDisruptionBudget").values()
    pdb["spec"]["selector"]["matchLabels"] = {"app": "safeproxy"}
    assert pdb_problems(pdb, docs) != []
    policy = named(docs, "NetworkPolicy")["safeproxy"]
    policy["spec"]["ingress"][0]["ports"] = [{"protocol": "TCP", "port": 8000}]
    assert network_policy_problems(docs, deployment, 8080) != []
    policy["spec"]["ingress"][0]["ports"] = [{"protocol": "TCP", "port": "web"}]
    assert network_policy_problems(docs, deployment, "metrics") != []
    service = named(docs, "Service")["safeproxy"]
    service["spec"]["ports"][0]["targetPort"] = "web"
    assert service_problems(service, docs) != []


def test_a_schema_violation_fails(rendered: dict[str, list[Doc]]) -> None:
    _, deployment, _ = broken(rendered["gateway"])
    deployment["spec"]["template"]["spec"]["enableServiceLink"] = False  # a typo: unknown field
    (problem,) = schema_problems(deployment)
    assert problem.startswith("Deployment/safeproxy: spec.template.spec:")
    assert "'enableServiceLink' was unexpected" in problem
    _, deployment, container = broken(rendered["gateway"])
    container["resources"]["requests"]["cpu"] = {"cores": 1}
    assert schema_problems(deployment) != []


def test_every_deployed_config_runs_the_recommended_policy_unchanged() -> None:
    # The configs repeat config/default.yaml's policies (a ConfigMap holds whole files); this
    # keeps the copies from drifting from it.
    recommended = yaml.safe_load((ROOT / "config" / "default.yaml").read_text())["policies"]
    for path in (
        KUBERNETES / "base" / "safeproxy.yaml",
        KUBERNETES / "overlays" / "gateway" / "safeproxy.yaml",
        ROOT / "deploy" / "compose" / "safeproxy.yaml",
    ):
        assert yaml.safe_load(path.read_text())["policies"] == recommended, path
