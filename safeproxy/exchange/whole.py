"""A whole (non-streamed) reply through the output stage: every text slot of it in one pass.

Shared by every API's hook: the API's adapter finds the slots (upstream/wire.py), this
checks them. A block raises PolicyViolation (the relay answers with an error in the path's
own shape); a redaction writes each changed text back into exactly the field it came from.
`WholeReply` is the output hook of a request that asked for no stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from safeproxy.errors import PolicyViolation
from safeproxy.exchange.state import Exchange
from safeproxy.filters.chain import Clock, run_stage
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.filters.stage import Stage
from safeproxy.upstream.slot import Slot
from safeproxy.upstream.sse import SSEEvent
from safeproxy.upstream.wire import WIRE_APIS


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


class WholeReply:
    """The output hook of a request that asked for no stream: its reply can only be relayed
    whole (edge/relay.py's relay_json), so it opens none of a stream's per-field windows
    (exchange/held.py), and it takes no events."""

    __slots__ = ("_clock", "_ex", "_stage")
    finished = False
    violation: PolicyViolation | None = None
    released = False

    def __init__(self, policy: CompiledPolicy, ex: Exchange, clock: Clock) -> None:
        self._stage = policy.output
        self._ex = ex
        self._clock = clock

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The body rewritten in place (None: unchanged); a rewritten reply also loses its
        `logprobs`, which spell out the tokens that were cut."""
        slots = WIRE_APIS[self._ex.kind].reply_slots(body)
        if not check_whole(self._stage, self._ex, slots, self._clock):
            return None
        for choice in body.get("choices") or ():
            if isinstance(choice, dict) and choice.get("logprobs") is not None:
                choice["logprobs"] = None
        return body

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        raise AssertionError("a request that asked for no stream is relayed whole")

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        raise AssertionError("a request that asked for no stream is relayed whole")

    def on_end(self) -> Sequence[SSEEvent]:
        raise AssertionError("a request that asked for no stream is relayed whole")
