"""The decision as the client sees it: reply headers naming the outcome, finding types and
policy version (never a value).

    X-Safeproxy-Decision        the outcome: allowed, redacted, blocked_input, blocked_output,
                                filter_error, rate_limited, ... (the `outcome` of metrics,
                                spans and the audit log)
    X-Safeproxy-Findings        comma-separated finding types of enforcing filters
                                (pii.email,pii.credit_card); absent when there are none
    X-Safeproxy-Policy-Version  the content hash of the policy that decided; absent when no
                                route was chosen (a malformed or oversized body)
    X-Safeproxy-Policy          `name@version` of that policy: which one answered (a
                                tenant's own, the route's, the default; same absences)
    X-Safeproxy-Decision-Stage  `final`, or `input` on a streamed reply: its headers leave
                                with the first released text, before the reply is checked to
                                its end, so they carry the input stage's decision only

A stream's headers are taken before any output is read, not when the first text leaves:
what happened to the first chunk depends on how the upstream split its reply, and the
headers must not (DESIGN §5). The stream's final decision is in the access log and audit log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from safeproxy.exchange.decision import finding_types
from safeproxy.exchange.state import Exchange
from safeproxy.filters.api import SharedRecords

DECISION = "X-Safeproxy-Decision"
FINDINGS = "X-Safeproxy-Findings"
POLICY_VERSION = "X-Safeproxy-Policy-Version"
POLICY = "X-Safeproxy-Policy"
STAGE = "X-Safeproxy-Decision-Stage"
# A finding type as it may stand in a header. Filters' types are fixed names; a deep check's
# come from its judge's reply, so anything else is percent-escaped (a CR or LF in a header
# would fail the reply, and a comma would split the type).
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/-]")
# headers.py drops these names from an upstream's reply: a model server cannot speak for
# the proxy, with the headers on or off.


class DecisionHeaders:
    """Builds the headers from an Exchange; `enabled=False` (config) makes them empty."""

    def __init__(self, versions: Mapping[str, str], *, enabled: bool = True) -> None:
        self._versions = versions
        self.enabled = enabled

    def final(
        self, ex: Exchange, extra_types: tuple[str, ...] = (), *, stage: str = "final"
    ) -> dict[str, str]:
        """For a reply whose decision is made (JSON replies and the proxy's own errors).
        `extra_types`: a block's types that no filter record holds (a deep check's).
        (`stage` is input_stage's: one function renders both, a call less per request.)"""
        if not self.enabled:
            return {}
        out = {DECISION: ex.outcome, STAGE: stage}
        types: tuple[str, ...] = ()
        for group in ex.filter_records:
            if type(group) is not SharedRecords:  # a clean request's are all shared: no call
                types = finding_types(ex.filter_records)
                break
        if extra_types:
            escaped = (_UNSAFE.sub(_escape, t) for t in extra_types)
            types = tuple(sorted({*types, *escaped}))
        if types:
            out[FINDINGS] = ",".join(types)
        if ex.route is not None:
            gen = ex.generation  # the generation that filtered it (see Recorder.record)
            versions = gen.versions if gen is not None else self._versions
            name = ex.route.policy
            version = versions.get(name)
            if version:
                out[POLICY_VERSION] = version
                out[POLICY] = f"{name}@{version}"
        return out

    def input_stage(self, ex: Exchange) -> dict[str, str]:
        """For a streamed reply, before its output is read: the input stage's decision."""
        return self.final(ex, stage="input")


def _escape(m: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass"))
