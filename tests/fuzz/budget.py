"""The fuzzers' Hypothesis settings: a bounded, repeatable budget by default, thousands of
random examples with `SAFEPROXY_FUZZ=long`.

CI runs the bounded budget derandomised, so a CI failure reproduces on any machine from the
same commit. The long run draws fresh random examples every time and keeps what fails in
Hypothesis' example database (.hypothesis/), so a failure found overnight replays at once;
copy the failing input into tests/fuzz_corpus/ or an `@example` to keep it for everyone.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

# How many times more examples the long run draws than CI.
LONG_FACTOR = 50


def long_run() -> bool:
    return os.environ.get("SAFEPROXY_FUZZ", "").strip().lower() == "long"


def fuzz(ci_examples: int = 200) -> settings:
    """Settings for one fuzz target: `ci_examples` in CI, LONG_FACTOR times that in the long run.

    Deadlines are off (the machine is shared; a slow example is not a failure here) and the
    health checks that refuse large or slow-to-generate inputs are off, since large and odd
    inputs are the point.
    """
    long = long_run()
    return settings(
        max_examples=ci_examples * LONG_FACTOR if long else ci_examples,
        deadline=None,
        derandomize=not long,
        # The long run keeps its failures in Hypothesis' default database (.hypothesis/).
        database=DirectoryBasedExampleDatabase(".hypothesis/examples") if long else None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
        print_blob=True,
    )
