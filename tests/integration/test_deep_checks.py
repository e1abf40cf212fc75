"""Deep checks end to end: the OpenAI SDK through the proxy to a fake Llama Guard on loopback.

Sync checks (input, whole replies, streams), budgets and on_error, the judge's breaker with
the fast filters still enforced, async checks through the bounded queue with their audit
follow-up records, and the review queue fed by verdicts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from safeproxy.app import COMPONENTS, Components
from safeproxy.testing.fake_judges import DEFAULT_MARKER, FakeJudge
from tests.support import Stack, audit_records, base_config, dead_url

UNSAFE = f"tell me how to do {DEFAULT_MARKER} things"
EMAIL = "jane.doe@corp-mail.org"


def config(
    judge: FakeJudge,
    audit: Path,
    checks: list[dict[str, Any]],
    *,
    judge_settings: dict[str, Any] | None = None,
    queue: dict[str, Any] | None = None,
    review: dict[str, Any] | None = None,
) -> Callable[[list[str]], dict[str, Any]]:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["telemetry"] = {"audit": {"path": str(audit), "fsync": "every_record"}}
        cfg["deep_checks"] = {
            "judges": {
                "guard": {
                    "type": "llama_guard",
                    "base_url": judge.url,
                    "model": "meta-llama/Llama-Guard-3-8B",
                    **(judge_settings or {}),
                }
            },
            "queue": queue or {},
        }
        cfg["policies"] = {
            "default": {
                "input": [
                    {"type": "pii", "action": "redact"},
                    {"type": "secrets", "action": "block"},
                ],
                "deep_checks": checks,
            }
        }
        if review is not None:
            cfg["review"] = review
        return cfg

    return build


def sdk(stack: Stack) -> openai.OpenAI:
    client = openai.OpenAI(base_url=stack.url + "/v1", api_key="sk-test", max_retries=0)
    stack.on_exit(client.close)
    return client


def ask(client: openai.OpenAI, text: str, **extra: Any) -> Any:
    return client.chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": text}], **extra
    )


def records(path: Path, kind: str = "request") -> list[dict[str, Any]]:
    return audit_records(path, kind)


def wait_for(what: str, probe: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    """Poll real state (a file, the store) until `probe` answers; fail with `what`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def components(stack: Stack) -> Components:
    return stack.proxy_runner.app[COMPONENTS]


def by_rid(path: Path, rid: str, kind: str = "request") -> dict[str, Any]:
    found = wait_for(
        f"the {kind} record of {rid}",
        lambda: [r for r in records(path, kind) if r["request_id"] == rid],
    )
    assert len(found) == 1, found
    record: dict[str, Any] = found[0]
    return record


SYNC_INPUT = [{"judge": "guard", "mode": "sync", "stage": "input", "sample": {"rate": 1.0}}]


def test_sync_input_check_blocks_unsafe_and_passes_safe(tmp_path: Path) -> None:
    judge = FakeJudge(categories=("S1", "S10"))
    audit = tmp_path / "audit.jsonl"
    with Stack(config(judge, audit, SYNC_INPUT), judges=[judge]) as stack:
        client = sdk(stack)
        ok = ask(client, "what is the capital of France?")
        assert ok.parse().choices[0].message.content
        with pytest.raises(openai.BadRequestError) as blocked:
            ask(client, UNSAFE)
        error = blocked.value.body
        assert isinstance(error, dict)
        assert error["code"] == "content_policy_violation"
        assert error["reason"] == "deep_check.guard"
        assert error["findings"] == ["deep_check.S1", "deep_check.S10"]
        assert DEFAULT_MARKER not in json.dumps(error)
        # The judge read Llama Guard's prompt with the user's turn and the categories.
        prompt = judge.last_body["prompt"]
        assert "Check if there is unsafe content in 'User' messages" in prompt
        assert "S10: Hate." in prompt
        assert UNSAFE in prompt
        assert len(stack.mocks[0].received) == 1  # the unsafe prompt never went upstream
        rid = blocked.value.response.headers["x-request-id"]
        record = by_rid(audit, rid)
        assert record["outcome"] == "blocked_input"
        [check] = record["deep_checks"]
        assert check["verdict"] == "unsafe" and check["decided"] == "block"
        assert check["categories"] == ["S1", "S10"] and check["reason"] == "rate"
        labels = {
            "check": "guard",
            "judge": "guard",
            "stage": "input",
            "mode": "sync",
            "reason": "rate",
        }
        assert stack.metric("safeproxy_deep_checks_total", {**labels, "verdict": "unsafe"}) == 1
        assert stack.metric("safeproxy_deep_checks_total", {**labels, "verdict": "safe"}) == 1


def test_the_judge_sees_the_redacted_text_the_model_sees(tmp_path: Path) -> None:
    judge = FakeJudge()
    with Stack(config(judge, tmp_path / "a.jsonl", SYNC_INPUT), judges=[judge]) as stack:
        ask(sdk(stack), f"write to {EMAIL} please")
        assert EMAIL not in judge.last_body["prompt"]
        assert "[REDACTED:EMAIL]" in judge.last_body["prompt"]


@pytest.mark.parametrize(("on_error", "outcome"), [("open", "allowed"), ("closed", "filter_error")])
def test_a_judge_past_the_sync_budget_is_decided_by_on_error(
    tmp_path: Path, on_error: str, outcome: str
) -> None:
    judge = FakeJudge(hang=True)  # answers only when released: the budget runs out first
    audit = tmp_path / "audit.jsonl"
    checks = [{**SYNC_INPUT[0], "latency_budget_ms": 100}]
    cfg = config(judge, audit, checks, judge_settings={"on_error": on_error})
    with Stack(cfg, judges=[judge]) as stack:
        client = sdk(stack)
        if outcome == "allowed":
            rid = ask(client, "hello").headers["x-request-id"]
        else:
            with pytest.raises(openai.BadRequestError) as blocked:
                ask(client, "hello")
            assert isinstance(blocked.value.body, dict)
            assert blocked.value.body["reason"] == "deep_check_unavailable"
            rid = blocked.value.response.headers["x-request-id"]
        record = by_rid(audit, rid)
        assert record["outcome"] == outcome
        [check] = record["deep_checks"]
        assert check["verdict"] == "error" and check["error"] == "budget_exceeded"
        assert check["decided"] == on_error
        if on_error == "open":
            assert record["degraded"] == ["guard:deep_check_failed_open"]
        errors = {"check": "guard", "error": "budget_exceeded", "decided": on_error}
        assert stack.metric("safeproxy_deep_check_errors_total", errors) == 1


def test_a_dead_judge_opens_its_breaker_and_fast_filters_still_hold(tmp_path: Path) -> None:
    judge = FakeJudge(fault="500")
    audit = tmp_path / "audit.jsonl"
    breaker = {"consecutive_failures": 2, "cooldown_s": 3600}
    cfg = config(judge, audit, SYNC_INPUT, judge_settings={"breaker": breaker})
    with Stack(cfg, judges=[judge]) as stack:
        client = sdk(stack)
        for _ in range(2):
            ask(client, "hello")
        assert judge.total_calls == 2
        assert stack.metric("safeproxy_breaker_open", {"kind": "judge", "target": "guard"}) == 1
        # Open: the judge is not called, the check fails open at once, as configured.
        rid = ask(client, f"mail {EMAIL}").headers["x-request-id"]
        assert judge.total_calls == 2
        record = by_rid(audit, rid)
        assert record["deep_checks"][0]["error"] == "breaker_open"
        assert record["outcome"] == "redacted"  # the PII filter still redacted the email
        assert EMAIL.encode() not in stack.mocks[0].received[-1].body
        with pytest.raises(openai.BadRequestError) as secret:
            ask(client, "my key is AKIAIOSFODNN7EXAMPLE ok")
        assert isinstance(secret.value.body, dict)
        assert secret.value.body["findings"] == ["secret.aws_access_key"]
        breakers = [r for r in records(audit, "breaker") if r["breaker"] == "judge"]
        assert [(b["old"], b["new"]) for b in breakers] == [("closed", "open")]


def test_the_verdict_cache_saves_a_second_call_for_the_same_text(tmp_path: Path) -> None:
    judge = FakeJudge()
    with Stack(config(judge, tmp_path / "a.jsonl", SYNC_INPUT), judges=[judge]) as stack:
        client = sdk(stack)
        ask(client, "Hello   there")
        ask(client, "hello there")  # the same after normalisation
        ask(client, "something else")
        assert judge.total_calls == 2
        assert (
            stack.metric("safeproxy_deep_check_cache_total", {"judge": "guard", "result": "hit"})
            == 1
        )


SYNC_OUTPUT = [{"judge": "guard", "mode": "sync", "stage": "output", "sample": {"rate": 1.0}}]


def test_sync_output_check_blocks_a_whole_reply_before_it_is_sent(tmp_path: Path) -> None:
    judge = FakeJudge()
    audit = tmp_path / "audit.jsonl"
    with Stack(config(judge, audit, SYNC_OUTPUT), judges=[judge]) as stack:
        client = sdk(stack)
        ok = ask(client, "hi", extra_body={"mock": {"reply": "a harmless answer"}})
        assert ok.parse().choices[0].message.content == "a harmless answer"
        with pytest.raises(openai.BadRequestError) as blocked:
            ask(client, "hi", extra_body={"mock": {"reply": f"here is {DEFAULT_MARKER}"}})
        prompt = judge.last_body["prompt"]
        assert "unsafe content in 'Agent' messages" in prompt
        assert f"Agent: here is {DEFAULT_MARKER}" in prompt
        record = by_rid(audit, blocked.value.response.headers["x-request-id"])
        assert record["outcome"] == "blocked_output"
        assert record["deep_checks"][0]["stage"] == "output"


def stream_text(client: openai.OpenAI, reply: str, chunks: int = 20) -> tuple[str, str | None]:
    stream = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        extra_body={"mock": {"reply": reply, "chunks": chunks}},
    )
    text, finish = "", None
    for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
    return text, finish


@pytest.mark.parametrize("style", ["end", "every_chars"])
def test_sync_stream_checks_end_an_unsafe_stream_with_content_filter(
    tmp_path: Path, style: str
) -> None:
    judge = FakeJudge()
    checks = [{**SYNC_OUTPUT[0], "stream": style, "every_chars": 64}]
    audit = tmp_path / "audit.jsonl"
    with Stack(config(judge, audit, checks), judges=[judge]) as stack:
        client = sdk(stack)
        safe = "All good here. " * 20
        assert stream_text(client, safe) == (safe, "stop")
        assert judge.total_calls >= 1
        unsafe = "word " * 30 + DEFAULT_MARKER + " and more text after it"
        try:
            text, finish = stream_text(client, unsafe, chunks=40)
        except openai.BadRequestError as exc:
            # Every step was still held when the verdict came (the upstream's chunks can
            # arrive in one read): the block is then a plain HTTP error.
            assert style == "every_chars"
            assert isinstance(exc.body, dict) and exc.body["reason"] == "deep_check.guard"
            text, finish = "", "content_filter"
        assert finish == "content_filter"
        if style == "every_chars":
            # Nothing unjudged went out: the client got only steps judged safe.
            assert DEFAULT_MARKER not in text
        else:
            # `end` judges the whole reply as it ends: the text before the end went out,
            # the end itself did not.
            assert text != unsafe
        assert unsafe.startswith(text)
        [request] = wait_for(
            "the blocked stream's record",
            lambda: [r for r in records(audit) if r["outcome"] == "blocked_output"],
        )
        assert request["deep_checks"][-1]["verdict"] == "unsafe"


def test_an_every_chars_stream_goes_out_in_judged_steps(tmp_path: Path) -> None:
    judge = FakeJudge()
    checks = [{**SYNC_OUTPUT[0], "stream": "every_chars", "every_chars": 64}]
    with Stack(config(judge, tmp_path / "a.jsonl", checks), judges=[judge]) as stack:
        client = sdk(stack)
        reply = "step by step. " * 30
        text, finish = stream_text(client, reply)
        assert (text, finish) == (reply, "stop")
        # Each judge call saw the whole reply so far, and the last saw all of it.
        assert f"Agent: {reply.strip()}" in judge.last_body["prompt"]


ASYNC = [
    {
        "judge": "guard",
        "mode": "async",
        "stage": "both",
        "sample": {"rate": 0.0, "always_if": ["flagged"]},
    }
]


def test_async_checks_follow_up_in_the_audit_log_and_review_queue(tmp_path: Path) -> None:
    judge = FakeJudge()
    audit = tmp_path / "audit.jsonl"
    review = {"enabled": True, "path": str(tmp_path / "review.sqlite3")}
    cfg = config(judge, audit, ASYNC, review=review)
    with Stack(cfg, judges=[judge]) as stack:
        client = sdk(stack)
        clean = ask(client, "hello").headers["x-request-id"]
        # Flagged by the PII filter; the reply is what the judge finds unsafe (the fake judge
        # reads the whole conversation, so the input carries no marker).
        flagged = ask(
            client, f"mail {EMAIL} please", extra_body={"mock": {"reply": f"ok {DEFAULT_MARKER}"}}
        ).headers["x-request-id"]
        record = by_rid(audit, flagged)
        assert [(c["stage"], c["verdict"], c["reason"]) for c in record["deep_checks"]] == [
            ("input", "queued", "flagged"),
            ("output", "queued", "flagged"),
        ]
        assert "deep_checks" not in by_rid(audit, clean)  # not sampled: nothing queued
        follow = wait_for(
            "two deep_check follow-ups",
            lambda: len(f := [r for r in records(audit, "deep_check")]) == 2 and f,
        )
        verdicts = {r["stage"]: r["verdict"] for r in follow}
        assert verdicts == {"input": "safe", "output": "unsafe"}
        assert all(r["request_id"] == flagged for r in follow)
        store = components(stack).review
        assert store is not None
        items = wait_for("the review item", lambda: stack.call(store.store.list(limit=10)))
        [item] = items
        assert item.request_id == flagged and item.source == "deep_check_unsafe"
        assert item.stage == "output"
        assert item.text is not None and EMAIL not in item.text and DEFAULT_MARKER in item.text
        assert item.flagged and item.categories == ("S1",)


def test_a_full_queue_drops_and_counts_without_slowing_requests(tmp_path: Path) -> None:
    judge = FakeJudge(hang=True)
    audit = tmp_path / "audit.jsonl"
    checks = [{**ASYNC[0], "stage": "input"}]
    cfg = config(judge, audit, checks, queue={"max_size": 1, "workers": 1})
    with Stack(cfg, judges=[judge]) as stack:
        client = sdk(stack)
        first = ask(client, f"mail {EMAIL}").headers["x-request-id"]
        stack.call(judge.arrived.wait(), timeout=5)  # the worker holds job 1 at the judge
        rids = [ask(client, f"mail {EMAIL} {i}").headers["x-request-id"] for i in range(3)]
        verdicts = [by_rid(audit, rid)["deep_checks"][0]["verdict"] for rid in rids]
        assert verdicts == ["queued", "dropped", "dropped"]
        assert by_rid(audit, first)["deep_checks"][0]["verdict"] == "queued"
        dropped = {"check": "guard", "reason": "queue_full"}
        assert stack.metric("safeproxy_deep_checks_dropped_total", dropped) == 2
        assert stack.metric("safeproxy_deep_check_queue_depth") == 1
        stack.call(_released(judge))  # the judge lives on the stack's loop


async def _released(judge: FakeJudge) -> None:
    judge.release.set()


def test_async_unsafe_verdicts_trip_the_safety_breaker_and_quarantine(tmp_path: Path) -> None:
    judge = FakeJudge()
    audit = tmp_path / "audit.jsonl"
    checks = [{**ASYNC[0], "sample": {"rate": 1.0}}]
    base = config(judge, audit, checks)

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base(urls)
        cfg["routes"][0]["safety_breaker"] = {
            "enabled": True, "min_requests": 4, "violation_ratio": 0.5, "cooldown_s": 3600,
        }  # fmt: skip
        cfg["quarantine"] = {"enabled": True, "violations": 2}
        # The breaker counts replies the output filters checked (the safe-output ratio's
        # denominator); the judge's late verdicts turn counted ones into violations.
        cfg["policies"]["default"]["output"] = [{"type": "pii", "action": "redact"}]
        return cfg

    with Stack(build, judges=[judge]) as stack:
        client = sdk(stack)
        unsafe_reply = {"mock": {"reply": f"sure: {DEFAULT_MARKER}"}}
        for i in range(2):
            ask(client, f"clean question {i}")
            ask(client, "tell me", extra_body=unsafe_reply)

            # The fast filters passed all four; only the judge, after the fact, objects.
            def verdicts_in(n: int = 4 * (i + 1)) -> bool:
                return len(records(audit, "deep_check")) == n

            wait_for("the async verdicts", verdicts_in)
        unsafe = [r for r in records(audit, "deep_check") if r["verdict"] == "unsafe"]
        assert {r["stage"] for r in unsafe} == {"output"} and len(unsafe) == 2
        # Two late violations among four counted replies: the route's breaker is open,
        labels = {"kind": "safety", "target": "main"}
        assert stack.metric("safeproxy_breaker_open", labels) == 1
        # and the client, with two violations, is in quarantine (checked first: 403).
        assert stack.metric("safeproxy_quarantines_total") == 1
        with pytest.raises(openai.PermissionDeniedError) as held:
            ask(client, "one more")
        assert isinstance(held.value.body, dict) and held.value.body["code"] == "quarantined"


@pytest.mark.parametrize(("on_error", "blocked"), [("open", False), ("closed", True)])
def test_a_judge_that_is_gone_degrades_as_configured(
    tmp_path: Path, on_error: str, blocked: bool
) -> None:
    judge = FakeJudge()
    audit = tmp_path / "audit.jsonl"
    base = config(judge, audit, SYNC_INPUT, judge_settings={"on_error": on_error})

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base(urls)
        cfg["deep_checks"]["judges"]["guard"]["base_url"] = dead_url()  # connection refused
        return cfg

    with Stack(build, judges=[judge]) as stack:
        client = sdk(stack)
        if blocked:
            with pytest.raises(openai.BadRequestError) as exc:
                ask(client, "hello")
            rid = exc.value.response.headers["x-request-id"]
        else:
            rid = ask(client, "hello").headers["x-request-id"]
        record = by_rid(audit, rid)
        check = record["deep_checks"][0]
        assert (check["verdict"], check["error"], check["decided"]) == (
            "error", "transport", on_error,
        )  # fmt: skip
        assert record["outcome"] == ("filter_error" if blocked else "allowed")
        # The fast filters hold either way.
        with pytest.raises(openai.BadRequestError) as secret:
            ask(client, "key AKIAIOSFODNN7EXAMPLE")
        assert isinstance(secret.value.body, dict)
        assert secret.value.body["reason"] in ("secret.aws_access_key", "deep_check_unavailable")


def test_tool_call_arguments_are_judged(tmp_path: Path) -> None:
    judge = FakeJudge()
    checks = [{**SYNC_OUTPUT[0], "stream": "end"}]
    audit = tmp_path / "audit.jsonl"
    with Stack(config(judge, audit, checks), judges=[judge]) as stack:
        client = sdk(stack)
        # The marker rides in tool-call arguments, which the client gets and the judge
        # must read (other choices and reasoning text: tests/unit/test_deepcheck_text.py).
        call = {"name": "f", "arguments": f'{{"x": "{DEFAULT_MARKER}"}}'}
        for stream in (False, True):
            with pytest.raises(openai.BadRequestError):
                ask(client, "hi", stream=stream, extra_body={"mock": {"tool_call": call}})
            assert DEFAULT_MARKER in judge.last_body["prompt"]


def test_a_filter_block_in_an_every_chars_stream_sends_nothing_unjudged(tmp_path: Path) -> None:
    judge = FakeJudge()
    checks = [{**SYNC_OUTPUT[0], "stream": "every_chars", "every_chars": 64}]
    base = config(judge, tmp_path / "audit.jsonl", checks)

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base(urls)
        cfg["policies"]["default"]["output"] = [
            {"type": "blocklist", "words": ["forbidden phrase"], "action": "block"}
        ]
        return cfg

    with Stack(build, judges=[judge]) as stack:
        client = sdk(stack)
        reply = "judged words here. " * 8 + "then a forbidden phrase and more"
        try:
            text, finish = stream_text(client, reply, chunks=60)
        except openai.BadRequestError:
            text, finish = "", "content_filter"  # blocked before anything went out
        assert finish == "content_filter"
        judged = judge.last_body.get("prompt", "") if judge.total_calls else ""
        # Whatever reached the client, the judge had seen (and nothing past the block).
        assert "forbidden" not in text
        assert text.strip() == "" or " ".join(text.split()) in " ".join(judged.split())


def test_sync_output_verdicts_count_for_the_safety_breaker(tmp_path: Path) -> None:
    judge = FakeJudge()
    base = config(judge, tmp_path / "audit.jsonl", SYNC_OUTPUT)

    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base(urls)  # no output filters: the judge alone checks replies
        cfg["routes"][0]["safety_breaker"] = {
            "enabled": True, "min_requests": 2, "violation_ratio": 0.5, "cooldown_s": 3600,
        }  # fmt: skip
        return cfg

    with Stack(build, judges=[judge]) as stack:
        client = sdk(stack)
        ask(client, "hi", extra_body={"mock": {"reply": "fine"}})
        with pytest.raises(openai.BadRequestError):
            ask(client, "hi", extra_body={"mock": {"reply": f"not {DEFAULT_MARKER}"}})
        assert stack.metric("safeproxy_output_checked_total", {"route": "main"}) == 2
        assert stack.metric("safeproxy_output_violations_total", {"route": "main"}) == 1
        assert stack.metric("safeproxy_breaker_open", {"kind": "safety", "target": "main"}) == 1
