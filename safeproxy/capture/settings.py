"""The `capture` section of the config: opt-in, encrypted capture of request texts for replay."""

from __future__ import annotations

from pydantic import Field, model_validator

from safeproxy.settings.policy import EnvName
from safeproxy.settings.types import PositiveSeconds, Strict


class CaptureSettings(Strict):
    """Keep what the model read (each text of the request, before any redaction) and, with
    `output`, what it wrote (before output filtering), so `safeproxy replay --capture` can
    re-scan it with a candidate policy. Encrypted at rest (Fernet: AES-128-CBC and
    HMAC-SHA256) with the key in the variable `key_env`; never auth headers. Retention: a
    record is removed once older than `max_age_s`, and the oldest records go once the files
    pass `max_bytes` (enforced as records are written and at start, a segment at a time)."""

    enabled: bool = False
    path: str | None = None  # a directory; required when enabled
    key_env: EnvName = "SAFEPROXY_CAPTURE_KEY"
    output: bool = True  # also the reply's text, as the upstream sent it
    max_age_s: PositiveSeconds = 7 * 86400.0
    max_bytes: int = Field(default=1 << 30, gt=0)  # per process (`--workers N`: each)
    # A segment (one file) is closed at this size or after an eighth of max_age_s, so
    # retention never keeps an expired record longer than that share of the limit.
    segment_bytes: int = Field(default=16 << 20, gt=0)

    @model_validator(mode="after")
    def _needs_path(self) -> CaptureSettings:
        if self.enabled and not self.path:
            raise ValueError("an enabled capture needs `path` (a directory)")
        return self
