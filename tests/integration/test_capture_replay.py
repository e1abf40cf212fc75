"""Tier-2 capture end to end: the proxy captures what the model read and wrote (encrypted, no
plaintext on disk), and `safeproxy replay --capture` re-scans it with a stricter candidate
through the production compiler: allow->block and redact->block, with sample request ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml
from cryptography.fernet import Fernet

from safeproxy.app import build_app
from safeproxy.capture.cipher import sealer
from safeproxy.cli import main
from safeproxy.replay.capture_source import captured_records
from safeproxy.replay.source import Window
from safeproxy.settings.loading import ConfigError, environment_problems, validate
from tests.support import Stack, base_config

KEY = Fernet.generate_key().decode()
FIELDS = ("v", "request_id", "time", "operation", "route", "model", "tenant", "stream", "policy",
          "generation", "outcome", "types", "input", "output")  # fmt: skip
SECRET_PROMPT = "please summarise the merger codename bluefinch for me"


def config(capture: Path, **extra: Any) -> Any:
    def build(urls: list[str]) -> dict[str, Any]:
        cfg = base_config(urls)
        cfg["policies"] = {
            "p": {"output": [{"type": "blocklist", "words": ["forbidden"], "action": "redact"}]}
        }
        cfg["routes"][0]["policy"] = "p"
        cfg["capture"] = {"enabled": True, "path": str(capture), "key_env": "CAPTURE_KEY", **extra}
        return cfg

    return build


def candidate(tmp_path: Path, upstream: str = "http://127.0.0.1:9") -> Path:
    """Stricter: `bluefinch` is blocked on input; `forbidden` on output is blocked, not
    redacted."""
    cfg = base_config([upstream])
    cfg["policies"] = {
        "p": {
            "input": [{"type": "blocklist", "words": ["bluefinch"], "action": "block"}],
            "output": [{"type": "blocklist", "words": ["forbidden"], "action": "block"}],
        }
    }
    cfg["routes"][0]["policy"] = "p"
    cfg["capture"] = {"key_env": "CAPTURE_KEY"}
    path = tmp_path / "candidate.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def send_traffic(stack: Stack) -> dict[str, str]:
    """Four requests through the SDK; returns request id by what each was."""
    sdk = openai.OpenAI(base_url=stack.url + "/v1", api_key="client-key", max_retries=0)
    stack.on_exit(sdk.close)
    ids = {}

    def chat(name: str, prompt: str, reply: str, stream: bool = False) -> None:
        raw = sdk.chat.completions.with_raw_response.create(
            model="m", messages=[{"role": "user", "content": prompt}], stream=stream,
            extra_body={"mock": {"reply": reply}},
        )  # fmt: skip
        ids[name] = raw.headers["x-request-id"]
        parsed = raw.parse()
        if isinstance(parsed, openai.Stream):
            got = "".join(c.choices[0].delta.content or "" for c in parsed if c.choices)
        else:
            got = parsed.choices[0].message.content or ""
        assert "forbidden" not in got  # production redacts it

    chat("clean", "hello there", "hi")
    chat("secret", SECRET_PROMPT, "done")
    chat("leak", "tell me", "the forbidden word")
    chat("leak_stream", "tell me more", "again the forbidden word, streamed", stream=True)
    return ids


def replay(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["replay", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_capture_round_trip_replays_a_stricter_candidate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    capture = tmp_path / "capture"
    with Stack(config(capture), environ={"CAPTURE_KEY": KEY}) as stack:
        ids = send_traffic(stack)
        stack.recorded(2, "redacted")
    files = sorted(capture.iterdir())
    assert files
    disk = b"".join(f.read_bytes() for f in files)
    for plain in (b"bluefinch", b"merger", b"forbidden", b"hello there", b"client-key"):
        assert plain not in disk

    # Decrypted: the documented fields, the texts as the model read and wrote them, and
    # nothing of the client's credentials.
    seal = sealer("CAPTURE_KEY", {"CAPTURE_KEY": KEY})
    opened = list(captured_records(capture, seal, Window()))
    assert sorted(r["request_id"] for r in opened) == sorted(ids.values())
    assert {frozenset(r) for r in opened} == {frozenset(FIELDS)}
    secret = next(r for r in opened if r["request_id"] == ids["secret"])
    assert secret["input"]["texts"] == [SECRET_PROMPT] and secret["outcome"] == "allowed"
    assert secret["route"] == "main" and secret["policy"]["name"] == "p"
    leak = next(r for r in opened if r["request_id"] == ids["leak"])
    assert leak["output"] == ["the forbidden word"] and leak["outcome"] == "redacted"
    assert b"client-key" not in b"".join(json.dumps(r).encode() for r in opened)

    monkeypatch.setenv("CAPTURE_KEY", KEY)
    cand = candidate(tmp_path)
    code, out, _ = replay(capsys, "--config", str(cand), "--capture", str(capture), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["records"] == 4
    cats = report["categories"]
    assert cats["allow->block"] == {"count": 1, "samples": [ids["secret"]]}
    assert cats["redact->block"]["count"] == 2
    assert sorted(cats["redact->block"]["samples"]) == sorted([ids["leak"], ids["leak_stream"]])
    assert cats["unchanged"] == {"count": 1, "samples": [ids["clean"]]}
    assert report["by_route"]["main"]["allow->block"] == 1

    # The production policy itself, replayed, changes nothing (the same compiled code).
    same = tmp_path / "same.yaml"
    same.write_text(yaml.safe_dump(config(capture)(["http://127.0.0.1:9"])))
    code, out, _ = replay(capsys, "--config", str(same), "--capture", str(capture), "--json")
    assert code == 0 and json.loads(out)["categories"]["unchanged"]["count"] == 4

    # Filters and the terminal table.
    code, out, _ = replay(capsys, "--config", str(cand), "--capture", str(capture),
                          "--route", "elsewhere")  # fmt: skip
    assert code == 0 and out.startswith("0 request records replayed")
    code, out, _ = replay(capsys, "--config", str(cand), "--capture", str(capture),
                          "--since", "2100-01-01")  # fmt: skip
    assert code == 0 and out.startswith("0 request records replayed")
    code, out, _ = replay(capsys, "--config", str(cand), "--capture", str(capture))
    assert "allow->block" in out and ids["secret"] in out


def test_wrong_or_missing_key_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    capture = tmp_path / "capture"
    with Stack(config(capture), environ={"CAPTURE_KEY": KEY}) as stack:
        send_traffic(stack)
    cand = candidate(tmp_path)
    monkeypatch.setenv("CAPTURE_KEY", Fernet.generate_key().decode())
    code, out, err = replay(capsys, "--config", str(cand), "--capture", str(capture))
    first = sorted(capture.iterdir())[0]
    assert code == 2 and out == ""
    assert f"{first}:1: cannot decrypt: wrong key" in err
    monkeypatch.delenv("CAPTURE_KEY")
    code, out, err = replay(capsys, "--config", str(cand), "--capture", str(capture))
    assert code == 2 and out == "" and "CAPTURE_KEY is not set" in err


def test_capture_without_a_usable_key_does_not_start(tmp_path: Path) -> None:
    cfg = config(tmp_path / "capture")(["http://127.0.0.1:9"])
    settings = validate(cfg)
    assert environment_problems(settings, {}) == [
        ("capture.key_env", "environment variable CAPTURE_KEY is not set")
    ]
    bad = environment_problems(settings, {"CAPTURE_KEY": "not-a-key"})
    assert bad[0][0] == "capture.key_env" and "not a Fernet key" in bad[0][1]
    assert "not-a-key" not in bad[0][1]
    assert environment_problems(settings, {"CAPTURE_KEY": KEY}) == []
    with pytest.raises(ConfigError) as refused:
        build_app(settings, environ={"CAPTURE_KEY": "not-a-key"})
    assert refused.value.problems[0][0] == "capture.key_env"
    assert not (tmp_path / "capture").exists()
    # Off unless asked for.
    assert validate(base_config(["http://127.0.0.1:9"])).capture.enabled is False


def test_capture_changes_nothing_for_text_no_filter_reads(tmp_path: Path) -> None:
    # No input filters: token-id prompts went through unread before capture, and still do
    # (not refused as uninspectable); there is nothing to capture of them.
    capture = tmp_path / "capture"
    with Stack(config(capture), environ={"CAPTURE_KEY": KEY}) as stack:
        reply = httpx.post(stack.url + "/v1/completions",
                           json={"model": "m", "prompt": [101, 202, 303]})  # fmt: skip
        assert reply.status_code == 200
    seal = sealer("CAPTURE_KEY", {"CAPTURE_KEY": KEY})
    assert list(captured_records(capture, seal, Window())) == []
