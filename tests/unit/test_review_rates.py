"""False-positive / false-negative rates from label counts, and the gauges `publish` sets."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from safeproxy.review.item import LABELS
from safeproxy.review.rates import false_negative_rate, false_positive_rate, publish
from safeproxy.telemetry.metrics import Metrics


@pytest.mark.parametrize(
    ("counts", "fp_rate", "fn_rate"),
    [
        ({}, None, None),
        ({"needs_policy_change": 9}, None, None),  # counts in neither rate
        ({"unsure": 9}, None, None),  # nor does a reviewer who could not tell
        ({"true_positive": 3}, 0.0, None),
        ({"false_positive": 2}, 1.0, None),
        ({"true_positive": 3, "false_positive": 1}, 0.25, None),
        ({"true_negative": 4}, None, 0.0),
        ({"false_negative": 1, "true_negative": 3}, None, 0.25),
        (
            {
                "true_positive": 6,
                "false_positive": 2,
                "false_negative": 1,
                "true_negative": 9,
                "needs_policy_change": 5,
            },
            0.25,
            0.1,
        ),
        # Negatives never move the FP rate, positives never the FN rate.
        ({"true_positive": 1, "false_negative": 7}, 0.0, 1.0),
    ],
)
def test_rates(counts: dict[str, int], fp_rate: float | None, fn_rate: float | None) -> None:
    assert false_positive_rate(counts) == fp_rate
    assert false_negative_rate(counts) == fn_rate


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_publish_sets_label_counts_and_both_ratios_per_policy() -> None:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    publish(
        metrics,
        {
            "default": {"true_positive": 3, "false_positive": 1, "true_negative": 2},
            "strict": {"false_negative": 1, "true_negative": 1, "needs_policy_change": 4},
        },
    )
    fp, fn = "safeproxy_review_false_positive_ratio", "safeproxy_review_false_negative_ratio"
    assert sample(registry, fp, policy="default") == 0.25
    assert sample(registry, fn, policy="default") == 0.0
    assert sample(registry, fp, policy="strict") is None  # nothing to measure: no series
    assert sample(registry, fn, policy="strict") == 0.5
    labels = {
        label: sample(registry, "safeproxy_review_labels", policy="strict", label=label)
        for label in LABELS
    }
    assert labels == {
        "true_positive": 0.0,
        "false_positive": 0.0,
        "false_negative": 1.0,
        "true_negative": 1.0,
        "needs_policy_change": 4.0,
        "unsure": 0.0,
    }


def test_publish_removes_series_that_lost_their_data() -> None:
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    fp, fn = "safeproxy_review_false_positive_ratio", "safeproxy_review_false_negative_ratio"
    publish(
        metrics,
        {
            "default": {"false_positive": 1, "false_negative": 1},
            "old": {"true_positive": 1},
        },
    )
    assert sample(registry, fn, policy="default") == 1.0
    assert sample(registry, fp, policy="old") == 0.0
    # Relabelled (no more negatives) and "old" pruned away.
    publish(metrics, {"default": {"false_positive": 1, "needs_policy_change": 1}})
    assert sample(registry, fp, policy="default") == 1.0
    assert sample(registry, fn, policy="default") is None
    assert sample(registry, fp, policy="old") is None
    assert sample(registry, "safeproxy_review_labels", policy="old", label="true_positive") is None
    assert (
        sample(registry, "safeproxy_review_labels", policy="default", label="false_negative") == 0
    )
    publish(metrics, {})
    assert sample(registry, fp, policy="default") is None
    assert (
        sample(registry, "safeproxy_review_labels", policy="default", label="false_positive")
        is None
    )
