"""A request that asked for no stream gets WholeReply as its output hook: it does to a whole
reply what the stream hook's on_json does (the same body, records and outcome), and it takes
no events."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.errors import PolicyViolation
from safeproxy.exchange.output_hook import OutputHook
from safeproxy.exchange.state import Exchange
from safeproxy.exchange.whole import WholeReply
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEEvent
from tests.property.test_stream_filter_split import REDACTING

TEXTS = st.sampled_from(
    ["All clear.", "mail me at jane.doe@acme-corp.io now", "card 4111 1111 1111 1111", ""]
)


def _reply(texts: list[str], logprobs: bool) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion",
        "model": "m",
        "choices": [
            {
                "index": i,
                "message": {"role": "assistant", "content": text},
                "logprobs": {"content": [{"token": "x"}]} if logprobs else None,
                "finish_reason": "stop",
            }
            for i, text in enumerate(texts)
        ],
    }


def _outcome(hook: OutputHook | WholeReply, ex: Exchange, body: dict[str, Any]) -> Any:
    changed: Any
    try:
        changed = hook.on_json(body)
    except PolicyViolation as exc:
        changed = ("blocked", exc.reason, exc.types)
    return changed, body, ex.outcome, ex.output_checked, list(ex.filter_records), ex.degraded


@given(st.lists(TEXTS, min_size=1, max_size=3), st.booleans())
def test_whole_reply_does_what_the_stream_hook_does_to_a_whole_reply(
    texts: list[str], logprobs: bool
) -> None:
    body = _reply(texts, logprobs)
    mine, theirs = (
        Exchange(rid="a", kind=Kind.CHAT, started=0.0),
        Exchange(rid="b", kind=Kind.CHAT, started=0.0),
    )
    got = _outcome(WholeReply(REDACTING, mine, lambda: 0.0), mine, copy.deepcopy(body))
    want = _outcome(OutputHook(REDACTING, theirs, lambda: 0.0), theirs, copy.deepcopy(body))
    assert got == want


def test_a_redacted_whole_reply_loses_its_logprobs() -> None:
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0)
    body = _reply(["mail me at jane.doe@acme-corp.io now"], logprobs=True)
    changed = WholeReply(REDACTING, ex, lambda: 0.0).on_json(body)
    assert changed is body
    assert "jane.doe@acme-corp.io" not in body["choices"][0]["message"]["content"]
    assert body["choices"][0]["logprobs"] is None
    assert ex.outcome == "redacted"


def test_a_clean_whole_reply_is_left_as_it_came() -> None:
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0)
    body = _reply(["All clear."], logprobs=True)
    assert WholeReply(REDACTING, ex, lambda: 0.0).on_json(body) is None
    assert body == _reply(["All clear."], logprobs=True)


def test_whole_reply_takes_no_events() -> None:
    hook = WholeReply(REDACTING, Exchange(rid="r", kind=Kind.CHAT, started=0.0), lambda: 0.0)
    with pytest.raises(AssertionError):
        hook.on_event(SSEEvent('{"choices": []}'))
    with pytest.raises(AssertionError):
        hook.on_end()
