"""`safeproxy test --config FILE CASES...`: exit 0 when every case passes, 1 when one fails,
2 when the config or a case file cannot be used."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import orjson

from safeproxy.policytest.cases import Case, CaseFileError, load_cases
from safeproxy.policytest.report import as_json, table, write_junit
from safeproxy.policytest.runner import run_cases
from safeproxy.settings.loading import ConfigError, load_settings


def run_tests(
    config: Path | None, files: list[Path], *, junit: Path | None, json: bool, splits: int
) -> int:
    try:
        settings = load_settings(config, environ=os.environ)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    cases: list[Case] = []
    problems: list[str] = []
    for path in files:
        try:
            cases += load_cases(path)
        except CaseFileError as exc:
            problems += exc.problems
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = asyncio.run(run_cases(settings, cases, splits=max(0, splits)))
    seconds = time.perf_counter() - started
    if json:
        print(orjson.dumps(as_json(results), option=orjson.OPT_INDENT_2).decode())
    else:
        print(table(results, seconds))
    if junit is not None:
        write_junit(results, seconds, junit)
    return 0 if all(r.passed for r in results) else 1
