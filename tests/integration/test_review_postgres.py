"""The review queue on PostgreSQL with whole proxies: two replicas sharing one queue, and a
database that goes down and comes back while the proxy serves."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from safeproxy.testing.fake_judges import FakeJudge
from tests.integration.test_deep_checks import ask, records, sdk, wait_for
from tests.integration.test_review_e2e import TOKEN, admin, review_config
from tests.postgres_server import PostgresServer, own_postgres, postgres_server
from tests.support import Stack

__all__ = ["own_postgres", "postgres_server"]

DSN_ENV = "REVIEW_DSN"
SHADOW_HIT = "please send a wire transfer"  # the review config's shadow rule records it
STORE = {"backend": "postgres", "dsn_env": DSN_ENV, "timeout_s": 1}


def replica(tmp_path: Path, judge: FakeJudge, dsn: str, name: str) -> Stack:
    (tmp_path / name).mkdir()
    cfg = review_config(judge, tmp_path / name, store=STORE)
    return Stack(cfg, judges=[judge], environ={"ADMIN_TOKEN": TOKEN, DSN_ENV: dsn})


def items(api: httpx.Client, **params: str) -> list[dict[str, Any]]:
    reply = api.get("/admin/review/items", params=params)
    assert reply.status_code == 200, reply.text
    data: list[dict[str, Any]] = reply.json()["data"]
    return data


def test_an_item_flagged_on_one_replica_is_labelled_through_the_other(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    dsn = postgres_server.database()
    judge = FakeJudge()
    with (
        replica(tmp_path, judge, dsn, "a") as a,
        replica(tmp_path, FakeJudge(), dsn, "b") as b,
    ):
        api_a, api_b = admin(a), admin(b)
        reply = ask(sdk(a), SHADOW_HIT)
        assert reply.http_response.status_code == 200
        [item] = wait_for("the item in B's queue", lambda: items(api_b, source="shadow"))
        assert item["flagged"] is True and "wire transfer" in item["text"]
        url = f"/admin/review/items/{item['id']}/label"
        labelled = api_b.post(url, json={"label": "false_positive", "note": "a quote"})
        assert labelled.status_code == 200, labelled.text
        # A sees B's label: one queue, whichever replica a reviewer reaches.
        seen = api_a.get(f"/admin/review/items/{item['id']}").json()
        assert (seen["label"], seen["note"]) == ("false_positive", "a quote")
        assert items(api_a, label="unlabelled", source="shadow") == []
        ratio = "safeproxy_review_false_positive_ratio"
        assert b.metric(ratio, {"policy": "default"}) == 1.0
        # Both replicas write: B's own items join the same queue, ids never collide.
        ask(sdk(b), SHADOW_HIT + " again")
        both = wait_for(
            "two shadow items", lambda: len(i := items(api_a, source="shadow")) == 2 and i
        )
        assert len({i["id"] for i in both}) == 2


def test_a_database_down_is_recorded_and_the_proxy_keeps_serving(
    tmp_path: Path, own_postgres: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    dsn = own_postgres.database()
    audit = tmp_path / "p" / "audit.jsonl"
    judge = FakeJudge()
    errors = "safeproxy_review_store_errors_total"
    with replica(tmp_path, judge, dsn, "p") as stack:
        api, client = admin(stack), sdk(stack)
        ask(client, SHADOW_HIT + " before")
        wait_for("the first item stored", lambda: items(api, source="shadow"))
        own_postgres.stop()

        # Served while the database is down; every decision is in the audit log.
        for n in range(3):
            reply = ask(client, f"{SHADOW_HIT} during {n}")
            assert reply.http_response.status_code == 200
        wait_for("4 audit records", lambda: len(records(audit)) >= 4)
        write = {"backend": "postgres", "operation": "write"}
        wait_for("a failed write counted", lambda: (stack.metric(errors, write) or 0) >= 1)
        down = api.get("/admin/review/items")
        assert down.status_code == 503
        assert down.json()["error"]["code"] == "review_store_unavailable"
        assert down.headers["Retry-After"] == "5"
        read = {"backend": "postgres", "operation": "read"}
        assert stack.metric(errors, read) == 1
        export = api.get("/admin/review/export")
        assert export.status_code == 503
        assert stack.metric(errors, read) == 2

        own_postgres.start()

        def all_four() -> list[dict[str, Any]] | None:
            reply = api.get("/admin/review/items", params={"source": "shadow"})
            found = reply.json()["data"] if reply.status_code == 200 else []
            return found if len(found) == 4 else None  # 503 while the pool reconnects

        stored = wait_for("the kept items stored once the database is back", all_four, 30)
        assert sorted(i["text"].rsplit(" ", 1)[-1] for i in stored) == ["0", "1", "2", "before"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("review store: " in m for m in messages), messages
    assert not any("wire transfer" in m for m in messages)  # never prompt text in a log line
