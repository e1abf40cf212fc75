"""Loading a config file: YAML parsing, SAFEPROXY_* env overrides, errors with YAML paths."""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import yaml
from pydantic import ValidationError

from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, PolicyError, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.env import ENV_PREFIX, Overrides, apply_env_overrides
from safeproxy.settings.schema import Settings, cross_reference_errors


class ConfigError(Exception):
    """A config that cannot be used; `problems` holds (where, message) pairs, where `where` is
    a YAML path or, for a value an environment override set, the variable's name."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        # When every problem is an override's, the file is not what to fix.
        blamed = [where.startswith(ENV_PREFIX) for where, _ in problems]
        self.source = "environment" if blamed and all(blamed) else source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        if len(self.problems) == 1:  # one thing to fix: one line
            where, message = self.problems[0]
            return f"{self.source}: {where + ': ' if where else ''}{message}"
        lines = [f"{self.source}: invalid configuration"]
        lines += [f"  {path or '<root>'}: {message}" for path, message in self.problems]
        return "\n".join(lines)


def bundled_config(name: str) -> Path:
    """Path of a config file shipped inside the package (default.yaml, demo.yaml)."""
    return Path(str(importlib.resources.files("safeproxy") / "config" / name))


def load_settings(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    upstream_url: str | None = None,
    check_policies: bool = True,
) -> Settings:
    """Read, override and validate a config; raises ConfigError listing every problem.
    `check_policies=False`: the caller compiles the policies itself (a reload, once)."""
    path = path or bundled_config("default.yaml")
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(source, [("", f"cannot read file: {exc.strerror}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}: "
        raise ConfigError(source, [("", f"{where}not valid YAML")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [("", "the top level must be a mapping")])
    _canonical_base_urls(data)
    _anchor_files(data, path.parent)
    overrides = apply_env_overrides(data, environ or {})
    if overrides.ignored:
        logging.getLogger("safeproxy.config").info(
            "ignored %s: Kubernetes service-link variables, not config overrides",
            ", ".join(overrides.ignored),
        )
    problems = overrides.problems
    if upstream_url is not None:
        problems += _point_default_route(data, upstream_url)
    if problems:
        raise ConfigError(source, problems)
    try:
        return validate(data, source, check_policies=check_policies)
    except ConfigError as exc:
        raise ConfigError(source, _blame(exc.problems, overrides)) from None


def _blame(problems: list[tuple[str, str]], overrides: Overrides) -> list[tuple[str, str]]:
    """Name the variable, not the file, for a value that an override set."""
    named = []
    for path, message in problems:
        parts = tuple(path.split(".")) if path else ()
        owner = overrides.owner(parts)
        if owner is None:
            named.append((path, message))
        elif overrides.owners.get(parts) == owner:
            named.append((owner, message))
        else:
            named.append((owner, f"{message} (at {path})"))
    return named


def validate(
    data: dict[str, Any], source: str = "<config>", *, check_policies: bool = True
) -> Settings:
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, [_describe(err) for err in exc.errors()]) from None
    problems = cross_reference_errors(settings)
    if problems:
        raise ConfigError(source, problems)
    if not check_policies:
        return settings
    try:
        # Patterns and word files are checked by compiling them, exactly as serving will.
        compile_policies(
            settings.policies, Compiler(Normalizer(), Skeleton(skeleton_table()), None)
        )
    except PolicyError as exc:
        raise ConfigError(source, exc.problems) from None
    return settings


def environment_problems(settings: Settings, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """What serving this config needs from the environment and lacks: judge API keys, the
    admin token, the review store's DSN, the packages of optional extras (redis, postgres, the
    local classifier). (`validate`
    checks the file alone, so CI can check a policy without production secrets; `serve` and
    `worker` check these.)"""
    problems: list[tuple[str, str]] = []
    used = {c.judge for p in settings.policies.values() for c in p.deep_checks}
    for name, judge in settings.deep_checks.judges.items():
        if name not in used:
            continue
        where = f"deep_checks.judges.{name}"
        env = getattr(judge, "api_key_env", None)
        if env and not environ.get(env):
            problems.append((f"{where}.api_key_env", f"environment variable {env} is not set"))
        if judge.type == "local" and importlib.util.find_spec("profanity_check") is None:
            problems.append(
                (f"{where}.type", "the local judge needs: pip install 'safeproxy[local-judge]'")
            )
    for name, policy in settings.policies.items():
        for i, check in enumerate(policy.deep_checks):
            env = check.sample.salt_env
            if env and not environ.get(env):
                where = f"policies.{name}.deep_checks.{i}.sample.salt_env"
                problems.append((where, f"environment variable {env} is not set"))
    capture = settings.capture
    if capture.enabled:
        from safeproxy.capture.cipher import key_problem

        problem = key_problem(capture.key_env, environ)
        if problem is not None:
            problems.append(("capture.key_env", problem))
    admin = settings.admin
    if admin.enabled and admin.token_env and not environ.get(admin.token_env):
        problems.append(("admin.token_env", f"environment variable {admin.token_env} is not set"))
    problems += _review_store_problems(settings, environ)
    if importlib.util.find_spec("redis") is None:
        problems += [
            (where, "the redis backend needs: pip install 'safeproxy[redis]'")
            for where in redis_uses(settings)
        ]
    return problems


def _review_store_problems(settings: Settings, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """The PostgreSQL review store's DSN variable and driver (the admin listener serves the
    review queue too, so it opens the store even with review off)."""
    store = settings.review.store
    if store.backend != "postgres" or not (settings.review.enabled or settings.admin.enabled):
        return []
    problems = []
    if store.dsn_env and not environ.get(store.dsn_env):
        problems.append(
            ("review.store.dsn_env", f"environment variable {store.dsn_env} is not set")
        )
    if any(importlib.util.find_spec(m) is None for m in ("psycopg", "psycopg_pool")):
        needs = "the postgres backend needs: pip install 'safeproxy[postgres]'"
        problems.append(("review.store.backend", needs))
    return problems


def redis_uses(settings: Settings) -> list[str]:
    """The config paths that make serving need the optional `redis` package."""
    uses = []
    if settings.rate_limits.backend == "redis" and settings.rate_limits.rules:
        uses.append("rate_limits.backend")
    if settings.quarantine.enabled and settings.quarantine.backend == "redis":
        uses.append("quarantine.backend")
    if settings.deep_checks.queue.backend == "redis":
        uses.append("deep_checks.queue.backend")
    return uses


def _anchor_files(data: dict[str, Any], base: Path) -> None:
    """`words_file` paths are relative to the config file, wherever the proxy runs from."""
    policies = data.get("policies")
    if not isinstance(policies, dict):
        return
    for policy in policies.values():
        for stage in ("input", "output"):
            filters = policy.get(stage) if isinstance(policy, dict) else None
            for spec in filters if isinstance(filters, list) else ():
                name = spec.get("words_file") if isinstance(spec, dict) else None
                if isinstance(name, str) and not Path(name).is_absolute():
                    spec["words_file"] = str(base / name)


def config_version(settings: Settings) -> str:
    """Content hash of the effective config: the policy version stamped on decisions."""
    blob = orjson.dumps(settings.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()[:16]


def _describe(err: Any) -> tuple[str, str]:
    ctx = err.get("ctx") or {}
    if isinstance(ctx.get("yaml_path"), str):  # an error that knows its path better than loc
        return ctx["yaml_path"], str(ctx.get("message", err["msg"]))
    path = ".".join(str(part) for part in err["loc"])
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return path, msg[:1].lower() + msg[1:]


def _canonical_base_urls(data: dict[str, Any]) -> None:
    # Overrides address `base_urls`; rewrite the `base_url` shorthand first so they apply.
    for up in data.get("upstreams") or []:
        if isinstance(up, dict) and "base_url" in up and "base_urls" not in up:
            up["base_urls"] = [up.pop("base_url")]


def _point_default_route(data: dict[str, Any], url: str) -> list[tuple[str, str]]:
    """`serve --upstream URL`: the upstream of the catch-all route (or the first) becomes URL."""
    routes = data.get("routes")
    upstreams = data.get("upstreams")
    if not isinstance(routes, list) or not routes or not isinstance(upstreams, list):
        data["upstreams"] = [{"name": "default", "base_urls": [url]}]
        data["routes"] = [{"match": {"model": "*"}, "upstream": "default"}]
        return []
    target = next(
        (r for r in routes if isinstance(r, dict) and r.get("match", {}).get("model", "*") == "*"),
        routes[0],
    )
    name = target.get("upstream") if isinstance(target, dict) else None
    for up in upstreams:
        if isinstance(up, dict) and up.get("name") == name:
            up.pop("base_url", None)
            up["base_urls"] = [url]
            return []
    return [("routes", "--upstream: the default route names no configured upstream")]
