"""The injection classifier as a local judge: the filter's model, on the whole text, in threads.

The filter reads a bounded head and tail of a text and gives a short text little say; as a
judge (sent what the fast path could not separate, through the risk-signal sampling) the same
model reads every window of the text and answers with its plain probability. It ships in the
package: no extra to install, nothing downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence

from safeproxy.deepcheck.judges.local import ThreadedJudge
from safeproxy.deepcheck.settings import LocalJudge
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.injection_model import HEAD, TAIL, InjectionClassifier, load_packaged
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.skeleton import Skeleton

_CATEGORIES = ("injection",)
# Windows as long as the filter reads, overlapping by TAIL so no sentence is cut in all.
WINDOW, STEP = HEAD + TAIL, HEAD


def windows(text: str) -> list[str]:
    if len(text) <= WINDOW:
        return [text]
    return [text[i : i + WINDOW] for i in range(0, len(text) - TAIL, STEP)]


class LocalInjection(ThreadedJudge):
    categories = _CATEGORIES

    def __init__(self, name: str, settings: LocalJudge) -> None:
        super().__init__(name, settings)
        normalizer, skeleton = Normalizer(), Skeleton(skeleton_table())
        self._classifier = InjectionClassifier(
            load_packaged(), lambda text: skeleton.fold(normalizer.normalize(text).text)
        )

    def score(self, texts: Sequence[str]) -> float:
        """The highest probability over every window of every text. Blocking."""
        return max(self._classifier.probability(w) for t in texts for w in windows(t))
