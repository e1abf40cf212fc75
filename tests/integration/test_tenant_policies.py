"""Per-tenant policies on a running proxy: two API keys on one route get different policies
(one blocks a word the other lets through), the reply header and the decision record say
which policy answered (streams and local error replies too), the admin listener explains the
choice, and a reload that changes a tenant's policy takes effect on the next request.

The official openai SDK is the client; the proxy and the mock model run on loopback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import openai
import yaml

from safeproxy.app import COMPONENTS
from safeproxy.generation.source import ConfigSource
from tests.support import Stack, audit_records, base_config

ACME_KEY = "sk-acme-0123456789abcdef"
GLOBEX_KEY = "sk-globex-0123456789abcdef"
ADMIN_TOKEN = "admin-token-0123456789abcdef"
WORD = "pineapple"


def write(path: Path, upstream: str, tmp: Path, strict_tenant: str) -> None:
    """One route; `strict_tenant` gets a policy that blocks WORD, the other tenant the
    route's own policy. Replaced by rename, as a config tool does."""
    cfg = base_config([upstream])
    cfg["auth"] = {"mode": "api_keys", "keys": [
        {"sha256": hashlib.sha256(k.encode()).hexdigest(), "tenant": t}
        for t, k in (("acme", ACME_KEY), ("globex", GLOBEX_KEY))
    ]}  # fmt: skip
    cfg["policies"] = {
        "default": {"input": [{"type": "secrets", "baseline": True}]},
        "no-fruit": {"extends": "default",
                     "input": [{"type": "blocklist", "name": "fruit", "words": [WORD]}]},
    }  # fmt: skip
    cfg["tenants"] = {strict_tenant: {"policies": {"main": "no-fruit"}}}
    cfg["telemetry"] = {"audit": {"path": str(tmp / "audit.jsonl")}}
    cfg["review"] = {"path": str(tmp / "review.sqlite3")}
    digest = hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest()
    cfg["admin"] = {"enabled": True, "port": 0, "tokens": [{"name": "ops", "sha256": digest}]}
    staged = path.with_suffix(".tmp")
    staged.write_text(yaml.safe_dump(cfg))
    staged.replace(path)


class Tenants:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.path = tmp / "safeproxy.yaml"
        self.stack = Stack(self.build, source=ConfigSource(self.path, environ={}).load)
        self.admin = ""

    def build(self, urls: list[str]) -> dict[str, Any]:
        write(self.path, urls[0], self.tmp, "acme")
        loaded = yaml.safe_load(self.path.read_text())
        assert isinstance(loaded, dict)
        return loaded

    def __enter__(self) -> Tenants:
        self.stack.__enter__()
        review = self.stack.proxy_runner.app[COMPONENTS].review
        assert review is not None and review.admin_port is not None
        self.admin = f"http://127.0.0.1:{review.admin_port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.__exit__(*exc)

    def client(self, key: str) -> openai.OpenAI:
        c = openai.OpenAI(base_url=self.stack.url + "/v1", api_key=key, max_retries=0)
        self.stack.on_exit(c.close)
        return c

    def versions(self) -> dict[str, str]:
        return dict(self.stack.proxy_runner.app[COMPONENTS].generations.current.versions)

    def effective(self, token: str | None = ADMIN_TOKEN, **query: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(self.admin + "/admin/effective-policy", params=query, headers=headers)

    def records(self) -> list[dict[str, Any]]:
        return audit_records(self.tmp / "audit.jsonl")


def ask(client: openai.OpenAI, rid: str, text: str) -> Mapping[str, str]:
    """The reply's headers; a block (400) is returned, not raised."""
    messages: Any = [{"role": "user", "content": text}]
    try:
        raw = client.chat.completions.with_raw_response.create(
            model="m", messages=messages, extra_headers={"X-Request-ID": rid}
        )
        raw.parse()
        return raw.headers
    except openai.BadRequestError as exc:
        assert exc.code == "content_policy_violation"
        return exc.response.headers


def test_two_tenants_on_one_route_get_their_own_policies(tmp_path: Path) -> None:
    with Tenants(tmp_path) as t:
        v = t.versions()
        acme, globex = t.client(ACME_KEY), t.client(GLOBEX_KEY)
        blocked = ask(acme, "acme-1", f"I like {WORD}")
        assert blocked["x-safeproxy-decision"] == "blocked_input"
        assert blocked["x-safeproxy-findings"] == "blocklist.word"
        assert blocked["x-safeproxy-policy"] == f"no-fruit@{v['no-fruit']}"
        allowed = ask(globex, "globex-1", f"I like {WORD}")
        assert allowed["x-safeproxy-decision"] == "allowed"
        assert allowed["x-safeproxy-policy"] == f"default@{v['default']}"
        messages: Any = [{"role": "user", "content": "hello"}]
        with acme.chat.completions.with_streaming_response.create(
            model="m", messages=messages, stream=True, extra_headers={"X-Request-ID": "acme-2"}
        ) as stream:
            chunks = list(stream.parse())
            assert stream.headers["x-safeproxy-policy"] == f"no-fruit@{v['no-fruit']}"
        assert chunks
        t.stack.recorded(2)  # the stream's decision is written after its last byte
    by_id = {r["request_id"]: r for r in t.records() if r["type"] == "request"}
    assert by_id["acme-1"]["policy"] == {
        "name": "no-fruit", "version": v["no-fruit"], "via": "tenant_route"
    }  # fmt: skip
    assert by_id["acme-1"]["outcome"] == "blocked_input"
    # The route names no policy: `default` answers, at the last step.
    assert by_id["globex-1"]["policy"] == {"name": "default", "version": v["default"],
                                           "via": "default"}  # fmt: skip
    assert by_id["acme-2"]["policy"]["name"] == "no-fruit" and by_id["acme-2"]["stream"]
    assert ACME_KEY not in (tmp_path / "audit.jsonl").read_text()


def test_the_admin_listener_explains_the_effective_policy(tmp_path: Path) -> None:
    with Tenants(tmp_path) as t:
        reply = t.effective(tenant="acme", route="main")
        assert reply.status_code == 200
        body = reply.json()
        assert body["policy"] == {"name": "no-fruit", "version": t.versions()["no-fruit"]}
        assert body["matched"] == {"step": "tenant_route", "where": "tenants.acme.policies.main"}
        assert [s["step"] for s in body["precedence"] if s["matched"]] == ["tenant_route"]
        assert body["inheritance"] == ["no-fruit", "default"]
        assert [(f["name"], f["from"], f["baseline"]) for f in body["filters"]["input"]] == [
            ("secrets", "default", True), ("fruit", "no-fruit", False)
        ]  # fmt: skip
        assert body["baselines"] == ["input.secrets"]
        # The model picks the route as traffic would; another tenant gets the route's policy.
        other = t.effective(tenant="globex", model="any-model").json()
        assert other["route"] == "main" and other["policy"]["name"] == "default"
        assert other["matched"] == {"step": "default", "where": "policies.default"}

        unknown = t.effective(tenant="nobody", route="main")
        assert unknown.status_code == 404
        assert unknown.json()["error"]["code"] == "unknown_tenant"
        assert t.effective(tenant="acme", route="nowhere").json()["error"]["code"] == (
            "unknown_route"
        )
        missing = t.effective(tenant="acme")
        assert missing.status_code == 400 and missing.json()["error"]["param"] == "route"
        for token in (None, "wrong-token"):
            refused = t.effective(token=token, tenant="acme", route="main")
            assert refused.status_code == 401 and "policy" not in refused.text
    refused_records = [r for r in t.records() if r["type"] == "admin_refused"]
    assert [(r["method"], r["path"]) for r in refused_records] == [
        ("GET", "/admin/effective-policy")
    ] * 2
    assert "wrong-token" not in (tmp_path / "audit.jsonl").read_text()


def test_a_reload_that_changes_a_tenants_policy_takes_effect(tmp_path: Path) -> None:
    with Tenants(tmp_path) as t:
        acme, globex = t.client(ACME_KEY), t.client(GLOBEX_KEY)
        assert ask(acme, "before-a", WORD)["x-safeproxy-decision"] == "blocked_input"
        assert ask(globex, "before-g", WORD)["x-safeproxy-decision"] == "allowed"
        write(t.path, t.stack.mock_urls[0], tmp_path, "globex")
        token = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        reply = httpx.post(t.admin + "/admin/generation/reload", headers=token, timeout=60)
        assert reply.status_code == 200 and reply.json()["result"] == "success"
        assert ask(acme, "after-a", WORD)["x-safeproxy-decision"] == "allowed"
        assert ask(globex, "after-g", WORD)["x-safeproxy-decision"] == "blocked_input"
        assert t.effective(tenant="globex", route="main").json()["policy"]["name"] == "no-fruit"
    by_id = {r["request_id"]: r for r in t.records() if r["type"] == "request"}
    assert by_id["after-a"]["generation"] != by_id["before-a"]["generation"]
    assert [by_id[r]["policy"]["name"] for r in ("before-a", "after-a", "after-g")] == [
        "no-fruit", "default", "no-fruit"
    ]  # fmt: skip
