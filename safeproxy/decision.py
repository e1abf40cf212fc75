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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from safeproxy.filters.api import Action, FilterRecord, Mode
from safeproxy.models import Exchange, Kind

# gen_ai.operation.name per endpoint (OpenTelemetry GenAI semantic conventions).
OPERATIONS = {
    Kind.CHAT: "chat",
    Kind.COMPLETIONS: "text_completion",
    Kind.EMBEDDINGS: "embeddings",
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
}


def degraded_reason(entry: str) -> str:
    """The bounded reason of a degraded entry: `pii:timeout` -> `fail_open`."""
    return _DEGRADED.get(entry.rpartition(":")[2], "other")


@dataclass(frozen=True, slots=True)
class Decision:
    request_id: str
    started_unix: float
    operation: str
    route: str
    upstream: str | None
    model: str  # as the client asked for it (routes only match configured names)
    response_model: str | None
    tenant: str
    stream: bool
    policy: str
    policy_version: str
    outcome: str
    status: int
    filters: tuple[FilterRecord, ...]
    # Checks skipped or weakened (fail-open, overflow released, pass-through), as recorded.
    degraded: tuple[str, ...]
    input_filter_s: float
    output_filter_s: float
    overhead_s: float
    upstream_ttft_s: float | None
    total_s: float
    tokens_in: int | None
    tokens_out: int | None
    output_checked: bool
    holdback_chars: int | None
    captured_input: Any = None
    captured_output: Any = None

    @property
    def findings_count(self) -> int:
        return sum(r.hits for r in self.filters)

    @property
    def output_violation(self) -> bool:
        """An enforcing output filter blocked or rewrote the reply: the safety SLO's bad event."""
        return any(
            r.stage == "output" and r.mode is Mode.ENFORCE and r.action >= Action.REWRITE
            for r in self.filters
        )

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
            "policy": {"name": self.policy, "version": self.policy_version},
            "outcome": self.outcome,
            "status": self.status,
            "filters": [_filter_json(r) for r in self.filters],
            "degraded": list(self.degraded),
            "latency": {
                "overhead_s": self.overhead_s,
                "upstream_ttft_s": self.upstream_ttft_s,
                "total_s": self.total_s,
                "input_filters_s": self.input_filter_s,
                "output_filters_s": self.output_filter_s,
            },
            "tokens": {"input": self.tokens_in, "output": self.tokens_out},
        }
        if self.holdback_chars is not None:
            out["holdback_chars"] = self.holdback_chars
        if content and self.captured_input is not None:
            out["input"] = self.captured_input
        if content and self.captured_output is not None:
            out["output"] = self.captured_output
        return out


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
    return Decision(
        request_id=ex.rid,
        started_unix=ex.started_unix,
        operation=OPERATIONS[ex.kind],
        route=ex.route_label,
        upstream=ex.upstream,
        model=ex.model,
        response_model=ex.response_model,
        tenant=ex.tenant,
        stream=ex.stream,
        policy=policy,
        policy_version=policies.get(policy, ""),
        outcome=ex.outcome,
        status=ex.status,
        filters=tuple(ex.filter_records),
        degraded=tuple(ex.degraded),
        input_filter_s=ex.input_filter_s,
        output_filter_s=ex.output_filter_s,
        overhead_s=overhead_s,
        upstream_ttft_s=ex.ttft,
        total_s=now - ex.started,
        tokens_in=ex.tokens_in,
        tokens_out=ex.tokens_out,
        output_checked=ex.output_checked,
        holdback_chars=ex.holdback_chars,
        captured_input=ex.captured_input,
        captured_output=ex.captured_output,
    )


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
