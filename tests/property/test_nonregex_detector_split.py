"""A detector that is not a regular expression, registered as a detector type, takes part in
input, whole output and streamed output alike, and a stream never holds more than it
declared, however the upstream splits the text."""

from __future__ import annotations

import itertools
import re
from typing import Literal

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from safeproxy.exchange.output_hook import OutputHook
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import FilterAction, Finding, Redaction, Severity
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detector_types import default_registry
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler
from safeproxy.filters.registry import Context, FilterCommon, Registry, Share, TextFinder
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.policy import BlocklistFilter, PiiFilter, StreamSettings
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.sse import SSEEvent

# A finding is a whole run of a-z letters, 5 to 12 long, that reads the same backwards: no
# regular expression says that. A run still touching the end of a stream may grow, so it
# is held, and never more than the longest finding.
LONGEST = 12


class PalindromeFilter(BaseModel):
    type: Literal["palindrome"] = "palindrome"
    name: str | None = None
    mode: Literal["enforce", "shadow"] = "enforce"
    on_error: Literal["closed", "open"] = "closed"
    budget_ms: float = 1000.0
    action: Literal["block", "redact", "flag"] = "redact"


def palindromes(text: str, owner: str) -> list[Finding]:
    return [
        Finding("toy.palindrome", "toy.palindrome", m.start(), m.end(), Severity.LOW, owner)
        for m in re.finditer("[a-z]+", text)
        if 5 <= len(m.group()) <= LONGEST and m.group() == m.group()[::-1]
    ]


def trailing_run(text: str) -> int:
    return len(text.rstrip("abcdefghijklmnopqrstuvwxyz"))


class PalindromeType:
    name = "palindrome"
    settings = PalindromeFilter

    def share(self, f: PalindromeFilter, ctx: Context) -> Share:
        owner = ctx.owner
        finder = TextFinder(lambda text: palindromes(text, owner), LONGEST, trailing_run)
        return Share(FilterAction(f.action), Redaction.PLACEHOLDER, finders=[finder])


REGISTRY = Registry([*default_registry(), PalindromeType()])
COMPILER = Compiler(Normalizer(), Skeleton(skeleton_table()), {}, registry=REGISTRY)


def _policy(filters: list[FilterCommon]) -> CompiledPolicy:
    problems: list[tuple[str, str]] = []
    stages = [
        COMPILER.stage(s, filters, b"", f"policies.p.{s}", problems) for s in ("input", "output")
    ]
    assert not problems
    return CompiledPolicy("p", "toy", stages[0], stages[1], StreamSettings())


ALONE = _policy([PalindromeFilter()])
# With rules and a phrase gate: the gate speaks for the phrases only, never for the toy.
MIXED = _policy(
    [
        PalindromeFilter(),
        PiiFilter(type="pii", entities=["email"]),
        BlocklistFilter(type="blocklist", words=["launch codes"], action="redact"),
    ]
)


def expected(text: str) -> str:
    return re.sub(
        "[a-z]+",
        lambda m: (
            "[REDACTED:PALINDROME]"
            if 5 <= len(m.group()) <= LONGEST and m.group() == m.group()[::-1]
            else m.group()
        ),
        text,
    )


WORDS = st.sampled_from(["level", "racecar", "abcba", "noon", "rotator", "abcdedcba",
                         "xyzzyx", "palindrome", "aaaaaaaaaaaaa", "tattarrattat"])  # fmt: skip
FILLER = st.text(alphabet=st.sampled_from([*"ab .,-X1\n", "é", "😀"]), max_size=10)
TEXTS = st.lists(st.tuples(FILLER, WORDS), max_size=5).map(
    lambda parts: "".join(f + w for f, w in parts)
) | st.text(alphabet=st.sampled_from([*"abc xy.Q"]), max_size=60)


def _stream(policy: CompiledPolicy, pieces: list[str]) -> tuple[str, int]:
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0)
    hook = OutputHook(policy, ex)
    sent: list[SSEEvent] = []
    for i, piece in enumerate([*pieces, ""]):
        choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
        if i == len(pieces):
            choice["finish_reason"] = "stop"
        body = {"id": "c", "object": "chat.completion.chunk", "choices": [choice]}
        sent += hook.on_event(SSEEvent(orjson.dumps(body).decode()))
    sent += hook.on_end()
    text = "".join(
        c.get("delta", {}).get("content") or ""
        for e in sent
        if e.data != "[DONE]"
        for c in orjson.loads(e.data)["choices"]
    )
    return text, ex.holdback_chars or 0


def _cut(text: str, points: list[int]) -> list[str]:
    edges = [0, *sorted({p % (len(text) + 1) for p in points}), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(edges) if b > a]


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.lists(st.integers(0, 200), max_size=20))
def test_alone_in_every_stage_and_held_no_more_than_declared(text: str, cuts: list[int]) -> None:
    want = expected(text)
    for stage in (ALONE.input, ALONE.output):
        got = run_stage(stage, [text]).texts[0]
        assert (text if got is None else got) == want
    streamed, held = _stream(ALONE, _cut(text, cuts))
    assert streamed == want
    assert held <= LONGEST


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.lists(st.integers(0, 200), max_size=20))
def test_beside_rules_and_a_phrase_gate(text: str, cuts: list[int]) -> None:
    text = f"{text} mail jane@acme.io"
    want = expected(text).replace("jane@acme.io", "[REDACTED:EMAIL]")
    got = run_stage(MIXED.input, [text]).texts[0]
    assert got == want
    streamed, _held = _stream(MIXED, _cut(text, cuts))
    assert streamed == want


def test_a_stage_scanning_several_texts_finds_them_in_each() -> None:
    result = run_stage(ALONE.input, ["say level", "no", "racecar!"])
    assert result.texts == ["say [REDACTED:PALINDROME]", None, "[REDACTED:PALINDROME]!"]


class _Greedy:
    """Declares 4 characters of hold-back, then asks to hold everything."""

    max_hold = 4

    def scan(
        self, text: str, *, hold: bool = True, view: object = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        return [], 0 if hold else len(text)


class _Raising:
    max_hold = 0

    def scan(
        self, text: str, *, hold: bool = True, view: object = None, floor: int = 0
    ) -> tuple[list[Finding], int]:
        raise RuntimeError("the model is gone")


class _Fixed:
    name = "palindrome"
    settings = PalindromeFilter

    def __init__(self, finder: object) -> None:
        self._finder = finder

    def share(self, f: PalindromeFilter, ctx: Context) -> Share:
        return Share(FilterAction(f.action), finders=[self._finder])  # type: ignore[list-item]


def _with(finder: object, f: PalindromeFilter) -> CompiledPolicy:
    compiler = Compiler(
        Normalizer(), Skeleton(skeleton_table()), {}, registry=Registry([_Fixed(finder)])
    )
    problems: list[tuple[str, str]] = []
    stage = compiler.stage("output", [f], b"", "policies.p.output", problems)
    return CompiledPolicy("p", "toy", stage, stage, StreamSettings())


def test_a_finder_never_holds_more_than_it_declared() -> None:
    text, held = _stream(_with(_Greedy(), PalindromeFilter()), list("some streamed text"))
    assert text == "some streamed text"
    assert held <= 4


def test_a_failing_finder_is_decided_by_its_filters_on_error() -> None:
    closed = run_stage(_with(_Raising(), PalindromeFilter()).input, ["hello"])
    assert (closed.blocked, closed.reason) == (True, "filter_error")
    opened = run_stage(_with(_Raising(), PalindromeFilter(on_error="open")).input, ["hello"])
    assert not opened.blocked
    assert opened.degraded == ["palindrome:exception"]
