"""The replay report: counts per category, per route and per tenant, with sample request
ids, as a terminal table or JSON."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from safeproxy.replay.triage import Replayed

SAMPLES = 5
# Changes first: they are what a reviewer of a candidate reads.
_ORDER = ("allow->block", "redact->block", "allow->redact", "block->allow", "block->redact",
          "redact->allow", "reclassified", "unchanged", "needs_text", "stateful",
          "not_a_policy_decision", "unrouted")  # fmt: skip


@dataclass
class Report:
    total: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_route: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_tenant: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, r: Replayed) -> None:
        self.total += 1
        self.counts[r.category] += 1
        if len(self.samples[r.category]) < SAMPLES:
            self.samples[r.category].append(r.request_id)
        self.by_route[r.route][r.category] += 1
        self.by_tenant[r.tenant][r.category] += 1
        if r.reason is not None and r.category != "stateful":
            self.reasons[r.reason] += 1

    def categories(self) -> list[str]:
        known = [c for c in _ORDER if c in self.counts]
        return known + sorted(c for c in self.counts if c not in _ORDER)

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.total,
            "categories": {
                c: {"count": self.counts[c], "samples": self.samples[c]} for c in self.categories()
            },
            "by_route": {k: dict(v) for k, v in sorted(self.by_route.items())},
            "by_tenant": {k: dict(v) for k, v in sorted(self.by_tenant.items())},
            "caveats": dict(self.reasons.most_common()),
        }

    def table(self) -> str:
        cats = self.categories()
        lines = [f"{self.total} request records replayed", ""]
        lines.append(f"{'category':<22} {'count':>8}  sample request ids")
        for c in cats:
            lines.append(f"{c:<22} {self.counts[c]:>8}  {' '.join(self.samples[c][:3])}")
        for title, rows in (("route", self.by_route), ("tenant", self.by_tenant)):
            lines += ["", f"{title:<22} " + " ".join(f"{c:>14}" for c in cats)]
            for key, counter in sorted(rows.items()):
                lines.append(f"{key[:22]:<22} " + " ".join(f"{counter[c]:>14}" for c in cats))
        if self.reasons:
            lines += ["", "what the audit log could not tell (needs the text):"]
            lines += [f"  {n:>8}  {reason}" for reason, n in self.reasons.most_common(10)]
        return "\n".join(lines)
