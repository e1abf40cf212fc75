"""Runs policy cases through the production request path: the real app, built from the
config under test, on loopback, in front of the bundled mock model.

Nothing is re-implemented: a case is an HTTP request to the proxy, and what counts is what
the proxy did, read where an operator reads it: what the model was sent (the mock records
it), what the client got, and the access-log line (decision and finding types). Only what
would make cases interfere is switched off: rate limits, quarantine, deep checks (their
judges are remote), audit, tracing, the review queue and the admin listener. Tenants are
real identities: each named tenant gets a generated API key.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import logging
import random
import secrets
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from safeproxy.app import build_app
from safeproxy.edge.server import start
from safeproxy.policytest.cases import Case
from safeproxy.settings.schema import ApiKey, Settings
from safeproxy.telemetry.access_log import LOGGER
from safeproxy.testing.mock_upstream import MockUpstream

DEFAULT_MODEL = "policy-test"
# What the proxy's outcomes mean for a case's `expect`.
_EXPECTED = {"allowed": "allow", "redacted": "redact", "blocked_input": "block",
             "blocked_output": "block"}  # fmt: skip
# Streams split character by character up to this length (each a separate request).
_PER_CHAR_MAX = 400
_WAIT_RECORD_S = 10.0


@dataclass(frozen=True)
class Observed:
    """What one request of a case produced."""

    outcome: str  # the proxy's outcome (access log `decision`)
    types: tuple[str, ...]  # finding types of enforcing filters
    text: str | None  # what the model was sent (input, text cases) or the client got
    status: int

    @property
    def verdict(self) -> str:
        return _EXPECTED.get(self.outcome, self.outcome)


@dataclass
class CaseResult:
    case: Case
    runs: list[Observed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def observed(self) -> Observed | None:
        return self.runs[0] if self.runs else None


async def run_cases(settings: Settings, cases: list[Case], *, splits: int = 3) -> list[CaseResult]:
    """Every case against `settings`; `splits` random chunk splits per stream case (besides
    the whole text and one character at a time)."""
    mock = MockUpstream(record=True)
    mock_runner = web.AppRunner(mock.app(), handler_cancellation=True, access_log=None)
    await mock_runner.setup()
    await web.TCPSite(mock_runner, "127.0.0.1", 0).start()
    # Tenants with their own policies get keys too: the tenant map names only known tenants.
    named = {c.tenant or "default" for c in cases} | set(settings.tenants)
    keys = {t: secrets.token_hex(16) for t in sorted(named)}
    test_settings = for_tests(settings, f"http://127.0.0.1:{mock_runner.addresses[0][1]}", keys)
    records = _Records()
    with records.attached():
        app = build_app(
            test_settings, registry=CollectorRegistry(), environ={},
            tracer_provider=TracerProvider(),
        )  # fmt: skip
        proxy, port = await start(app, test_settings.server)
        try:
            async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
                client = _Client(http, mock, records, keys, settings)
                return [await client.run(i, case, splits) for i, case in enumerate(cases)]
        finally:
            await proxy.cleanup()
            await mock_runner.cleanup()


def for_tests(settings: Settings, upstream_url: str, keys: dict[str, str]) -> Settings:
    """The config under test with every upstream at the mock and the stateful parts off."""
    upstreams = [u.model_copy(update={"base_urls": [upstream_url]}) for u in settings.upstreams]
    policies = {
        name: p.model_copy(update={"deep_checks": []}) for name, p in settings.policies.items()
    }
    telemetry = settings.telemetry.model_copy(
        update={
            "audit": settings.telemetry.audit.model_copy(update={"path": None}),
            "access_log": settings.telemetry.access_log.model_copy(update={"enabled": True}),
        }
    )
    api_keys = [
        ApiKey(sha256=hashlib.sha256(key.encode()).hexdigest(), tenant=tenant)
        for tenant, key in keys.items()
    ]
    return settings.model_copy(
        update={
            "server": settings.server.model_copy(update={"host": "127.0.0.1", "port": 0}),
            "upstreams": upstreams,
            "policies": policies,
            "telemetry": telemetry,
            "auth": settings.auth.model_copy(update={"mode": "api_keys", "keys": api_keys}),
            "rate_limits": settings.rate_limits.model_copy(update={"rules": []}),
            "quarantine": settings.quarantine.model_copy(update={"enabled": False}),
            "review": settings.review.model_copy(update={"enabled": False}),
            "admin": settings.admin.model_copy(update={"enabled": False}),
            "readiness": settings.readiness.model_copy(update={"interval_s": 3600.0}),
        }
    )


def stream_splits(text: str, name: str, count: int) -> list[list[str]]:
    """The whole text, one character a piece, and `count` random splits seeded by the case
    name (the same splits every run)."""
    out = [[text]]
    if 1 < len(text) <= _PER_CHAR_MAX:
        out.append(list(text))
    rng = random.Random(zlib.crc32(name.encode()))  # noqa: S311 - repeatable splits, not secrets
    for _ in range(count if len(text) > 1 else 0):
        cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 12))))
        out.append([text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)])
    return out


def model_for(settings: Settings, case: Case) -> str:
    """The model name a case's request carries; for `route`, one that routes there."""
    if case.model is not None:
        return case.model
    if case.route is None:
        return DEFAULT_MODEL
    for r in settings.routes:
        if r.label != case.route:
            continue
        glob = r.match.model
        candidate = glob.replace("*", DEFAULT_MODEL).replace("?", "x")
        if fnmatch.fnmatchcase(candidate, glob) and _first_route(settings, candidate) == r.label:
            return candidate
        raise ValueError(f"no model name found that routes to {case.route!r}: give `model`")
    raise ValueError(f"no route named {case.route!r}")


def _first_route(settings: Settings, model: str) -> str | None:
    return next(
        (r.label for r in settings.routes if fnmatch.fnmatchcase(model, r.match.model)), None
    )


class _Records:
    """Access-log lines by request id, captured from the `safeproxy.access` logger."""

    def __init__(self) -> None:
        self._lines: dict[str, dict[str, str]] = {}
        self._arrived: dict[str, asyncio.Event] = {}

    @contextmanager
    def attached(self) -> Iterator[None]:
        logger = logging.getLogger(LOGGER)
        handler = _Handler(self)
        saved = (logger.level, logger.propagate)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the report, not a log line per case, goes to the terminal
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]

    def add(self, line: str) -> None:
        fields = dict(part.split("=", 1) for part in line.split(" ") if "=" in part)
        rid = fields.get("request_id", "")
        self._lines[rid] = fields
        self._event(rid).set()

    async def take(self, rid: str) -> dict[str, str]:
        await asyncio.wait_for(self._event(rid).wait(), _WAIT_RECORD_S)
        self._arrived.pop(rid, None)
        return self._lines.pop(rid)

    def _event(self, rid: str) -> asyncio.Event:
        return self._arrived.setdefault(rid, asyncio.Event())


class _Handler(logging.Handler):
    def __init__(self, records: _Records) -> None:
        super().__init__(logging.INFO)
        self._records = records

    def emit(self, record: logging.LogRecord) -> None:
        self._records.add(record.getMessage())


class _Client:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        mock: MockUpstream,
        records: _Records,
        keys: dict[str, str],
        settings: Settings,
    ) -> None:
        self._http = http
        self._mock = mock
        self._records = records
        self._keys = keys
        self._settings = settings

    async def run(self, index: int, case: Case, splits: int) -> CaseResult:
        result = CaseResult(case)
        try:
            model = model_for(self._settings, case)
        except ValueError as exc:
            result.problems.append(str(exc))
            return result
        if case.direction == "stream":
            assert case.text is not None
            pieces = stream_splits(case.text, case.name, splits)
        else:
            pieces = [[]]
        for n, split in enumerate(pieces):
            rid = f"policy-test-{index}-{n}"
            result.runs.append(await self._one(rid, case, model, split))
        judge(result)
        return result

    async def _one(self, rid: str, case: Case, model: str, pieces: list[str]) -> Observed:
        body: dict[str, Any] = {"model": model, "max_tokens": 64}
        if case.direction == "input":
            body["messages"] = case.messages or [{"role": "user", "content": case.text}]
            body["mock"] = {"reply": "ok"}
        else:
            body["messages"] = [{"role": "user", "content": "Reply."}]
            body["mock"] = {"pieces": pieces} if pieces else {"reply": case.text}
            body["stream"] = case.direction == "stream"
        headers = {
            "X-Request-ID": rid,
            "Authorization": f"Bearer {self._keys[case.tenant or 'default']}",
        }
        async with self._http.post("/v1/chat/completions", json=body, headers=headers) as resp:
            raw = await resp.read()
            status = resp.status
        line = await self._records.take(rid)
        types = tuple(t for t in line.get("findings", "-").split(",") if t and t != "-")
        if case.direction == "input":
            text = self._forwarded(rid) if case.text is not None else None
        elif case.direction == "output":
            text = _reply_text(raw) if status == 200 else None
        else:
            text = _stream_text(raw)
        return Observed(line.get("decision", "?"), types, text, status)

    def _forwarded(self, rid: str) -> str | None:
        """The user message's text as the model received it (None: the model got nothing)."""
        seen = next((r for r in self._mock.received if r.headers.get("X-Request-ID") == rid), None)
        if seen is None:
            return None
        self._mock.received.remove(seen)
        content = orjson.loads(seen.body)["messages"][-1]["content"]
        return content if isinstance(content, str) else None


def judge(result: CaseResult) -> None:
    """Compare every run with the case's expectations (and, for streams, with each other)."""
    case, first = result.case, result.runs[0]
    if first.verdict != case.expect:
        result.problems.append(f"expected {case.expect}, got {first.verdict}")
    if case.types is not None and set(first.types) != set(case.types):
        want, got = ",".join(sorted(case.types)) or "-", ",".join(first.types) or "-"
        result.problems.append(f"expected types {want}, got {got}")
    if case.redacted is not None and first.text != case.redacted:
        result.problems.append("the redacted text differs from `redacted`")
    if case.expect == "allow" and case.text is not None and first.text not in (None, case.text):
        result.problems.append("the text was changed")
    for n, run in enumerate(result.runs[1:], 1):
        # A stream blocked mid-way releases what came before the violation, which depends on
        # the split; the verdict and the finding types must not.
        text_matters = first.verdict != "block"
        if (run.verdict, set(run.types)) != (first.verdict, set(first.types)) or (
            text_matters and run.text != first.text
        ):
            result.problems.append(f"chunk split {n} changed the result ({run.verdict})")
            break


def _reply_text(raw: bytes) -> str | None:
    try:
        content = orjson.loads(raw)["choices"][0]["message"]["content"]
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


def _stream_text(raw: bytes) -> str:
    """The text a client assembles from an SSE reply (an in-band error adds nothing)."""
    out = []
    for line in raw.split(b"\n"):
        if not line.startswith(b"data: {"):
            continue
        event = orjson.loads(line[6:])
        for choice in event.get("choices") or ():
            out.append((choice.get("delta") or {}).get("content") or "")
    return "".join(out)
