"""Metric names a PromQL expression selects, and every expression in the Grafana dashboards.

A lexer, not a parser: it drops label matchers, range selectors, grouping label lists, string
literals, comments and Grafana variables, then keeps every remaining identifier that is not a
keyword and not called like a function. That is enough for the dashboards and rules in deploy/;
an identifier called like a function that PromQL does not know raises, so typos surface.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GRAFANA_DIR = Path(__file__).resolve().parent.parent / "deploy" / "grafana"

FUNCTIONS = frozenset(
    {
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
        "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
        "count_over_time", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "deg",
        "delta", "deriv", "double_exponential_smoothing", "exp", "first_over_time", "floor",
        "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile",
        "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "hour", "idelta",
        "increase", "info", "irate", "label_join", "label_replace", "last_over_time", "ln",
        "log10", "log2", "mad_over_time", "max_over_time", "min_over_time", "minute", "month",
        "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate",
        "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_by_label",
        "sort_by_label_desc", "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time",
        "sum_over_time", "tan", "tanh", "time", "timestamp", "ts_of_first_over_time",
        "ts_of_last_over_time", "ts_of_max_over_time", "ts_of_min_over_time", "vector", "year",
        # The `@ start()` / `@ end()` modifiers.
        "start", "end",
    }
)  # fmt: skip
# Aggregation operators and keywords are case-insensitive in PromQL; function names are not.
AGGREGATIONS = frozenset(
    {
        "avg", "bottomk", "count", "count_values", "group", "limit_ratio", "limitk", "max", "min",
        "quantile", "stddev", "stdvar", "sum", "topk",
    }
)  # fmt: skip
KEYWORDS = frozenset(
    {
        "and", "atan2", "bool", "by", "group_left", "group_right", "ignoring", "inf", "nan",
        "offset", "on", "or", "unless", "without",
    }
)  # fmt: skip

_STRING = r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`"""
_STRINGS = re.compile(_STRING)
_BRACES = re.compile(r"""\{(?:[^{}"'`]|""" + _STRING + r")*\}")
_NAME_MATCHER = re.compile(r"""(?<![\w:])__name__\s*=\s*(?:"([^"\\$]*)"|'([^'\\$]*)')""")
_COMMENT = re.compile(r"#[^\n]*")
# ${var}, ${var:format}, $var, [[var]] and $__builtin.
_GRAFANA_VAR = re.compile(r"\$\{[^}]*\}|\$\w+|\[\[[^\]]*\]\]")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(
    r"(?<![\w:])(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE
)
_IDENT = re.compile(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?")
# Grafana's Prometheus template-variable query functions.
_TEMPLATE_QUERY = re.compile(
    r"\s*(label_values|label_names|query_result|metrics)\s*\((.*)\)\s*", re.DOTALL
)


def split_args(args: str) -> list[str]:
    """Split a call's argument text at top-level commas (outside brackets and strings)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(args):
        string = _STRINGS.match(args, i)
        if string:
            i = string.end()
            continue
        char = args[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(args[start:i])
            start = i + 1
        i += 1
    parts.append(args[start:])
    return [p.strip() for p in parts]


def metric_names(expr: str) -> set[str]:
    """The metric names `expr` selects (also Grafana's `label_values(metric, label)` form)."""
    template = _TEMPLATE_QUERY.fullmatch(expr)
    if template:
        function, inner = template.groups()
        if function == "query_result":
            return metric_names(inner)
        if function == "metrics":  # a regex over metric names, not a selector
            return set()
        args = split_args(inner)
        # label_values(label) and label_names() name no metric; the selector comes first.
        if function == "label_values" and len(args) < 2:
            return set()
        return metric_names(args[0]) if args[0] else set()

    names: set[str] = set()
    for block in _BRACES.findall(expr):
        for double, single in _NAME_MATCHER.findall(block):
            names.add(double or single)
    text = _BRACES.sub(" ", expr)
    text = _STRINGS.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _GRAFANA_VAR.sub(" ", text)
    text = _BRACKETS.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    for match in _IDENT.finditer(text):
        name, call = match.group(1), match.group(2)
        if call:
            if name not in FUNCTIONS and name.lower() not in AGGREGATIONS | KEYWORDS:
                raise ValueError(f"unknown PromQL function {name!r} in {expr!r}")
        elif name.lower() not in KEYWORDS:
            names.add(name)
    return names


def load_dashboards() -> dict[Path, dict[str, Any]]:
    """Every dashboard JSON under deploy/grafana/, by path."""
    return {
        path: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(GRAFANA_DIR.glob("*.json"))
    }


def iter_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Panels in order, including those nested in (collapsed) row panels."""
    for panel in panels:
        yield panel
        yield from iter_panels(panel.get("panels", []))


def variable_query(variable: dict[str, Any]) -> str:
    """A query variable's expression (a string, or an object holding it under `query`)."""
    query = variable.get("query", "")
    if isinstance(query, dict):
        query = query.get("query", "")
    return str(query)


def dashboard_exprs() -> list[str]:
    """Every panel target expr and query-variable query in every dashboard."""
    exprs: list[str] = []
    for dashboard in load_dashboards().values():
        for panel in iter_panels(dashboard.get("panels", [])):
            exprs.extend(t["expr"] for t in panel.get("targets", []) if t.get("expr"))
        for variable in dashboard.get("templating", {}).get("list", []):
            if variable.get("type") == "query" and variable_query(variable):
                exprs.append(variable_query(variable))
    return exprs
