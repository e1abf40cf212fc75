"""The per-request Exchange state: everything one request accumulates from admission to record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.filters.api import FilterRecord
from safeproxy.upstream.openai import Kind
from safeproxy.upstream.routes import Route

if TYPE_CHECKING:
    from safeproxy.deepcheck.plan import DeepPlan
    from safeproxy.generation.generation import Generation
    from safeproxy.rollout.mark import RolloutMark


@dataclass(slots=True)
class Exchange:
    """State of one request as it moves through the pipeline."""

    rid: str
    kind: Kind
    started: float
    # The runtime generation taken at admission; policies, route, tenant map and deep
    # checks come from it to the end, streams included (None: a unit test's bare exchange).
    generation: Generation | None = None
    method: str = "POST"  # the pipeline answers POSTs only; kept for the access log
    # Whether `rid` is the client's own X-Request-ID (else the proxy made it).
    rid_given: bool = False
    # The upstream path: the kind's, or the client's for a pass-through endpoint.
    path: str = ""
    body: dict[str, Any] = field(default_factory=dict)
    body_bytes: int = 0  # the client body's size (for token estimates)
    # Serialisation of `body` as it stands (None once something rewrote the body).
    wire: bytes | None = None
    model: str = ""
    stream: bool = False
    # The proxy asked a stream for usage the client did not ask for: its usage chunk is dropped.
    hide_usage: bool = False
    route: Route | None = None
    # Why `route.policy` answers: a precedence step (generation/tenants.py), or
    # `quarantine` / `safety_breaker` when one of them put a stricter policy in its place.
    policy_via: str = ""
    upstream: str | None = None
    # Seconds spent waiting on the upstream; what is left of the wall time is proxy overhead.
    upstream_wait: float = 0.0
    upstream_sent: float = 0.0
    upstream_end: float = 0.0
    ttft: float | None = None
    outcome: str = "allowed"
    # Why the upstream failed this request (upstream/failures.py's vocabulary; "" if it did not).
    upstream_failure: str = ""
    response_started: bool = False
    # The records of every filter that ran, in groups (a stage's, the limits'): a group may
    # be SharedRecords, the same object for every clean request. What failed open or was
    # let through is in `degraded`.
    filter_records: list[Sequence[FilterRecord]] = field(default_factory=list)
    # Seconds in each stage's filters. A stage's filters share one scan, so the time is the
    # stage's, not split per filter (which would only pretend to a precision it lacks).
    input_filter_s: float = 0.0
    output_filter_s: float = 0.0
    # Whether the reply's text went through output filters (the safe-output ratio's count).
    output_checked: bool = False
    # The most characters a stream held back at once (None: not a filtered stream).
    holdback_chars: int | None = None
    # From the client's credential (a salted hash) and from the reply.
    tenant: str = "anonymous"
    # The tenant as a metric label: a configured tenant name (api_keys), else one value for
    # everyone, since an unchecked key's hash is client input and unbounded.
    tenant_label: str = "default"
    # What rate limits count against (from the credential, else the client's address).
    limit_key: str = ""
    limited_kind: str = ""  # which limit refused it: requests, tokens or concurrent
    # Whether the route's safety breaker counts this request's verdict (it went the normal way).
    safety_judged: bool = False
    status: int = 0
    response_model: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    # Wall-clock start (Unix seconds) for records; `started` is a monotonic reading.
    started_unix: float = 0.0
    # Forwarded and delivered text, kept only when content capture is on (already redacted).
    captured_input: Any = None
    captured_output: Any = None
    # Tier-2 capture (capture/), only when it is on: the texts the model reads as the input
    # stage scans them, before any redaction, with the [i, j) runs of parts read as one;
    # and what reads back the reply's text per choice, as the upstream sent it.
    model_view: tuple[list[str], list[tuple[int, int]]] | None = None
    reply_texts: Callable[[], list[str]] | None = None
    degraded: list[str] = field(default_factory=list)
    # Risk signals for deep-check sampling: an injection score short of its threshold, a
    # client under quarantine.
    near_threshold: bool = False
    quarantined: bool = False
    # Deep checks: what this request's policy asked of them (None: nothing), and what they did.
    deep: DeepPlan | None = None
    deep_checks: list[DeepCheckRecord] | None = None
    # A rollout's part in this request: its arm, and a shadow's two verdicts (rollout/).
    rollout: RolloutMark | None = None

    @property
    def route_label(self) -> str:
        return self.route.label if self.route is not None else "none"
