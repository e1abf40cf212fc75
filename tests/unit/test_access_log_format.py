"""Escaping in the access log and the decision headers; the switches behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeproxy.edge.decision_headers import DecisionHeaders
from safeproxy.exchange.state import Exchange
from safeproxy.settings.loading import ConfigError, load_settings
from safeproxy.telemetry.access_log import safe
from safeproxy.upstream.openai import Kind

MINIMAL = "upstreams: [{name: a, base_url: 'http://127.0.0.1:8000/'}]\nroutes: [{upstream: a}]\n"


@pytest.mark.parametrize(
    ("raw", "token"),
    [
        ("/v1/chat/completions", "/v1/chat/completions"),
        ("/v1/a\nforged=1", "/v1/a%0Aforged%3D1"),
        ("/v1/a\r\nb", "/v1/a%0D%0Ab"),
        ('/v1/"quoted" path', "/v1/%22quoted%22%20path"),
        ("/v1/\u00e9\u202e", "/v1/%C3%A9%E2%80%AE"),  # non-ASCII, a bidi override among it
        ("", "-"),
    ],
)
def test_client_text_becomes_one_safe_token(raw: str, token: str) -> None:
    assert safe(raw) == token


def test_a_long_path_is_cut() -> None:
    token = safe("/v1/" + "a" * 10_000)
    assert len(token) < 300 and token.endswith("...")


def test_the_switches_and_the_reserved_domain_option_load(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(MINIMAL)
    defaults = load_settings(path)
    assert defaults.telemetry.decision_headers.enabled is True
    assert defaults.telemetry.access_log.enabled is False
    env = {
        "SAFEPROXY_TELEMETRY__ACCESS_LOG__ENABLED": "true",
        "SAFEPROXY_TELEMETRY__DECISION_HEADERS__ENABLED": "false",
    }
    switched = load_settings(path, environ=env)
    assert switched.telemetry.access_log.enabled is True
    assert switched.telemetry.decision_headers.enabled is False
    path.write_text(
        MINIMAL + "policies:\n  default:\n    input:\n"
        "      - {type: pii, exempt_reserved_domains: sometimes}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "policies.default.input.0.pii.exempt_reserved_domains" in info.value.render()


def test_a_judges_category_cannot_break_the_findings_header() -> None:
    ex = Exchange(rid="r", kind=Kind.CHAT, started=0.0, outcome="blocked_input")
    headers = DecisionHeaders({}).final(
        ex, ("deep_check.violence", "deep_check.x\r\nSet-Cookie: a,b")
    )
    assert headers["X-Safeproxy-Findings"] == (
        "deep_check.violence,deep_check.x%0D%0ASet-Cookie:%20a%2Cb"
    )
    assert headers["X-Safeproxy-Decision"] == "blocked_input"
    assert DecisionHeaders({}, enabled=False).final(ex, ("deep_check.violence",)) == {}
