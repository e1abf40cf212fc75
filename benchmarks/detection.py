"""Injection detection, honestly measured: python benchmarks/detection.py [--wheels DIR] [--quick]

Recall per source and per family, and the false-positive rate on benign text, for the phrase
families alone, the learned classifier alone, the two combined (the filter's decision:
phrase score + weight x share x probability >= threshold, the classifier asked only where a
cue word or a phrase was found), and a TF-IDF + logistic regression baseline trained on the
same data in the same run. The combined column is the product's detector: it, not the
classifier alone (which the filter never decides with), is the one set against the baseline
(the `vs` column: WIN, tie or LOSS per held-out source). Two ways:

1. held-back split: one example in five (a stable hash of its text) is never trained on;
2. leave-one-source-out: for each source, train on the others (held-back split excluded)
   and test on all of it (recall for an attack source, false positives for a benign one),
   with the false-positive rate on the held-back benign text beside it.

Every cut is chosen on training data only (out-of-fold scores, FPR <= 1 %); the test side is
never looked at before it is scored. Needs the `train` extra (scikit-learn, numpy).

A last table weighs the one knob between recall and false alarms, the length share (the
classifier alone cannot block a text shorter than the share's word count): for several word
counts, and none, the held-back recall and false-positive rate, the leave-one-source-out mean
and wins against the baseline, and how many of the project's own benign look-alikes (the
texts tests/ must pass: "Ignore the above typo", "How do I write a good system prompt?", never
training data) the held-back model blocks.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safeproxy.filters.confusables import skeleton_table  # noqa: E402
from safeproxy.filters.detect import Detector  # noqa: E402
from safeproxy.filters.injection import InjectionDetector  # noqa: E402
from safeproxy.filters.injection_cues import cue_rules  # noqa: E402
from safeproxy.filters.injection_model import (  # noqa: E402
    DEFAULT_WEIGHT,
    FULL_SHARE_WORDS,
    InjectionClassifier,
    load_packaged,
    words_read,
)
from safeproxy.filters.normalize import Normalizer  # noqa: E402
from safeproxy.filters.skeleton import Skeleton  # noqa: E402
from scripts.injection_data import Example, collect, held_back  # noqa: E402
from scripts.train_injection import (  # noqa: E402
    FOLDS,
    cut_for_fpr,
    fold_of,
    margins_of,
    matrix,
    skeleton_fn,
    train_on,
    weights_of,
)

METHODS = ("phrases", "classifier", "combined", "tfidf+lr")
PRODUCT, BASELINE = "combined", "tfidf+lr"
THRESHOLD = 1.0  # the default policy's
# The length share's word count in the trade-off table (0: no share, the classifier decides
# texts of any length); the shipped one is injection_model.FULL_SHARE_WORDS.
SHARE_WORDS = (FULL_SHARE_WORDS, 24, 16, 8, 0)
LOOK_ALIKES = "project look-alikes"  # the source name of the tests' benign traps


@dataclass(frozen=True, slots=True)
class Data:
    examples: list[Example]
    x: csr_matrix
    phrase: np.ndarray
    y: np.ndarray
    gate: np.ndarray  # a cue word or a phrase was found: the filter asks the classifier
    words: np.ndarray  # words the classifier reads (its share grows with them)


def look_alikes() -> list[Example]:
    """The benign look-alikes the project's tests must pass (injection phrasing in ordinary
    use, numbers that are no card): scored, never trained on."""
    from tests.unit.test_default_policy_corpus import (
        BENIGN,
        SECOND_ROUND_BENIGN,
        THIRD_ROUND_BENIGN,
    )
    from tests.unit.test_injection_classifier import LONG_BENIGN, ORDINARY

    texts = dict.fromkeys([*BENIGN, *SECOND_ROUND_BENIGN, *THIRD_ROUND_BENIGN, *ORDINARY])
    texts.update(dict.fromkeys(LONG_BENIGN))
    return [Example(t, 0, LOOK_ALIKES, "trap") for t in texts]


def share_of(words: np.ndarray, full: int) -> np.ndarray:
    """injection_model.share for a word count `full` (0: no share)."""
    return np.minimum(1.0, words / full) if full else np.ones(len(words))


def baseline_flags(
    texts: Sequence[str], y: np.ndarray, groups: Sequence[str], test: Sequence[str]
) -> np.ndarray:
    """TF-IDF word 1-2 grams + logistic regression on the raw text; cut from OOF benign.
    Its examples are weighted as the classifier's are (weights_of): the same data."""
    g = np.asarray(groups)

    def fit(rows: np.ndarray) -> tuple[TfidfVectorizer, LogisticRegression]:
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
        lr = LogisticRegression(C=4.0, max_iter=2000)
        tr = [texts[int(i)] for i in np.flatnonzero(rows)]
        lr.fit(vec.fit_transform(tr), y[rows], sample_weight=weights_of(y[rows], list(g[rows])))
        return vec, lr

    folds = np.array([fold_of(t) for t in texts])
    oof = np.zeros(len(texts))
    for k in range(FOLDS):
        te = [t for t, f in zip(texts, folds, strict=True) if f == k]
        vec, lr = fit(folds != k)
        oof[folds == k] = lr.decision_function(vec.transform(te))
    cut = cut_for_fpr(oof[y == 0])
    vec, lr = fit(np.ones(len(texts), dtype=bool))
    return np.asarray(lr.decision_function(vec.transform(test)) >= cut)


def flags(data: Data, train: np.ndarray, test: np.ndarray) -> dict[str, np.ndarray]:
    """Each method's verdicts on the `test` rows, trained on the `train` rows only."""
    texts = [data.examples[i].text for i in train]
    groups = [data.examples[i].source for i in train]
    blob = train_on(data.x[train], texts, list(data.y[train]), {}, groups)
    margin = margins_of(blob, data.x[test])
    prob = 1.0 / (1.0 + np.exp(-margin))
    phrase = data.phrase[test]

    def combined(full: int) -> np.ndarray:
        # What the filter decides: the classifier is asked only where the scan saw a cue.
        learned = DEFAULT_WEIGHT * share_of(data.words[test], full) * prob
        return np.asarray(
            (phrase >= THRESHOLD) | (data.gate[test] & (phrase + learned >= THRESHOLD))
        )

    got = {
        "phrases": phrase >= THRESHOLD,
        "classifier": margin >= 0.0,
        "combined": combined(FULL_SHARE_WORDS),
        "tfidf+lr": baseline_flags(
            texts, data.y[train], groups, [data.examples[i].text for i in test]
        ),
    }
    return got | {share_name(full): combined(full) for full in SHARE_WORDS}


def share_name(full: int) -> str:
    return f"share {full} words" if full else "no share"


def pct(v: np.ndarray) -> str:
    return f"{100 * float(np.mean(v)):6.1f}" if len(v) else "     -"


def row(name: str, n: int, cells: Sequence[str], width: int = 28) -> str:
    return f"{name:<{width}} {n:>5}  " + "  ".join(f"{c:>10}" for c in cells)


def header(what: str) -> str:
    return row(what, 0, METHODS).replace("    0  ", "    n  ")


def held_back_table(data: Data, tradeoff: dict[str, list[str]]) -> None:
    split = np.array([held_back(e.text) for e in data.examples])
    traps = np.array([e.source == LOOK_ALIKES for e in data.examples])
    train, test = np.flatnonzero(~split & ~traps), np.flatnonzero(split & ~traps)
    got = flags(data, train, np.concatenate([test, np.flatnonzero(traps)]))
    got, trapped = (
        {m: v[: len(test)] for m, v in got.items()},
        {m: v[len(test) :] for m, v in got.items()},
    )
    ex = [data.examples[i] for i in test]
    print("\n## Held-back split (1 in 5 of every source; trained on the rest)\n")
    print(header("recall by attack source"))
    groups: dict[str, list[int]] = {}
    fams: dict[str, list[int]] = {}
    benign: dict[str, list[int]] = {}
    for j, e in enumerate(ex):
        if e.label:
            groups.setdefault(e.source, []).append(j)
            fams.setdefault(e.family, []).append(j)
        else:
            benign.setdefault(e.source, []).append(j)
    langs: dict[str, list[int]] = {}
    for j, e in enumerate(ex):
        langs.setdefault(e.lang + (": recall" if e.label else ": FPR"), []).append(j)
    tables = (
        (groups, None),
        (fams, "recall by family"),
        (benign, "FPR by source"),
        (langs, "by language"),
    )
    for table, title in tables:
        if title:
            print(header(title))
        for name in sorted(table):
            js = table[name]
            print(row(name, len(js), [pct(got[m][js]) for m in METHODS]))
    pos = [j for j, e in enumerate(ex) if e.label]
    neg = [j for j, e in enumerate(ex) if not e.label]
    print(row("ALL attacks: recall", len(pos), [pct(got[m][pos]) for m in METHODS]))
    print(row("ALL benign: FPR", len(neg), [pct(got[m][neg]) for m in METHODS]))
    print(row(f"{LOOK_ALIKES}: blocked", len(trapped[PRODUCT]), [
        f"{int(trapped[m].sum()):6d}" for m in METHODS]))  # fmt: skip
    gate = data.gate[test]
    print(f"\nthe classifier is asked (cue or phrase found) on {pct(gate[pos]).strip()} % of "
          f"attacks and {pct(gate[neg]).strip()} % of benign texts")  # fmt: skip
    for full in SHARE_WORDS:
        name = share_name(full)
        tradeoff[name] = [pct(got[name][pos]), pct(got[name][neg]), f"{int(trapped[name].sum())}"]


def loso_table(data: Data, sources: Sequence[str], tradeoff: dict[str, list[str]]) -> None:
    # The look-alikes are no source of the corpus: never trained on, never a held-out source.
    split = np.array([held_back(e.text) for e in data.examples])
    src = np.array([e.source for e in data.examples])
    split |= src == LOOK_ALIKES
    print("\n## Leave one source out (train on the other sources, test on all of this one)\n")
    print(header("attack source: recall") + "    vs  | FPR held-back benign")
    recalls: dict[str, list[float]] = {m: [] for m in METHODS}
    verdicts: list[str] = []
    shares: dict[str, list[str]] = {share_name(full): [] for full in SHARE_WORDS}
    for s in sources:
        train = np.flatnonzero((src != s) & ~split)
        out = np.flatnonzero(src == s)
        side = np.flatnonzero((src != s) & split & (data.y == 0) & (src != LOOK_ALIKES))
        got = flags(data, train, np.concatenate([out, side]))
        n = len(out)
        cells = [pct(got[m][:n]) for m in METHODS]
        fpr = " ".join(pct(got[m][n:]).strip() for m in METHODS)
        if data.y[out[0]] == 1:
            for m in METHODS:
                recalls[m].append(float(np.mean(got[m][:n])))
            verdicts.append(versus(got[PRODUCT][:n], got[BASELINE][:n]))
            print(row(s, n, cells) + f"  {verdicts[-1]:>4}  | {fpr}")
            for name, seen in shares.items():
                seen.append(versus(got[name][:n], got[BASELINE][:n]))
                recalls.setdefault(name, []).append(float(np.mean(got[name][:n])))
        else:
            print(row(f"{s} (benign: FPR)", n, cells) + f"        | {fpr}")
    print(
        row(
            "MEAN recall, attack sources", 0, [f"{100 * np.mean(recalls[m]):6.1f}" for m in METHODS]
        ).replace("    0  ", "       ")
    )
    counts = ", ".join(f"{verdicts.count(v)} {v}" for v in ("WIN", "tie", "LOSS"))
    print(f"\n{PRODUCT} (the product's detector) against {BASELINE}, per attack source: {counts}")
    for name, seen in shares.items():
        wins = "/".join(str(seen.count(v)) for v in ("WIN", "tie", "LOSS"))
        tradeoff.setdefault(name, []).extend([f"{100 * np.mean(recalls[name]):6.1f}", wins])


def tradeoff_table(tradeoff: dict[str, list[str]]) -> None:
    """The length share's price: recall and false alarms against the project's look-alikes."""
    print(f"\n## The length share (combined decision; {FULL_SHARE_WORDS} words ships)\n")
    cols = ("HB recall", "HB FPR", "traps hit", "LOSO mean", "vs W/t/L")
    print(f"{'':<22}" + "  ".join(f"{c:>10}" for c in cols))
    for name, cells in tradeoff.items():
        print(f"{name:<22}" + "  ".join(f"{c.strip():>10}" for c in cells))


def versus(ours: np.ndarray, theirs: np.ndarray) -> str:
    """The product against the baseline on one held-out source, by recall."""
    a, b = float(np.mean(ours)), float(np.mean(theirs))
    return "WIN" if a > b else "tie" if a == b else "LOSS"


def timing(examples: Sequence[Example]) -> None:
    """The shipped classifier's cost on a 4 KB prompt (fold + features + dot product), best
    of several runs: it runs only where a cue or a phrase was found, so this is its price
    on the slow path, not on every request."""
    normalizer, skeleton = Normalizer(), Skeleton(skeleton_table())
    clf = InjectionClassifier(
        load_packaged(), lambda t: skeleton.fold(normalizer.normalize(t).text)
    )
    attack = next(e.text for e in examples if e.label == 1 and len(e.text) >= 4096)
    benign = ""
    for e in examples:  # benign prose of mixed sources, joined up to 4 KB
        if e.label == 0 and e.source in ("python-docs", "langchain-docs", "chatterbot"):
            benign += e.text + "\n\n"
        if len(benign) >= 4096:
            break
    texts = (attack[:4096], benign[:4096])
    print("\n## Cost of the shipped classifier on 4 KB prompts\n")
    for label, text in zip(("attack", "benign"), texts, strict=True):
        best = min(_once(clf, text) for _ in range(30))
        print(f"{label:<8} {len(text.encode()):>5} bytes: {best * 1e6:8.0f} us (best of 30)")


def _once(clf: InjectionClassifier, text: str) -> float:
    t = time.perf_counter()
    clf.evidence(text)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wheels", default=str(ROOT / ".wheels"))
    ap.add_argument("--quick", action="store_true", help="held-back split only")
    ap.add_argument(
        "--loso-attacks-only",
        action="store_true",
        help="leave out only the attack sources (the recall target); quicker",
    )
    ap.add_argument("--timing", action="store_true", help="only the cost per 4 KB prompt")
    args = ap.parse_args()
    examples, _ = collect(Path(args.wheels))
    if args.timing:
        timing(examples)
        return 0
    examples += look_alikes()
    fold = skeleton_fn()
    normalizer, skeleton = Normalizer(), Skeleton(skeleton_table())
    detector = InjectionDetector(normalizer, skeleton.fold)
    cues = Detector("cues", cue_rules(), normalizer, fold=skeleton.fold, presence_first=True)
    phrase = np.array([detector.score(e.text).score for e in examples])
    data = Data(
        examples,
        matrix([e.text for e in examples], fold),
        phrase,
        np.array([e.label for e in examples]),
        np.array([bool(cues.find(e.text)) for e in examples]) | (phrase > 0),
        np.array([words_read(fold(e.text)) for e in examples]),
    )
    print(f"{len(examples)} examples ({LOOK_ALIKES} too), {int(data.y.sum())} attacks; cuts: "
          f"FPR <= 1 % on "
          f"training data; combined (the product) = phrases + {DEFAULT_WEIGHT} x share x p >= "
          f"{THRESHOLD}, p asked on a cue or phrase; vs = combined against {BASELINE}")  # fmt: skip
    tradeoff: dict[str, list[str]] = {}
    held_back_table(data, tradeoff)
    timing(examples)
    if not args.quick:
        wanted = {e.source for e in examples if e.label or not args.loso_attacks_only}
        loso_table(data, sorted(wanted - {LOOK_ALIKES}), tradeoff)
    tradeoff_table(tradeoff)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
