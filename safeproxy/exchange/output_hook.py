"""The output-filter hook: a policy's output stage applied to a reply, streamed or whole.

Streams: each text field of each choice (`delta.content`, `delta.refusal`, every tool
call's `function.arguments`, completions' `text`) has its own hold-back window
(holdback.StreamRedactor). Chunks keep the upstream's framing and non-text fields; their
text is replaced by what the window releases, and a chunk left with nothing to say is
skipped. Held text goes out with the choice's final chunk, or in chunks made from the
last chunk's id and model when the stream ends. `logprobs` are dropped while output
filters run: they spell out the very tokens that were held or cut.

A block before any byte was sent becomes an HTTP error (the relay raises `violation`);
after that the stream ends with finish_reason "content_filter" and [DONE], or with an
in-band error event (`block_style: error_event`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import orjson

from safeproxy.exchange.coalesce import coalesce
from safeproxy.exchange.held import HeldWindows
from safeproxy.exchange.state import Exchange
from safeproxy.exchange.whole import WholeReply
from safeproxy.filters.chain import Clock
from safeproxy.filters.policy import CompiledPolicy
from safeproxy.upstream.sse import SSEEvent

_TEMPLATE_KEYS = ("id", "object", "created", "model", "system_fingerprint")
# Text fields of a chat delta the client shows; reasoning models (vLLM, DeepSeek, OpenRouter)
# stream their reasoning as `reasoning_content` or `reasoning`.
TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")
# Keys of a delta whose text the windows handle: they alone do not make a chunk worth sending.
_FILTERED_KEYS = frozenset({*TEXT_FIELDS, "tool_calls", "function_call", "audio"})
FieldKey = tuple[int, str, int]  # (choice index, field, tool-call index)


class OutputHook(HeldWindows[FieldKey]):
    """One per upstream response (like an Envoy filter instance per stream)."""

    def __init__(
        self, policy: CompiledPolicy, ex: Exchange, clock: Clock = time.perf_counter
    ) -> None:
        super().__init__(policy, ex, clock)
        self._template: dict[str, Any] = {}
        self._completions = False
        # Choices whose finish_reason has been seen.
        self._done: set[int] = set()
        # Whether the event in hand had text held, cut or dropped (it is then re-serialised).
        self._rewrote = False

    # --- whole replies -------------------------------------------------------------------

    def on_json(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """A stream that was answered with a whole reply (a request that asked for no
        stream gets exchange/whole.py's WholeReply)."""
        return WholeReply(self._policy, self._ex, self._clock).on_json(body)

    # --- streams -------------------------------------------------------------------------

    def on_events(self, events: Sequence[SSEEvent]) -> Sequence[SSEEvent]:
        """Events that arrived together: each parsed once, runs of plain content deltas
        joined into one (exchange/coalesce.py), so their text costs one scan."""
        if len(events) == 1:
            return self.on_event(events[0])
        out: list[SSEEvent] = []
        for p in coalesce(events):
            if self.finished:
                break
            if p.chunk is None:
                out += self.on_event(p.event)
            else:
                out += self._on_chunk(p.event, p.chunk, p.joined)
        return out

    def on_event(self, event: SSEEvent) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        if event.data.strip() == "[DONE]":
            return [*self._flush_all(), event]  # _flush_all hands over any stash
        try:
            chunk = orjson.loads(event.data)
        except orjson.JSONDecodeError:
            # Text we cannot read does not reach the client unread.
            self._ex.degraded.append("output:unreadable_event")
            return ()
        return self._on_chunk(event, chunk, False)

    def _on_chunk(self, event: SSEEvent, chunk: Any, rewrite: bool) -> list[SSEEvent]:
        """One parsed event; `rewrite`: it must be serialised anew (it joins several)."""
        choices = chunk.get("choices") if isinstance(chunk, dict) else None
        if not isinstance(choices, list) or not choices:
            return self._after_text([event])  # usage, upstream errors: no model text
        for key in _TEMPLATE_KEYS:
            if key in chunk:
                self._template[key] = chunk[key]
        started = self._clock()
        out: list[SSEEvent] = []
        keep = False
        self._rewrote = rewrite
        for pos, choice in enumerate(choices):
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", pos)
            index = index if isinstance(index, int) else pos
            final = choice.get("finish_reason") is not None
            if final:
                out += self._flush_choice(index, skip=_fields_of(index, choice))
            keep |= self._filter_choice(index, choice, final)
            if choice.pop("logprobs", None) is not None:
                self._rewrote = True
        self._seconds += self._clock() - started
        if self._blocked():
            return self._block()
        if keep:
            # An event whose text went out whole and unchanged is the upstream's event: no
            # second serialisation. Only events whose text was held, cut or dropped (or whose
            # logprobs were) are written anew. (The upstream comes from config and encodes
            # the model's text itself, so its JSON is not the model's to shape.)
            if self._rewrote:
                event = SSEEvent(orjson.dumps(chunk).decode(), event.event, event.id, event.retry)
            out.append(event)
        return self._after_text(out)

    def on_end(self) -> Sequence[SSEEvent]:
        if self.finished:
            return ()
        return self._flush_all()

    # --- internals -----------------------------------------------------------------------

    def _filter_choice(self, index: int, choice: dict[str, Any], final: bool) -> bool:
        """Replace each text field by what its window releases; True if the chunk says
        anything (text, a role, a tool call's id or name, a finish reason)."""
        says = final
        delta: Any = choice.get("delta")
        # Most events of a chat stream: a delta of content alone, nothing else to look at.
        plain = (
            type(delta) is dict
            and len(delta) == 1
            and type(delta.get("content")) is str
            and "text" not in choice
            and "message" not in choice
        )
        refs: list[tuple[FieldKey, dict[str, Any], str]]
        if plain:
            refs = [((index, "content", 0), delta, "content")]
        else:
            refs = text_refs(index, choice)
            if isinstance(choice.get("text"), str):
                self._completions = True
        done = index in self._done
        for key, holder, field in refs:
            given = holder[field]
            if done:
                # Text for a choice after its finish: its window has ended, so it cannot be
                # checked against what came before. It does not go out.
                holder[field] = ""
                self._rewrote |= bool(given)
                self._ex.degraded.append("output:text_after_finish")
                continue
            released = holder[field] = self._feed(key, given, final)
            if released:
                self.released = says = True
                self._rewrote |= released != given
            else:
                self._rewrote |= bool(given)
        for container in () if plain else (delta, choice.get("message")):
            if isinstance(container, dict):
                says |= any(k not in _FILTERED_KEYS for k in container)
                for call in container.get("tool_calls") or ():
                    fn = call.get("function") if isinstance(call, dict) else None
                    says |= isinstance(call, dict) and bool(
                        call.get("id") or (fn if isinstance(fn, dict) else {}).get("name")
                    )
        if final:
            self._done.add(index)
        return says

    def _feed(self, key: FieldKey, text: str, final: bool) -> str:
        window = self._windows.get(key) or self._window(key)
        try:
            return window.feed(text) + (window.end() if final else "")
        except Exception:
            return self._failed(text)

    def _flush_choice(self, index: int, skip: set[FieldKey] = frozenset()) -> list[SSEEvent]:  # type: ignore[assignment]
        out: list[SSEEvent] = []
        for key, window in list(self._windows.items()):
            if key[0] != index or key in skip:
                continue
            try:
                tail = window.end()
            except Exception:
                tail = self._failed("")
            if self._says(tail):
                out.append(self._synthetic(key, tail))
        return out

    def _flush_all(self) -> list[SSEEvent]:
        out: list[SSEEvent] = []
        for index in sorted({k[0] for k in self._windows}):
            out += self._flush_choice(index)
        if self._blocked():
            return self._block()
        self.finished = True
        self._record()
        out, self._stash = [*self._stash, *out], []
        return out

    def _synthetic(self, key: FieldKey, text: str) -> SSEEvent:
        index, name, k = key
        choice: dict[str, Any] = {"index": index, "finish_reason": None}
        if name == "text":
            choice["text"] = text
        elif name == "tool":
            choice["delta"] = {"tool_calls": [{"index": k, "function": {"arguments": text}}]}
        elif name == "fcall":
            choice["delta"] = {"function_call": {"arguments": text}}
        elif name == "audio":
            choice["delta"] = {"audio": {"transcript": text}}
        else:
            choice["delta"] = {name: text}
        return SSEEvent(orjson.dumps({**self._template, "choices": [choice]}).decode())

    def _block(self) -> list[SSEEvent]:
        self.finished = True
        self._record()
        assert self.violation is not None
        self._ex.outcome = self.violation.outcome
        if self._policy.stream.block_style == "error_event":
            return [SSEEvent(self.violation.body().decode())]
        indexes = sorted({k[0] for k in self._windows}) or [0]
        choices: list[dict[str, Any]] = []
        for index in indexes:
            choice: dict[str, Any] = {"index": index, "finish_reason": "content_filter"}
            if self._completions:
                choice["text"] = ""
            else:
                choice["delta"] = {}
            choices.append(choice)
        final = SSEEvent(orjson.dumps({**self._template, "choices": choices}).decode())
        return [final, SSEEvent("[DONE]")]


def _fields_of(index: int, choice: dict[str, Any]) -> set[FieldKey]:
    """The windows a final chunk flushes itself (its own fields); others need a chunk."""
    return {key for key, _holder, _field in text_refs(index, choice)}


def text_refs(index: int, choice: dict[str, Any]) -> list[tuple[FieldKey, dict[str, Any], str]]:
    """Every text field of one choice of a chunk: (window key, the dict holding it, key).

    Completions' `text`; in `delta` (or a `message`, which some servers send in a final
    chunk): content, refusal and reasoning, each tool call's arguments, a legacy
    `function_call`'s arguments, and an audio transcript.
    """
    refs: list[tuple[FieldKey, dict[str, Any], str]] = []
    if isinstance(choice.get("text"), str):
        refs.append(((index, "text", 0), choice, "text"))
    for container in (choice.get("delta"), choice.get("message")):
        if not isinstance(container, dict):
            continue
        for name in TEXT_FIELDS:
            if isinstance(container.get(name), str):
                refs.append(((index, name, 0), container, name))
        calls = container.get("tool_calls")
        for pos, call in enumerate(calls if isinstance(calls, list) else ()):
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                refs.append(((index, "tool", _call_index(call, pos)), fn, "arguments"))
        legacy = container.get("function_call")
        if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
            refs.append(((index, "fcall", 0), legacy, "arguments"))
        audio = container.get("audio")
        if isinstance(audio, dict) and isinstance(audio.get("transcript"), str):
            refs.append(((index, "audio", 0), audio, "transcript"))
    return refs


def _call_index(call: dict[str, Any], pos: int) -> int:
    """A tool call's index as clients merge it ("0" and 0 are the same call to JavaScript)."""
    index = call.get("index", pos)
    if isinstance(index, bool):
        return pos
    if isinstance(index, int):
        return index
    if isinstance(index, str) and index.isdigit():
        return int(index)
    return pos
