"""A running proxy with the admin listener and its console, for the browser tests: one
route (`main`) with an output blocklist and a safety breaker, a review queue in SQLite, a
config file to reload from, and two named admin tokens."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from opentelemetry.sdk.trace import TracerProvider

from safeproxy.app import COMPONENTS
from safeproxy.generation.source import ConfigSource
from safeproxy.review.item import ReviewItem
from safeproxy.review.service import ReviewService
from tests.integration.test_reload import blocklist_config
from tests.support import Stack

TOKEN = "ops-token-0123456789abcdef"
OTHER = "other-token-0123456789abcd"
TRACE_URL = "http://127.0.0.1:16686/trace/{trace_id}"


class ConsoleStack:
    def __init__(self, tmp_path: Path, tracer_provider: TracerProvider | None = None) -> None:
        self.path = tmp_path / "safeproxy.yaml"
        self.audit = tmp_path / "audit.jsonl"
        self.review_path = tmp_path / "review.sqlite3"
        self.stack = Stack(self.build, source=ConfigSource(self.path, environ={}).load,
                           tracer_provider=tracer_provider)  # fmt: skip
        self.url = ""

    def build(self, urls: list[str]) -> dict[str, Any]:
        self.write(urls[0], "forbidden")
        loaded = yaml.safe_load(self.path.read_text())
        assert isinstance(loaded, dict)
        return loaded

    def write(self, upstream: str, word: str, regex: str = "") -> None:
        cfg = blocklist_config(upstream, self.audit, word, regex)
        cfg["routes"][0]["safety_breaker"] = {
            "enabled": True, "violation_ratio": 0.5, "min_requests": 2, "window_s": 60,
            "cooldown_s": 30, "half_open_probes": 1, "successes_to_close": 1,
        }  # fmt: skip
        cfg["review"] = {"path": str(self.review_path)}
        tokens = [{"name": name, "sha256": hashlib.sha256(t.encode()).hexdigest()}
                  for name, t in (("ops", TOKEN), ("other", OTHER))]  # fmt: skip
        cfg["admin"] = {"enabled": True, "port": 0, "tokens": tokens, "trace_url": TRACE_URL}
        self.path.write_text(yaml.safe_dump(cfg))

    def __enter__(self) -> ConsoleStack:
        self.stack.__enter__()
        port = self.service.admin_port
        assert port is not None
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.__exit__(*exc)

    @property
    def service(self) -> ReviewService:
        review = self.stack.proxy_runner.app[COMPONENTS].review
        assert review is not None
        return review

    def seed(self, items: list[ReviewItem]) -> list[int]:
        return self.stack.call(self.service.store.add_many(items))

    def item(self, item_id: int) -> ReviewItem | None:
        return self.stack.call(self.service.store.get(item_id))

    def audit_records(self, kind: str) -> list[dict[str, Any]]:
        """The audit log's records of one kind, once every record written so far is on disk."""
        audit = self.service.audit
        assert audit is not None
        self.stack.call(audit.sync())
        lines = self.audit.read_text().splitlines() if self.audit.exists() else []
        return [r for r in map(json.loads, lines) if r.get("type") == kind]
