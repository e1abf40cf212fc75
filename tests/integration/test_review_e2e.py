"""The review queue end to end: what reaches it from live traffic, and labels over the admin API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from safeproxy.testing.fake_judges import DEFAULT_MARKER, FakeJudge
from tests.integration.test_deep_checks import ask, components, config, sdk, wait_for
from tests.support import Stack

TOKEN = "review-token-for-tests"
SYNC = [{"judge": "guard", "mode": "sync", "stage": "input", "sample": {"rate": 1.0}}]


def review_config(judge: FakeJudge, tmp_path: Path, **review: Any) -> Any:
    base = config(
        judge,
        tmp_path / "audit.jsonl",
        SYNC,
        review={"enabled": True, "path": str(tmp_path / "review.sqlite3"), **review},
    )

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base(urls)
        cfg["admin"] = {"enabled": True, "port": 0, "token_env": "ADMIN_TOKEN"}
        # A shadow rule under trial: it would block "wire transfer", and only records it.
        cfg["policies"]["default"]["input"] += [
            {"type": "blocklist", "words": ["wire transfer"], "mode": "shadow", "name": "trial"},
            # A PII rule under trial: its hits hold the very value, so no text is kept.
            {"type": "pii", "entities": ["ipv4"], "mode": "shadow", "name": "ip_trial"},
        ]
        return cfg

    return build


def admin(stack: Stack) -> httpx.Client:
    review = components(stack).review
    assert review is not None and review.admin_port is not None
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{review.admin_port}",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    stack.on_exit(client.close)
    return client


def test_verdicts_shadow_hits_and_samples_reach_review_and_labels_move_the_rates(
    tmp_path: Path,
) -> None:
    judge = FakeJudge()
    cfg = review_config(judge, tmp_path, sample_allowed=1.0)
    with Stack(cfg, judges=[judge], environ={"ADMIN_TOKEN": TOKEN}) as stack:
        client = sdk(stack)
        api = admin(stack)
        assert (
            api.get("/admin/review/items", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )
        ask(client, "an ordinary question")
        ask(client, "please send a wire transfer")
        ask(client, "the server is at 192.168.40.12 today")
        with pytest.raises(openai.BadRequestError):
            ask(client, DEFAULT_MARKER)
        items = wait_for(
            "four review items",
            lambda: len(d := api.get("/admin/review/items").json()["data"]) == 4 and d,
        )
        shadows = [i for i in items if i["source"] == "shadow"]
        [ip] = [i for i in shadows if "pii.ipv4" in i["finding_types"]]
        assert ip["text"] is None  # the shadow rule redacted nothing: the value is still there
        by_source = {i["source"]: i for i in items if i is not ip}
        assert set(by_source) == {"audit_sample", "shadow", "deep_check_unsafe"}
        assert by_source["shadow"]["finding_types"] == ["blocklist.word"]
        assert "wire transfer" in by_source["shadow"]["text"]
        assert by_source["deep_check_unsafe"]["flagged"] is True
        assert by_source["audit_sample"]["flagged"] is False
        assert "an ordinary question" in by_source["audit_sample"]["text"]
        # Each item names the version of its policy that judged it (async verdicts too).
        served = components(stack).generations.current.versions
        assert {i["policy_version"] for i in items} == {served[items[0]["policy"]]}

        def label(item: dict[str, Any], value: str) -> None:
            r = api.post(f"/admin/review/items/{item['id']}/label", json={"label": value})
            assert r.status_code == 200, r.text

        fp = {"policy": "default"}
        assert stack.metric("safeproxy_review_false_positive_ratio", fp) is None
        label(by_source["deep_check_unsafe"], "true_positive")
        label(by_source["shadow"], "false_positive")
        assert stack.metric("safeproxy_review_false_positive_ratio", fp) == 0.5
        label(by_source["audit_sample"], "false_negative")
        assert stack.metric("safeproxy_review_false_negative_ratio", fp) == 1.0
        label(by_source["audit_sample"], "true_negative")  # relabelled: the last label wins
        assert stack.metric("safeproxy_review_false_negative_ratio", fp) == 0.0
        export = api.get("/admin/review/export", params={"label": "false_positive"})
        lines = export.text.splitlines()
        assert len(lines) == 1 and '"shadow"' in lines[0]
