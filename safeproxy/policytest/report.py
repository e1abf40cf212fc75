"""What `safeproxy test` prints and writes: a table of cases, precision and recall per
finding type, JUnit XML for CI systems, and a JSON form."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeproxy.policytest.runner import CaseResult


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def type_scores(results: list[CaseResult]) -> dict[str, TypeScore]:
    """Per finding type, over the cases that say which types they expect (`types`)."""
    scores: dict[str, TypeScore] = {}
    for r in results:
        if r.case.types is None or r.observed is None:
            continue
        want, got = set(r.case.types), set(r.observed.types)
        for t in want | got:
            s = scores.setdefault(t, TypeScore())
            if t in want and t in got:
                s.tp += 1
            elif t in got:
                s.fp += 1
            else:
                s.fn += 1
    return dict(sorted(scores.items()))


def table(results: list[CaseResult], seconds: float) -> str:
    rows = [("case", "direction", "expect", "got", "types", "result")]
    for r in results:
        seen = r.observed
        rows.append(
            (
                r.case.name[:48],
                r.case.direction,
                r.case.expect,
                seen.verdict if seen else "-",
                ",".join(seen.types) if seen and seen.types else "-",
                "ok" if r.passed else "FAIL: " + "; ".join(r.problems),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=True)) + "  " + row[5]
             for row in rows]  # fmt: skip
    failed = sum(not r.passed for r in results)
    lines += ["", f"{len(results)} cases: {len(results) - failed} passed, {failed} failed"
              f" ({seconds:.1f} s)"]  # fmt: skip
    scores = type_scores(results)
    if scores:
        lines += ["", "finding type                precision  recall   tp  fp  fn"]
        for name, s in scores.items():
            lines.append(
                f"{name[:26]:<26}  {_pct(s.precision):>9}  {_pct(s.recall):>6}"
                f"  {s.tp:>3} {s.fp:>3} {s.fn:>3}"
            )
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def write_junit(results: list[CaseResult], seconds: float, path: Path) -> None:
    failed = sum(not r.passed for r in results)
    suite = ET.Element(
        "testsuite",
        name="safeproxy policy tests",
        tests=str(len(results)),
        failures=str(failed),
        errors="0",
        time=f"{seconds:.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname=f"policy.{r.case.direction}", name=r.case.name
        )
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=r.problems[0])
            failure.text = "\n".join(r.problems)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def as_json(results: list[CaseResult]) -> dict[str, Any]:
    return {
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed for r in results),
        "cases": [
            {
                "name": r.case.name,
                "direction": r.case.direction,
                "expect": r.case.expect,
                "got": r.observed.verdict if r.observed else None,
                "types": list(r.observed.types) if r.observed else [],
                "problems": r.problems,
            }
            for r in results
        ],
        "types": {
            t: {"precision": s.precision, "recall": s.recall, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for t, s in type_scores(results).items()
        },
    }
