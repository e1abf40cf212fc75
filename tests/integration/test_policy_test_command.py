"""`safeproxy test`: the shipped cases pass on the shipped policy, a weakened policy fails
them, bad case files are named errors, and the report's parts add up."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.policytest.cases import Case
from safeproxy.policytest.report import type_scores
from safeproxy.policytest.runner import CaseResult, Observed, judge, stream_splits

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "default.yaml"
CASES = ROOT / "config" / "cases" / "default.yaml"


def safeproxy_test(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safeproxy", "test", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_shipped_cases_pass_on_the_shipped_policy(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    run = safeproxy_test("--config", str(CONFIG), str(CASES), "--junit", str(report))
    assert run.returncode == 0, run.stdout + run.stderr
    shipped = yaml.safe_load(CASES.read_text())["cases"]
    suite = ET.parse(report).getroot()
    assert suite.get("tests") == str(len(shipped)) and suite.get("failures") == "0"
    assert f"{len(shipped)} cases: {len(shipped)} passed, 0 failed" in run.stdout


def test_a_policy_without_its_secrets_filter_fails_the_secret_cases(tmp_path: Path) -> None:
    data = yaml.safe_load(CONFIG.read_text())
    for stage in ("input", "output"):
        chain = data["policies"]["default"][stage]
        data["policies"]["default"][stage] = [f for f in chain if f["type"] != "secrets"]
    weakened = tmp_path / "weakened.yaml"
    weakened.write_text(yaml.safe_dump(data))
    report = tmp_path / "junit.xml"
    run = safeproxy_test("--config", str(weakened), str(CASES), "--junit", str(report))
    assert run.returncode == 1, run.stdout + run.stderr
    failed = {
        case.get("name") for case in ET.parse(report).getroot() if case.find("failure") is not None
    }
    secret_cases = {
        c["name"]
        for c in yaml.safe_load(CASES.read_text())["cases"]
        if any(t.startswith("secret.") for t in c.get("types", []))
    }
    assert secret_cases and secret_cases <= failed
    assert not any((name or "").startswith(("email", "ordinary")) for name in failed)


def test_cases_run_under_each_tenants_own_policy(tmp_path: Path) -> None:
    """A tenant's policy applies to its cases as in serving; the same text passes for
    another tenant. A case expecting the wrong tenant's answer fails."""
    config = {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [{"name": "main", "match": {"model": "*"}, "upstream": "u"}],
        "auth": {"mode": "api_keys", "keys": [{"sha256": "0" * 64, "tenant": "acme"}]},
        "policies": {
            "default": {},
            "no-fruit": {"extends": "default",
                         "input": [{"type": "blocklist", "words": ["pineapple"]}],
                         "output": [{"type": "blocklist", "words": ["pineapple"]}]},
        },
        "tenants": {"acme": {"policies": {"*": "no-fruit"}}},
    }  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    cases = [
        {"name": "acme input", "tenant": "acme", "text": "a pineapple", "expect": "block"},
        {"name": "acme stream", "tenant": "acme", "direction": "stream",
         "text": "a pineapple pie", "expect": "block"},
        {"name": "globex input", "tenant": "globex", "text": "a pineapple", "expect": "allow"},
        {"name": "no tenant", "text": "a pineapple", "expect": "allow"},
    ]  # fmt: skip
    (tmp_path / "cases.yaml").write_text(yaml.safe_dump({"cases": cases}))
    run = safeproxy_test("--config", str(tmp_path / "config.yaml"), str(tmp_path / "cases.yaml"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 cases: 4 passed, 0 failed" in run.stdout
    cases[2]["expect"] = "block"  # globex has no policy of its own: this must fail
    (tmp_path / "cases.yaml").write_text(yaml.safe_dump({"cases": cases}))
    run = safeproxy_test("--config", str(tmp_path / "config.yaml"), str(tmp_path / "cases.yaml"))
    assert run.returncode == 1 and "4 cases: 3 passed, 1 failed" in run.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "cases:\n  - {name: a, text: hi, expect: maybe}\n", "cases.0.expect"),
        ("bad.yaml", "cases:\n  - {name: a, expect: allow}\n", "give exactly one of text"),
        ("bad.yaml", "cases: [\n", "bad.yaml:"),
        ("bad.jsonl", '{"name": "a", "text": "hi", "expect": "allow"}\n{nope\n', "bad.jsonl:2:"),
        (
            "dup.jsonl",
            '{"name": "a", "text": "x", "expect": "allow"}\n'
            '{"name": "a", "text": "y", "expect": "allow"}\n',
            "duplicate case name 'a'",
        ),
    ],
)
def test_a_bad_case_file_is_named_and_exits_2(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    run = safeproxy_test("--config", str(CONFIG), str(path))
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


@given(st.text(min_size=0, max_size=600), st.text(max_size=20), st.integers(0, 5))
def test_every_stream_split_joins_to_the_text(text: str, name: str, count: int) -> None:
    splits = stream_splits(text, name, count)
    assert all("".join(pieces) == text for pieces in splits)
    assert all(all(pieces) for pieces in splits[1:])  # no empty chunk after the whole text
    assert splits == stream_splits(text, name, count)  # the same splits every run


def case(**kw: object) -> Case:
    return Case.model_validate({"name": "c", "text": "t", **kw})


def test_a_split_that_changes_the_result_fails_the_case() -> None:
    result = CaseResult(case(direction="stream", expect="redact"))
    result.runs = [
        Observed("redacted", ("pii.email",), "x [REDACTED:EMAIL]", 200),
        Observed("redacted", ("pii.email",), "x [REDACTED:EMAIL]", 200),
        Observed("allowed", (), "x a@b.io", 200),
    ]
    judge(result)
    assert result.problems == ["chunk split 2 changed the result (allow)"]


def test_expectations_are_each_checked() -> None:
    result = CaseResult(case(expect="redact", types=["pii.email"], redacted="[REDACTED:EMAIL]"))
    result.runs = [Observed("blocked_input", ("injection.persona",), None, 400)]
    judge(result)
    assert result.problems == [
        "expected redact, got block",
        "expected types pii.email, got injection.persona",
        "the redacted text differs from `redacted`",
    ]


def test_type_scores_count_hits_misses_and_false_alarms() -> None:
    results = []
    for want, got in [(["pii.email"], ("pii.email",)), (["pii.email"], ()), ([], ("pii.phone",))]:
        r = CaseResult(case(expect="allow", types=want))
        r.runs = [Observed("allowed", got, "t", 200)]
        results.append(r)
    scores = type_scores(results)
    assert (scores["pii.email"].tp, scores["pii.email"].fn, scores["pii.email"].fp) == (1, 1, 0)
    assert scores["pii.email"].recall == 0.5 and scores["pii.email"].precision == 1.0
    assert scores["pii.phone"].fp == 1 and scores["pii.phone"].precision == 0.0
