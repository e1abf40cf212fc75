"""The admin listener's generation endpoints on a running proxy: status, reload with its
activation result, rollback; named tokens kept as SHA-256, POST-only mutations, every call
audited (refused ones too) by token name, never by value."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import yaml

from safeproxy.app import COMPONENTS
from safeproxy.generation.source import ConfigSource
from tests.integration.test_reload import blocklist_config
from tests.support import Stack, audit_records

OPS_TOKEN = "ops-token-0123456789abcdef"
ENV_TOKEN = "env-token-0123456789abcdef"


class Admin:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "safeproxy.yaml"
        self.audit = tmp_path / "audit.jsonl"
        self.review = tmp_path / "review.sqlite3"
        env = {"ADMIN_TOKEN": ENV_TOKEN}
        self.stack = Stack(self.build, source=ConfigSource(self.path, environ=env).load,
                           environ=env)  # fmt: skip
        self.url = ""

    def build(self, urls: list[str]) -> dict[str, Any]:
        self.write(urls[0], "forbidden")
        loaded = yaml.safe_load(self.path.read_text())
        assert isinstance(loaded, dict)
        return loaded

    def write(self, upstream: str, word: str, regex: str = "") -> None:
        cfg = blocklist_config(upstream, self.audit, word, regex)
        cfg["review"] = {"path": str(self.review)}
        digest = hashlib.sha256(OPS_TOKEN.encode()).hexdigest()
        cfg["admin"] = {"enabled": True, "port": 0, "token_env": "ADMIN_TOKEN",
                        "tokens": [{"name": "ops", "sha256": digest}]}  # fmt: skip
        self.path.write_text(yaml.safe_dump(cfg))

    def __enter__(self) -> Admin:
        self.stack.__enter__()
        review = self.stack.proxy_runner.app[COMPONENTS].review
        assert review is not None and review.admin_port is not None
        self.url = f"http://127.0.0.1:{review.admin_port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.__exit__(*exc)

    def call(self, method: str, path: str, token: str | None = OPS_TOKEN) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.request(method, self.url + path, headers=headers, timeout=60)


def test_status_reload_and_rollback_through_the_admin_listener(tmp_path: Path) -> None:
    with Admin(tmp_path) as admin:
        status = admin.call("GET", "/admin/generation").json()
        first = status["generation"]["hash"]
        assert status["previous"] is None and status["behind"] == []
        assert status["workers"] == {"self": first}

        admin.write(admin.stack.mock_urls[0], "another")
        reply = admin.call("POST", "/admin/generation/reload")
        assert reply.status_code == 200
        result = reply.json()
        assert result["result"] == "success" and result["previous"] == first
        second = result["generation"]
        assert admin.call("GET", "/admin/generation").json()["generation"]["hash"] == second

        admin.write(admin.stack.mock_urls[0], "third", regex="(unclosed")
        refused = admin.call("POST", "/admin/generation/reload", token=ENV_TOKEN)
        assert refused.status_code == 422
        body = refused.json()
        assert body["result"] == "failure" and body["generation"] == second
        assert body["problems"][0]["path"].startswith("policies.p.output.0.patterns.0")

        back = admin.call("POST", "/admin/generation/rollback")
        assert back.status_code == 200 and back.json()["generation"] == first
        now = admin.call("GET", "/admin/generation").json()
        assert now["generation"]["hash"] == first and now["previous"] == second
        # The review queue's endpoints answer on the same listener.
        assert admin.call("GET", "/admin/review/items").status_code == 200
    records = audit_records(admin.audit)
    calls = [(r["token"], r["path"], r["status"]) for r in records if r["type"] == "admin"]
    assert calls == [
        ("ops", "/admin/generation/reload", 200),
        ("token_env", "/admin/generation/reload", 422),
        ("ops", "/admin/generation/rollback", 200),
    ]
    reloads = [r["result"] for r in records if r["type"] == "config_reload"]
    assert reloads == ["success", "failure", "success"]
    text = admin.audit.read_text()
    assert OPS_TOKEN not in text and ENV_TOKEN not in text


def test_no_token_no_answer_and_mutations_are_post_only(tmp_path: Path) -> None:
    with Admin(tmp_path) as admin:
        before = admin.stack.proxy_runner.app[COMPONENTS].generations.current
        for token in (None, "wrong-token", OPS_TOKEN[:-1]):
            reply = admin.call("POST", "/admin/generation/reload", token=token)
            assert reply.status_code == 401
            assert reply.headers["WWW-Authenticate"] == "Bearer"
        assert admin.call("GET", "/admin/generation/reload").status_code == 405
        assert admin.call("GET", "/admin/generation/rollback").status_code == 405
        # Nothing to roll back to yet: 409, and nothing changed.
        assert admin.call("POST", "/admin/generation/rollback").status_code == 409
        assert admin.stack.proxy_runner.app[COMPONENTS].generations.current is before
    refused = [r for r in audit_records(admin.audit) if r["type"] == "admin_refused"]
    assert [(r["method"], r["path"]) for r in refused] == [("POST", "/admin/generation/reload")] * 3
    assert "wrong-token" not in admin.audit.read_text()
