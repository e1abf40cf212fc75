"""The review queue's rows, shared by the SQL backends: column list, item ↔ row, WHERE clause.

Each backend names its table and its parameter mark (`?` for SQLite, `%s` for psycopg);
column names are fixed strings here and every value is bound, never formatted into SQL.
"""

from __future__ import annotations

import builtins
import dataclasses
from typing import Any

import orjson

from safeproxy.review.item import LABELS, UNLABELLED, ReviewItem
from safeproxy.review.store import MAX_ID, Filters

COLUMNS = (
    "id, request_id, created_unix, policy, route, tenant, stage, source, flagged, "
    "check_name, verdict, categories, score, finding_types, text, label, note, labelled_unix, "
    "policy_version"
)
# Every column but id, in ReviewItem's field order (after id).
INSERT_COLUMNS = COLUMNS.removeprefix("id, ")
_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(ReviewItem))
# Equality filters: the filter's name → its column.
_EQUAL = {"source": "source", "policy": "policy", "check": "check_name", "stage": "stage",
          "route": "route", "tenant": "tenant"}  # fmt: skip
_RANGE = {"since_unix": "created_unix >= ", "until_unix": "created_unix < "}


def select(table: str) -> str:
    return f"SELECT {COLUMNS} FROM {table}"  # noqa: S608 (a fixed table name, no input)


def insert(table: str, mark: str) -> str:
    marks = ", ".join([mark] * len(INSERT_COLUMNS.split(", ")))
    return f"INSERT INTO {table} ({INSERT_COLUMNS}) VALUES ({marks})"  # noqa: S608


def encode(i: ReviewItem, max_text_chars: int) -> tuple[object, ...]:
    """The row's values for `insert` (text cut to max_text_chars; lists as JSON text)."""
    text = i.text[:max_text_chars] if i.text is not None else None
    categories, findings = orjson.dumps(i.categories), orjson.dumps(i.finding_types)
    return (
        *(i.request_id, i.created_unix, i.policy, i.route, i.tenant, i.stage, i.source),
        *(i.flagged, i.check, i.verdict, categories.decode(), i.score, findings.decode()),
        *(text, i.label, i.note, i.labelled_unix, i.policy_version),
    )


def decode(row: tuple[Any, ...]) -> ReviewItem:
    """A row of `select` as an item (columns are in ReviewItem's field order)."""
    fields: dict[str, Any] = dict(zip(_FIELD_NAMES, row, strict=True))
    fields["flagged"] = bool(row[8])
    fields["categories"] = tuple(orjson.loads(row[11]))
    fields["finding_types"] = tuple(orjson.loads(row[13]))
    return ReviewItem(**fields)


def where(filters: Filters, before_id: int | None, mark: str) -> tuple[str, builtins.list[object]]:
    """The WHERE clause and its parameters: column names are fixed strings, values bound."""
    clauses: builtins.list[str] = []
    params: builtins.list[object] = []
    label = filters.get("label")
    if label == UNLABELLED:
        clauses.append("label IS NULL")
    elif label is not None:
        if label not in LABELS:
            raise ValueError(f"label must be {UNLABELLED} or one of: {', '.join(LABELS)}")
        clauses.append(f"label = {mark}")
        params.append(label)
    for name, column in _EQUAL.items():
        if (value := filters.get(name)) is not None:
            clauses.append(f"{column} = {mark}")
            params.append(value)
    for name, clause in _RANGE.items():
        if (bound := filters.get(name)) is not None:
            clauses.append(clause + mark)
            params.append(bound)
    if before_id is not None:
        clauses.append(f"id < {mark}")
        params.append(max(0, min(before_id, MAX_ID)))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
