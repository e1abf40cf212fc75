"""One review-queue item (`ReviewItem`) and the labels a reviewer may give it.

Labels, from the reviewer's point of view ("positive" means unsafe):

    true_positive        safeproxy flagged it, and it is unsafe
    false_positive       safeproxy flagged it, but it is fine
    false_negative       safeproxy let it through, but it is unsafe
    true_negative        safeproxy let it through, and it is fine
    needs_policy_change  the verdict follows the policy, but the policy itself is wrong
    unsure               the reviewer cannot tell (the console's third button; issue 18)

`unsure` records that a person looked and could not judge, so the item leaves the unlabelled
queue without moving either rate (rates.py counts it in neither).

`true_negative` goes beyond the four labels of issue 6: without it an audit sample of allowed
traffic that turns out fine cannot be recorded, and the false-negative rate
FN / (FN + TN) has no denominator.

A label has to agree with `flagged`: a flagged item cannot be a false or true *negative*, and an
item the proxy let through cannot be a *positive*. Either kind may need a policy change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, get_args

Stage = Literal["input", "output"]
Source = Literal["deep_check_unsafe", "deep_check_uncertain", "shadow", "audit_sample"]

STAGES: tuple[str, ...] = get_args(Stage)
SOURCES: tuple[str, ...] = get_args(Source)
LABELS = (
    "true_positive",
    "false_positive",
    "false_negative",
    "true_negative",
    "needs_policy_change",
    "unsure",
)
# The judgements that agree with what safeproxy decided (see the module docstring); `unsure`
# is no judgement, and agrees with either.
FLAGGED_LABELS = ("true_positive", "false_positive", "needs_policy_change")
UNFLAGGED_LABELS = ("false_negative", "true_negative", "needs_policy_change")
UNSURE = "unsure"
# The `label` filter's value for items nobody labelled yet.
UNLABELLED = "unlabelled"


class LabelMismatch(ValueError):
    """A known label that contradicts the item's `flagged` (e.g. false_negative on a block)."""

    def __init__(self, flagged: bool) -> None:
        self.allowed = labels_for(flagged)
        super().__init__(
            "the item was "
            + ("flagged" if flagged else "not flagged")
            + " by safeproxy; its label must be one of: "
            + ", ".join(self.allowed)
        )


def labels_for(flagged: bool) -> tuple[str, ...]:
    return (*(FLAGGED_LABELS if flagged else UNFLAGGED_LABELS), UNSURE)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """What a reviewer needs to judge one check on one request, and their judgement.

    `tenant` is a configured name or a salted hash, never a key. `text` is what the caller
    chose to keep (redacted text, or None; see ReviewSettings.content), truncated by the
    store. `flagged` is True when a filter or a judge called it unsafe (shadow hits included);
    audit samples of allowed traffic and `uncertain` verdicts are False.
    """

    id: int | None  # None until stored
    request_id: str
    created_unix: float
    policy: str
    route: str
    tenant: str
    stage: Stage
    source: Source
    flagged: bool
    check: str | None
    verdict: str | None
    categories: tuple[str, ...]
    score: float | None
    finding_types: tuple[str, ...]
    text: str | None
    label: str | None = None
    note: str | None = None
    labelled_unix: float | None = None
    # The version of `policy` that made the verdict (None: stored before versions were kept).
    policy_version: str | None = None

    def __post_init__(self) -> None:
        # Rows come back from SQLite as plain strings: check the enums once, here.
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}")
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}")
        if self.label is not None and self.label not in LABELS:
            raise ValueError(f"label must be one of {LABELS}")
        if not math.isfinite(self.created_unix):
            raise ValueError("created_unix must be finite")

    def to_json(self) -> dict[str, Any]:
        """The item as the admin API and the export show it (JSON-ready values only)."""
        return {
            "id": self.id,
            "object": "review.item",
            "request_id": self.request_id,
            "created_unix": self.created_unix,
            "policy": self.policy,
            "route": self.route,
            "tenant": self.tenant,
            "stage": self.stage,
            "source": self.source,
            "flagged": self.flagged,
            "check": self.check,
            "verdict": self.verdict,
            "categories": list(self.categories),
            "score": self.score,
            "finding_types": list(self.finding_types),
            "text": self.text,
            "label": self.label,
            "note": self.note,
            "labelled_unix": self.labelled_unix,
            "policy_version": self.policy_version,
        }
