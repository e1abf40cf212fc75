"""The `rollouts:` section: a candidate policy per route, beside the active one, and its analysis.

    rollouts:
      main:                          # a route name (routes[].name, else its upstream)
        candidate: strict-v2         # a policy in `policies`
        mode: canary                 # canary | shadow
        steps: [1, 5, 25, 50]        # canary: percent of identities served by the candidate
        sample: 1.0                  # shadow: share of requests the candidate also scans
        start: manual                # manual: POST /admin/rollouts/main/start; auto: at load
        promote: auto                # auto: after the last step passes; manual: waits
        key_env: SAFEPROXY_ROLLOUT_KEY  # the identity hash's key (unset: derived from the
                                        # route and candidate, so still stable across workers)
        analysis:
          interval_s: 60
          passes_per_step: 1         # passed intervals before the share rises a step
          max_failed: 1              # more failed intervals than this: roll back at once
          metrics:                   # thresholds on canary minus baseline
            block_rate: {max_increase: 0.02, max_decrease: 0.02, min_samples: 50}

The candidate is a policy like any other: it is compiled into the generation and reloads
with it. A route the candidate would drop a baseline filter of is refused like any policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, get_args

from pydantic import Field

from safeproxy.settings.baseline import missing_baselines
from safeproxy.settings.types import Name, Strict

if TYPE_CHECKING:
    from safeproxy.settings.schema import Settings

MetricName = Literal[
    "block_rate",
    "redact_rate",
    "output_violation_rate",
    "deep_unsafe_rate",
    "reviewer_fp_rate",
    "filter_error_rate",
    "p99_latency_ms",
]
METRICS: tuple[str, ...] = get_args(MetricName)
Percent = Annotated[float, Field(gt=0, le=100)]


class Threshold(Strict):
    """A bound on canary minus baseline; `min_samples` requests (deep checks, reviewed items
    for their rates) in each arm, else the metric is inconclusive. `optional`: no samples at
    all in either arm skips the metric instead (deep checks or labels a route may not have)."""

    max_increase: float | None = Field(default=None, ge=0)
    max_decrease: float | None = Field(default=None, ge=0)
    min_samples: int = Field(default=50, ge=1)
    optional: bool = False


def _defaults() -> dict[MetricName, Threshold]:
    return {
        "block_rate": Threshold(max_increase=0.02, max_decrease=0.02),
        "redact_rate": Threshold(max_increase=0.02, max_decrease=0.02),
        "output_violation_rate": Threshold(max_increase=0.01),
        "deep_unsafe_rate": Threshold(max_increase=0.01, min_samples=20, optional=True),
        "reviewer_fp_rate": Threshold(max_increase=0.05, min_samples=10, optional=True),
        "filter_error_rate": Threshold(max_increase=0.005),
        "p99_latency_ms": Threshold(max_increase=50.0, min_samples=100),
    }


class AnalysisSettings(Strict):
    interval_s: float = Field(default=60.0, gt=0)
    passes_per_step: int = Field(default=1, ge=1)
    max_failed: int = Field(default=1, ge=0)
    # local: each process analyses its own traffic; redis: every process's, through the
    # rate limits' Redis (rate_limits.redis), on intervals aligned to the wall clock.
    store: Literal["local", "redis"] = "local"
    metrics: dict[MetricName, Threshold] = Field(default_factory=_defaults)


class RolloutSettings(Strict):
    candidate: Name
    mode: Literal["canary", "shadow"] = "canary"
    steps: list[Percent] = Field(default_factory=lambda: [1.0, 5.0, 25.0, 50.0], min_length=1)
    sample: float = Field(default=1.0, gt=0, le=1)
    start: Literal["manual", "auto"] = "manual"
    promote: Literal["auto", "manual"] = "auto"
    key_env: str | None = None
    analysis: AnalysisSettings = AnalysisSettings()


def rollout_errors(settings: Settings) -> list[tuple[str, str]]:
    """Unknown routes and candidates, steps that do not rise, dropped baselines."""
    errors: list[tuple[str, str]] = []
    routes = {r.label: r for r in settings.routes}
    default = settings.policies.get("default")
    for label, rollout in settings.rollouts.items():
        at = f"rollouts.{label}"
        route = routes.get(label)
        if route is None:
            errors.append((at, f"unknown route {label!r}"))
        candidate = settings.policies.get(rollout.candidate)
        if candidate is None:
            errors.append((f"{at}.candidate", f"unknown policy {rollout.candidate!r}"))
        elif route is not None and rollout.candidate == route.policy:
            errors.append((f"{at}.candidate", "the candidate is the route's active policy"))
        elif default is not None and rollout.candidate != "default":
            errors += [
                (f"{at}.candidate", f"policy {rollout.candidate!r} {m} of policy 'default'")
                for m in missing_baselines(default, candidate)
            ]
        if any(b <= a for a, b in zip(rollout.steps, rollout.steps[1:], strict=False)):
            errors.append((f"{at}.steps", "steps must rise"))
    return errors
