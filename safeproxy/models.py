"""Wire-level request kinds, their shape checks, and the per-request Exchange state."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from safeproxy.deepcheck.record import DeepCheckRecord
from safeproxy.errors import BadRequest
from safeproxy.filters.api import FilterRecord
from safeproxy.upstream.routes import Route

if TYPE_CHECKING:
    from safeproxy.deepcheck.plan import DeepPlan
    from safeproxy.generation.generation import Generation

MAX_MODEL_CHARS = 256

# Body fields some SDKs and gateways use to choose an upstream or credential. Upstreams come
# only from config, so these never reach a model server (a peer gateway's SSRF/key-theft bug).
ROUTING_FIELDS = frozenset(
    {
        "api_base",
        "base_url",
        "api_key",
        "api_version",
        "api_type",
        "azure_endpoint",
        "azure_ad_token",
        "deployment_id",
        "custom_llm_provider",
        "organization",
        "extra_headers",
        "proxy",
        "proxies",
    }
)


class Kind(enum.Enum):
    """An endpoint the proxy understands; the value is the upstream path."""

    CHAT = "/v1/chat/completions"
    COMPLETIONS = "/v1/completions"
    EMBEDDINGS = "/v1/embeddings"
    # Any other JSON endpoint: the proxy cannot read its text, so only a route that lists
    # the path in `pass_through_paths` forwards it (unfiltered, recorded as degraded).
    OTHER = "*"


def check_shape(kind: Kind, body: dict[str, Any], max_messages: int) -> str:
    """Validate the fields the proxy relies on; returns the model name. Raises BadRequest."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("'model' must be a non-empty string", param="model")
    if len(model) > MAX_MODEL_CHARS:
        raise BadRequest("'model' is too long", param="model")
    stream = body.get("stream", False)
    if stream is not None and not isinstance(stream, bool):
        raise BadRequest("'stream' must be a boolean", param="stream")
    if kind is Kind.CHAT:
        _check_messages(body.get("messages"), max_messages)
    elif kind is Kind.COMPLETIONS:
        if not _is_prompt(body.get("prompt")):
            raise BadRequest("'prompt' must be a string or a list", param="prompt")
    elif kind is Kind.OTHER:
        pass
    elif not _is_prompt(body.get("input")):
        raise BadRequest("'input' must be a string or a list", param="input")
    return model


def _check_messages(messages: Any, max_messages: int) -> None:
    if not isinstance(messages, list) or not messages:
        raise BadRequest("'messages' must be a non-empty array", param="messages")
    if len(messages) > max_messages:
        raise BadRequest(f"'messages' has more than {max_messages} items", param="messages")
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise BadRequest("each message must be an object", param=f"messages.{i}")
        if not isinstance(msg.get("role"), str):
            raise BadRequest("each message needs a string 'role'", param=f"messages.{i}.role")
        content = msg.get("content")
        if content is not None and not isinstance(content, (str, list)):
            raise BadRequest(
                "'content' must be a string, an array or null", param=f"messages.{i}.content"
            )


def _is_prompt(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and len(value) > 0)


def strip_routing_fields(body: dict[str, Any]) -> bool:
    """Drop routing fields; True if there were any."""
    found = ROUTING_FIELDS.intersection(body)
    for key in found:
        del body[key]
    return bool(found)


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
    degraded: list[str] = field(default_factory=list)
    # Risk signals for deep-check sampling: an injection score short of its threshold, a
    # client under quarantine.
    near_threshold: bool = False
    quarantined: bool = False
    # Deep checks: what this request's policy asked of them (None: nothing), and what they did.
    deep: DeepPlan | None = None
    deep_checks: list[DeepCheckRecord] | None = None

    @property
    def route_label(self) -> str:
        return self.route.label if self.route is not None else "none"
