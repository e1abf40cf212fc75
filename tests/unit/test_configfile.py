"""Config loading: YAML paths in errors, env overrides, --upstream, version hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeproxy.settings.loading import ConfigError, config_version, load_settings, validate
from safeproxy.settings.policy import BlocklistFilter

MINIMAL = "upstreams: [{name: a, base_url: 'http://127.0.0.1:8000/'}]\nroutes: [{upstream: a}]\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return path


def test_defaults_and_trailing_slash(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, MINIMAL))
    assert s.server.port == 8080
    assert s.server.limits.max_body_bytes == 1_048_576
    assert s.upstreams[0].base_urls == ["http://127.0.0.1:8000"]
    assert s.routes[0].match.model == "*"


def test_env_overrides_nested_keys_and_list_items(tmp_path: Path) -> None:
    env = {
        "SAFEPROXY_SERVER__PORT": "9001",
        "SAFEPROXY_SERVER__LIMITS__MAX_BODY_BYTES": "2048",
        "SAFEPROXY_UPSTREAMS__0__BASE_URLS": "[http://127.0.0.1:9]",
        "OTHER": "ignored",
    }
    s = load_settings(write(tmp_path, MINIMAL), environ=env)
    assert s.server.port == 9001
    assert s.server.limits.max_body_bytes == 2048
    assert s.upstreams[0].base_urls == ["http://127.0.0.1:9"]


def test_env_override_errors_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, MINIMAL), environ={"SAFEPROXY_UPSTREAMS__5__NAME": "x"})
    assert "SAFEPROXY_UPSTREAMS__5__NAME: no list item upstreams.5" in info.value.render()
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, MINIMAL), environ={"SAFEPROXY_SERVER__PORT": "-1"})
    assert "SAFEPROXY_SERVER__PORT: input should be greater than or equal to 0" in (
        info.value.render()
    )


def test_upstream_flag_repoints_the_catch_all_route(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, MINIMAL), upstream_url="http://127.0.0.1:7777")
    assert s.upstreams[0].base_urls == ["http://127.0.0.1:7777"]
    bundled = load_settings(None, upstream_url="http://127.0.0.1:7777")
    assert bundled.upstreams[0].base_urls == ["http://127.0.0.1:7777"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"upstreams": [], "routes": [{"upstream": "a"}]}, "upstreams: list should have at least"),
        (
            {"upstreams": [{"name": "a", "base_url": "ftp://x"}], "routes": [{"upstream": "a"}]},
            "upstreams.0.base_urls.0: string should match pattern",
        ),
        (
            {
                "upstreams": [{"name": "a", "base_url": "http://x"}],
                "routes": [{"upstream": "a", "fallbacks": ["b"]}],
            },
            "routes.0.fallbacks.0.upstream: unknown upstream 'b'",
        ),
        (
            {
                "upstreams": [
                    {"name": "a", "base_url": "http://x"},
                    {"name": "a", "base_url": "http://y"},
                ],
                "routes": [{"upstream": "a"}],
            },
            "upstreams.1.name: duplicate upstream name 'a'",
        ),
        (
            {
                "upstreams": [{"name": "a", "base_url": "http://x"}],
                "routes": [{"upstream": "a", "match": {"modle": "x"}}],
            },
            "routes.0.match.modle: extra inputs are not permitted",
        ),
    ],
)
def test_errors_name_their_yaml_path(data: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate(data)
    assert expected in info.value.render()


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    a = load_settings(write(tmp_path, MINIMAL))
    b = load_settings(write(tmp_path, MINIMAL), environ={"SAFEPROXY_SERVER__PORT": "1"})
    assert config_version(a) == config_version(load_settings(write(tmp_path, MINIMAL)))
    assert config_version(a) != config_version(b)


def _with_policy(policy: dict[str, object]) -> dict[str, object]:
    return {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [{"upstream": "u", "policy": "p"}],
        "policies": {"p": policy},
    }


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            {"input": [{"type": "blocklist", "patterns": [{"regex": r"(a)\1"}]}]},
            "policies.p.input.0.patterns.0.regex: unsupported pattern",
        ),
        ({"input": [{"type": "pii", "entitys": ["email"]}]}, "policies.p.input.0.pii.entitys"),
        ({"input": [{"type": "nope"}]}, "policies.p.input.0"),
        ({"output": [{"type": "injection"}]}, "policies.p.output.0"),
        (
            {"input": [{"type": "blocklist", "words_file": "/nonexistent/words.txt"}]},
            "policies.p.input.0.words_file: cannot read",
        ),
        (
            {"input": [{"type": "pii"}, {"type": "pii"}]},
            "policies.p.input.1.name: duplicate filter name 'pii'",
        ),
        ({"input": [{"type": "pii", "redaction": "hash"}]}, "policies.p: redaction: hash needs"),
    ],
)
def test_policy_errors_name_their_yaml_path(policy: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate(_with_policy(policy))
    assert expected in info.value.render()


def test_unknown_policy_on_a_route_and_relative_words_files(tmp_path: Path) -> None:
    data = _with_policy({})
    data["routes"] = [{"upstream": "u", "policy": "missing"}]
    with pytest.raises(ConfigError) as info:
        validate(data)
    assert "routes.0.policy: unknown policy 'missing'" in info.value.render()
    (tmp_path / "words.txt").write_text("# comment\nsecret project\n")
    path = write(
        tmp_path,
        "upstreams: [{name: u, base_url: 'http://127.0.0.1:9'}]\n"
        "routes: [{upstream: u, policy: p}]\n"
        "policies: {p: {input: [{type: blocklist, words_file: words.txt}]}}\n",
    )
    spec = load_settings(path).policies["p"].input[0]
    assert isinstance(spec, BlocklistFilter) and spec.words_file == str(tmp_path / "words.txt")


def test_secret_variables_may_not_use_the_override_prefix() -> None:
    # A secret in SAFEPROXY_* would be read as a config override (and refused as an unknown
    # key), so naming one there is a config error, with its path.
    data = {
        "upstreams": [
            {"name": "u", "base_url": "http://127.0.0.1:1", "api_key_env": "SAFEPROXY_K"}
        ],
        "routes": [{"upstream": "u"}],
        "rate_limits": {"redis": {"url_env": "SAFEPROXY_REDIS_URL"}},
    }
    with pytest.raises(ConfigError) as err:
        validate(data)
    text = str(err.value)
    assert "upstreams.0.api_key_env" in text and "rate_limits.redis.url_env" in text


def test_a_request_bucket_smaller_than_one_request_is_refused() -> None:
    base = {"upstreams": [{"name": "u", "base_url": "http://127.0.0.1:1"}],
            "routes": [{"upstream": "u"}]}  # fmt: skip
    with pytest.raises(ConfigError, match="burst below 1"):
        validate({**base, "rate_limits": {"rules": [
            {"name": "r", "requests": {"per_second": 2, "burst": 0.5}}]}})  # fmt: skip
    # Without a burst, a slow rate still admits one request at a time.
    ok = validate({**base, "rate_limits": {"rules": [
        {"name": "r", "requests": {"per_second": 0.5}}]}})  # fmt: skip
    assert ok.rate_limits.rules[0].requests is not None
    assert ok.rate_limits.rules[0].requests.size == 1.0


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "config" / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_configs_are_valid(path: Path) -> None:
    settings = load_settings(path, environ={})
    assert settings.policies


def test_serving_needs_the_variables_the_config_names(tmp_path: Path) -> None:
    from safeproxy.settings.loading import environment_problems

    [example] = [p for p in EXAMPLES if p.name == "deep-checks.yaml"]
    settings = load_settings(example, environ={})
    assert environment_problems(settings, {}) == [
        (
            "policies.default.deep_checks.0.sample.salt_env",
            "environment variable SAMPLE_SALT is not set",
        ),
        ("admin.token_env", "environment variable REVIEW_ADMIN_TOKEN is not set"),
    ]
    env = {"REVIEW_ADMIN_TOKEN": "t", "SAMPLE_SALT": "s"}
    assert environment_problems(settings, env) == []
    keyed = settings.model_copy(
        update={
            "deep_checks": settings.deep_checks.model_copy(
                update={
                    "judges": {
                        "guard": settings.deep_checks.judges["guard"].model_copy(
                            update={"api_key_env": "GUARD_KEY"}
                        )
                    }
                }
            )
        }
    )
    assert (
        "deep_checks.judges.guard.api_key_env",
        "environment variable GUARD_KEY is not set",
    ) in (environment_problems(keyed, {"REVIEW_ADMIN_TOKEN": "t"}))
