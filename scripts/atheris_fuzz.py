"""Coverage-guided long runs of the Hypothesis fuzzers, driven by atheris (libFuzzer).

Hypothesis draws examples at random; atheris mutates the bytes Hypothesis draws from and
keeps those that reach new code (edge coverage of the instrumented safeproxy modules), so a
long run goes deeper into the parsers than random draws do. Each target is a test of
tests/fuzz/, run through Hypothesis' `fuzz_one_input`: the same properties, the same
strategies. A failure prints the falsifying example as Hypothesis does (libFuzzer's input goes
to .hypothesis/atheris/); keep the example in tests/fuzz_corpus/.

    pip install atheris        # Linux x86-64 wheels; not a dev extra
    PYTHONPATH=. python scripts/atheris_fuzz.py body-mutated -max_total_time=600
    PYTHONPATH=. python scripts/atheris_fuzz.py --list

Arguments after the target go to libFuzzer (-max_total_time, -runs, a corpus directory...).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# target -> (test module, test function, the safeproxy modules to instrument)
TARGETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "body": ("tests.fuzz.test_fuzz_body", "test_any_written_form_reads_as_the_strict_reading",
             ("safeproxy.edge.body",)),
    "body-mutated": ("tests.fuzz.test_fuzz_body",
                     "test_mutated_bodies_are_refused_or_read_as_the_strict_reading",
                     ("safeproxy.edge.body",)),
    "gzip": ("tests.fuzz.test_fuzz_body", "test_inflate_gives_gunzip_bytes_within_the_cap",
             ("safeproxy.edge.body",)),
    "sse": ("tests.fuzz.test_fuzz_sse",
            "test_any_bytes_decode_to_well_formed_events_however_split",
            ("safeproxy.upstream.sse",)),
    "hook": ("tests.fuzz.test_fuzz_sse",
             "test_any_upstream_events_pass_the_hook_without_an_exception",
             ("safeproxy.exchange.output_hook", "safeproxy.filters.holdback")),
    "normalize": ("tests.fuzz.test_fuzz_normalize",
                  "test_normalised_spans_map_to_ordered_original_spans",
                  ("safeproxy.filters.normalize", "safeproxy.filters.kept",
                   "safeproxy.filters.spans")),
}  # fmt: skip


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in TARGETS:
        print("targets:", ", ".join(TARGETS))
        raise SystemExit(0 if argv[1:2] == ["--list"] else 2)
    import atheris  # a long-run tool only: imported here, never by the suite

    module, name, instrumented = TARGETS[argv[1]]
    # Nothing of safeproxy is imported yet: the test module's imports load the parsers
    # inside this block, instrumented, so their coverage guides the mutations.
    with atheris.instrument_imports(include=list(instrumented)):
        test: Any = getattr(importlib.import_module(module), name)
    fuzz_one: Callable[[bytes], Any] = test.hypothesis.fuzz_one_input
    args = argv[2:]
    if not any(a.startswith("-artifact_prefix=") for a in args):
        # libFuzzer writes a crashing input to the working directory unless told otherwise;
        # .hypothesis/ is git-ignored, and where the long Hypothesis runs keep theirs.
        Path(".hypothesis/atheris").mkdir(parents=True, exist_ok=True)
        args.append("-artifact_prefix=.hypothesis/atheris/")
    atheris.Setup([argv[0], *args], fuzz_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
