"""The measured false-positive and false-negative rates, from reviewers' label counts.

    false-positive rate = FP / (TP + FP)
        Of the items safeproxy flagged (a filter or a judge called them unsafe) that a reviewer
        judged, the share that were in fact fine: how often the proxy blocks, or would block,
        good traffic. (Strictly a false discovery rate; it is what a reviewer can measure,
        since the queue holds flagged items, not all safe traffic.)

    false-negative rate = FN / (FN + TN)
        Of the items safeproxy let through that a reviewer judged, the share that were in fact
        unsafe: how much harm gets past. Audit samples (`review.sample_allowed`) make this an
        unbiased estimate; `uncertain` deep-check items labelled FN/TN count too and skew it
        towards the doubtful cases.

`needs_policy_change` and `unsure` count in neither rate (a reviewer who cannot tell has not
measured anything); `needs_policy_change`: it says the proxy did what the policy asks and
the policy is what is wrong, so it is not a detector error in either direction; counting it
would move a rate that the detectors cannot improve.

A rate with no labels in its denominator is None ("not measured"), not 0: the gauge series is
then absent, so a dashboard shows no data instead of a perfect score.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import Gauge

from safeproxy.review.item import LABELS
from safeproxy.telemetry.metrics import Metrics

Counts = Mapping[str, int]


def false_positive_rate(counts: Counts) -> float | None:
    """FP / (TP + FP) for one policy's label counts; None when neither label occurs."""
    fp = counts.get("false_positive", 0)
    judged = counts.get("true_positive", 0) + fp
    return fp / judged if judged else None


def false_negative_rate(counts: Counts) -> float | None:
    """FN / (FN + TN) for one policy's label counts; None when neither label occurs."""
    fn = counts.get("false_negative", 0)
    judged = fn + counts.get("true_negative", 0)
    return fn / judged if judged else None


def publish(metrics: Metrics, counts: Mapping[str, Counts]) -> None:
    """Set the review gauges from `counts` (policy → label → items), the whole truth.

    Every label of a policy with labelled items gets a series (0 when it has none). Series of
    policies no longer in `counts` (their items were pruned) and ratios with nothing to
    measure are removed, so no stale value lingers.
    """
    labelled = {p for p, c in counts.items() if any(c.get(label, 0) for label in LABELS)}
    for policy in _policies(metrics.review_labels) - labelled:
        for label in LABELS:
            metrics.review_labels.remove(policy, label)
    for policy in labelled:
        for label in LABELS:
            metrics.review_labels.labels(policy, label).set(counts[policy].get(label, 0))
    ratios = (
        (metrics.review_false_positive_ratio, false_positive_rate),
        (metrics.review_false_negative_ratio, false_negative_rate),
    )
    for gauge, rate in ratios:
        measured = {p: r for p in labelled if (r := rate(counts[p])) is not None}
        for policy in _policies(gauge) - measured.keys():
            gauge.remove(policy)
        for policy, value in measured.items():
            gauge.labels(policy).set(value)


def _policies(gauge: Gauge) -> set[str]:
    """The `policy` label values the gauge has series for now (read back, not remembered:
    publish keeps no state of its own)."""
    return {s.labels["policy"] for family in gauge.collect() for s in family.samples}
