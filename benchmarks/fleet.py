"""The benchmark's processes: mock upstream, floor and safeproxy (empty chain and default
policy), pinned to their cores.

Used by proxy_overhead.py (wall-clock figures) and instructions.py (instruction counts).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from safeproxy.settings.loading import bundled_config

HOST = "127.0.0.1"
LOAD_CORE = "0"  # mock upstream, wrk, the streaming client and the driver script
PROXY_CORE = "1"  # the proxy under test
# Start-up compiles the default policy: seconds alone, far more on a shared, loaded machine.
READY_TIMEOUT_S = 120.0
HERE = Path(__file__).resolve().parent
TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")

# -- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def cpu_s(self) -> float:
        """utime + stime of the process so far, in seconds."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) * TICK_S

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{tail}")


@dataclass
class Fleet:
    workdir: Path
    servers: dict[str, Server] = field(default_factory=dict)

    def start(self, name: str, core: str, argv: Sequence[str], port: int) -> Server:
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                ["taskset", "-c", core, *argv],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = Server(name, f"http://{HOST}:{port}", proc, log)
        self.servers[name] = server
        return server

    def stop_all(self) -> None:
        for server in self.servers.values():
            if server.proc.poll() is None:
                server.proc.terminate()
        for server in self.servers.values():
            try:
                server.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.proc.kill()
                server.proc.wait(timeout=10)


def wait_ready(server: Server, path: str, timeout_s: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    last: BaseException | None = None
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            with urllib.request.urlopen(server.url + path, timeout=1.0) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready at {server.url}{path} after {timeout_s}s: {last}")


def default_policy() -> dict[str, Any]:
    """The `default` policy of the bundled config/default.yaml (what production runs)."""
    data = yaml.safe_load(bundled_config("default.yaml").read_text(encoding="utf-8"))
    policy: dict[str, Any] = data["policies"]["default"]
    return policy


def safeproxy_config(
    port: int,
    upstream_port: int,
    policy: dict[str, Any] | None = None,
    telemetry: dict[str, Any] | None = None,
) -> str:
    """A one-route config; without `policy` the route's policy is the built-in empty one."""
    route: dict[str, Any] = {"match": {"model": "*"}, "upstream": "mock"}
    config: dict[str, Any] = {
        "server": {"host": HOST, "port": port},
        "upstreams": [{"name": "mock", "base_url": f"http://{HOST}:{upstream_port}"}],
        "routes": [route],
        "readiness": {"interval_s": 60},
    }
    if policy is not None:
        route["policy"] = "default"
        config["policies"] = {"default": policy}
    if telemetry is not None:
        config["telemetry"] = telemetry
    return yaml.safe_dump(config, sort_keys=False)


def start_fleet(fleet: Fleet) -> dict[str, Server]:
    py = sys.executable
    mock_port, floor_port, proxy_port = free_port(), free_port(), free_port()
    policy_port = free_port()
    upstream = f"http://{HOST}:{mock_port}"
    config = fleet.workdir / "safeproxy.yaml"
    config.write_text(safeproxy_config(proxy_port, mock_port))
    policy_config = fleet.workdir / "safeproxy-policy.yaml"
    policy_config.write_text(safeproxy_config(policy_port, mock_port, default_policy()))

    mock_argv = [py, "-m", "safeproxy", "mock-upstream", "--host", HOST, "--port", str(mock_port)]
    floor_argv = [py, str(HERE / "passthrough.py"), "--host", HOST, "--port", str(floor_port)]
    floor_argv += ["--upstream", upstream]
    proxy_argv = [py, "-m", "safeproxy", "serve", "--config", str(config)]
    proxy_argv += ["--port", str(proxy_port)]
    policy_argv = [py, "-m", "safeproxy", "serve", "--config", str(policy_config)]
    policy_argv += ["--port", str(policy_port)]
    # The default policy again, with every telemetry sink on: the audit log (interval fsync)
    # and spans exported over OTLP/HTTP to a loopback receiver.
    sink_port, telemetry_port = free_port(), free_port()
    telemetry = {
        "tracing": {"otlp_endpoint": f"http://{HOST}:{sink_port}"},
        "audit": {"path": str(fleet.workdir / "audit.jsonl")},
    }
    telemetry_config = fleet.workdir / "safeproxy-telemetry.yaml"
    telemetry_config.write_text(
        safeproxy_config(telemetry_port, mock_port, default_policy(), telemetry)
    )
    telemetry_argv = [py, "-m", "safeproxy", "serve", "--config", str(telemetry_config)]
    telemetry_argv += ["--port", str(telemetry_port)]
    sink_argv = [py, str(HERE / "otlp_sink.py"), "--host", HOST, "--port", str(sink_port)]
    mock = fleet.start("direct", LOAD_CORE, mock_argv, mock_port)
    floor = fleet.start("floor", PROXY_CORE, floor_argv, floor_port)
    proxy = fleet.start("safeproxy", PROXY_CORE, proxy_argv, proxy_port)
    policy = fleet.start("policy", PROXY_CORE, policy_argv, policy_port)
    sink = fleet.start("otlp-sink", LOAD_CORE, sink_argv, sink_port)
    telemetry_proxy = fleet.start("telemetry", PROXY_CORE, telemetry_argv, telemetry_port)
    wait_ready(mock, "/v1/models")
    wait_ready(floor, "/healthz")
    wait_ready(proxy, "/healthz")
    wait_ready(policy, "/healthz")
    wait_ready(sink, "/healthz")
    wait_ready(telemetry_proxy, "/healthz")
    return {"direct": mock, "floor": floor, "safeproxy": proxy, "policy": policy,
            "telemetry": telemetry_proxy}  # fmt: skip


@contextlib.contextmanager
def fleet_running() -> Iterator[dict[str, Server]]:
    with tempfile.TemporaryDirectory(prefix="safeproxy-bench-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            yield start_fleet(fleet)
        finally:
            fleet.stop_all()
