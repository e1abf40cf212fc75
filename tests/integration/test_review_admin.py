"""The review admin API over real HTTP on loopback, backed by each store backend (a real SQLite
file, a real PostgreSQL server): bearer auth, list/get/label/export, OpenAI-shaped errors, and
labels moving the FP/FN gauges."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from safeproxy.admin.review import admin_app, refresh_rates
from safeproxy.review.item import LABELS, ReviewItem
from safeproxy.review.sqlite_store import SqliteReviewStore
from safeproxy.review.store import ReviewStore
from safeproxy.telemetry.metrics import Metrics
from tests.postgres_server import postgres_server
from tests.unit.test_review_store import Stores, location, stores
from tests.unit.test_review_store import make as store_item

__all__ = ["location", "postgres_server", "stores"]

TOKEN = "admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FP = "safeproxy_review_false_positive_ratio"
FN = "safeproxy_review_false_negative_ratio"


def make(n: int, **changes: Any) -> ReviewItem:
    """The store tests' item, as an output-stage verdict with one category and no text."""
    base = {
        "stage": "output", "categories": ("S1",), "score": 0.9, "finding_types": (),
        "text": f"[REDACTED] text {n}",
    }  # fmt: skip
    return store_item(n, **{**base, **changes})


@dataclasses.dataclass
class Admin:
    url: str
    http: aiohttp.ClientSession
    store: ReviewStore
    registry: CollectorRegistry

    def gauge(self, name: str, **labels: str) -> float | None:
        return self.registry.get_sample_value(name, labels)

    async def get(self, path: str, **params: str) -> tuple[int, Any]:
        async with self.http.get(self.url + path, params=params, headers=AUTH) as r:
            return r.status, await r.json()

    async def label(self, item_id: int | None, body: object) -> tuple[int, Any]:
        url = f"{self.url}/admin/review/items/{item_id}/label"
        async with self.http.post(url, json=body, headers=AUTH) as r:
            return r.status, await r.json()


@pytest.fixture
async def admin(stores: Stores) -> AsyncIterator[Admin]:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    store = stores(max_items=10_000, max_text_chars=1000)
    await store.open()
    runner = web.AppRunner(admin_app(store, TOKEN, metrics))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as http:
            yield Admin(f"http://{host}:{port}", http, store, registry)
    finally:
        await runner.cleanup()
        await store.close()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer "},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/review/items"),
        ("GET", "/admin/review/items/1"),
        ("POST", "/admin/review/items/1/label"),
        ("GET", "/admin/review/export"),
        ("GET", "/admin/unknown"),  # unknown paths too: nothing to probe without the token
    ],
)
async def test_every_request_needs_the_bearer_token(
    admin: Admin, headers: dict[str, str], method: str, path: str
) -> None:
    (item_id,) = await admin.store.add_many([make(1)])
    async with admin.http.request(method, admin.url + path, headers=headers, json={}) as r:
        assert r.status == 401
        assert r.headers["WWW-Authenticate"] == "Bearer"
        body = await r.json()
    assert body["error"]["code"] == "invalid_api_key"
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert TOKEN not in orjson.dumps(body).decode()
    stored = await admin.store.get(item_id)
    assert stored is not None and stored.label is None


async def test_lists_pages_newest_first_and_filters(admin: Admin) -> None:
    items = [make(n, stage="input" if n % 2 else "output") for n in range(5)]
    ids = await admin.store.add_many(items)
    status, first = await admin.get("/admin/review/items", limit="2")
    assert status == 200 and first["object"] == "list"
    assert [i["id"] for i in first["data"]] == [ids[4], ids[3]]
    assert first["next"] == ids[3]
    _, second = await admin.get("/admin/review/items", limit="2", before=str(first["next"]))
    _, last = await admin.get("/admin/review/items", limit="2", before=str(second["next"]))
    assert [i["id"] for i in second["data"]] == [ids[2], ids[1]]
    assert [i["id"] for i in last["data"]] == [ids[0]] and last["next"] is None
    # Exactly `limit` items left: no next page to fetch for nothing.
    _, exact = await admin.get("/admin/review/items", limit="5")
    assert len(exact["data"]) == 5 and exact["next"] is None
    _, inputs = await admin.get("/admin/review/items", stage="input", label="unlabelled")
    assert [i["id"] for i in inputs["data"]] == [ids[3], ids[1]]
    _, window = await admin.get("/admin/review/items", since="1001", until="1003.5")
    assert [i["id"] for i in window["data"]] == [ids[3], ids[2], ids[1]]
    _, none = await admin.get("/admin/review/items", policy="strict")
    assert none == {"object": "list", "data": [], "next": None}


async def test_get_returns_the_item_or_404(admin: Admin) -> None:
    (item_id,) = await admin.store.add_many([make(7)])
    status, item = await admin.get(f"/admin/review/items/{item_id}")
    assert status == 200
    assert item == make(7, id=item_id).to_json()
    assert item["text"] == "[REDACTED] text 7" and item["categories"] == ["S1"]
    for missing in (str(item_id + 1), "99999999999999999999", "abc", "9" * 19):
        status, body = await admin.get(f"/admin/review/items/{missing}")
        assert status == 404, missing
        assert body["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"before": "0"}, "before"),
        ({"before": "x"}, "before"),
        ({"label": "maybe"}, "label"),
        ({"source": "rumour"}, "source"),
        ({"stage": "middle"}, "stage"),
        ({"since": "yesterday"}, "since"),
        ({"until": "nan"}, "until"),
        ({"since": "inf"}, "since"),
        ({"policy": ""}, "policy"),
        ({"lable": "true_positive"}, "lable"),
    ],
)
async def test_bad_query_values_are_400_naming_the_parameter(
    admin: Admin, params: dict[str, str], param: str
) -> None:
    status, body = await admin.get("/admin/review/items", **params)
    assert status == 400
    assert body["error"]["param"] == param
    assert body["error"]["type"] == "invalid_request_error"


async def test_export_refuses_paging_parameters_and_bad_filters(admin: Admin) -> None:
    for params, param in [({"limit": "5"}, "limit"), ({"stage": "x"}, "stage")]:
        async with admin.http.get(
            admin.url + "/admin/review/export", params=params, headers=AUTH
        ) as r:
            assert r.status == 400
            assert r.content_type == "application/json"
            assert (await r.json())["error"]["param"] == param


async def test_labels_update_the_item_and_the_rate_gauges(admin: Admin) -> None:
    flagged = await admin.store.add_many([make(n) for n in range(4)])
    allowed = await admin.store.add_many(
        [make(10 + n, flagged=False, source="audit_sample") for n in range(2)]
    )
    assert admin.gauge(FP, policy="default") is None
    status, item = await admin.label(flagged[0], {"label": "true_positive", "note": "agreed"})
    assert status == 200
    assert (item["id"], item["label"], item["note"]) == (flagged[0], "true_positive", "agreed")
    assert item["labelled_unix"] is not None
    assert admin.gauge(FP, policy="default") == 0.0
    await admin.label(flagged[1], {"label": "false_positive"})
    await admin.label(flagged[2], {"label": "false_positive"})
    await admin.label(flagged[3], {"label": "needs_policy_change"})
    assert admin.gauge(FP, policy="default") == pytest.approx(2 / 3)
    assert admin.gauge(FN, policy="default") is None
    await admin.label(allowed[0], {"label": "false_negative"})
    await admin.label(allowed[1], {"label": "true_negative", "note": None})
    assert admin.gauge(FN, policy="default") == 0.5
    # Relabelling replaces the earlier judgement in the counts.
    status, item = await admin.label(flagged[1], {"label": "true_positive"})
    assert status == 200 and item["label"] == "true_positive" and item["note"] is None
    assert admin.gauge(FP, policy="default") == pytest.approx(1 / 3)
    labels = {
        label: admin.gauge("safeproxy_review_labels", policy="default", label=label)
        for label in LABELS
    }
    assert labels == {
        "true_positive": 2.0,
        "false_positive": 1.0,
        "false_negative": 1.0,
        "true_negative": 1.0,
        "needs_policy_change": 1.0,
        "unsure": 0.0,
    }
    _, listed = await admin.get("/admin/review/items", label="false_positive")
    assert [i["id"] for i in listed["data"]] == [flagged[2]]


async def test_route_tenant_filters_and_unsure_labels_through_the_api(admin: Admin) -> None:
    """The console's additions, as the API serves them on each backend: `route` and `tenant`
    filter lists and exports; `unsure` fits flagged and allowed items and moves no rate."""
    ids = await admin.store.add_many(
        [
            make(0, route="chat", tenant="team-a", policy_version="v1"),
            make(1, route="embed", tenant="team-a"),
            make(2, route="chat", tenant="team-b", flagged=False, source="audit_sample"),
        ]
    )
    _, chat = await admin.get("/admin/review/items", route="chat")
    assert [i["id"] for i in chat["data"]] == [ids[2], ids[0]]
    assert chat["data"][1]["policy_version"] == "v1" and chat["data"][0]["policy_version"] is None
    _, both = await admin.get("/admin/review/items", route="chat", tenant="team-a")
    assert [i["id"] for i in both["data"]] == [ids[0]]
    async with admin.http.get(
        admin.url + "/admin/review/export", params={"tenant": "team-a"}, headers=AUTH
    ) as r:
        assert [orjson.loads(line)["id"] for line in (await r.read()).splitlines()] == ids[1::-1]
    status, body = await admin.get("/admin/review/items", tenant="")
    assert status == 400 and body["error"]["param"] == "tenant"
    for item_id in (ids[0], ids[2]):
        status, item = await admin.label(item_id, {"label": "unsure"})
        assert status == 200 and item["label"] == "unsure"
    assert admin.gauge("safeproxy_review_labels", policy="default", label="unsure") == 2.0
    assert admin.gauge(FP, policy="default") is None  # no judgement: no rate
    assert admin.gauge(FN, policy="default") is None
    _, queue = await admin.get("/admin/review/items", label="unlabelled")
    assert [i["id"] for i in queue["data"]] == [ids[1]]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"label": "maybe"}, "label"),
        ({}, "label"),
        ({"label": 3}, "label"),
        ({"label": "false_negative"}, "label"),  # contradicts: safeproxy flagged it
        ({"label": "true_positive", "note": "x" * 2001}, "note"),
        ({"label": "true_positive", "note": 5}, "note"),
        ({"label": "true_positive", "extra": 1}, "extra"),
        (["true_positive"], None),
    ],
)
async def test_bad_label_bodies_are_400_and_change_nothing(
    admin: Admin, body: object, param: str | None
) -> None:
    (item_id,) = await admin.store.add_many([make(1)])
    status, reply = await admin.label(item_id, body)
    assert status == 400
    assert reply["error"]["param"] == param
    if param == "label" and body != {"label": "false_negative"}:
        for label in LABELS:
            assert label in reply["error"]["message"]
    stored = await admin.store.get(item_id)
    assert stored is not None and stored.label is None
    assert admin.gauge(FP, policy="default") is None


async def test_label_body_limits_and_missing_items(admin: Admin) -> None:
    (item_id,) = await admin.store.add_many([make(1)])
    url = f"{admin.url}/admin/review/items/{item_id}/label"
    async with admin.http.post(url, data=b"{not json", headers=AUTH) as r:
        assert r.status == 400
    big = orjson.dumps({"label": "true_positive", "note": "x" * 17_000})
    async with admin.http.post(url, data=big, headers=AUTH) as r:
        assert r.status == 413
        assert (await r.json())["error"]["code"] == "payload_too_large"
    ok = {"label": "true_positive", "note": "é" * 2000}  # the cap counts characters
    assert (await admin.label(item_id, ok))[0] == 200
    status, body = await admin.label(item_id + 1, {"label": "true_positive"})
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_wrong_methods_get_openai_shaped_errors(admin: Admin) -> None:
    async with admin.http.delete(admin.url + "/admin/review/items", headers=AUTH) as r:
        assert r.status == 405
        assert "GET" in r.headers["Allow"].split(", ")
        assert (await r.json())["error"]["code"] == "method_not_allowed"
    async with admin.http.get(admin.url + "/admin/review/nothing", headers=AUTH) as r:
        assert r.status == 404
        assert (await r.json())["error"]["code"] == "not_found"


async def test_export_streams_every_matching_item_as_ndjson(admin: Admin) -> None:
    items = [make(n, source="shadow" if n % 4 == 0 else "deep_check_unsafe") for n in range(1203)]
    ids = await admin.store.add_many(items)
    url = admin.url + "/admin/review/export"
    async with admin.http.get(url, headers=AUTH) as r:
        assert r.status == 200
        assert r.content_type == "application/x-ndjson"
        raw = await r.read()
    lines = raw.split(b"\n")
    assert lines[-1] == b""  # every record ends with a newline
    exported = [orjson.loads(line) for line in lines[:-1]]
    assert [e["id"] for e in exported] == ids[::-1]
    assert exported[-1] == dataclasses.replace(items[0], id=ids[0]).to_json()
    async with admin.http.get(url, params={"source": "shadow"}, headers=AUTH) as r:
        shadow = [orjson.loads(line) for line in (await r.read()).splitlines()]
    assert [e["id"] for e in shadow] == [ids[n] for n in range(0, 1203, 4)][::-1]


async def test_refresh_rates_publishes_what_the_store_already_holds(tmp_path: Path) -> None:
    store = SqliteReviewStore(str(tmp_path / "r.sqlite3"), max_items=100, max_text_chars=100)
    await store.open()
    try:
        ids = await store.add_many([make(0), make(1), make(2, policy="strict", flagged=False)])
        await store.label(ids[0], "false_positive", None)
        await store.label(ids[1], "true_positive", None)
        await store.label(ids[2], "false_negative", None)
        registry = CollectorRegistry()
        await refresh_rates(store, Metrics(registry))
        assert registry.get_sample_value(FP, {"policy": "default"}) == 0.5
        assert registry.get_sample_value(FN, {"policy": "strict"}) == 1.0
        assert registry.get_sample_value(FN, {"policy": "default"}) is None
    finally:
        await store.close()


def test_an_empty_token_is_refused(tmp_path: Path) -> None:
    store = SqliteReviewStore(str(tmp_path / "r.sqlite3"), max_items=1, max_text_chars=1)
    with pytest.raises(ValueError):
        admin_app(store, "", Metrics(CollectorRegistry()))
