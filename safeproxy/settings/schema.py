"""The configuration schema: pydantic models for the YAML file, the one source of truth."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from safeproxy.capture.settings import CaptureSettings
from safeproxy.deepcheck.settings import DeepCheckSettings
from safeproxy.headers import OWNED_UP
from safeproxy.ratelimit.settings import RateLimitSettings
from safeproxy.review.settings import AdminSettings, ReviewSettings
from safeproxy.settings.inheritance import PolicyTreeError, resolve
from safeproxy.settings.policy import EnvName, PolicySettings
from safeproxy.settings.rollouts import RolloutSettings, rollout_errors
from safeproxy.settings.tenants import TenantSettings, tenant_errors
from safeproxy.settings.types import Name, PositiveSeconds, Strict
from safeproxy.telemetry.settings import TelemetrySettings


class RequestLimits(Strict):
    """Caps applied to a client request before any other work is done."""

    max_body_bytes: int = Field(default=1_048_576, gt=0)
    # Content-Encoding is refused (415) unless this is on; then the inflated size is capped too.
    allow_gzip: bool = False
    max_decompressed_bytes: int = Field(default=4_194_304, gt=0)
    # At most 254: orjson writes no deeper, and the proxy forwards what it re-serialises.
    max_json_depth: int = Field(default=32, gt=1, le=254)
    max_messages: int = Field(default=1024, gt=0)


class ServerSettings(Strict):
    """Where the proxy listens and how long it waits for clients."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    limits: RequestLimits = RequestLimits()
    # Slowloris guard: the whole request head must arrive within this time (else 408).
    header_read_s: PositiveSeconds = 10.0
    body_read_s: PositiveSeconds = 30.0
    keepalive_s: PositiveSeconds = 75.0
    # On SIGTERM, in-flight requests get this long to finish before they are cancelled.
    drain_s: PositiveSeconds = 20.0
    # Load shedding: beyond this many requests in flight, answer 503 at once (no queue).
    max_in_flight: int = Field(default=1024, gt=0)
    # Connections from one address whose request head has not fully arrived (slowloris
    # spreads over many): beyond this, a new one gets 429 and is closed. Behind a load
    # balancer every client shares its address: raise this there. 0: no cap.
    max_pending_heads_per_address: int = Field(default=64, ge=0)


class UpstreamTimeouts(Strict):
    """One budget per phase of an upstream call."""

    connect_s: PositiveSeconds = 2.0
    first_byte_s: PositiveSeconds = 30.0
    idle_s: PositiveSeconds = 30.0
    total_s: PositiveSeconds = 600.0


class BreakerConfig(Strict):
    """The per-base-URL circuit breaker (resilience/breaker.py has the state machine)."""

    enabled: bool = True
    consecutive_failures: int = Field(default=5, gt=0)
    failure_ratio: float = Field(default=0.5, gt=0, le=1)
    min_requests: int = Field(default=20, gt=0)
    window_s: PositiveSeconds = 30.0
    cooldown_s: PositiveSeconds = 5.0  # doubles after each failed probe, up to max
    max_cooldown_s: PositiveSeconds = 300.0
    half_open_probes: int = Field(default=1, gt=0)
    # Reply statuses that count as failures (connect errors and timeouts always do).
    failure_statuses: list[Annotated[int, Field(ge=400, le=599)]] = [500, 502, 503, 504]
    # Outlier ejection never takes out more than this share of an upstream's base URLs.
    max_ejection_percent: int = Field(default=50, ge=0, le=100)


class UpstreamSettings(Strict):
    """A named model server reachable at one or more base URLs (least-in-flight balanced)."""

    name: Name
    base_urls: list[Annotated[str, Field(pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")]] = Field(
        min_length=1
    )
    timeout: UpstreamTimeouts = UpstreamTimeouts()
    # Name of the environment variable that holds this upstream's API key (never the key).
    api_key_env: EnvName | None = None
    # The client's own Authorization header is dropped unless this is set (and no api_key_env).
    forward_client_auth: bool = False
    # Client headers passed on besides the defaults (Accept, User-Agent, W3C trace context,
    # OpenAI-Organization/-Project/-Beta). Everything else stays at the proxy.
    forward_headers: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]] = []
    max_connections: int = Field(default=256, gt=0)
    # Requests in flight to this upstream beyond which the proxy answers 503 upstream_busy at
    # once (or tries the route's fallback) instead of queueing for a connection.
    max_in_flight: int | None = Field(default=None, gt=0)
    breaker: BreakerConfig = BreakerConfig()
    health_path: str = "/v1/models"
    # Ask streamed chat/completions requests for usage (stream_options.include_usage) so their
    # tokens are counted; off for a server that refuses the field (its streams then go
    # uncounted and keep their token-limit reservation).
    stream_usage: bool = True

    @model_validator(mode="before")
    @classmethod
    def _single_base_url(cls, data: Any) -> Any:
        # `base_url: X` is the common single-server spelling of `base_urls: [X]`.
        if isinstance(data, dict) and "base_url" in data:
            data = dict(data)
            if "base_urls" in data:
                raise ValueError("give either base_url or base_urls, not both")
            data["base_urls"] = [data.pop("base_url")]
        return data

    @field_validator("forward_headers")
    @classmethod
    def _not_owned(cls, names: list[str]) -> list[str]:
        owned = sorted(n for n in names if n.lower() in OWNED_UP)
        if owned:
            raise ValueError(f"the proxy sets these itself: {', '.join(owned)}")
        return names

    @field_validator("base_urls")
    @classmethod
    def _strip_slash(cls, urls: list[str]) -> list[str]:
        return [u.rstrip("/") for u in urls]


class Fallback(Strict):
    """Where a request goes when the route's primary upstream could not take it."""

    upstream: Name
    # Model name to send to the fallback; None keeps the client's model.
    model: str | None = None


class RouteMatch(Strict):
    model: str = "*"


class SafetyBreakerConfig(Strict):
    """The route's safety breaker: when too large a share of its replies carry an output
    violation (blocked or redacted by output filters), the route is cut off (`block`: 503
    safety_breaker_open), sent to `fallback`, or run under `strict_policy`, until probes
    show the share has recovered. `force_open` is the manual kill-switch."""

    enabled: bool = False
    violation_ratio: float = Field(default=0.2, gt=0, le=1)
    min_requests: int = Field(default=50, gt=0)
    window_s: PositiveSeconds = 300.0
    cooldown_s: PositiveSeconds = 60.0
    max_cooldown_s: PositiveSeconds = 3600.0
    half_open_probes: int = Field(default=5, gt=0)
    successes_to_close: int = Field(default=5, gt=0)
    action: Literal["block", "fallback", "strict"] = "block"
    fallback: Fallback | None = None
    strict_policy: str | None = None
    force_open: bool = False

    @model_validator(mode="after")
    def _action_needs(self) -> SafetyBreakerConfig:
        if self.action == "fallback" and self.fallback is None:
            raise ValueError("action fallback needs `fallback`")
        if self.action == "strict" and self.strict_policy is None:
            raise ValueError("action strict needs `strict_policy`")
        return self


class RouteSettings(Strict):
    """Maps model names (a glob) to an upstream, with an ordered fallback list."""

    name: Name | None = None
    match: RouteMatch = RouteMatch()
    upstream: Name
    fallbacks: list[Fallback] = []
    # The named policy (under `policies`) whose filters run on this route's traffic.
    policy: str = "default"
    # Text the proxy cannot read (token-id prompts, unknown content parts) is refused with
    # 400 unless this is set; then it goes through unfiltered, recorded as degraded.
    allow_uninspectable: bool = False
    # Other JSON endpoints (e.g. /v1/moderations) whose text the proxy cannot read: 404
    # unless listed here; listed ones are forwarded unfiltered and recorded as degraded.
    pass_through_paths: list[Annotated[str, Field(pattern=r"^/v1/[A-Za-z0-9/_.-]+$")]] = []
    safety_breaker: SafetyBreakerConfig = SafetyBreakerConfig()

    @field_validator("fallbacks", mode="before")
    @classmethod
    def _fallback_names(cls, value: Any) -> Any:
        # Allow the short form `fallbacks: [name, ...]`.
        if isinstance(value, list):
            return [{"upstream": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def label(self) -> str:
        """The bounded metric label for this route."""
        return self.name or self.upstream


class ReadinessSettings(Strict):
    interval_s: PositiveSeconds = 5.0
    probe_timeout_s: PositiveSeconds = 2.0


class ApiKey(Strict):
    """A client credential, stored as the hex SHA-256 of the key (never the key itself)."""

    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    tenant: Name


class AuthSettings(Strict):
    """Who the client is. `none` (the sidecar default: the pod boundary is the trust
    boundary) or `api_keys`: a Bearer key must match one of `keys` (401 otherwise)."""

    mode: Literal["none", "api_keys"] = "none"
    keys: list[ApiKey] = []
    # Proxies in front of this one that append to X-Forwarded-For. Without a credential,
    # identity is the socket's peer address, or the address this many hops from the right
    # of X-Forwarded-For (entries a client adds on the left are never trusted).
    trusted_hops: int = Field(default=0, ge=0, le=16)

    @model_validator(mode="after")
    def _keys_for_api_keys(self) -> AuthSettings:
        if self.mode == "api_keys" and not self.keys:
            raise ValueError("auth mode api_keys needs at least one key")
        return self


class QuarantineSettings(Strict):
    """An identity with `violations` policy violations (blocked requests or replies, or
    replies an output filter redacted) within `window_s` is quarantined for `duration_s`:
    its requests get 403 `quarantined` (`block`) or run under `strict_policy` (`strict`)."""

    enabled: bool = False
    # Where the state lives: this process, or Redis (shared by every worker and replica; it
    # uses the rate_limits.redis connection settings).
    backend: Literal["memory", "redis"] = "memory"
    violations: int = Field(default=10, gt=0)
    window_s: PositiveSeconds = 600.0
    duration_s: PositiveSeconds = 3600.0
    action: Literal["block", "strict"] = "block"
    strict_policy: str | None = None
    max_identities: int = Field(default=100_000, gt=0)  # tracked at once (client input)

    @model_validator(mode="after")
    def _strict_needs_policy(self) -> QuarantineSettings:
        if self.action == "strict" and self.strict_policy is None:
            raise ValueError("action strict needs `strict_policy`")
        return self


class Settings(Strict):
    """The whole effective configuration of one proxy."""

    server: ServerSettings = ServerSettings()
    upstreams: list[UpstreamSettings] = Field(min_length=1)
    routes: list[RouteSettings] = Field(min_length=1)
    readiness: ReadinessSettings = ReadinessSettings()
    auth: AuthSettings = AuthSettings()
    rate_limits: RateLimitSettings = RateLimitSettings()
    quarantine: QuarantineSettings = QuarantineSettings()
    telemetry: TelemetrySettings = TelemetrySettings()
    deep_checks: DeepCheckSettings = DeepCheckSettings()
    review: ReviewSettings = ReviewSettings()
    admin: AdminSettings = AdminSettings()
    capture: CaptureSettings = CaptureSettings()  # tier-2 replay capture: off by default
    # Named filter chains; routes pick one. Without this section, `default` filters nothing.
    # `extends` is resolved here (settings/inheritance.py): every reader sees whole policies.
    policies: dict[Name, PolicySettings] = {"default": PolicySettings()}
    # Per-tenant policies per route (settings/tenants.py has the shape and the precedence).
    tenants: dict[Name, TenantSettings] = {}
    # Candidate policies beside routes' active ones (settings/rollouts.py).
    rollouts: dict[Name, RolloutSettings] = {}

    @field_validator("policies")
    @classmethod
    def _resolve_extends(cls, policies: dict[str, PolicySettings]) -> dict[str, PolicySettings]:
        try:
            return resolve(policies)
        except PolicyTreeError as exc:
            # The YAML path travels in the context: configfile reports it as the location.
            raise PydanticCustomError(
                "inheritance", "{message}", {"yaml_path": exc.path, "message": exc.message}
            ) from None

    def upstream(self, name: str) -> UpstreamSettings:
        for up in self.upstreams:
            if up.name == name:
                return up
        raise KeyError(name)


def cross_reference_errors(settings: Settings) -> list[tuple[str, str]]:
    """Errors pydantic cannot see field by field: duplicate names and dangling references."""
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, up in enumerate(settings.upstreams):
        if up.name in seen:
            errors.append((f"upstreams.{i}.name", f"duplicate upstream name {up.name!r}"))
        seen.add(up.name)
    if settings.auth.mode == "api_keys":
        for i, up in enumerate(settings.upstreams):
            if up.forward_client_auth:
                errors.append(
                    (
                        f"upstreams.{i}.forward_client_auth",
                        "the proxy checks client keys (auth mode api_keys); they are not passed on",
                    )
                )
    q = settings.quarantine
    if q.strict_policy is not None and q.strict_policy not in settings.policies:
        errors.append(("quarantine.strict_policy", f"unknown policy {q.strict_policy!r}"))
    judges = settings.deep_checks.judges
    for name, policy in settings.policies.items():
        for j, check in enumerate(policy.deep_checks):
            if check.judge not in judges:
                errors.append(
                    (f"policies.{name}.deep_checks.{j}.judge", f"unknown judge {check.judge!r}")
                )
    route_names: set[str] = set()
    for i, route in enumerate(settings.routes):
        if route.upstream not in seen:
            errors.append((f"routes.{i}.upstream", f"unknown upstream {route.upstream!r}"))
        for j, fb in enumerate(route.fallbacks):
            if fb.upstream not in seen:
                errors.append(
                    (f"routes.{i}.fallbacks.{j}.upstream", f"unknown upstream {fb.upstream!r}")
                )
        if route.policy not in settings.policies:
            errors.append((f"routes.{i}.policy", f"unknown policy {route.policy!r}"))
        sb = route.safety_breaker
        if sb.strict_policy is not None and sb.strict_policy not in settings.policies:
            errors.append(
                (f"routes.{i}.safety_breaker.strict_policy", f"unknown policy {sb.strict_policy!r}")
            )
        if sb.fallback is not None and sb.fallback.upstream not in seen:
            errors.append(
                (
                    f"routes.{i}.safety_breaker.fallback.upstream",
                    f"unknown upstream {sb.fallback.upstream!r}",
                )
            )
        if route.name is not None:
            if route.name in route_names:
                errors.append((f"routes.{i}.name", f"duplicate route name {route.name!r}"))
            route_names.add(route.name)
    return errors + tenant_errors(settings) + rollout_errors(settings)
