"""The decision record: one per request, the single source that metrics, spans and the audit
log render.

It is built once, when the request is over, from the Exchange the pipeline filled in. Every
sink reads the same record, so a decision looks the same in a trace, on a dashboard and in
the audit log. It never holds request or reply text (only finding types, rules and offsets),
except the already-redacted text an operator asked to capture.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import Action, FilterRecord, Mode, SharedRecords
from safeproxy.upstream.openai import Kind

# gen_ai.operation.name per endpoint (OpenTelemetry GenAI semantic conventions).
OPERATIONS = {
    Kind.CHAT: "chat",
    Kind.COMPLETIONS: "text_completion",
    Kind.EMBEDDINGS: "embeddings",
    Kind.RESPONSES: "chat",  # the conventions name Anthropic's Messages (and Responses) chat
    Kind.MESSAGES: "chat",
    Kind.OTHER: "other",
}

# Exchange.degraded entries ("<stage or filter>:<why>") as bounded reason names.
_DEGRADED = {
    "timeout": "fail_open",
    "exception": "fail_open",
    "holdback_overflow_released": "holdback_overflow_released",
    "pass_through": "pass_through",
    "uninspectable_allowed": "uninspectable_allowed",
    "unreadable_event": "unreadable_event",
    "limiter_local": "limiter_local",
    "limiter_open": "limiter_open",
    "deep_check_failed_open": "deep_check_fail_open",
}
# Entries named by their prefix: `safety_breaker:<action>`, `quarantine:<action>`.
_BY_PREFIX = frozenset({"safety_breaker", "quarantine"})


def degraded_reason(entry: str) -> str:
    """The bounded reason of a degraded entry: `pii:timeout` -> `fail_open`."""
    if entry == "quarantine:unavailable":
        return "quarantine_store_unavailable"  # not the same as a quarantined client
    head, _, tail = entry.rpartition(":")
    if head in _BY_PREFIX:
        return head
    return _DEGRADED.get(tail, "other")


class Decision:
    """The record of one finished request: a read-only view of its Exchange plus what only
    the end of the request knows (policy version, overhead, total time).

    A view rather than a copy: it is built for every request, and most of its fields are
    read by one sink at most (the audit log, a sampled span). `exchange` is what it views:
    sinks read it, never write it (the metrics read its fields directly: a property per
    field is a call per field on every request).
    """

    __slots__ = ("exchange", "overhead_s", "policy", "policy_version", "route", "total_s")

    def __init__(
        self, ex: Exchange, policy: str, policy_version: str, overhead_s: float, total_s: float
    ) -> None:
        self.exchange = ex
        route = ex.route
        # The route's label (a config name), read by several sinks: worked out once.
        self.route = route.label if route is not None else "none"
        self.policy = policy
        self.policy_version = policy_version
        self.overhead_s = overhead_s
        self.total_s = total_s

    @property
    def operation(self) -> str:
        return OPERATIONS[self.exchange.kind]

    @property
    def model(self) -> str:
        """As the client asked for it (routes only match configured names)."""
        return self.exchange.model

    @property
    def degraded(self) -> list[str]:
        """Checks skipped or weakened (fail-open, overflow released, pass-through)."""
        return self.exchange.degraded

    @property
    def request_id(self) -> str:
        return self.exchange.rid

    @property
    def method(self) -> str:
        return self.exchange.method

    @property
    def path(self) -> str:
        """The endpoint's path; a pass-through path as the client sent it (client input)."""
        return self.exchange.path

    @property
    def upstream_s(self) -> float | None:
        """Seconds spent waiting on the upstream (None: no upstream was called)."""
        return self.exchange.upstream_wait if self.exchange.upstream is not None else None

    @property
    def started_unix(self) -> float:
        return self.exchange.started_unix

    @property
    def upstream(self) -> str | None:
        return self.exchange.upstream

    @property
    def response_model(self) -> str | None:
        return self.exchange.response_model

    @property
    def tenant(self) -> str:
        return self.exchange.tenant

    @property
    def tenant_label(self) -> str:
        """The tenant as a metric label: a configured name, else `default` (bounded)."""
        return self.exchange.tenant_label

    @property
    def stream(self) -> bool:
        return self.exchange.stream

    @property
    def outcome(self) -> str:
        return self.exchange.outcome

    @property
    def upstream_failure(self) -> str:
        """Why the upstream failed this request (upstream/failures.py); "" when it did not."""
        return self.exchange.upstream_failure

    @property
    def status(self) -> int:
        return self.exchange.status

    @property
    def input_filter_s(self) -> float:
        return self.exchange.input_filter_s

    @property
    def output_filter_s(self) -> float:
        return self.exchange.output_filter_s

    @property
    def upstream_ttft_s(self) -> float | None:
        return self.exchange.ttft

    @property
    def tokens_in(self) -> int | None:
        return self.exchange.tokens_in

    @property
    def tokens_out(self) -> int | None:
        return self.exchange.tokens_out

    @property
    def output_checked(self) -> bool:
        return self.exchange.output_checked

    @property
    def holdback_chars(self) -> int | None:
        return self.exchange.holdback_chars

    @property
    def captured_input(self) -> Any:
        return self.exchange.captured_input

    @property
    def captured_output(self) -> Any:
        return self.exchange.captured_output

    @property
    def limited_kind(self) -> str:
        """Which rate limit refused the request (empty when none did)."""
        return self.exchange.limited_kind

    @property
    def filter_groups(self) -> list[Sequence[FilterRecord]]:
        """The records in the groups they were made in (SharedRecords are shared)."""
        return self.exchange.filter_records

    @property
    def filters(self) -> tuple[FilterRecord, ...]:
        return tuple(r for group in self.exchange.filter_records for r in group)

    @property
    def finding_types(self) -> tuple[str, ...]:
        """What enforcing filters found, both stages (see `finding_types`)."""
        return finding_types(self.exchange.filter_records)

    @property
    def shadow_types(self) -> tuple[str, ...]:
        """What shadow-mode filters would have acted on."""
        return finding_types(self.exchange.filter_records, mode=Mode.SHADOW)

    @property
    def findings_count(self) -> int:
        return sum(r.hits for r in self.filters)

    @property
    def deep_checks(self) -> list[DeepCheckRecord]:
        return self.exchange.deep_checks or []

    @property
    def output_violation(self) -> bool:
        """An enforcing output filter blocked or rewrote the reply, or a sync deep check
        found it unsafe: the safety SLO's bad event."""
        return output_violation(self.exchange)

    @property
    def stream_blocked(self) -> bool:
        return self.stream and self.outcome == "blocked_output"

    def to_json(self, *, content: bool = False) -> dict[str, Any]:
        """The audit log's form of the record; text (already redacted) only with `content`."""
        out: dict[str, Any] = {
            "type": "request",
            "request_id": self.request_id,
            "time": self.started_unix,
            "operation": self.operation,
            "route": self.route,
            "upstream": self.upstream,
            "model": self.model,
            "response_model": self.response_model,
            "tenant": self.tenant,
            "stream": self.stream,
            "policy": {
                "name": self.policy,
                "version": self.policy_version,
                "via": self.exchange.policy_via,
            },
            "outcome": self.outcome,
            "status": self.status,
            "filters": [_group_json(g) for g in self.exchange.filter_records if g],
            "degraded": self.degraded,
            "latency": {
                "overhead_s": self.overhead_s,
                "upstream_ttft_s": self.upstream_ttft_s,
                "total_s": self.total_s,
                "input_filters_s": self.input_filter_s,
                "output_filters_s": self.output_filter_s,
            },
            "tokens": {"input": self.tokens_in, "output": self.tokens_out},
        }
        if self.exchange.generation is not None:
            out["generation"] = self.exchange.generation.hash
        if self.upstream_failure:
            out["upstream_error"] = self.upstream_failure
        if self.holdback_chars is not None:
            out["holdback_chars"] = self.holdback_chars
        if self.exchange.rollout is not None:
            out["rollout"] = self.exchange.rollout.to_json()
        if self.exchange.deep_checks:
            out["deep_checks"] = [d.to_json() for d in self.exchange.deep_checks]
        if content and self.captured_input is not None:
            out["input"] = self.captured_input
        if content and self.captured_output is not None:
            out["output"] = self.captured_output
        return out


def output_violation(ex: Exchange) -> bool:
    """Whether the reply carried an output violation (see Decision.output_violation)."""
    if ex.deep_checks and any(
        d.stage == "output" and d.verdict == "unsafe" and d.mode == "sync" for d in ex.deep_checks
    ):
        return True
    for group in ex.filter_records:  # a loop: a clean request makes no generator
        if type(group) is SharedRecords:
            continue  # shared groups are clean
        for r in group:
            if r.stage == "output" and r.mode is Mode.ENFORCE and r.action >= Action.REWRITE:
                return True
    return False


def finding_types(
    groups: Iterable[Sequence[FilterRecord]], *, mode: Mode = Mode.ENFORCE
) -> tuple[str, ...]:
    """The finding types of the filters in `mode`, sorted, each once.

    Enforcing filters' types are what the proxy acted on (or flagged); a shadow filter's are
    its trial run and only change what the operator sees, so they are kept apart.
    """
    found: set[str] = set()
    for group in groups:
        if type(group) is SharedRecords:
            continue  # made for requests where nothing was found
        for r in group:
            if r.hits and r.mode is mode:
                found.update(r.types)
    return tuple(sorted(found)) if found else ()


def _group_json(group: Sequence[FilterRecord]) -> orjson.Fragment:
    """A group's records as members of the audit line's `filters` array; a shared group is
    rendered once and kept on the group."""
    if type(group) is SharedRecords:
        if group.rendered is None:
            group.rendered = _render(group)
        rendered: orjson.Fragment = group.rendered
        return rendered
    return _render(group)


def _render(group: Sequence[FilterRecord]) -> orjson.Fragment:
    return orjson.Fragment(b",".join(orjson.dumps(_filter_json(r)) for r in group))


def _filter_json(r: FilterRecord) -> dict[str, Any]:
    return {
        "filter": r.filter,
        "stage": r.stage,
        "verdict": r.verdict.name.lower(),
        "action": r.action.name.lower(),
        "mode": r.mode.value,
        "types": list(r.types),
        "count": r.hits,
        "findings": [
            {"type": f.type, "rule": f.rule, "start": f.start, "end": f.end} for f in r.findings
        ],
        "error": r.error,
    }


def build(ex: Exchange, *, policies: Mapping[str, str], now: float, overhead_s: float) -> Decision:
    """The record of a finished exchange; `policies` maps policy names to versions."""
    route = ex.route
    policy = route.policy if route is not None else ""
    return Decision(ex, policy, policies.get(policy, ""), overhead_s, now - ex.started)


class TenantHasher:
    """Tenants as a salted hash of the API key: stable for one salt, never the key itself.

    Bounded memo: keys are client input.
    """

    _LIMIT = 4096

    def __init__(self, salt: bytes | None = None) -> None:
        self._salt = salt if salt else os.urandom(16)
        self._memo: dict[str, str] = {}

    def __call__(self, authorization: str | None) -> str:
        if not authorization:
            return "anonymous"
        known = self._memo.get(authorization)
        if known is not None:
            return known
        scheme, _, key = authorization.partition(" ")
        secret = key.strip() if scheme.lower() == "bearer" else authorization
        tenant = "t-" + hashlib.sha256(self._salt + secret.encode()).hexdigest()[:16]
        if len(self._memo) >= self._LIMIT:
            self._memo.clear()
        self._memo[authorization] = tenant
        return tenant
