"""Policy test cases: the file formats (YAML or JSONL), the case model, and load errors that
name the line or path to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import orjson
import yaml
from pydantic import Field, ValidationError, model_validator

from safeproxy.settings.types import Strict

Expect = Literal["allow", "block", "redact"]


class Case(Strict):
    """One expectation of a policy.

    `input` cases send `text` (as the user's message) or `messages` and check what the
    model was sent; `output` cases have the model answer `text` and check what the client
    got; `stream` cases do the same over a streamed reply, under several chunk splits.
    """

    name: str = Field(min_length=1)
    direction: Literal["input", "output", "stream"] = "input"
    model: str | None = None  # routes like a request's `model`; default: "policy-test"
    route: str | None = None  # or a route by name (its first model that routes there)
    tenant: str | None = None
    text: str | None = None
    messages: list[dict[str, Any]] | None = None
    expect: Expect
    # The finding types expected (exactly this set); unchecked when absent.
    types: list[str] | None = None
    # The exact text after redaction: what the model was sent (input) or the client got.
    redacted: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        if (self.text is None) == (self.messages is None):
            raise ValueError("give exactly one of text and messages")
        if self.messages is not None and self.direction != "input":
            raise ValueError("messages are for input cases; output and stream cases give text")
        if self.redacted is not None and (self.expect != "redact" or self.text is None):
            raise ValueError("redacted goes with expect: redact and a text")
        if self.model is not None and self.route is not None:
            raise ValueError("give a model or a route, not both")
        return self


class CaseFileError(Exception):
    """A case file that cannot be used; every problem names its line or YAML path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def load_cases(path: Path) -> list[Case]:
    """Cases from a `.jsonl` file (one object a line) or a YAML file (a list, or `cases:`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError([f"{path}: cannot read: {exc}"]) from None
    raw = _jsonl(path, text) if path.suffix == ".jsonl" else _yaml(path, text)
    problems: list[str] = []
    cases: list[Case] = []
    for where, item in raw:
        try:
            cases.append(Case.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                msg = str(err["msg"]).removeprefix("Value error, ")
                problems.append(f"{where}{'.' + loc if loc else ''}: {msg}")
    names = [c.name for c in cases]
    problems += [
        f"{path}: duplicate case name {n!r}" for n in sorted(set(names)) if names.count(n) > 1
    ]
    if problems:
        raise CaseFileError(problems)
    if not cases:
        raise CaseFileError([f"{path}: no cases"])
    return cases


def _jsonl(path: Path, text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((f"{path}:{number}", orjson.loads(line)))
        except orjson.JSONDecodeError as exc:
            raise CaseFileError([f"{path}:{number}: not valid JSON ({exc.msg})"]) from None
    return out


def _yaml(path: Path, text: str) -> list[tuple[str, Any]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise CaseFileError([f"{path}{where}: not valid YAML"]) from None
    if isinstance(data, dict) and set(data) == {"cases"}:
        data = data["cases"]
    if not isinstance(data, list):
        raise CaseFileError([f"{path}: expected a list of cases, or a mapping with `cases:`"])
    return [(f"{path}: cases.{i}", item) for i, item in enumerate(data)]
