"""`safeproxy replay --config CANDIDATE AUDIT...` (tier 1: re-decides recorded findings) or
`--capture DIR` (tier 2: re-scans captured texts, with the key in `capture.key_env` or
`--key-env`): exit 0 with a report, 2 when the config, the key or a source cannot be used
(nothing is reported from a half-read source)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from safeproxy.replay.decide import Replayer
from safeproxy.replay.report import Report
from safeproxy.replay.source import ReplaySourceError, Window, request_records
from safeproxy.replay.triage import Replayed
from safeproxy.settings.loading import ConfigError, load_settings

_PROGRESS_S = 0.25


def parse_time(value: str) -> float:
    """Unix seconds, or an ISO 8601 time (UTC unless it says otherwise)."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a time: {value!r} (unix seconds or ISO 8601)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.now().astimezone().tzinfo).astimezone()
    return moment.timestamp()


def run_replay(
    config: Path | None,
    logs: list[Path],
    window: Window,
    *,
    json: bool,
    capture: Path | None = None,
    key_env: str | None = None,
) -> int:
    try:
        candidate = load_settings(config, environ=os.environ)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    sources: list[tuple[Callable[[dict[str, Any]], Replayed], Iterable[dict[str, Any]]]] = []
    if logs:
        replayer = Replayer(candidate)
        sources += [(replayer.replay, request_records(log, window)) for log in logs]
    if capture is not None:
        from safeproxy.capture.cipher import CaptureKeyError, sealer
        from safeproxy.replay.capture_source import captured_records
        from safeproxy.replay.rescan import Rescanner

        env_name = key_env or candidate.capture.key_env
        try:
            key = sealer(env_name, os.environ)
        except CaptureKeyError as exc:
            print(f"safeproxy replay: {exc}", file=sys.stderr)
            return 2
        rescanner = Rescanner(candidate, os.environ)
        sources.append((rescanner.replay, captured_records(capture, key, window)))
    report = Report()
    progress = sys.stderr.isatty()
    shown = time.monotonic()
    try:
        for replay, records in sources:
            for record in records:
                report.add(replay(record))
                if progress and time.monotonic() - shown > _PROGRESS_S:
                    shown = time.monotonic()
                    print(f"\rreplayed {report.total:,} records", end="", file=sys.stderr)
    except ReplaySourceError as exc:
        if progress:
            print(file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 2
    if progress:
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    if json:
        print(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        print(report.table())
    return 0
