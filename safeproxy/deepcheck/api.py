"""The judge contract (leaf module): what a judge is asked, and what it answers.

A judge reads a conversation (`Turn`s, already redacted: the text the model saw, or the
reply the client got) and answers a JudgeResult. A judge raises JudgeError when it cannot
answer (transport failure, bad reply, timeout); the caller (guarded.py) turns that into a
recorded `error` outcome decided by the judge's `on_error`, never a silent skip.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Stage = Literal["input", "output"]


class JudgeVerdict(enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    # The judge answered, but not clearly (a score between its thresholds): nothing is
    # blocked for it, and the item goes to human review.
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of the judged conversation. `role` is the OpenAI role (`system`, `user`,
    `assistant`, `tool`); the text is what the model saw (input) or the client got (output)."""

    role: str
    text: str


@dataclass(frozen=True, slots=True)
class JudgeContext:
    """What a judge may know about the request besides its text. No identities: a judge is
    often a remote service, and needs none of them."""

    request_id: str
    # `input`: judge the last user turn(s); `output`: judge the last assistant turn.
    stage: Stage
    policy: str
    model: str


@dataclass(frozen=True, slots=True)
class JudgeResult:
    verdict: JudgeVerdict
    # Bounded names from the judge's own taxonomy (Llama Guard's `S1`, a moderation
    # category such as `violence`), never text from the conversation.
    categories: tuple[str, ...] = ()
    # How unsafe, 0..1, where the judge says (moderation scores, a classifier's
    # probability); None for judges that only answer a label (Llama Guard).
    score: float | None = None
    # Wall time of the judge call (0 for a cached verdict).
    latency_s: float = 0.0


class JudgeError(Exception):
    """A judge could not answer. `reason` is a bounded label: `timeout`, `transport`,
    `status`, `bad_reply`, `breaker_open`, `busy`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class Judge(Protocol):
    """An async judge. Implementations hold their HTTP session (or model) and release it in
    `close`; `judge` must not block the event loop (CPU work goes to a thread)."""

    name: str

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult: ...

    async def close(self) -> None: ...
