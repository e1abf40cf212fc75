"""Stream events whose text goes out whole and unchanged are the upstream's own events."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safeproxy.exchange.output_hook import OutputHook
from safeproxy.exchange.state import Exchange
from safeproxy.filters.policy import CompiledPolicy, compile_policies
from safeproxy.settings.policy import PolicySettings
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEEvent
from tests.property.test_stream_filter_split import COMPILER, REDACTING

# A word list holds only a tail that could begin a listed word, and without decoded views
# (whose encoded-run tails hold a word in progress) clean words go out whole.
WORDLIST = compile_policies(
    {
        "w": PolicySettings.model_validate(
            {
                "output": [{"type": "blocklist", "words": ["launch codes"], "action": "redact"}],
                "views": {"decoders": []},
            }
        )
    },
    COMPILER,
)["w"]


def _event(content: str, *, logprobs: str = "null", finish: str = "null") -> SSEEvent:
    # Spaced JSON, as some servers write it: a re-serialisation would compact it.
    content_json = '"' + content.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return SSEEvent(
        '{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", '
        f'"choices": [{{"index": 0, "delta": {{"content": {content_json}}}, '
        f'"logprobs": {logprobs}, "finish_reason": {finish}}}]}}'
    )


def _hook(policy: CompiledPolicy = REDACTING) -> OutputHook:
    return OutputHook(policy, Exchange(rid="r", kind=Kind.CHAT, started=0.0))


WORDS = st.lists(st.sampled_from(["The", " cat", " sat", ".", " on", " mats", "!"]), min_size=1)


@given(WORDS)
def test_clean_text_is_forwarded_as_the_upstream_wrote_it(pieces: list[str]) -> None:
    hook = _hook(WORDLIST)
    given_events = [_event(p) for p in pieces]
    sent = [e for event in given_events for e in hook.on_event(event)]
    sent += hook.on_end()
    # No listed word can begin in these pieces: each event goes out whole, as it came
    # (spaced JSON and all), then the stream's end adds nothing.
    assert [e.data for e in sent] == [e.data for e in given_events]


def test_a_held_tail_makes_the_event_new() -> None:
    hook = _hook(WORDLIST)
    first, second = _event("We launch"), _event(" today.")
    sent = [*hook.on_event(first), *hook.on_event(second), *hook.on_end()]
    assert first.data not in [e.data for e in sent]  # "launch" was held
    assert '"content":"We "' in sent[0].data


def test_an_event_whose_text_was_cut_is_written_anew() -> None:
    hook = _hook()
    sent = [*hook.on_event(_event("mail me at jane.doe@acme-corp.io now ")), *hook.on_end()]
    texts = "".join(e.data for e in sent)
    assert "jane.doe@acme-corp.io" not in texts
    assert all(e.data != _event("mail me at jane.doe@acme-corp.io now ").data for e in sent)


def test_logprobs_are_dropped_even_when_the_text_is_unchanged() -> None:
    hook = _hook()
    first = _event("Hello there. ", logprobs='{"content": [{"token": "Hello"}]}')
    sent = [*hook.on_event(first), *hook.on_event(_event("Fine. ")), *hook.on_end()]
    assert sent and all('"token"' not in e.data for e in sent)
