"""The kill-switch on a real `safeproxy serve --workers 2`: a force through the shared admin
port reaches both workers (each refuses the route's traffic, on fresh connections spread over
them), and answers with each worker's acknowledgement; releasing it reaches both again."""

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


def statuses(url: str, n: int = 12) -> list[int]:
    """The status of `n` requests, each on a fresh connection (spread over the workers)."""
    codes = []
    for _ in range(n):
        with httpx.Client() as c:
            codes.append(c.post(url + "/v1/chat/completions", json=CHAT).status_code)
    return codes


def test_a_force_reaches_every_worker_and_a_release_too(tmp_path: Path) -> None:
    config = tmp_path / "safeproxy.yaml"
    write_config(config, "forbidden")
    cfg = yaml.safe_load(config.read_text())
    admin_port = free_port()
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    cfg["admin"] = {"enabled": True, "port": admin_port,
                    "tokens": [{"name": "ops", "sha256": digest}]}  # fmt: skip
    cfg["review"] = {"path": str(tmp_path / "review.sqlite3")}
    cfg["routes"][0]["safety_breaker"] = {"enabled": True}
    config.write_text(yaml.safe_dump(cfg))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    admin = f"http://127.0.0.1:{admin_port}/admin/breakers"
    with Stack() as stack, serve(stack, config, tmp_path, "--workers", "2") as served:
        _proc, url, d = served
        until(lambda: sorted(read_status(d)) == ["1", "2"], "both workers report")
        assert set(statuses(url)) == {200}

        opened = httpx.post(admin + "/u/force", json={"state": "open"}, headers=auth, timeout=60)
        assert opened.status_code == 200
        acks = opened.json()["workers"]
        assert sorted(acks) == ["1", "2"]
        assert all(a["applied"] == {"u": "open"} for a in acks.values())
        assert set(statuses(url)) == {503}

        released = httpx.post(admin + "/u/force", json={"state": "auto"}, headers=auth,
                              timeout=60)  # fmt: skip
        assert released.status_code == 200
        assert all(a["applied"] == {"u": "auto"} for a in released.json()["workers"].values())
        # Released from open, each worker probes (half-open: one request at a time is
        # admitted, and these come one at a time) and closes on clean replies.
        assert set(statuses(url, 24)) == {200}


def test_a_console_session_holds_on_every_worker(tmp_path: Path) -> None:
    """The admin port is shared: a browser's requests land on either worker, so both must
    accept the session one of them issued (the supervisor hands them one key)."""
    config = tmp_path / "safeproxy.yaml"
    write_config(config, "forbidden")
    cfg = yaml.safe_load(config.read_text())
    admin_port = free_port()
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    cfg["admin"] = {"enabled": True, "port": admin_port,
                    "tokens": [{"name": "ops", "sha256": digest}]}  # fmt: skip
    cfg["review"] = {"path": str(tmp_path / "review.sqlite3")}
    config.write_text(yaml.safe_dump(cfg))
    console = f"http://127.0.0.1:{admin_port}/console"
    with Stack() as stack, serve(stack, config, tmp_path, "--workers", "2") as served:
        _proc, _url, d = served
        until(lambda: sorted(read_status(d)) == ["1", "2"], "both workers report")
        # Log in (the login form's nonce is signed with the same key, so the form and the
        # post may also reach different workers).
        with httpx.Client(follow_redirects=False, timeout=30) as c:
            form = c.get(console + "/login")
            csrf = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            logged = c.post(console + "/login", data={"token": TOKEN, "csrf": csrf})
            assert logged.status_code == 303 and logged.headers["Location"] == "/console/review"
            cookie = logged.cookies["safeproxy_console"]
        codes = []
        for _ in range(16):  # fresh connections, spread over the workers
            with httpx.Client(follow_redirects=False, timeout=30) as c:
                c.cookies.set("safeproxy_console", cookie, path="/console")
                codes.append(c.get(console + "/review").status_code)
        assert codes == [200] * 16
