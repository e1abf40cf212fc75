"""The local judge: an in-process profanity classifier (alt-profanity-check), run in threads.

`pip install 'safeproxy[local-judge]'` brings the classifier (scikit-learn and a small
linear model shipped inside the package: nothing is downloaded at run time). Predictions
run in the judge's own thread pool (`threads` workers) so the event loop never blocks on
them; the model loads on the first call, in a worker thread too.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from safeproxy.deepcheck.api import JudgeContext, JudgeError, JudgeResult, JudgeVerdict, Turn
from safeproxy.deepcheck.judges.moderation import judged_texts
from safeproxy.deepcheck.settings import LocalJudge

CLASSIFIER_MODULE = "profanity_check"
_CATEGORIES = ("profanity",)


def predict_probabilities(texts: Sequence[str]) -> list[float]:
    """The classifier's probability that each text is profane. Blocking: call it in a thread.

    The import happens here, in the worker: loading scikit-learn and the model takes about
    a second, which must neither stall the event loop nor be paid by deployments that
    never use this judge.
    """
    classifier = importlib.import_module(CLASSIFIER_MODULE)
    probabilities = [float(p) for p in classifier.predict_prob(list(texts))]
    if len(probabilities) != len(texts) or not all(
        math.isfinite(p) and 0.0 <= p <= 1.0 for p in probabilities
    ):
        raise JudgeError("bad_reply", "classifier output is not one probability per text")
    return probabilities


def grade_probability(score: float, unsafe: float, uncertain: float) -> JudgeVerdict:
    if score >= unsafe:
        return JudgeVerdict.UNSAFE
    if score >= uncertain:
        return JudgeVerdict.UNCERTAIN
    return JudgeVerdict.SAFE


class ThreadedJudge:
    """A model in this process, scored in the judge's own threads (`threads` workers) so the
    event loop never blocks on it. Subclasses give `score` and `categories`."""

    categories: tuple[str, ...] = ()

    def __init__(self, name: str, settings: LocalJudge) -> None:
        self.name = name
        self._settings = settings
        # Threads start on the first submit, not here.
        self._executor = ThreadPoolExecutor(
            max_workers=settings.threads, thread_name_prefix=f"safeproxy-judge-{name}"
        )

    def score(self, texts: Sequence[str]) -> float:
        """The unsafe probability of the texts together. Blocking: runs in a worker."""
        raise NotImplementedError

    async def judge(self, turns: Sequence[Turn], context: JudgeContext) -> JudgeResult:
        texts = judged_texts(turns, context.stage)
        if not texts:
            return JudgeResult(JudgeVerdict.SAFE, (), 0.0)
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        score = await loop.run_in_executor(self._executor, self.score, texts)
        s = self._settings
        verdict = grade_probability(score, s.unsafe_threshold, s.uncertain_threshold)
        categories = () if verdict is JudgeVerdict.SAFE else self.categories
        return JudgeResult(verdict, categories, score, time.perf_counter() - started)

    async def close(self) -> None:
        # Waiting for a running prediction blocks, so the wait itself goes to a thread.
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)


class LocalProfanity(ThreadedJudge):
    categories = _CATEGORIES

    def score(self, texts: Sequence[str]) -> float:
        return max(predict_probabilities(texts))
