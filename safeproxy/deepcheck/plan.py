"""A policy's deep checks, compiled, and one request's plan for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from safeproxy.deepcheck.guarded import GuardedJudge
from safeproxy.deepcheck.sampler import Choice, Sampler
from safeproxy.deepcheck.tap import TextTap
from safeproxy.settings.policy import DeepCheck


@dataclass(frozen=True, slots=True)
class CompiledCheck:
    spec: DeepCheck
    label: str
    judge: GuardedJudge
    sampler: Sampler
    on_input: bool
    on_output: bool

    @property
    def sync(self) -> bool:
        return self.spec.mode == "sync"


@dataclass(frozen=True, slots=True)
class PolicyChecks:
    name: str
    checks: tuple[CompiledCheck, ...]
    # Whether any check could want the reply's text (output stage).
    wants_output: bool
    block_style: str  # the policy's stream block style, for blocks mid-stream
    on_overflow: str = "block"  # the policy's stream overflow policy (every_chars gates)
    # Whether the policy has output filters (whose findings can flag a reply) and shadow
    # output filters (whose hits go to review with the reply's text).
    output_filters: bool = False
    shadow_output: bool = False


@dataclass(slots=True)
class DeepPlan:
    """One request's deep checks: the choices made so far and the reply's text tap."""

    policy: PolicyChecks
    # What sampling draws on (service._sample_key).
    key: str = ""
    # Sampling choices per check label, made once per request (both stages share one).
    choices: dict[str, Choice] = field(default_factory=dict)
    tap: TextTap | None = None
    # Deterministically chosen for the review queue's sample of allowed traffic.
    review_sample: bool = False
