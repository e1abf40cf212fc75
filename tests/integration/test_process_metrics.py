"""The standard `process_*` metrics on /metrics of a single-process proxy (the multi-worker
case is in tests/reliability/test_cli_process.py)."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support import Stack


def test_process_metrics_are_exported(stack: Stack) -> None:
    text = httpx.get(stack.url + "/metrics").text
    samples = {s.name: s for f in text_string_to_metric_families(text) for s in f.samples}
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes",
                 "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                 "process_start_time_seconds"):  # fmt: skip
        assert samples[name].value > 0, name
        assert samples[name].labels == {}, name  # one process: no worker label
