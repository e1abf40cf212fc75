"""The `review` and `admin` sections of the config: the review queue and its listener."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from safeproxy.settings.policy import EnvName
from safeproxy.settings.types import Name, Strict


class ReviewStoreSettings(Strict):
    """Where the queue lives. `sqlite` (the default): the file at `review.path`, one per
    replica. `postgres`: one database shared by every replica; its libpq DSN (URI or
    key=value, password included) is read from the variable `dsn_env`, never from the YAML.
    `pool_max` connections per process; `timeout_s` bounds a connection attempt and the wait
    for a pooled connection, so an unreachable server fails an operation quickly."""

    backend: Literal["sqlite", "postgres"] = "sqlite"
    dsn_env: EnvName | None = None
    pool_max: int = Field(default=4, ge=1, le=64)
    timeout_s: float = Field(default=5.0, gt=0, le=60)

    @model_validator(mode="after")
    def _dsn(self) -> ReviewStoreSettings:
        if self.backend == "postgres" and self.dsn_env is None:
            raise ValueError("the postgres backend needs dsn_env (the variable holding its DSN)")
        return self


class ReviewSettings(Strict):
    """Items a person should look at: deep-check `unsafe` and `uncertain` verdicts,
    shadow-mode hits, and a random sample of allowed traffic (for the false-negative rate).

    `content`: what text an item keeps. `redacted` (the default) keeps the text as the
    model saw it and the client got it, after redaction; `none` keeps no text. The text
    before redaction is never kept: it is exactly what the filters took out.
    """

    enabled: bool = False
    store: ReviewStoreSettings = ReviewStoreSettings()
    path: str = "safeproxy-review.sqlite3"  # the sqlite backend's file
    content: Literal["redacted", "none"] = "redacted"
    # Share of allowed (unflagged) requests queued for audit, deterministic per request id.
    sample_allowed: float = Field(default=0.0, ge=0, le=1)
    shadow_hits: bool = True
    # Items kept; past this the oldest labelled items go first, then the oldest.
    max_items: int = Field(default=1_000_000, gt=0)
    max_text_chars: int = Field(default=32_768, gt=0)


class AdminToken(Strict):
    """An admin credential, stored as the hex SHA-256 of the token (never the token); its
    name goes into the audit record of every call made with it."""

    name: Name
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class AdminSettings(Strict):
    """The admin listener: a separate port (keep it off the public network) whose every
    endpoint needs `Authorization: Bearer <token>`: one of `tokens`, or the token read from
    `token_env` (named `token_env` in audit records)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9090, ge=0, le=65535)
    token_env: EnvName | None = None
    tokens: list[AdminToken] = []
    # The console's decisions page links a traced request here: `{trace_id}` is replaced by
    # its 32-hex-digit trace id (e.g. http://127.0.0.1:16686/trace/{trace_id} for Jaeger).
    trace_url: (
        Annotated[str, Field(pattern=r"^https?://[^\s]*\{trace_id\}[^\s]*$", max_length=500)] | None
    ) = None

    @model_validator(mode="after")
    def _token(self) -> AdminSettings:
        if self.enabled and self.token_env is None and not self.tokens:
            raise ValueError(
                "the admin listener needs tokens (SHA-256 of each) or token_env (the "
                "variable holding its token)"
            )
        names = [t.name for t in self.tokens]
        if len(names) != len(set(names)):
            raise ValueError("admin token names must be unique")
        return self
