"""The HTTP judge: a JSON webhook in front of a custom classifier.

The proxy POSTs to the configured `url` (with `Authorization: Bearer <key>` when
`api_key_env` is set):

    {
      "request_id": "7f0c…",          # the proxy's request id, for the judge's own logs
      "stage": "input" | "output",    # input: judge the last user turn(s);
                                      # output: judge the last assistant turn
      "policy": "default",            # the policy that asked
      "model": "llama-3.1-8b",        # the model the request was routed to
      "messages": [                   # the conversation, already redacted, in order
        {"role": "system" | "user" | "assistant" | "tool", "content": "…"}
      ]
    }

and expects HTTP 200 with:

    {
      "verdict": "safe" | "unsafe" | "uncertain",   # required
      "categories": ["violence", …],                # optional: at most 32 are kept,
                                                    # each a string of 1..64 characters
      "score": 0.97                                 # optional: a number in 0..1, or null
    }

`uncertain` blocks nothing and sends the request to human review. Other keys are ignored;
categories are ignored for a `safe` verdict. Any other status is an error (`status`), and
a reply that breaks these rules, or is over 1 MiB, is an error (`bad_reply`); what an
error does to the request is the judge's `on_error`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from safeproxy.deepcheck.api import JudgeContext, JudgeError, JudgeResult, JudgeVerdict, Turn
from safeproxy.deepcheck.judges.client import JsonClient
from safeproxy.deepcheck.settings import HttpJudge

MAX_CATEGORIES = 32
MAX_CATEGORY_CHARS = 64
_VERDICTS = {v.value: v for v in JudgeVerdict}


def parse_webhook_reply(reply: Any) -> JudgeResult:
    """The webhook's reply as a JudgeResult, validated strictly (see the module docstring)."""
    if not isinstance(reply, dict):
        raise JudgeError("bad_reply", "reply is not an object")
    raw = reply.get("verdict")
    verdict = _VERDICTS.get(raw) if isinstance(raw, str) else None
    if verdict is None:
        raise JudgeError("bad_reply", "verdict is not safe/unsafe/uncertain")
    categories = reply.get("categories", [])
    if categories is None:
        categories = []
    if not isinstance(categories, list) or not all(
        isinstance(c, str) and 0 < len(c) <= MAX_CATEGORY_CHARS for c in categories
    ):
        raise JudgeError("bad_reply", "categories must be strings of 1..64 characters")
    score = reply.get("score")
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise JudgeError("bad_reply", "score is not a number")
        score = float(score)
        if not (math.isfinite(score) and 0.0 <= score <= 1.0):
            raise JudgeError("bad_reply", "score outside 0..1")
    kept = () if verdict is JudgeVerdict.SAFE else tuple(dict.fromkeys(categories))
    return JudgeResult(verdict, kept[:MAX_CATEGORIES], score)


class Webhook:
    def __init__(self, name: str, settings: HttpJudge, client: JsonClient) -> None:
        self.name = name
        self._url = settings.url
        self._client = client

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        started = time.perf_counter()
        body = {
            "request_id": context.request_id,
            "stage": context.stage,
            "policy": context.policy,
            "model": context.model,
            "messages": [{"role": t.role, "content": t.text} for t in turns],
        }
        result = parse_webhook_reply(await self._client.post(self._url, body))
        return JudgeResult(
            result.verdict, result.categories, result.score, time.perf_counter() - started
        )

    async def close(self) -> None:
        await self._client.close()
