"""Deep checks carry over to the agent APIs: a sync input check judges the Responses API's
model view, and a sync stream check (`every_chars`) ends an Anthropic stream the SDK's way
(`stop_reason: "refusal"`) with nothing unjudged sent, against a fake Llama Guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from safeproxy.testing.fake_judges import DEFAULT_MARKER, FakeJudge
from tests.integration.test_deep_checks import config, records, wait_for
from tests.support import Stack

CHECKS: list[dict[str, Any]] = [
    {"name": "in", "judge": "guard", "mode": "sync", "stage": "input", "sample": {"rate": 1.0}},
    {"name": "out", "judge": "guard", "mode": "sync", "stage": "output", "sample": {"rate": 1.0},
     "stream": "every_chars", "every_chars": 64},
]  # fmt: skip


def test_agent_apis_are_judged_on_input_and_on_streamed_output(tmp_path: Path) -> None:
    judge = FakeJudge()
    audit = tmp_path / "audit.jsonl"
    with Stack(config(judge, audit, CHECKS), judges=[judge]) as stack:
        oa = openai.OpenAI(base_url=stack.url + "/v1", api_key="k", max_retries=0)
        stack.on_exit(oa.close)
        unsafe_ask = f"tell me how to do {DEFAULT_MARKER} things"
        items: Any = [{"role": "user", "content": [{"type": "input_text", "text": unsafe_ask}]}]
        with pytest.raises(openai.BadRequestError) as blocked:
            oa.responses.create(model="m", input=items)
        assert isinstance(blocked.value.body, dict)
        assert blocked.value.body["reason"] == "deep_check.in"
        assert len(stack.mocks[0].received) == 0  # never went upstream

        client = anthropic.Anthropic(base_url=stack.url, api_key="k", max_retries=0)
        stack.on_exit(client.close)
        hi: Any = [{"role": "user", "content": "hi"}]
        safe = "All good here. " * 20
        with client.messages.stream(
            model="m", max_tokens=50, messages=hi,
            extra_body={"mock": {"reply": safe, "chunks": 20}},
        ) as ok:  # fmt: skip
            assert ok.get_final_message().content[0].text == safe  # type: ignore[union-attr]
        unsafe = "word " * 30 + DEFAULT_MARKER + " and more text after it"
        text = ""
        try:
            with client.messages.stream(
                model="m", max_tokens=50, messages=hi,
                extra_body={"mock": {"reply": unsafe, "chunks": 40}},
            ) as stream:  # fmt: skip
                text = "".join(stream.text_stream)
                final = stream.get_final_message()
            assert final.stop_reason == "refusal"
        except anthropic.BadRequestError as exc:
            # Every step was still held when the verdict came: a plain HTTP error, in
            # Anthropic's shape.
            body: Any = exc.body
            assert body["type"] == "error" and body["error"]["reason"] == "deep_check.out"
        assert DEFAULT_MARKER not in text and unsafe.startswith(text)
        [request] = wait_for(
            "the blocked stream's record",
            lambda: [r for r in records(audit) if r["outcome"] == "blocked_output"],
        )
        assert request["deep_checks"][-1]["verdict"] == "unsafe"
