"""The output hook end to end at the SSE level: however the upstream splits the text into
chunks, and however the network splits the bytes (inside UTF-8 sequences and SSE lines
included, and so however many events arrive in one read), the client never receives a
detected value, and what it assembles equals the non-streaming result; a block is decided
the same way whatever the split."""

from __future__ import annotations

import itertools
import re
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.exchange.output_hook import OutputHook
from safeproxy.exchange.state import Exchange
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.policy import PolicySettings
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEDecoder, SSEEvent

COMPILER = Compiler(Normalizer(), Skeleton(skeleton_table()), {})


def _policy(output: list[dict[str, Any]]) -> CompiledPolicy:
    settings = PolicySettings.model_validate({"output": output})
    return compile_policies({"p": settings}, COMPILER)["p"]


REDACTING = _policy(
    [
        {"type": "pii", "entities": ["email", "phone", "credit_card", "ssn", "iban"]},
        {"type": "secrets", "action": "redact"},
        {"type": "blocklist", "words": ["launch codes"], "action": "redact"},
    ]
)
BLOCKING = _policy([{"type": "secrets", "action": "block"}, {"type": "pii"}])

VALUES = [
    "jane.doe@acme-corp.io",
    "jane [at] acme [dot] io",
    "jdoe at gmail dot com",
    "john dot doe (at) gmail (dot) com",
    "jane_at_acme_dot_io",  # wrapped at-sign and dots
    "j.doe -at- mail -dot- acme.co.uk",
    "jane@acme[.]io",  # a plain at-sign, a disguised dot
    "4111 1111 1111 1111",
    "4111 | 1111 | 1111 | 1111",  # groups apart by up to three separators, the same way
    "123-45-6789",
    "078 ~ 05 ~ 1120",
    "+1 (415) 867-5309",
    "Tel: 030 12345678;",  # a national number of another region (DE), a whole run
    "SSN: 078051120",  # nine digits after a context word, held until decided
    "SSN: 0|7|8|0|5|1|1|2|0",  # the same digits one by one (a space: a digit after goes on)
    "call 4|1|5|8|6|7|5|3|0|9",
    "GB82 WEST 1234 5698 7654 32",
    "GB82-WEST-1234-5698-7654-32",
    "j\u200bane@acme\u200d.io",
    "４１１１ １１１１ １１１１ １１１１",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
    "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",  # a vendor no rule names (prefixed_token)
    "password: Xq7#mP2!vL9@kR4z",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "launch  c0des",
]
FILLER = st.text(
    alphabet=st.sampled_from([*"abc xyz.,-:@ 0123456789\n", "é", "✓", "😀", "\u200b", "ж"]),
    max_size=24,
)


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    values: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(FILLER))
        value = draw(st.sampled_from(VALUES))
        values.append(value)
        parts.append(f" {value} ")
    parts.append(draw(FILLER))
    return "".join(parts), values


def _cut(text: str, points: list[int]) -> list[str]:
    cuts = sorted({p % (len(text) + 1) for p in points})
    edges = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges) if b > a]


def _wire(pieces: list[str]) -> bytes:
    def chunk(choice: dict[str, Any]) -> bytes:
        body = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                "choices": [choice]}  # fmt: skip
        return b"data: " + orjson.dumps(body) + b"\n\n"

    out = [chunk({"index": 0, "delta": {"role": "assistant", "content": ""}})]
    out += [chunk({"index": 0, "delta": {"content": p}, "finish_reason": None}) for p in pieces]
    out.append(chunk({"index": 0, "delta": {}, "finish_reason": "stop"}))
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def _through_hook(policy: CompiledPolicy, wire: bytes, byte_cuts: list[int]) -> list[SSEEvent]:
    hook = OutputHook(policy, Exchange(rid="r", kind=Kind.CHAT, started=0.0))
    decoder = SSEDecoder()
    sent: list[SSEEvent] = []
    edges = sorted({c % (len(wire) + 1) for c in byte_cuts})
    for a, b in zip([0, *edges], [*edges, len(wire)], strict=True):
        # The events of one read go together, as the relay hands them over (coalesce.py).
        events = decoder.feed(wire[a:b])
        if events:
            sent += hook.on_events(events)
        if hook.finished:
            return sent
    return [*sent, *hook.on_end()]


def _text_of(events: list[SSEEvent]) -> tuple[str, list[str | None]]:
    text: list[str] = []
    finishes: list[str | None] = []
    for e in events:
        if e.data == "[DONE]":
            continue
        for choice in orjson.loads(e.data)["choices"]:
            text.append(choice.get("delta", {}).get("content") or "")
            finishes.append(choice.get("finish_reason"))
    return "".join(text), finishes


@settings(max_examples=200, deadline=None)
@given(replies(), st.lists(st.integers(0, 500), max_size=30), st.lists(st.integers(0, 4000)))
def test_client_text_is_split_invariant_and_never_holds_a_value(
    sample: tuple[str, list[str]], text_cuts: list[int], byte_cuts: list[int]
) -> None:
    text, values = sample
    events = _through_hook(REDACTING, _wire(_cut(text, text_cuts)), byte_cuts)
    received, finishes = _text_of(events)
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert received == (text if whole is None else whole)
    for value in values:
        assert value not in received
        assert value.split(": ")[-1] not in received
    assert finishes[-1] == "stop" and events[-1].data == "[DONE]"


@given(replies())
def test_one_character_per_chunk(sample: tuple[str, list[str]]) -> None:
    """One character per event, and each event read on its own: every hold is asked at
    every character (in one read, the hook takes all events together and holds nothing)."""
    text, _values = sample
    wire = _wire(list(text))
    events = _through_hook(REDACTING, wire, [m.end() for m in re.finditer(rb"\n\n", wire)])
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert _text_of(events)[0] == (text if whole is None else whole)


@settings(max_examples=150, deadline=None)
@given(replies(), st.lists(st.integers(0, 500), max_size=30), st.lists(st.integers(0, 4000)))
def test_a_block_is_decided_the_same_whatever_the_split(
    sample: tuple[str, list[str]], text_cuts: list[int], byte_cuts: list[int]
) -> None:
    text, values = sample
    events = _through_hook(BLOCKING, _wire(_cut(text, text_cuts)), byte_cuts)
    received, finishes = _text_of(events)
    whole = run_stage(BLOCKING.output, [text])
    assert (finishes[-1] == "content_filter") == whole.blocked
    assert events[-1].data == "[DONE]"
    for value in values:
        if "launch" not in value:  # that blocklist is not part of this policy
            assert value not in received


def test_streamed_reasoning_is_filtered_like_content() -> None:
    hook = OutputHook(REDACTING, Exchange(rid="r", kind=Kind.CHAT, started=0.0))
    sent: list[SSEEvent] = []
    for piece in ["think: mail jane.d", "oe@acme-corp.io ", "then answer"]:
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                 "choices": [{"index": 0, "delta": {"reasoning_content": piece},
                              "finish_reason": None}]}  # fmt: skip
        sent += hook.on_event(SSEEvent(orjson.dumps(chunk).decode()))
    sent += hook.on_end()
    text = "".join(
        c.get("delta", {}).get("reasoning_content") or ""
        for e in sent
        for c in orjson.loads(e.data)["choices"]
    )
    assert text == "think: mail [REDACTED:EMAIL] then answer"


def _events(choices: list[list[dict[str, Any]]]) -> list[SSEEvent]:
    hook = OutputHook(REDACTING, Exchange(rid="r", kind=Kind.CHAT, started=0.0))
    sent: list[SSEEvent] = []
    for chunk_choices in choices:
        chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                 "choices": chunk_choices}  # fmt: skip
        sent += hook.on_event(SSEEvent(orjson.dumps(chunk).decode()))
    return [*sent, *hook.on_end()]


def test_legacy_function_calls_audio_and_message_chunks_are_filtered() -> None:
    ssn = "123-45-6789"
    sent = _events(
        [
            [{"index": 0, "delta": {"function_call": {"name": "f", "arguments": '{"s":"123-'}}}],
            [{"index": 0, "delta": {"function_call": {"arguments": '45-6789"}'}}}],
            [{"index": 1, "delta": {"audio": {"transcript": "mail jane.doe@acme"}}}],
            [{"index": 1, "delta": {"audio": {"transcript": "-corp.io now"}}}],
            [{"index": 2, "message": {"content": "AKIAIOSFODNN7EXAMPLE"}, "finish_reason": "stop"}],
        ]
    )
    wire = "".join(e.data for e in sent)
    assert ssn not in wire and "acme-corp" not in wire and "AKIAIOSFODNN7EXAMPLE" not in wire
    assert "[REDACTED:SSN]" in wire and "[REDACTED:EMAIL]" in wire


def test_a_string_tool_index_is_the_same_call() -> None:
    sent = _events(
        [
            [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "t", "function": {
                "name": "f", "arguments": '{"s":"123-45-'}}]}}],
            [{"index": 0, "delta": {"tool_calls": [
                {"index": "0", "function": {"arguments": '6789"}'}}]}}],
        ]
    )  # fmt: skip
    wire = "".join(e.data for e in sent)
    assert "123-45-" not in wire and "6789" not in wire


def test_text_after_a_choice_finished_does_not_go_out() -> None:
    sent = _events(
        [
            [{"index": 0, "delta": {"content": "mail jane.doe@acme"}, "finish_reason": "stop"}],
            [{"index": 0, "delta": {"content": "-corp.io"}}],
        ]
    )
    wire = "".join(e.data for e in sent)
    assert "-corp.io" not in wire
