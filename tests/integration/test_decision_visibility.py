"""What the proxy did, where the user sees it: the decision headers on each reply (the OpenAI
SDK reads them) and the access-log line, on the real proxy with the mock model on loopback.

Access-log lines are read after the stack stops: shutdown waits for every handler, and a
client can see a stream's end before its handler has recorded the decision.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openai
import pytest

from safeproxy.app import COMPONENTS
from tests.support import Stack, base_config

EMAIL = "jane.doe@acme-corp.io"
CARD = "4111 1111 1111 1111"
SECRET = "AKIAIOSFODNN7EXAMPLE"
PROMPT_WORD = "marmalade"  # a word only the prompts use: it must never reach a header or log
POLICY: dict[str, Any] = {
    "input": [
        {"type": "pii", "action": "redact"},
        {"type": "secrets", "action": "block"},
        {"type": "injection", "action": "block"},
        {"type": "blocklist", "name": "trial", "words": ["pineapple"], "mode": "shadow"},
    ],
    "output": [
        {"type": "pii", "action": "redact"},
        {"type": "blocklist", "words": ["forbiddenword"], "action": "block"},
    ],
}
DECISION_HEADERS = (
    "x-safeproxy-decision",
    "x-safeproxy-findings",
    "x-safeproxy-policy-version",
    "x-safeproxy-policy",
    "x-safeproxy-decision-stage",
)


def config(
    *,
    headers: bool = True,
    access_log: bool = True,
    pii: dict[str, Any] | None = None,
    **extra: Any,
) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls, limits={"max_body_bytes": 4096})
        policy = json.loads(json.dumps(POLICY))
        if pii is not None:
            policy["input"][0].update(pii)
        cfg["policies"] = {"default": policy}
        cfg["routes"][0]["policy"] = "default"
        cfg["telemetry"] = {
            "decision_headers": {"enabled": headers},
            "access_log": {"enabled": access_log},
        }
        cfg.update(extra)
        return cfg

    return build


def sdk(stack: Stack) -> openai.OpenAI:
    client = openai.OpenAI(base_url=stack.url + "/v1", api_key="sk-tenant-a", max_retries=0)
    stack.on_exit(client.close)
    return client


def user(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


def version(stack: Stack) -> str:
    return stack.proxy_runner.app[COMPONENTS].policies["default"].version


def sent_upstream(stack: Stack) -> str:
    return stack.mocks[0].received[-1].body.decode()


Lines = Callable[[], list[str]]


@pytest.fixture
def access_log(caplog: pytest.LogCaptureFixture) -> Iterator[Lines]:
    """The access-log messages so far (call it after the stack stopped)."""
    with caplog.at_level(logging.INFO, logger="safeproxy.access"):
        yield lambda: [r.getMessage() for r in caplog.records if r.name == "safeproxy.access"]


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    """Headers on, access log on: shared by the tests that only read replies."""
    with Stack(config()) as s:
        yield s


def line_of(lines: list[str], rid: str) -> dict[str, str]:
    """The access-log line of one request, as its key=value pairs."""
    (line,) = [x for x in lines if x.endswith(f"request_id={rid}")]
    assert "\n" not in line
    return dict(pair.split("=", 1) for pair in line.split(" "))


def test_a_redacted_reply_names_the_decision_and_the_finding_types(stack: Stack) -> None:
    raw = sdk(stack).chat.completions.with_raw_response.create(
        model="m", messages=user(f"{PROMPT_WORD}: mail {EMAIL}, card {CARD}")
    )
    raw.parse()
    assert raw.headers["x-safeproxy-decision"] == "redacted"
    assert raw.headers["x-safeproxy-findings"] == "pii.credit_card,pii.email"
    assert raw.headers["x-safeproxy-policy-version"] == version(stack)
    assert raw.headers["x-safeproxy-decision-stage"] == "final"
    assert EMAIL not in sent_upstream(stack)
    names = " ".join(f"{k}: {v}" for k, v in raw.headers.items())
    for value in (EMAIL, CARD, PROMPT_WORD):
        assert value not in names


def test_an_allowed_reply_says_so_and_names_no_findings(stack: Stack) -> None:
    raw = sdk(stack).chat.completions.with_raw_response.create(
        model="m", messages=user("hello"), extra_body={"mock": {"reply": "fine"}}
    )
    assert raw.parse().choices[0].message.content == "fine"
    assert raw.headers["x-safeproxy-decision"] == "allowed"
    assert "x-safeproxy-findings" not in raw.headers
    assert raw.headers["x-safeproxy-policy-version"] == version(stack)


def test_blocked_requests_and_replies_carry_the_decision_on_their_error(stack: Stack) -> None:
    client = sdk(stack)
    with pytest.raises(openai.BadRequestError) as secret:
        client.chat.completions.create(model="m", messages=user(f"key {SECRET}"))
    headers = secret.value.response.headers
    assert headers["x-safeproxy-decision"] == "blocked_input"
    assert headers["x-safeproxy-findings"] == "secret.aws_access_key"
    assert headers["x-safeproxy-policy-version"] == version(stack)
    assert SECRET not in " ".join(headers.values())
    with pytest.raises(openai.BadRequestError) as output:
        client.chat.completions.create(
            model="m", messages=user("hi"), extra_body={"mock": {"reply": "a forbiddenword"}}
        )
    headers = output.value.response.headers
    assert headers["x-safeproxy-decision"] == "blocked_output"
    assert headers["x-safeproxy-findings"] == "blocklist.word"
    assert headers["x-safeproxy-decision-stage"] == "final"


def test_the_proxys_own_errors_carry_the_decision_where_one_exists(stack: Stack) -> None:
    too_big = httpx.post(
        stack.url + "/v1/chat/completions",
        json={"model": "m", "messages": user("x" * 8000)},
    )
    assert too_big.status_code == 413
    assert too_big.headers["x-safeproxy-decision"] == "invalid_request"
    # No route was chosen before the body was refused: no policy decided anything.
    assert "x-safeproxy-policy-version" not in too_big.headers
    # An unknown path is answered before any decision exists.
    lost = httpx.get(stack.url + "/nowhere")
    assert lost.status_code == 404
    assert "x-safeproxy-decision" not in lost.headers


def test_a_rate_limited_request_carries_its_decision() -> None:
    limits = {"rules": [{"name": "rpm", "requests": {"per_minute": 1}}]}
    with Stack(config(rate_limits=limits)) as stack:
        client = sdk(stack)
        client.chat.completions.create(model="m", messages=user("one"))
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model="m", messages=user("two"))
        headers = limited.value.response.headers
        assert headers["x-safeproxy-decision"] == "rate_limited"
        assert headers["x-safeproxy-policy-version"] == version(stack)
        assert "retry-after" in headers


def test_a_stream_carries_the_input_decision_and_the_log_the_final_one(
    access_log: Lines,
) -> None:
    with Stack(config()) as stack:
        client = sdk(stack)
        with client.chat.completions.with_streaming_response.create(
            model="m",
            messages=user(f"{PROMPT_WORD} hi"),
            stream=True,
            extra_body={"mock": {"reply": f"write to {EMAIL} today", "chunks": 5}},
        ) as clean_input:
            text = "".join(
                c.choices[0].delta.content or "" for c in clean_input.parse() if c.choices
            )
            headers = clean_input.headers
        assert EMAIL not in text and "[REDACTED:EMAIL]" in text
        # Sent before the reply was read: the input stage's decision, and it says so.
        assert headers["x-safeproxy-decision"] == "allowed"
        assert headers["x-safeproxy-decision-stage"] == "input"
        assert "x-safeproxy-findings" not in headers
        clean_rid = headers["x-request-id"]
        with client.chat.completions.with_streaming_response.create(
            model="m", messages=user(f"mail {EMAIL}"), stream=True
        ) as redacted_input:
            list(redacted_input.parse())
            headers = redacted_input.headers
        assert headers["x-safeproxy-decision"] == "redacted"
        assert headers["x-safeproxy-findings"] == "pii.email"
        assert headers["x-safeproxy-decision-stage"] == "input"
        assert headers["x-safeproxy-policy-version"] == version(stack)
    final = line_of(access_log(), clean_rid)
    assert final["decision"] == "redacted"
    assert final["findings"] == "pii.email"
    assert final["stream"] == "true"


def test_the_headers_can_be_switched_off_and_an_upstream_cannot_forge_them() -> None:
    forged = {"headers": {"X-Safeproxy-Decision": "allowed", "X-Safeproxy-Findings": "none",
                          "X-Safeproxy-Policy": "lenient@0"}}  # fmt: skip
    with Stack(config(headers=False)) as stack:
        client = sdk(stack)
        raw = client.chat.completions.with_raw_response.create(
            model="m", messages=user(f"mail {EMAIL}"), extra_body={"mock": forged}
        )
        raw.parse()
        with pytest.raises(openai.BadRequestError) as blocked:
            client.chat.completions.create(model="m", messages=user(f"key {SECRET}"))
        for headers in (raw.headers, blocked.value.response.headers):
            assert not [h for h in DECISION_HEADERS if h in headers]
    with Stack(config()) as stack:
        raw = sdk(stack).chat.completions.with_raw_response.create(
            model="m", messages=user(f"mail {EMAIL}"), extra_body={"mock": forged}
        )
        raw.parse()
        assert raw.headers.get_list("x-safeproxy-decision") == ["redacted"]
        assert raw.headers.get_list("x-safeproxy-findings") == ["pii.email"]
        assert raw.headers.get_list("x-safeproxy-policy") == [f"default@{version(stack)}"]


def test_the_access_log_has_one_line_per_request_and_never_the_text(
    access_log: Lines,
) -> None:
    rids: dict[str, str] = {}
    with Stack(config()) as stack:
        client = sdk(stack)
        raw = client.chat.completions.with_raw_response.create(
            model="m", messages=user(f"{PROMPT_WORD}: mail {EMAIL}, card {CARD}")
        )
        raw.parse()
        rids["redacted"] = raw.headers["x-request-id"]
        with pytest.raises(openai.BadRequestError) as blocked:
            client.chat.completions.create(model="m", messages=user(f"{PROMPT_WORD} {SECRET}"))
        rids["blocked"] = blocked.value.response.headers["x-request-id"]
        # A path is client input: quotes, spaces and `=` must not forge keys or split lines.
        odd = httpx.post(
            stack.url + '/v1/a b"c=d/\u00e9',
            json={"model": "m", "input": PROMPT_WORD},
            headers={"X-Request-ID": "client-chosen.1"},
        )
        assert odd.status_code == 404
        pol = version(stack)
    access_lines = access_log()
    assert len(access_lines) == 3
    text = "\n".join(access_lines)
    for value in (EMAIL, CARD, SECRET, PROMPT_WORD, "sk-tenant-a"):
        assert value not in text
    red = line_of(access_lines, rids["redacted"])
    assert red["method"] == "POST" and red["path"] == "/v1/chat/completions"
    assert red["status"] == "200" and red["decision"] == "redacted"
    assert red["findings"] == "pii.credit_card,pii.email"
    assert red["policy"] == "default" and red["policy_version"] == pol
    assert float(red["upstream_ms"]) >= 0 and float(red["overhead_ms"]) >= 0
    block = line_of(access_lines, rids["blocked"])
    assert block["status"] == "400" and block["decision"] == "blocked_input"
    assert block["findings"] == "secret.aws_access_key"
    assert block["upstream_ms"] == "-"  # refused before any upstream call
    other = line_of(access_lines, "client-chosen.1")
    assert other["path"] == "/v1/a%20b%22c%3Dd/%C3%A9"
    assert other["status"] == "404" and other["decision"] == "invalid_request"


def test_shadow_findings_stay_out_of_the_headers_and_in_the_log(
    stack: Stack, access_log: Lines
) -> None:
    raw = sdk(stack).chat.completions.with_raw_response.create(
        model="m", messages=user("a pineapple, please")
    )
    raw.parse()
    # A non-streamed reply's line is written before its reply leaves.
    line = line_of(access_log(), raw.headers["x-request-id"])
    assert raw.headers["x-safeproxy-decision"] == "allowed"
    assert "x-safeproxy-findings" not in raw.headers
    assert line["decision"] == "allowed"
    assert line["findings"] == "-" and line["shadow"] == "blocklist.word"


def test_the_access_log_is_off_unless_enabled(access_log: Lines) -> None:
    with Stack(config(access_log=False)) as stack:
        sdk(stack).chat.completions.create(model="m", messages=user(f"mail {EMAIL}"))
    assert access_log() == []


RESERVED = ("jane.doe@example.com", "ops@build.test", "jane (at) example (dot) com")


def test_reserved_documentation_domains_are_exempt_by_default(stack: Stack) -> None:
    for address in RESERVED:
        raw = sdk(stack).chat.completions.with_raw_response.create(
            model="m", messages=user(f"write to {address} please")
        )
        raw.parse()
        assert address in sent_upstream(stack)
        assert raw.headers["x-safeproxy-decision"] == "allowed"


def test_the_reserved_domain_exemption_can_be_turned_off() -> None:
    with Stack(config(pii={"exempt_reserved_domains": False})) as stack:
        for address in RESERVED:
            raw = sdk(stack).chat.completions.with_raw_response.create(
                model="m", messages=user(f"write to {address} please")
            )
            raw.parse()
            assert address not in sent_upstream(stack)
            assert "[REDACTED:EMAIL]" in sent_upstream(stack)
            assert raw.headers["x-safeproxy-decision"] == "redacted"
            assert raw.headers["x-safeproxy-findings"] == "pii.email"
