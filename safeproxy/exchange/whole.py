"""A whole (non-streamed) reply through the output stage: every text slot of it in one pass.

Shared by every API's hook: the API's adapter finds the slots (upstream/wire.py), this
checks them. A block raises PolicyViolation (the relay answers with an error in the path's
own shape); a redaction writes each changed text back into exactly the field it came from.
"""

from __future__ import annotations

from safeproxy.errors import PolicyViolation
from safeproxy.exchange.state import Exchange
from safeproxy.filters.chain import Clock, run_stage
from safeproxy.filters.policy import Stage
from safeproxy.upstream.openai import Slot


def check_whole(stage: Stage, ex: Exchange, slots: list[Slot], clock: Clock) -> bool:
    """Check a reply's slots; True when a slot was rewritten (the reply is serialised anew)."""
    ex.output_checked = True
    result = run_stage(stage, [s.holder[s.key] for s in slots], clock)  # Slot.get, inline
    ex.filter_records.append(result.records)
    ex.output_filter_s += result.seconds
    if result.degraded:
        ex.degraded += result.degraded
    if result.blocked:
        outcome = "filter_error" if result.reason == "filter_error" else "blocked_output"
        raise PolicyViolation(result.reason or "blocked", result.types, outcome=outcome)
    if not result.changed:
        return False
    for slot, text in zip(slots, result.texts, strict=True):
        if text is not None:
            slot.set(text)
    ex.outcome = "redacted"
    return True
