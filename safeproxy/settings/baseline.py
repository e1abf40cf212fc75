"""Baseline filters: when a lower level drops or weakens one (the rule, in one place).

A lower level is a policy that extends another, a route's policy below the `default`
policy, or a tenant's policy below the policy it replaces on a route. It keeps a baseline
filter when it has a filter of the same name in the same stage (input or output), of the
same type, and that filter is at least as strict:

- `action` no weaker (block > redact > flag), `mode` still `enforce` if the baseline
  enforces, `on_error` still `closed` if the baseline fails closed;
- it detects at least as much: lists of what it looks for (`entities`, `kinds`, `words`,
  `patterns`, `phone_regions`) are supersets; the same `words_file`; an injection
  `threshold` no higher and its classifier still on; reserved domains not newly exempt;
- limits are no looser: each `max_*` set and no higher, `on_max_tokens: reject` kept, and
  the allowed `models` a subset.

Settings that change how a match is shown (`redaction`) or timed (`budget_ms`) are free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from safeproxy.settings.policy import PolicySettings

_ACTION = {"flag": 0, "redact": 1, "block": 2}
_STRICTER = {"mode": ("enforce", "shadow"), "on_error": ("closed", "open"),
             "on_max_tokens": ("reject", "clamp")}  # fmt: skip
_SUPERSETS = ("entities", "kinds", "words", "patterns", "phone_regions")
_CAPS = ("max_prompt_chars", "max_messages", "max_tokens")
STAGES = ("input", "output")


def filter_name(spec: BaseModel) -> str:
    name = getattr(spec, "name", None)
    return name if isinstance(name, str) else str(spec.type)  # type: ignore[attr-defined]


def weakenings(baseline: BaseModel, candidate: BaseModel) -> list[str]:
    """How `candidate` is weaker than the baseline filter `baseline` (empty: it is not)."""
    b, c = _fields(baseline), _fields(candidate)
    if b["type"] != c["type"]:
        return [f"type {c['type']} instead of {b['type']}"]
    out: list[str] = []
    if "action" in b and _ACTION[c["action"]] < _ACTION[b["action"]]:
        out.append(f"action {c['action']} is weaker than {b['action']}")
    for key, (strong, weak) in _STRICTER.items():
        if b.get(key) == strong and c.get(key) == weak:
            out.append(f"{key} {weak} is weaker than {strong}")
    for key in _SUPERSETS:
        lost = _missing(b.get(key), c.get(key))
        if lost:
            out.append(f"{key} drops {lost}")
    if b.get("words_file") and c.get("words_file") != b["words_file"]:
        out.append("words_file differs")
    if "threshold" in b and c["threshold"] > b["threshold"]:
        out.append(f"threshold {c['threshold']} is above {b['threshold']}")
    if b.get("classifier") is not None and c.get("classifier") is None:
        out.append("classifier turned off")
    if b.get("exempt_reserved_domains") is False and c.get("exempt_reserved_domains"):
        out.append("exempts reserved domains")
    for key in _CAPS:
        if b.get(key) is not None and (c.get(key) is None or c[key] > b[key]):
            out.append(f"{key} {c.get(key)} is looser than {b[key]}")
    if b.get("models") is not None:
        extra = _missing(c.get("models"), b["models"]) if c.get("models") is not None else ["*"]
        if extra:
            out.append(f"models allows {extra} beyond the baseline's")
    return out


def missing_baselines(required: PolicySettings, candidate: PolicySettings) -> list[str]:
    """Each baseline filter of `required` that `candidate` drops or weakens, as a message."""
    out: list[str] = []
    for stage in STAGES:
        have = {filter_name(f): f for f in getattr(candidate, stage)}
        for spec in getattr(required, stage):
            if not spec.baseline:
                continue
            name = filter_name(spec)
            mine = have.get(name)
            if mine is None:
                out.append(f"drops baseline filter {stage}.{name}")
                continue
            out += [f"weakens baseline filter {stage}.{name}: {w}" for w in weakenings(spec, mine)]
    return out


def baseline_names(policy: PolicySettings) -> list[tuple[str, str]]:
    """(stage, filter name) of every baseline filter of a policy."""
    return [(s, filter_name(f)) for s in STAGES for f in getattr(policy, s) if f.baseline]


def _fields(spec: BaseModel) -> dict[str, Any]:
    return {k: getattr(spec, k) for k in type(spec).model_fields}


def _missing(wanted: Sequence[Any] | None, have: Sequence[Any] | None) -> list[Any]:
    if not wanted:
        return []
    present = set(have or ())
    return [w if isinstance(w, str | int | float) else str(w) for w in wanted if w not in present]
