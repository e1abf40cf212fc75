"""Tier-2 replay's re-scan of captured records with a candidate policy: each transition, the
caveats where the capture cannot tell, and state-made decisions left alone."""

from __future__ import annotations

import os
from typing import Any

import pytest

from safeproxy.replay.rescan import Rescanner
from safeproxy.settings.loading import validate

EMAIL = "mail me at jane.doe@acme-corp.io"


def rescanner(input_filters: list[dict[str, Any]], output: list[dict[str, Any]] | None = None
              ) -> Rescanner:  # fmt: skip
    cfg = {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [{"upstream": "u", "policy": "p"}],
        "policies": {"p": {"input": input_filters, "output": output or []}},
    }
    return Rescanner(validate(cfg), os.environ)


def captured(text: str, outcome: str = "allowed", types: tuple[str, ...] = (),
             output: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    return {"v": 1, "request_id": "r1", "time": 1.0, "route": "u", "model": "m",
            "tenant": "t", "outcome": outcome, "types": list(types),
            "input": {"texts": [text], "joined": []}, "output": output}  # fmt: skip


def words(*found: str, action: str = "block", mode: str = "enforce") -> dict[str, Any]:
    return {"type": "blocklist", "words": list(found), "action": action, "mode": mode}


PII = {"type": "pii", "entities": ["email"], "action": "redact"}


@pytest.mark.parametrize(
    ("candidate", "record", "category", "caveat"),
    [
        # A new word blocked on input.
        (rescanner([words("alpha")]), captured("say alpha"), "allow->block", None),
        # The word no longer blocked: the reply was never produced.
        (rescanner([], [words("beta", action="redact")]),
         captured("say alpha", "blocked_input", ("blocklist.word",)), "block->allow",
         "no reply was captured: output filters not judged"),
        # The same redaction: unchanged.
        (rescanner([PII]), captured(EMAIL, "redacted", ("pii.email",)), "unchanged", None),
        # Redaction dropped.
        (rescanner([]), captured(EMAIL, "redacted", ("pii.email",)), "redact->allow", None),
        # Flagged, not acted on: the same decision with other finding types.
        (rescanner([words("alpha", action="flag")]), captured("say alpha"), "reclassified",
         None),
        # In shadow mode a candidate filter changes nothing.
        (rescanner([words("alpha", mode="shadow")]), captured("say alpha"), "unchanged", None),
        # The reply as the upstream sent it, re-scanned by the candidate's output stage.
        (rescanner([], [words("beta")]), captured("hi", output=["so beta it is"]),
         "allow->block", None),
        # Decided by state, not by the policy: left alone.
        (rescanner([words("alpha")]), captured("say alpha", "rate_limited"), "stateful",
         "rate_limited depends on state, not the policy"),
    ],
)  # fmt: skip
def test_each_transition(
    candidate: Rescanner, record: dict[str, Any], category: str, caveat: str | None
) -> None:
    replayed = candidate.replay(record)
    assert replayed.category == category
    assert replayed.reason == caveat
    assert replayed.request_id == "r1" and replayed.route == "u" and replayed.tenant == "t"


def test_parts_read_as_one_are_scanned_joined() -> None:
    # A word split across two parts of one content array reaches the model whole.
    split = captured("x")
    split["input"] = {"texts": ["say al", "pha now"], "joined": [[0, 2]]}
    apart = captured("x")
    apart["input"] = {"texts": ["say al", "pha now"], "joined": []}
    candidate = rescanner([words("alpha")])
    assert candidate.replay(split).category == "allow->block"
    assert candidate.replay(apart).category == "unchanged"


def test_a_tenant_policy_in_the_candidate_rescans_that_tenants_records() -> None:
    # The same shared triage as tier 1: a tenant's own policy on the route, as serving does.
    cfg = {
        "upstreams": [{"name": "u", "base_url": "http://127.0.0.1:9"}],
        "routes": [{"name": "main", "upstream": "u", "policy": "p"}],
        "policies": {"p": {"input": []}, "strict": {"input": [words("alpha")]}},
        "auth": {"mode": "api_keys", "keys": [{"sha256": "0" * 64, "tenant": "acme"}]},
        "tenants": {"acme": {"policies": {"main": "strict"}}},
    }
    candidate = Rescanner(validate(cfg), os.environ)
    assert candidate.replay({**captured("say alpha"), "tenant": "acme"}).category == (
        "allow->block"
    )
    assert candidate.replay(captured("say alpha")).category == "unchanged"
