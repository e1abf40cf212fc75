"""The moderation judge: an OpenAI-compatible `/v1/moderations` endpoint, scored per category.

Request: `{"input": [text, ...], "model": model}` (`model` only when configured).
Reply: `{"results": [{"flagged": bool, "category_scores": {name: 0..1}}, ...]}`, one result
per input. The judge's own thresholds decide, not the endpoint's `flagged`: a category is
unsafe at or above its threshold, uncertain within `uncertain_margin` below it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from safeproxy.deepcheck.api import JudgeContext, JudgeError, JudgeResult, JudgeVerdict, Turn
from safeproxy.deepcheck.judges.client import JsonClient
from safeproxy.deepcheck.settings import ModerationJudge

# Operator text is the deployment's own, not content to judge.
_NOT_JUDGED_AT_INPUT = frozenset({"assistant", "system", "developer"})
_MAX_CATEGORY_CHARS = 64


def judged_texts(turns: Sequence[Turn], stage: str) -> list[str]:
    """What a text classifier judges: at input, every user and tool turn (tool results are
    untrusted content too); at output, the last assistant turn. Blank texts are skipped."""
    if stage == "input":
        texts = [t.text for t in turns if t.role not in _NOT_JUDGED_AT_INPUT]
    else:
        texts = [next((t.text for t in reversed(turns) if t.role == "assistant"), "")]
    return [t for t in texts if t.strip()]


def _score(value: object) -> float:
    # bool is an int to Python; a `true` score is a broken reply, not 1.0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JudgeError("bad_reply", "score is not a number")
    score = float(value)
    if not (math.isfinite(score) and 0.0 <= score <= 1.0):
        raise JudgeError("bad_reply", "score outside 0..1")
    return score


def category_scores(reply: Any, count: int) -> list[dict[str, float]]:
    """Each result's `category_scores`, validated (JudgeError("bad_reply") otherwise)."""
    results = reply.get("results") if isinstance(reply, dict) else None
    if not isinstance(results, list) or len(results) != count:
        raise JudgeError("bad_reply", "results missing or of the wrong length")
    out: list[dict[str, float]] = []
    for result in results:
        if not isinstance(result, dict):
            raise JudgeError("bad_reply", "result is not an object")
        flagged = result.get("flagged", False)
        scores = result.get("category_scores")
        if not isinstance(flagged, bool) or not isinstance(scores, dict):
            raise JudgeError("bad_reply", "result lacks flagged/category_scores")
        checked: dict[str, float] = {}
        for name, value in scores.items():
            if not 0 < len(name) <= _MAX_CATEGORY_CHARS:
                raise JudgeError("bad_reply", "category name length")
            checked[name] = _score(value)
        out.append(checked)
    return out


def grade(scores: Sequence[dict[str, float]], settings: ModerationJudge) -> JudgeResult:
    """The verdict for per-text category scores under the judge's thresholds."""
    unsafe: set[str] = set()
    uncertain: set[str] = set()
    top = 0.0
    for per_text in scores:
        for name, score in per_text.items():
            top = max(top, score)
            threshold = settings.thresholds.get(name, settings.default_threshold)
            if score >= threshold:
                unsafe.add(name)
            elif score >= threshold - settings.uncertain_margin:
                uncertain.add(name)
    if unsafe:
        return JudgeResult(JudgeVerdict.UNSAFE, tuple(sorted(unsafe)), top)
    if uncertain:
        return JudgeResult(JudgeVerdict.UNCERTAIN, tuple(sorted(uncertain)), top)
    return JudgeResult(JudgeVerdict.SAFE, (), top)


class Moderation:
    def __init__(self, name: str, settings: ModerationJudge, client: JsonClient) -> None:
        self.name = name
        self._settings = settings
        self._client = client
        self._url = f"{settings.base_url.rstrip('/')}/v1/moderations"

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        texts = judged_texts(turns, context.stage)
        if not texts:
            return JudgeResult(JudgeVerdict.SAFE, (), 0.0)
        started = time.perf_counter()
        body: dict[str, Any] = {"input": texts}
        if self._settings.model is not None:
            body["model"] = self._settings.model
        reply = await self._client.post(self._url, body)
        result = grade(category_scores(reply, len(texts)), self._settings)
        return JudgeResult(
            result.verdict, result.categories, result.score, time.perf_counter() - started
        )

    async def close(self) -> None:
        await self._client.close()
