"""The learned injection classifier: hashed n-grams of the skeleton, a linear model, pure Python.

Built by scripts/train_injection.py from public data (see its manifest); shipped as one file
in the package and loaded once at start: no network, no numpy at run time. The same feature
function serves training and inference, so the two cannot drift apart.

Features are the word unigrams and bigrams, the bigrams of content words (function words
skipped) and the character 4-grams inside words, read on
the confusables skeleton of the normalised text (the view the phrase families match on, so
"1gn0re" and Cyrillic look-alikes read as the letters they imitate). Each is hashed with CRC-32
(stable across processes, unlike `hash()`) into 2**bits buckets; a text's features are
present or not, scaled by 1/sqrt(count) so a long text is not louder than a short one.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

MAGIC = b"safeproxy-injection-classifier/1\n"
ARTIFACT = "models/injection_classifier.bin"
# Work per text is bounded: the first HEAD and last TAIL characters are read (a long jailbreak
# states its purpose early; an appended order sits at the end).
HEAD, TAIL = 6144, 2048
_WORDS = re.compile(r"[^\W_]+")
# Seeds keep the kinds of feature apart without building prefixed strings.
_SEED_WORD, _SEED_PAIR, _SEED_CHAR, _SEED_LEN = 0x9E3779B9, 0x85EBCA6B, 0xC2B2AE35, 0x27D4EB2F
_SEED_CONTENT = 0x165667B1
CHAR_N = 4
# Bumped with every change to _features: an artifact records the version it was trained
# with, and one trained on other features (whose weights sit in other buckets) is refused.
# 1: word 1-2 grams, in-word char 4-grams, length; 2: + content-word pairs.
FEATURE_VERSION = 2
# The artifact is calibrated so that p = 0.5 is its cut for a 1 % false-positive rate; with
# this weight that alone reaches a threshold of 1.0, and half of it tips a weak phrase over.
DEFAULT_WEIGHT = 2.0
# A bag of n-grams reads little in a short text, where one phrase weighs a lot and benign
# look-alikes ("How do I write a good system prompt?") score as high as attacks. Its share of
# the decision grows with the length up to this many words; below, it tips phrases or sends
# the text to a deep check (near_threshold), and does not block alone.
FULL_SHARE_WORDS = 32


def share(words: int) -> float:
    return min(1.0, words / FULL_SHARE_WORDS)


# Function words, alone, say how a text is written (prose, docs, dialogue), not what it asks;
# a model fed them learns the style of its sources. They count only inside word pairs.
STOPWORDS = frozenset(
    b"""a an and or but if then this that these those is are was were be been being to of in
    on at for from by with as it its i he she we they me my our their will would can could
    should may might do does did have has had so very just please what which who when where
    how why there here some more most other such only same than too also about into over
    after up down out off again once because while
    el la los las del y o en un una por con para es se su al lo como mas pero sus le ya
    os as do da dos das e em um uma com nao na no il gli di della che per non
    les des du et une dans est ce qui elle au aux der die das den dem und oder ist zu mit
    ein eine einen von fur auf nicht sich""".split()
)


def bounded(text: str) -> str:
    if len(text) <= HEAD + TAIL:
        return text
    return text[:HEAD] + " " + text[-TAIL:]


def words_read(skeleton: str) -> int:
    return len(_WORDS.findall(bounded(skeleton)))


def features(skeleton: str, bits: int) -> list[int]:
    """Sorted distinct bucket numbers of a skeleton text's features (never empty)."""
    return _features(skeleton, bits)[0]


def _features(skeleton: str, bits: int) -> tuple[list[int], int]:
    mask = (1 << bits) - 1
    crc = zlib.crc32
    words = [w.encode("utf-8") for w in _WORDS.findall(bounded(skeleton))]
    # How long the text is, as a feature: a short text needs stronger evidence than a long one.
    out: set[int] = {crc(b"%d" % min(len(words).bit_length(), 9), _SEED_LEN) & mask}
    prev = last = b""
    for w in words:
        if prev:
            out.add(crc(b" " + w, crc(prev, _SEED_PAIR)) & mask)
        prev = w
        if w in STOPWORDS:
            continue
        # Pairs of content words with the function words between them skipped: "ignore all
        # of the previous instructions" shares "ignore previous", "previous instructions"
        # with every other way of wording it, so a paraphrase still meets known pairs.
        if last:
            out.add(crc(b" " + w, crc(last, _SEED_CONTENT)) & mask)
        last = w
        out.add(crc(w, _SEED_WORD) & mask)
        if len(w) > CHAR_N:  # shorter words are their own unigram already
            padded = b" " + w + b" "
            for i in range(len(padded) - CHAR_N + 1):
                out.add(crc(padded[i : i + CHAR_N], _SEED_CHAR) & mask)
    return sorted(out), len(words)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """bias + scale * sum(weights[features]) / sqrt(len(features)), through a sigmoid."""

    bits: int
    bias: float
    scale: float
    weights: array[int]  # int8, one per bucket
    header: dict[str, Any]
    sha256: str  # of the artifact: part of a policy's version when the policy uses it

    def probability(self, skeleton: str) -> float:
        return self.evidence(skeleton)[0]

    def evidence(self, skeleton: str) -> tuple[float, int]:
        """(probability, words read) for a skeleton text."""
        idx, words = _features(skeleton, self.bits)
        w = self.weights
        total = sum(w[i] for i in idx)
        return _sigmoid(self.bias + self.scale * total / math.sqrt(len(idx))), words


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def encode(header: dict[str, Any], weights: bytes) -> bytes:
    """The artifact: magic line, one JSON header line (sorted keys), the int8 weights."""
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    return MAGIC + line + b"\n" + weights


def decode(blob: bytes) -> LinearModel:
    if not blob.startswith(MAGIC):
        raise ValueError("not an injection classifier artifact")
    end = blob.index(b"\n", len(MAGIC))
    header: dict[str, Any] = json.loads(blob[len(MAGIC) : end])
    raw = blob[end + 1 :]
    bits = int(header["bits"])
    if header.get("feature_version", 1) != FEATURE_VERSION:
        raise ValueError(
            f"artifact has feature version {header.get('feature_version', 1)}, "
            f"this code reads {FEATURE_VERSION}: retrain (scripts/train_injection.py)"
        )
    if len(raw) != 1 << bits:
        raise ValueError(f"expected {1 << bits} weights, found {len(raw)}")
    weights = array("b", raw)
    digest = hashlib.sha256(blob).hexdigest()
    return LinearModel(bits, float(header["bias"]), float(header["scale"]), weights, header, digest)


def load_packaged() -> LinearModel:
    """The classifier shipped in the package (read once, at start, by the caller)."""
    return decode(files("safeproxy").joinpath(ARTIFACT).read_bytes())


class InjectionClassifier:
    """The model and the fold it reads: text in, probability of an injection out."""

    def __init__(self, model: LinearModel, skeleton_of: Callable[[str], str]) -> None:
        self.model = model
        self._skeleton_of = skeleton_of

    def probability(self, text: str) -> float:
        return self.evidence(text)[0]

    def evidence(self, text: str) -> tuple[float, int]:
        """(probability, words read). Bounded before folding too: the fold is linear, but
        there is no reason to pay it on text the features will not read."""
        return self.model.evidence(self._skeleton_of(bounded(text)))
