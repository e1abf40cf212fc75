"""Building a judge from its settings: the class by settings type, its API key, its client.

Configuration problems (an API key variable that is not set, the local classifier not
installed) are JudgeConfigError at build time, so a bad deployment fails at start-up and
not on the first sampled request.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import assert_never

from safeproxy.deepcheck.api import Judge
from safeproxy.deepcheck.judges.client import JsonClient
from safeproxy.deepcheck.judges.http_judge import Webhook
from safeproxy.deepcheck.judges.injection_judge import LocalInjection
from safeproxy.deepcheck.judges.llama_guard import LlamaGuard
from safeproxy.deepcheck.judges.local import CLASSIFIER_MODULE, LocalProfanity
from safeproxy.deepcheck.judges.moderation import Moderation
from safeproxy.deepcheck.settings import (
    HttpJudge,
    JudgeSettings,
    LlamaGuardJudge,
    LocalJudge,
    ModerationJudge,
)

LOCAL_JUDGE_HINT = "pip install 'safeproxy[local-judge]'"


class JudgeConfigError(ValueError):
    """A judge cannot be built from this configuration and environment."""


def api_key(name: str, env: str | None, environ: Mapping[str, str]) -> str | None:
    """The judge's API key from `environ[env]`; the message names the variable, never a value."""
    if env is None:
        return None
    key = environ.get(env, "")
    if not key:
        raise JudgeConfigError(f"judge {name!r}: environment variable {env} is not set")
    return key


def require_module(name: str, module: str) -> None:
    """Fail at build time, with the install hint, when an optional classifier is missing."""
    if importlib.util.find_spec(module) is None:
        raise JudgeConfigError(
            f"judge {name!r}: the {module!r} package is not installed ({LOCAL_JUDGE_HINT})"
        )


def build_judge(name: str, settings: JudgeSettings, environ: Mapping[str, str]) -> Judge:
    if isinstance(settings, LocalJudge) and settings.classifier == "injection":
        return LocalInjection(name, settings)
    if isinstance(settings, LocalJudge):
        require_module(name, CLASSIFIER_MODULE)
        return LocalProfanity(name, settings)
    client = JsonClient(
        timeout_ms=settings.timeout_ms,
        api_key=api_key(name, settings.api_key_env, environ),
        max_connections=settings.max_concurrency,
    )
    if isinstance(settings, LlamaGuardJudge):
        return LlamaGuard(name, settings, client)
    if isinstance(settings, ModerationJudge):
        return Moderation(name, settings, client)
    if isinstance(settings, HttpJudge):
        return Webhook(name, settings, client)
    assert_never(settings)
