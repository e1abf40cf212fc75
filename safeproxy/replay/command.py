"""`safeproxy replay --config CANDIDATE AUDIT...`: exit 0 with a report, 2 when the config or
an audit log cannot be used (nothing is reported from a half-read log)."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

import orjson

from safeproxy.replay.decide import Replayer
from safeproxy.replay.report import Report
from safeproxy.replay.source import ReplaySourceError, Window, request_records
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


def run_replay(config: Path | None, logs: list[Path], window: Window, *, json: bool) -> int:
    try:
        candidate = load_settings(config, environ=os.environ)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    replayer = Replayer(candidate)
    report = Report()
    progress = sys.stderr.isatty()
    shown = time.monotonic()
    try:
        for log in logs:
            for record in request_records(log, window):
                report.add(replayer.replay(record))
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
