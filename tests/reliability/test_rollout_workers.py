"""A rollout on a real `safeproxy serve --workers 2`: a start through the shared admin port
reaches both workers (each serves its share of clients with the candidate, on fresh
connections spread over them) and answers with each worker's ack; an abort reaches both, and
every client is back on the active policy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import yaml

from safeproxy.generation.status import read_status
from tests.reliability.test_cli_process import CHAT, free_port
from tests.reliability.test_reload_sighup import serve, until, write_config
from tests.support import Stack

TOKEN = "fleet-admin-token-0123456789"


def policies_served(url: str, clients: int = 24) -> list[str]:
    """The policy name each client's request was answered by, on a fresh connection each."""
    names = []
    for i in range(clients):
        with httpx.Client() as c:
            reply = c.post(url + "/v1/chat/completions", json=CHAT,
                           headers={"Authorization": f"Bearer client-{i}"})  # fmt: skip
            names.append(reply.headers["X-Safeproxy-Policy"].partition("@")[0])
    return names


def test_start_and_abort_reach_every_worker(tmp_path: Path) -> None:
    config = tmp_path / "safeproxy.yaml"
    write_config(config, "forbidden")
    cfg = yaml.safe_load(config.read_text())
    admin_port = free_port()
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    cfg["admin"] = {"enabled": True, "port": admin_port,
                    "tokens": [{"name": "ops", "sha256": digest}]}  # fmt: skip
    cfg["review"] = {"path": str(tmp_path / "review.sqlite3")}
    cfg["policies"]["q"] = {"output": cfg["policies"]["p"]["output"]}
    cfg["rollouts"] = {"u": {"candidate": "q", "steps": [50]}}
    cfg["telemetry"] = {"decision_headers": {"enabled": True}}
    config.write_text(yaml.safe_dump(cfg))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    admin = f"http://127.0.0.1:{admin_port}/admin/rollouts/u"
    with Stack() as stack, serve(stack, config, tmp_path, "--workers", "2") as served:
        _proc, url, d = served
        until(lambda: sorted(read_status(d)) == ["1", "2"], "both workers report")
        assert set(policies_served(url)) == {"p"}  # pending: the candidate serves no one

        started = httpx.post(admin + "/start", headers=auth, timeout=60)
        assert started.status_code == 200
        assert sorted(started.json()["workers"]) == ["1", "2"]
        first = policies_served(url)
        assert set(first) == {"p", "q"}
        assert policies_served(url) == first  # each client stays on its policy, any worker

        aborted = httpx.post(admin + "/abort", json={"reason": "drill"}, headers=auth, timeout=60)
        assert aborted.status_code == 200 and aborted.json()["phase"] == "aborted"
        assert sorted(aborted.json()["workers"]) == ["1", "2"]
        assert set(policies_served(url)) == {"p"}
        for _ in range(4):  # whichever worker answers, it shows the abort and its reason
            status = httpx.get(admin, headers=auth, timeout=30).json()
            assert status["phase"] == "aborted" and status["reason"] == "drill"
