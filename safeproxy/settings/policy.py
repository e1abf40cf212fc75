"""The policy schema: filter chains per direction, one pydantic model per filter type.

A policy's `input` and `output` lists are discriminated unions on `type`, with unknown
keys forbidden, so a typo or a bad pattern fails at load time with its YAML path
(`policies.default.output.1.words_file`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


def _not_an_override(name: str) -> str:
    if name.startswith("SAFEPROXY_"):
        raise ValueError("SAFEPROXY_* variables are config overrides; name another variable")
    return name


# The name of an environment variable that holds a secret (never the secret itself). Not
# SAFEPROXY_*: that prefix is read as config overrides, so the secret would be taken for one.
EnvName = Annotated[
    str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"), AfterValidator(_not_an_override)
]

PiiEntity = Literal[
    "email", "phone", "credit_card", "ssn", "iban", "ipv4", "ipv6",
    # National identity numbers (filters/national_ids.py).
    "uk_nino", "es_dni", "br_cpf", "br_cnpj", "in_aadhaar", "in_pan", "ca_sin", "nl_bsn", "fr_nir",
    # Any identity number after the name of its document, and dates of birth
    # (filters/id_documents.py).
    "id_document", "birth_date",
]  # fmt: skip
SecretKind = Literal[
    "aws_access_key",
    "aws_secret_key",
    "github_token",
    "slack_token",
    "stripe_key",
    "google_api_key",
    "openai_key",
    "jwt",
    "private_key",
    "keyword_value",
    "url_credentials",
    "bearer_token",
    "connection_string",
    "webhook_token",
    "url_token",
    "url_user_token",
    "random_token",
    "prefixed_token",
    "cli_credential",
    "detect_secrets",
    "wallet",
]
DEFAULT_PII: tuple[PiiEntity, ...] = ("email", "phone", "credit_card", "ssn", "iban")
ALL_SECRETS: tuple[SecretKind, ...] = SecretKind.__args__  # type: ignore[attr-defined]
FilterName = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Filter(_Strict):
    """What every filter has, whatever it detects."""

    # The metric label and the `filter` of each finding; defaults to the type.
    name: FilterName | None = None
    mode: Literal["enforce", "shadow"] = "enforce"
    # A filter that raises or overruns its budget fails closed (blocks) or open (lets the
    # text through); either way the request's decision records it.
    on_error: Literal["closed", "open"] = "closed"
    # Per 64 KiB of text (a long document gets a proportionally longer budget).
    budget_ms: float = Field(default=50.0, gt=0)
    # A baseline filter cannot be dropped or weakened by a policy that extends this one,
    # nor by a route's or tenant's policy below it (settings/baseline.py says what "weaker" is).
    baseline: bool = False


class _Redacting(_Filter):
    action: Literal["block", "redact", "flag"] = "redact"
    # placeholder: [REDACTED:EMAIL]; mask: the value's characters as '*'; hash: a salted,
    # truncated sha256 ([EMAIL:3f9a0c1b]) so equal values stay joinable in logs; remove:
    # nothing (for what no reader sees, such as a payload hidden in invisible characters).
    redaction: Literal["placeholder", "mask", "hash", "remove"] = "placeholder"


# The most-used regions (by population and by traffic): national numbers (no +country code)
# of these are phones when libphonenumber says valid and they are grouped as there.
DEFAULT_PHONE_REGIONS = (
    "US", "CA", "GB", "IE", "DE", "FR", "IT", "ES", "PT", "NL", "BE", "CH", "AT", "SE", "NO",
    "DK", "FI", "PL", "CZ", "GR", "RO", "HU", "TR", "RU", "UA", "IL", "AE", "SA", "EG", "ZA",
    "NG", "KE", "IN", "PK", "BD", "ID", "PH", "VN", "TH", "MY", "SG", "HK", "TW", "CN", "JP",
    "KR", "AU", "NZ", "BR", "MX", "AR", "CL", "CO", "PE",
)  # fmt: skip


def _phone_regions(regions: list[str]) -> list[str]:
    import phonenumbers  # only to check the names; the detector reads its metadata

    unknown = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise ValueError(f"unknown phone regions {unknown} (ISO 3166 alpha-2, upper case)")
    return regions


class PiiFilter(_Redacting):
    type: Literal["pii"]
    entities: list[PiiEntity] = Field(default=list(DEFAULT_PII), min_length=1)
    # Region for phone numbers written without a +country code.
    default_region: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    # Further regions whose national numbers (no +country code) count, tried after
    # `default_region`: valid there per libphonenumber and written in that region's groups
    # ("030 12345678", "06 12 34 56 78"); a bare digit run still needs a context word.
    phone_regions: Annotated[list[str], AfterValidator(_phone_regions)] = Field(
        default=list(DEFAULT_PHONE_REGIONS)
    )
    # Addresses at the reserved documentation domains (RFC 2606 / 6761: example.com, .org,
    # .net, and anything under .example, .test, .invalid, .localhost) are no finding: docs,
    # tests and code samples are full of them. `false` redacts or blocks them like any other.
    exempt_reserved_domains: bool = True


class HiddenPayloadFilter(_Redacting):
    """Runs of variation selectors or tag characters that encode bytes (filters/carriers.py):
    invisible to a reader, read by a model. Stripped by default; `action: block` refuses."""

    type: Literal["hidden_payload"]
    redaction: Literal["placeholder", "mask", "hash", "remove"] = "remove"


class SecretsFilter(_Redacting):
    type: Literal["secrets"]
    kinds: list[SecretKind] = Field(default=list(ALL_SECRETS), min_length=1)
    action: Literal["block", "redact", "flag"] = "block"


class InjectionClassifier(_Strict):
    """The learned classifier (filters/injection_model.py): `weight` x its probability adds
    to the phrase score. It runs only on texts where a cue word or a phrase was found and the
    phrases alone fall short of the threshold."""

    enabled: bool = True
    # The shipped model puts p = 0.5 at a 1 % false-positive rate: 2.0 makes that a block
    # alone at the default threshold.
    weight: float = Field(default=2.0, gt=0, le=10)


class InjectionFilter(_Filter):
    type: Literal["injection"]
    action: Literal["block", "flag"] = "block"
    # Family weights add up per text; at or above this the text is an injection.
    threshold: float = Field(default=1.0, gt=0)
    # Off unless configured; `classifier: {}` turns it on with its defaults.
    classifier: InjectionClassifier | None = None


class BlocklistPattern(_Strict):
    """A user regex: Hyperscan syntax (no backreferences or lookaround), run caselessly on
    the normalised text. `max_len` bounds a match (and the stream hold-back)."""

    regex: str = Field(min_length=1, max_length=1024)
    max_len: int = Field(default=64, gt=0, le=4096)
    label: FilterName = "pattern"


class BlocklistFilter(_Redacting):
    """Words and phrases match whole words on the confusables skeleton, caselessly."""

    type: Literal["blocklist"]
    action: Literal["block", "redact", "flag"] = "block"
    words: list[Annotated[str, Field(min_length=1, max_length=256)]] = []
    # One word or phrase per line; `#` starts a comment. Relative to the config file.
    words_file: str | None = None
    patterns: list[BlocklistPattern] = []

    @model_validator(mode="after")
    def _something(self) -> BlocklistFilter:
        if not (self.words or self.words_file or self.patterns):
            raise ValueError("a blocklist needs words, words_file or patterns")
        return self


class LimitsFilter(_Filter):
    """Request-shape limits, checked on input only, before any pattern runs."""

    type: Literal["limits"]
    max_prompt_chars: int | None = Field(default=None, gt=0)
    max_messages: int | None = Field(default=None, gt=0)
    # `max_tokens` / `max_completion_tokens` above this are clamped to it, or rejected.
    max_tokens: int | None = Field(default=None, gt=0)
    on_max_tokens: Literal["clamp", "reject"] = "clamp"
    # Model-name globs a client may ask for; None allows any model a route matches.
    models: list[str] | None = None


FilterSettings = Annotated[
    PiiFilter
    | SecretsFilter
    | InjectionFilter
    | BlocklistFilter
    | LimitsFilter
    | HiddenPayloadFilter,
    Field(discriminator="type"),
]
OutputFilterSettings = Annotated[
    PiiFilter | SecretsFilter | BlocklistFilter | HiddenPayloadFilter, Field(discriminator="type")
]


class StreamSettings(_Strict):
    """How output filters treat streamed replies (DESIGN §5)."""

    # Released text kept for matching, so a value is still tied to the keyword before it.
    context_chars: int = Field(default=64, ge=1, le=4096)
    # Held text beyond this is settled early: `block` ends the stream, `release` checks
    # what it has, lets it go and records the overflow.
    max_pending_chars: int = Field(default=8192, ge=256)
    on_overflow: Literal["block", "release"] = "block"
    # A block mid-stream ends with finish_reason "content_filter" then [DONE] (`finish`),
    # or with an in-band `data: {"error": ...}` event (`error_event`).
    block_style: Literal["finish", "error_event"] = "finish"


DecoderName = Literal[
    "base64", "hex", "binary", "base32", "morse", "percent", "qp", "escapes", "entities",
    "rot13", "reversed", "flipped", "spaced", "numwords", "carriers", "concat", "digitlike",
]  # fmt: skip
ALL_DECODERS: tuple[DecoderName, ...] = (
    "base64", "hex", "binary", "base32", "morse", "percent", "qp", "escapes", "entities",
    "rot13", "reversed", "flipped", "spaced", "numwords", "carriers", "concat", "digitlike",
)  # fmt: skip


class ViewSettings(_Strict):
    """Decoded views (filters/views.py): the filters read what encoded text decodes to."""

    decoders: list[DecoderName] = list(ALL_DECODERS)
    # Decoded characters per scanned text, at most; past it the text is read as written.
    max_decoded_chars: int = Field(default=65536, ge=0, le=1 << 22)
    # Encodings inside encodings (base64 of hex) are decoded this deep.
    depth: int = Field(default=2, ge=1, le=4)


SamplingSignal = Literal["flagged", "near_threshold", "quarantined", "new_identity"]


class Sampling(_Strict):
    """Which requests a deep check looks at.

    The choice is deterministic: a keyed hash of the request id against the rate (for an
    id the client chose, of that id and the request's text), so a replay makes the same
    choice. Risk signals in `always_if` select a
    request whatever the rate: `flagged` (a fast filter found something, shadow filters
    included), `near_threshold` (an injection score short of its threshold),
    `quarantined` (a client under quarantine), `new_identity` (an identity this process
    has not seen in `new_identity_s`). `max_per_minute` caps checks, risk-selected ones
    included: past it a check is skipped and counted (`budget`), bounding cost.
    """

    rate: float = Field(default=0.0, ge=0, le=1)
    always_if: list[SamplingSignal] = ["flagged"]
    # Per-tenant rates (tenant names from auth.keys) instead of `rate`.
    tenants: dict[str, Annotated[float, Field(ge=0, le=1)]] = {}
    max_per_minute: int | None = Field(default=None, gt=0)
    new_identity_s: float = Field(default=86_400.0, gt=0)
    # Environment variable with the sampling key, shared by every replica so they (and a
    # replay) draw alike; unset, each process draws with its own random key.
    salt_env: EnvName | None = None


class DeepCheck(_Strict):
    """One sampled deep check of a policy: a judge (under `deep_checks.judges`) applied to
    the input, the output or both, synchronously or off the request path."""

    # The metric label `check`; defaults to the judge's name.
    name: FilterName | None = None
    judge: FilterName
    stage: Literal["input", "output", "both"] = "input"
    # sync: input is judged before the upstream call, output before the reply is sent
    # (streams: see `stream`). async: after the response, through the bounded queue.
    mode: Literal["sync", "async"] = "async"
    # sync only: past this the check's judge `on_error` decides, and the request goes on.
    latency_budget_ms: int = Field(default=500, gt=0)
    # Streamed replies under a sync output check: `end` judges the whole text when the
    # stream ends (before its last held text and [DONE] go out); `every_chars` also holds
    # the released text back in steps of `every_chars` until each step is judged.
    stream: Literal["end", "every_chars"] = "end"
    every_chars: int = Field(default=2000, ge=64)
    sample: Sampling = Sampling()
    # What an `unsafe` verdict does in sync mode: block, or only record (`flag`).
    action: Literal["block", "flag"] = "block"

    @property
    def label(self) -> str:
        return self.name or self.judge


class PolicySettings(_Strict):
    """Filters for what the model sees (`input`) and what the client gets (`output`).

    `extends: <policy>` starts from that policy's filters (inheritance.py): a filter of the
    same name replaces the inherited one in place, others are appended; `stream`, `views`,
    `deep_checks` and `hash_salt_env` are inherited unless given. `baseline: true` makes
    every filter of the policy a baseline filter.
    """

    extends: FilterName | None = None
    baseline: bool = False
    input: list[FilterSettings] = []
    output: list[OutputFilterSettings] = []
    stream: StreamSettings = StreamSettings()
    views: ViewSettings = ViewSettings()
    deep_checks: list[DeepCheck] = []
    # Environment variable holding the salt for `redaction: hash` (required when used).
    hash_salt_env: EnvName | None = None

    @model_validator(mode="after")
    def _hash_needs_salt(self) -> PolicySettings:
        hashing = any(getattr(f, "redaction", None) == "hash" for f in [*self.input, *self.output])
        if hashing and not self.hash_salt_env:
            raise ValueError("redaction: hash needs hash_salt_env (the salt is never in config)")
        labels = [c.label for c in self.deep_checks]
        if len(labels) != len(set(labels)):
            raise ValueError(
                "deep_checks need distinct names (a check's name defaults to its judge)"
            )
        return self
