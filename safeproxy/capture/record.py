"""The captured record of one request: what replay needs to re-scan it, nothing else.

Request id, time, route, model, tenant (as the decision records it: a configured name or a
salted hash), the policy and generation that decided, the decision and its finding types,
and the texts. Never headers, keys or the client's address.
"""

from __future__ import annotations

from typing import Any

from safeproxy.exchange.decision import Decision
from safeproxy.exchange.state import Exchange

VERSION = 1


def capture_record(ex: Exchange, decision: Decision) -> dict[str, Any] | None:
    """None when the request never reached the input filters (nothing was read)."""
    view = ex.model_view
    if view is None:
        return None
    texts, joined = view
    record: dict[str, Any] = {
        "v": VERSION,
        "request_id": decision.request_id,
        "time": decision.started_unix,
        "operation": decision.operation,
        "route": decision.route,
        "model": decision.model,
        "tenant": decision.tenant,
        "stream": decision.stream,
        "policy": {"name": decision.policy, "version": decision.policy_version},
        "generation": ex.generation.hash if ex.generation is not None else None,
        "outcome": decision.outcome,
        "types": list(decision.finding_types),
        "input": {"texts": texts, "joined": [list(run) for run in joined]},
        "output": ex.reply_texts() if ex.reply_texts is not None else None,
    }
    return record
