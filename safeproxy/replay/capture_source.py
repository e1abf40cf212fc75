"""Reading a tier-2 capture for replay: every segment of a capture directory (or one file),
oldest first, decrypted with the key; a record that cannot be decrypted or read is an error
naming its file and line, before anything is reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from safeproxy.capture.cipher import CaptureKeyError, Sealer
from safeproxy.capture.store import SEGMENT
from safeproxy.replay.source import ReplaySourceError, Window


def capture_files(path: Path) -> list[Path]:
    """A capture directory's segments in time order, or the one file given."""
    if not path.is_dir():
        return [path]
    found = [(SEGMENT.fullmatch(p.name), p) for p in path.iterdir()]
    return [p for m, p in sorted((m.groups(), p) for m, p in found if m is not None)]


def captured_records(path: Path, sealer: Sealer, window: Window) -> Iterator[dict[str, Any]]:
    for file in capture_files(path):
        yield from _file_records(file, sealer, window)


def _file_records(path: Path, sealer: Sealer, window: Window) -> Iterator[dict[str, Any]]:
    try:
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        raise ReplaySourceError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            token = line.strip()
            if not token:
                continue
            try:
                plain = sealer.open(token)
            except CaptureKeyError as exc:
                raise ReplaySourceError(f"{path}:{number}: {exc}") from None
            try:
                record = orjson.loads(plain)
            except orjson.JSONDecodeError as exc:
                raise ReplaySourceError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            problem = _shape_problem(record)
            if problem:
                raise ReplaySourceError(f"{path}:{number}: {problem}")
            if window.admits(record):
                yield record


def _shape_problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("v") != 1:
        return f"unknown capture record version {record.get('v')!r}"
    if not isinstance(record.get("outcome"), str):
        return "a captured record without an outcome"
    view = record.get("input")
    texts = view.get("texts") if isinstance(view, dict) else None
    joined = view.get("joined") if isinstance(view, dict) else None
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return "a captured record whose `input.texts` is not a list of strings"
    if not isinstance(joined, list) or not all(_run(r, len(texts)) for r in joined):
        return "a captured record whose `input.joined` is not a list of [i, j) runs"
    output = record.get("output")
    if output is not None and not (
        isinstance(output, list) and all(isinstance(t, str) for t in output)
    ):
        return "a captured record whose `output` is not a list of strings"
    if not isinstance(record.get("types", []), list):
        return "a captured record whose `types` is not a list"
    return None


def _run(r: Any, n: int) -> bool:
    return (
        isinstance(r, list)
        and len(r) == 2
        and all(type(x) is int for x in r)
        and 0 <= r[0] < r[1] <= n
    )
