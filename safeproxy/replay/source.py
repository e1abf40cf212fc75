"""Reading an audit log for replay: request records, filtered by time, route and tenant;
a malformed line is an error naming it, before anything is reported."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson


class ReplaySourceError(Exception):
    """An audit log that cannot be replayed; the message names the file and line."""


@dataclass(frozen=True)
class Window:
    """Which records to replay (every bound optional)."""

    since: float | None = None  # unix seconds
    until: float | None = None
    route: str | None = None
    tenant: str | None = None

    def admits(self, record: dict[str, Any]) -> bool:
        t = record.get("time")
        if self.since is not None and not (isinstance(t, int | float) and t >= self.since):
            return False
        if self.until is not None and not (isinstance(t, int | float) and t < self.until):
            return False
        if self.route is not None and record.get("route") != self.route:
            return False
        return self.tenant is None or record.get("tenant") == self.tenant


def request_records(path: Path, window: Window) -> Iterator[dict[str, Any]]:
    """The `request` records of an audit log (other record types are skipped)."""
    try:
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise ReplaySourceError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ReplaySourceError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ReplaySourceError(f"{path}:{number}: not a JSON object")
            if record.get("type") != "request":
                continue
            problem = _shape_problem(record)
            if problem:
                raise ReplaySourceError(f"{path}:{number}: {problem}")
            if window.admits(record):
                yield record


def _shape_problem(record: dict[str, Any]) -> str | None:
    if not isinstance(record.get("outcome"), str):
        return "a request record without an outcome"
    filters = record.get("filters")
    if not isinstance(filters, list) or not all(isinstance(f, dict) for f in filters):
        return "a request record whose `filters` is not a list of objects"
    for f in filters:
        if not isinstance(f.get("filter"), str) or f.get("stage") not in ("input", "output"):
            return "a filter record without `filter` and `stage`"
        if not isinstance(f.get("types", []), list):
            return "a filter record whose `types` is not a list"
    return None
