"""The real `safeproxy` process: validate exit codes, serve --upstream, SIGTERM drain."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.redis_server import redis_server, redis_url
from tests.support import Stack

__all__ = ["redis_server", "redis_url"]

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def safeproxy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safeproxy", *args], capture_output=True, text=True, timeout=60
    )


def test_validate_accepts_the_bundled_configs() -> None:
    for name in ("default.yaml", "demo.yaml"):
        result = safeproxy("validate", str(Path("config") / name))
        assert result.returncode == 0, result.stderr


def test_validate_lists_every_error_with_its_yaml_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "upstreams:\n"
        "  - name: a\n"
        "    base_url: http://127.0.0.1:8000\n"
        "    timeout: {connect_s: 0}\n"
        "    colour: blue\n"
        "routes:\n"
        "  - upstream: nowhere\n"
    )
    result = safeproxy("validate", str(bad))
    assert result.returncode == 1
    assert "upstreams.0.timeout.connect_s: input should be greater than 0" in result.stderr
    assert "upstreams.0.colour: extra inputs are not permitted" in result.stderr
    bad.write_text(
        "upstreams: [{name: a, base_url: 'http://127.0.0.1:8000'}]\nroutes: [{upstream: nowhere}]\n"
    )
    result = safeproxy("validate", str(bad))
    assert result.returncode == 1
    assert "routes.0.upstream: unknown upstream 'nowhere'" in result.stderr


def test_validate_reports_yaml_syntax_errors_with_a_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("server: {port: 80\n")
    result = safeproxy("validate", str(bad))
    assert result.returncode == 1
    assert "line 2" in result.stderr


def wait_healthy(url: str, limit_s: float = 90) -> None:
    """Poll /healthz until the process answers (bounded); the process start is the event."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not come up")


@contextlib.contextmanager
def serving(
    stack: Stack, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`safeproxy serve --port P --upstream <mock> ARGS` as a real process, up and healthy."""
    port = free_port()
    argv = [sys.executable, "-m", "safeproxy", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*argv, "--upstream", stack.mock_urls[0], *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


@pytest.fixture
def served() -> Iterator[tuple[Stack, subprocess.Popen[bytes], str]]:
    with Stack() as stack, serving(stack) as (proc, url):
        yield stack, proc, url


def test_serve_upstream_flag_and_sigterm_drains_in_flight(
    served: tuple[Stack, subprocess.Popen[bytes], str],
) -> None:
    _stack, proc, url = served
    assert httpx.post(url + "/v1/chat/completions", json=CHAT).status_code == 200
    body = {**CHAT, "stream": True, "mock": {"reply": "t " * 10, "delay_ms": 100}}
    with httpx.stream("POST", url + "/v1/chat/completions", json=body, timeout=10) as resp:
        raw = resp.iter_raw()
        first = next(raw)
        proc.send_signal(signal.SIGTERM)
        rest = b"".join(raw)
    stream = first + rest
    # The default policy's output filters may move a held space to the next chunk: compare
    # the text the client assembles, not the framing.
    chunks = [json.loads(line[6:]) for line in stream.split(b"\n") if line[6:7] == b"{"]
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == "t " * 10
    assert stream.endswith(b"data: [DONE]\n\n")
    assert proc.wait(15) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/healthz")


def test_sigterm_flushes_every_decision_to_the_audit_log(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    env = {"SAFEPROXY_TELEMETRY__AUDIT__PATH": str(audit)}
    with Stack() as stack, serving(stack, env=env) as (proc, url):
        rids = [
            httpx.post(url + "/v1/chat/completions", json=CHAT).headers["x-request-id"]
            for _ in range(3)
        ]
        body = {**CHAT, "stream": True, "mock": {"reply": "t " * 10, "delay_ms": 100}}
        with httpx.stream("POST", url + "/v1/chat/completions", json=body, timeout=10) as resp:
            rids.append(resp.headers["x-request-id"])
            raw = resp.iter_raw()
            next(raw)
            proc.send_signal(signal.SIGTERM)  # mid-stream: the drain finishes it
            b"".join(raw)
        assert proc.wait(15) == 0
    records = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [r["request_id"] for r in records if r["type"] == "request"] == rids
    assert records[0]["type"] == "config_loaded" and records[-1]["type"] == "shutdown"


def test_two_proxy_processes_share_one_limit_through_redis(redis_url: str) -> None:
    env = {
        "REDIS_URL": redis_url,
        "SAFEPROXY_RATE_LIMITS__BACKEND": "redis",
        "SAFEPROXY_RATE_LIMITS__RULES": "[{name: shared, requests: {per_minute: 5}}]",
    }
    with (
        Stack() as stack,
        serving(stack, env=env) as (a, url_a),
        serving(stack, env=env) as (
            b,
            url_b,
        ),
    ):
        codes = [
            httpx.post((url_a if i % 2 else url_b) + "/v1/chat/completions", json=CHAT).status_code
            for i in range(12)
        ]
        for proc in (a, b):
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(15) == 0
    # Five in all across both processes: the bucket lives in Redis.
    assert codes.count(200) == 5 and codes.count(429) == 7


def test_workers_share_one_port_and_metrics_cover_all_of_them() -> None:
    with Stack() as stack, serving(stack, "--workers", "2") as (proc, url):
        output_tokens = 0
        for _ in range(20):
            # A fresh connection each time, so the kernel spreads them over the workers.
            with httpx.Client() as c:
                reply = c.post(url + "/v1/chat/completions", json=CHAT)
                assert reply.status_code == 200
                output_tokens += reply.json()["usage"]["completion_tokens"]
        text = httpx.get(url + "/metrics").text
        line = next(ln for ln in text.splitlines() if ln.startswith("safeproxy_requests_total{"))
        assert float(line.rsplit(" ", 1)[1]) == 20.0
        tokens = {
            s.labels["direction"]: s.value
            for f in text_string_to_metric_families(text)
            if f.name == "safeproxy_tokens"
            for s in f.samples
            if s.name == "safeproxy_tokens_total"
        }
        assert output_tokens > 0 and tokens["output"] == output_tokens
        # process_* of the whole group, whichever worker answers the scrape. A worker announces
        # itself as it starts: scrape until the second one has (each scrape a new connection).
        group = {"supervisor", "1", "2"}
        seen: list[set[str]] = []
        for _ in range(200):
            with httpx.Client() as c:
                seen.append(process_workers(c.get(url + "/metrics").text))
            if len(seen) >= 4 and seen[-4:] == [group] * 4:
                break
        assert seen[-4:] == [group] * 4
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0


def process_workers(text: str) -> set[str]:
    """The `worker` labels of the process_* families, checking each one is complete."""
    families = {f.name: f for f in text_string_to_metric_families(text)}
    workers: set[str] = set()
    for name in ("process_cpu_seconds", "process_resident_memory_bytes", "process_open_fds",
                 "process_max_fds", "process_start_time_seconds"):  # fmt: skip
        samples = families[name].samples
        labels = [s.labels["worker"] for s in samples]  # every series is labelled
        assert len(labels) == len(set(labels)) and all(s.value > 0 for s in samples)
        workers = workers or set(labels)
        assert set(labels) == workers
    return workers


def test_demo_prints_working_snippets_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "safeproxy", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # the access log; read once the process has ended
        text=True,
    )
    try:
        assert proc.stdout is not None
        banner = ""
        while "Ctrl-C" not in banner:
            line = proc.stdout.readline()
            assert line, "demo exited before printing its banner"
            banner += line
        assert f"http://127.0.0.1:{port}" in banner
        assert "  pip install openai\n  python - <<'PY'" in banner
        assert "exempt_reserved_domains: false" in banner
        # The SDK snippet the banner prints must work as printed.
        snippet = banner.split("<<'PY'\n", 1)[1].split("\n  PY", 1)[0]
        script = tmp_path / "snippet.py"
        script.write_text("\n".join(line.removeprefix("  ") for line in snippet.splitlines()))
        run = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.count("this reply came through the proxy") == 2
        # So must the curl line's request (sent here with httpx, same URL and body).
        assert "curl -s" in banner
        body = banner.split("-d '", 1)[1].split("'", 1)[0]
        resp = httpx.post(
            f"http://127.0.0.1:{port}/v1/chat/completions",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert resp.status_code == 200
        assert resp.headers["X-Safeproxy-Decision"] == "allowed"
        # The redaction example: its headers say what was done, as the banner promises.
        redacted = banner.split("curl -si ", 1)[1].split("-d '", 1)[1].split("'", 1)[0]
        resp = httpx.post(
            f"http://127.0.0.1:{port}/v1/chat/completions",
            content=redacted,
            headers={"Content-Type": "application/json"},
        )
        assert resp.status_code == 200
        assert resp.headers["X-Safeproxy-Decision"] == "redacted"
        assert resp.headers["X-Safeproxy-Findings"] == "pii.credit_card,pii.email"
        rid = resp.headers["X-Request-ID"]
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0
        assert "safeproxy demo stopped." in out
        # The demo's access log: each decision in the terminal, never the values.
        (line,) = [x for x in err.splitlines() if x.endswith(f"request_id={rid}")]
        assert " safeproxy.access method=POST path=/v1/chat/completions status=200" in line
        assert " decision=redacted findings=pii.credit_card,pii.email " in line
        assert "acme-corp" not in err and "4111" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_serve_starts_beside_kubernetes_service_links() -> None:
    # A namespace with a Service named `safeproxy` puts these into every pod.
    links = {
        "SAFEPROXY_PORT": "tcp://10.0.0.7:8080",
        "SAFEPROXY_SERVICE_HOST": "10.0.0.7",
        "SAFEPROXY_SERVICE_PORT": "8080",
        "SAFEPROXY_PORT_8080_TCP": "tcp://10.0.0.7:8080",
        "SAFEPROXY_PORT_8080_TCP_ADDR": "10.0.0.7",
    }
    with Stack() as stack, serving(stack, env=links) as (proc, url):
        assert httpx.post(url + "/v1/chat/completions", json=CHAT).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_an_unparsable_override_is_one_line_naming_the_variable(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "safeproxy", command, "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SAFEPROXY_SERVER__PORT": "eighty"},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "environment: SAFEPROXY_SERVER__PORT: input should be a valid integer, "
        "unable to parse string as an integer"
    ]


def workers_of(pid: int) -> list[int]:
    """The spawned worker processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # it ended while we looked
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_workers_end_when_their_supervisor_is_killed() -> None:
    # SIGKILL reaches only the supervisor; its workers must not go on holding the port.
    with Stack() as stack, serving(stack, "--workers", "2") as (proc, url):
        assert httpx.get(url + "/healthz").status_code == 200
        workers = workers_of(proc.pid)
        assert len(workers) == 2
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{w}").exists() for w in workers):
            assert time.monotonic() < deadline, "workers outlived their supervisor"
            time.sleep(0.05)
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/healthz")
