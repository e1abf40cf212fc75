"""SIGHUP on a real `safeproxy serve` process: with `--workers 2` every worker reloads and
reports the new hash in its status file; an invalid file leaves both on the old one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from safeproxy.edge.decision_headers import POLICY_VERSION
from safeproxy.generation.status import read_status
from tests.reliability.test_cli_process import CHAT, free_port, wait_healthy
from tests.support import Stack


def write_config(path: Path, word: str, regex: str = "") -> None:
    blocklist: dict[str, Any] = {"type": "blocklist", "words": [word], "action": "redact"}
    if regex:
        blocklist["patterns"] = [{"regex": regex}]
    cfg = {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],  # --upstream wins
        "routes": [{"upstream": "u", "policy": "p"}],
        "policies": {"p": {"output": [blocklist]}},
        "readiness": {"interval_s": 3600},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(cfg))
    os.replace(tmp, path)  # replaced by rename, the expected way


@contextmanager
def serve(
    stack: Stack, config: Path, tmp: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    port = free_port()
    metrics = tmp / "metrics"
    metrics.mkdir()
    log = tmp / "stderr.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "safeproxy", "serve", "--config", str(config),
             "--port", str(port), "--upstream", stack.mock_urls[0], *args],
            stdout=subprocess.DEVNULL, stderr=err,
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics), **(env or {})},
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        yield proc, url, metrics
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def until(check: Callable[[], bool], what: str, limit_s: float = 60) -> None:
    """Poll another process's state (its status files, its replies) until `check` holds."""
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.02)


def versions_served(url: str, n: int = 12) -> set[str]:
    """The policy versions of `n` replies, each on a fresh connection (spread over workers)."""
    seen = set()
    for _ in range(n):
        with httpx.Client() as c:
            reply = c.post(url + "/v1/chat/completions", json=CHAT)
            assert reply.status_code == 200
            seen.add(reply.headers[POLICY_VERSION])
    return seen


def test_sighup_reloads_every_worker_and_a_bad_file_leaves_them_all_serving(
    tmp_path: Path,
) -> None:
    config = tmp_path / "safeproxy.yaml"
    write_config(config, "forbidden")
    with Stack() as stack, serve(stack, config, tmp_path, "--workers", "2") as (proc, url, d):
        until(lambda: sorted(read_status(d)) == ["1", "2"], "both workers report")
        old = {w: s["generation"] for w, s in read_status(d).items()}
        assert len(set(old.values())) == 1
        old_hash = old["1"]
        old_version = read_status(d)["1"]["policies"]["p"]

        write_config(config, "another")
        proc.send_signal(signal.SIGHUP)

        def moved() -> bool:
            return all(s["generation"] != old_hash for s in read_status(d).values())

        until(moved, "every worker serves the new generation")
        status = read_status(d)
        new_hash = status["1"]["generation"]
        assert status["2"]["generation"] == new_hash
        for s in status.values():
            assert s["last_reload"]["result"] == "success"
            assert s["last_reload"]["trigger"] == "sighup"
            assert s["last_reload"]["previous"] == old_hash
        new_version = status["1"]["policies"]["p"]
        assert new_version != old_version
        assert versions_served(url) == {new_version}

        write_config(config, "third", regex="(unclosed")
        proc.send_signal(signal.SIGHUP)

        def refused() -> bool:
            return all(
                (s.get("last_reload") or {}).get("result") == "failure"
                for s in read_status(d).values()
            )

        until(refused, "every worker refused the bad file")
        for s in read_status(d).values():
            assert s["generation"] == new_hash
            assert s["last_reload"]["problems"][0]["path"].startswith("policies.p.output.0")
        assert versions_served(url) == {new_version}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    log = (tmp_path / "stderr.log").read_text()
    assert log.count("failed, generation " + new_hash) == 2  # one line per worker
    assert "policies.p.output.0.patterns.0" in log


def test_sighup_reloads_a_single_process(tmp_path: Path) -> None:
    config = tmp_path / "safeproxy.yaml"
    write_config(config, "forbidden")
    with Stack() as stack, serve(stack, config, tmp_path) as (proc, url, _d):
        [old] = versions_served(url, 1)
        write_config(config, "another")
        proc.send_signal(signal.SIGHUP)
        until(lambda: versions_served(url, 1) != {old}, "the new policy answers")
        assert proc.poll() is None  # SIGHUP reloads; it does not end the process


def test_a_sighup_storm_while_workers_start_reloads_them_and_ends_none(tmp_path: Path) -> None:
    # The supervisor handles SIGHUP once its pid file is written; its workers are still
    # importing then, with SIGHUP blocked (pending) until they can handle it.
    config = tmp_path / "safeproxy.yaml"
    write_config(config, "forbidden")
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "safeproxy", "serve", "--config", str(config),
         "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
    )  # fmt: skip
    try:
        until(lambda: (metrics / "supervisor.pid").exists(), "the supervisor is up")
        for _ in range(20):
            proc.send_signal(signal.SIGHUP)
        wait_healthy(f"http://127.0.0.1:{port}")

        def reloaded() -> bool:
            status = read_status(metrics)
            return sorted(status) == ["1", "2"] and all(
                (s.get("last_reload") or {}).get("trigger") == "sighup" for s in status.values()
            )

        until(reloaded, "both workers reloaded once up")
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0


def test_an_admin_reload_reaches_every_worker_and_answers_with_their_results(
    tmp_path: Path,
) -> None:
    # The admin port is shared by the workers: whichever answers signals the supervisor.
    config = tmp_path / "safeproxy.yaml"
    admin_port = free_port()
    token = "admin-token-for-the-fleet-0123"

    def with_admin(word: str, regex: str = "") -> None:
        write_config(config, word, regex)
        cfg = yaml.safe_load(config.read_text())
        cfg["admin"] = {"enabled": True, "port": admin_port, "token_env": "SP_ADMIN"}
        cfg["review"] = {"path": str(tmp_path / "review.sqlite3")}
        config.write_text(yaml.safe_dump(cfg))

    with_admin("forbidden")
    env = {"SP_ADMIN": token}
    with Stack() as stack, serve(stack, config, tmp_path, "--workers", "2", env=env) as served:
        _proc, url, d = served
        until(lambda: sorted(read_status(d)) == ["1", "2"], "both workers report")
        admin = f"http://127.0.0.1:{admin_port}/admin/generation"
        auth = {"Authorization": f"Bearer {token}"}
        old = read_status(d)["1"]["generation"]
        with_admin("another")
        reply = httpx.post(admin + "/reload", headers=auth, timeout=120)
        assert reply.status_code == 200
        body = reply.json()
        assert body["result"] == "success" and body["behind"] == []
        assert sorted(body["workers"]) == ["1", "2"]
        new = {r["generation"] for r in body["workers"].values()}
        assert len(new) == 1 and old not in new
        status = httpx.get(admin, headers=auth).json()
        assert set(status["workers"].values()) == new
        assert versions_served(url) == {read_status(d)["1"]["policies"]["p"]}
        back = httpx.post(admin + "/rollback", headers=auth, timeout=120)
        assert back.status_code == 200
        assert {r["generation"] for r in back.json()["workers"].values()} == {old}
