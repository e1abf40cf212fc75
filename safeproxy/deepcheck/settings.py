"""The `deep_checks` section of the config: judges (by name) and the async job queue.

Policies say which judge checks what, how often and how (policy_settings.DeepCheck); this
section says what each judge is and where it lives. Judge endpoints come only from here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from safeproxy.settings.policy import EnvName
from safeproxy.settings.types import Name, PositiveSeconds, Strict

HttpUrl = Annotated[str, Field(pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")]

# Llama Guard 3's hazard taxonomy (MLCommons), the default category list.
LLAMA_GUARD_CATEGORIES: dict[str, str] = {
    "S1": "Violent Crimes.",
    "S2": "Non-Violent Crimes.",
    "S3": "Sex Crimes.",
    "S4": "Child Exploitation.",
    "S5": "Defamation.",
    "S6": "Specialized Advice.",
    "S7": "Privacy.",
    "S8": "Intellectual Property.",
    "S9": "Indiscriminate Weapons.",
    "S10": "Hate.",
    "S11": "Self-Harm.",
    "S12": "Sexual Content.",
    "S13": "Elections.",
    "S14": "Code Interpreter Abuse.",
}


class JudgeBreaker(Strict):
    """The judge's circuit breaker (resilience/breaker.py): while open, checks fail at once
    with `breaker_open`, decided by `on_error`, instead of waiting out a dead judge."""

    enabled: bool = True
    consecutive_failures: int = Field(default=5, gt=0)
    failure_ratio: float = Field(default=0.5, gt=0, le=1)
    min_requests: int = Field(default=20, gt=0)
    window_s: PositiveSeconds = 30.0
    cooldown_s: PositiveSeconds = 5.0
    max_cooldown_s: PositiveSeconds = 300.0


class VerdictCacheSettings(Strict):
    """An LRU of verdicts keyed by sha256 of the normalised text plus the judge's config."""

    enabled: bool = True
    max_entries: int = Field(default=10_000, gt=0)
    ttl_s: PositiveSeconds = 3600.0


class _Judge(Strict):
    """What every judge has, whatever it speaks."""

    timeout_ms: int = Field(default=2000, gt=0)
    # Calls in flight at once; beyond this a check fails at once with `busy`.
    max_concurrency: int = Field(default=16, gt=0)
    # What a failed check (error, timeout, open breaker, past a sync budget) decides:
    # `open` lets the request through, `closed` blocks it. Either way it is recorded.
    on_error: Literal["open", "closed"] = "open"
    breaker: JudgeBreaker = JudgeBreaker()
    cache: VerdictCacheSettings = VerdictCacheSettings()


class _Remote(_Judge):
    base_url: HttpUrl
    # Environment variable holding the judge's API key, sent as a Bearer token.
    api_key_env: EnvName | None = None


class LlamaGuardJudge(_Remote):
    """Llama Guard 3/4 behind an OpenAI-compatible server (vLLM, TGI, Ollama)."""

    type: Literal["llama_guard"]
    model: str = Field(min_length=1)
    # `completions`: the proxy formats Llama Guard's prompt (categories included) and
    # sends it to /v1/completions. `chat`: the conversation goes to /v1/chat/completions
    # and the server's chat template formats it (its own default categories).
    endpoint: Literal["completions", "chat"] = "completions"
    # Which model's prompt the proxy formats for `completions`: Llama Guard 4 speaks
    # Llama 4's header tokens (`<|header_start|>`, `<|eot|>`), Llama Guard 3 Llama 3.1's.
    version: Literal[3, 4] = 3
    categories: dict[Annotated[str, Field(pattern=r"^S[0-9]{1,2}$")], str] = Field(
        default_factory=lambda: dict(LLAMA_GUARD_CATEGORIES), min_length=1
    )
    # Categories whose `unsafe` verdict counts only as `uncertain` (sent to review, not
    # blocked), e.g. S6 specialized advice for a medical assistant.
    uncertain_categories: list[str] = []

    @model_validator(mode="after")
    def _known_uncertain(self) -> LlamaGuardJudge:
        unknown = sorted(set(self.uncertain_categories) - set(self.categories))
        if unknown:
            raise ValueError(f"uncertain_categories not in categories: {', '.join(unknown)}")
        return self


class ModerationJudge(_Remote):
    """A /v1/moderations-compatible endpoint (OpenAI's, or a local one)."""

    type: Literal["openai_moderation"]
    model: str | None = None
    # A category is unsafe at or above its threshold (others: default_threshold).
    thresholds: dict[Annotated[str, Field(min_length=1, max_length=64)], float] = {}
    default_threshold: float = Field(default=0.5, gt=0, le=1)
    # Scores within this margin below a threshold make the result `uncertain`.
    uncertain_margin: float = Field(default=0.1, ge=0, lt=1)


class HttpJudge(_Judge):
    """A generic JSON webhook for a custom classifier (README "Deep checks" has the schema)."""

    type: Literal["http"]
    url: HttpUrl
    api_key_env: EnvName | None = None


class LocalJudge(_Judge):
    """An in-process classifier, run in a thread so the event loop never blocks: `profanity`
    (`pip install 'safeproxy[local-judge]'`: alt-profanity-check) or `injection` (the
    injection filter's own model, shipped in the package)."""

    type: Literal["local"]
    classifier: Literal["profanity", "injection"] = "profanity"
    unsafe_threshold: float = Field(default=0.8, gt=0, le=1)
    uncertain_threshold: float = Field(default=0.5, gt=0, le=1)
    threads: int = Field(default=1, gt=0, le=16)

    @model_validator(mode="after")
    def _ordered(self) -> LocalJudge:
        if self.uncertain_threshold > self.unsafe_threshold:
            raise ValueError("uncertain_threshold must not exceed unsafe_threshold")
        return self


JudgeSettings = Annotated[
    LlamaGuardJudge | ModerationJudge | HttpJudge | LocalJudge, Field(discriminator="type")
]


class RedisQueueSettings(Strict):
    """Jobs in a Redis Stream with a consumer group: any replica, or `safeproxy worker`,
    takes them. At-least-once: a job is acknowledged only after its result is recorded,
    and a dead consumer's pending jobs are claimed again after `claim_idle_ms`."""

    url_env: EnvName = "REDIS_URL"
    stream: str = Field(default="safeproxy:deepchecks", min_length=1)
    group: str = Field(default="safeproxy", min_length=1)
    claim_idle_ms: int = Field(default=30_000, gt=0)
    # A job delivered this many times without success is recorded as failed and dropped.
    max_deliveries: int = Field(default=5, gt=0)
    # Whether the proxy's own processes consume jobs (else only `safeproxy worker` does).
    consume: bool = True
    timeout_ms: int = Field(default=200, gt=0)


class QueueSettings(Strict):
    """Where async deep checks wait. Full: the job is dropped and counted; a request
    never waits for the queue."""

    backend: Literal["memory", "redis"] = "memory"
    max_size: int = Field(default=1000, gt=0)
    workers: int = Field(default=4, gt=0, le=256)
    redis: RedisQueueSettings = RedisQueueSettings()


class DeepCheckSettings(Strict):
    judges: dict[Name, JudgeSettings] = {}
    queue: QueueSettings = QueueSettings()
