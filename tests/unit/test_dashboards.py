"""The Grafana dashboards in deploy/grafana/ import cleanly and only query known series."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.promql_names import (
    GRAFANA_DIR,
    dashboard_exprs,
    iter_panels,
    load_dashboards,
    metric_names,
    variable_query,
)

# The metric contract: names as exposed on /metrics (counters with `_total`).
COUNTERS = frozenset(
    {
        "safeproxy_requests_total",
        "safeproxy_filter_verdicts_total",
        "safeproxy_filter_errors_total",
        "safeproxy_findings_total",
        "safeproxy_output_checked_total",
        "safeproxy_output_violations_total",
        "safeproxy_degraded_total",
        "safeproxy_stream_blocked_total",
        "safeproxy_upstream_errors_total",
        "safeproxy_tokens_total",
        "safeproxy_fallbacks_total",
        "safeproxy_deep_checks_total",
        "safeproxy_deep_check_errors_total",
        "safeproxy_deep_checks_dropped_total",
        "safeproxy_deep_checks_skipped_total",
        "safeproxy_deep_check_cache_total",
        "safeproxy_review_items_total",
        "safeproxy_rollout_intervals_total",
        "safeproxy_rollout_events_total",
        "process_cpu_seconds_total",
    }
)
HISTOGRAMS = frozenset(
    {
        "safeproxy_overhead_seconds",
        "safeproxy_upstream_seconds",
        "safeproxy_upstream_ttft_seconds",
        "safeproxy_filter_seconds",
        "safeproxy_stream_holdback_chars",
        "safeproxy_deep_check_seconds",
        "safeproxy_time_to_detect_seconds",
        "safeproxy_time_to_mitigate_seconds",
    }
)
GAUGES = frozenset(
    {
        "safeproxy_rollout_metric",
        "safeproxy_rollout_share_percent",
        "safeproxy_policy_info",
        "safeproxy_in_flight_requests",
        "safeproxy_breaker_open",
        "safeproxy_deep_check_queue_depth",
        "safeproxy_review_labels",
        "safeproxy_review_false_positive_ratio",
        "safeproxy_review_false_negative_ratio",
        "safeproxy_drift_finding_mix_jsd",
        "safeproxy_drift_finding_mix_jsd_threshold",
        "safeproxy_drift_score_ks",
        "safeproxy_drift_score_ks_threshold",
        # The standard process metrics (labelled by `worker` under --workers N).
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_max_fds",
    }
)
# Metrics a dashboard may chart before the proxy exports them (they land with later work);
# move each into COUNTERS / HISTOGRAMS / GAUGES when it does. None now.
PENDING: frozenset[str] = frozenset()
# From deploy/prometheus/recording_rules.yml.
RECORDING_RULES = frozenset(
    {
        "safeproxy:safety_slo:objective",
        "safeproxy:output_violation_ratio:rate5m",
        "safeproxy:output_violation_ratio:rate30m",
        "safeproxy:output_violation_ratio:rate1h",
        "safeproxy:output_violation_ratio:rate6h",
        "safeproxy:output_violation_ratio:rate3d",
        "safeproxy:safe_output_ratio:rate5m",
    }
)
BUILTIN_SERIES = frozenset({"ALERTS"})
EXPORTED = (
    COUNTERS
    | GAUGES
    | {f"{name}{suffix}" for name in HISTOGRAMS for suffix in ("_bucket", "_sum", "_count")}
)
KNOWN = EXPORTED | PENDING | RECORDING_RULES | BUILTIN_SERIES

EXPECTED_FILES = {"safeproxy-executive.json", "safeproxy-oncall.json", "safeproxy-debug.json"}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
PANEL_TYPES = {"row", "timeseries", "stat", "gauge", "bargauge", "table"}
# Grafana's own variables; anything else must be a templating variable of the dashboard.
GRAFANA_BUILTINS = {"__rate_interval", "__range", "__interval", "__range_s", "__interval_ms"}
# Windows fixed by definition (the 30-day SLO budget); every other range follows Grafana's.
FIXED_WINDOWS = {"30d"}

PATHS = sorted(GRAFANA_DIR.glob("*.json"))
DASHBOARDS = load_dashboards()


def panels_of(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return list(iter_panels(dashboard["panels"]))


def variables_of(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    variables: list[dict[str, Any]] = dashboard["templating"]["list"]
    return variables


def exprs_of(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for panel in panels_of(dashboard) for t in panel.get("targets", [])]


def test_the_three_dashboards_exist() -> None:
    assert {path.name for path in PATHS} == EXPECTED_FILES


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_file_is_valid_json_object(path: Path) -> None:
    assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


def test_uids_are_present_unique_and_short() -> None:
    uids = [dashboard.get("uid") for dashboard in DASHBOARDS.values()]
    assert all(isinstance(uid, str) and 0 < len(uid) <= 40 for uid in uids), uids
    assert len(set(uids)) == len(uids), uids


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_dashboard_model(path: Path) -> None:
    dashboard = DASHBOARDS[path]
    assert dashboard["title"]
    assert dashboard["schemaVersion"] >= 36
    assert dashboard["editable"] is True
    assert {"from", "to"} <= dashboard["time"].keys()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_datasource_variable(path: Path) -> None:
    variables = variables_of(DASHBOARDS[path])
    datasource = [v for v in variables if v["type"] == "datasource"]
    assert [(v["name"], v["query"]) for v in datasource] == [("datasource", "prometheus")]
    for variable in variables:
        if variable["type"] == "query":
            assert variable["datasource"] == DATASOURCE, variable["name"]
            assert variable_query(variable), variable["name"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_panels_have_ids_positions_and_templated_datasource(path: Path) -> None:
    panels = panels_of(DASHBOARDS[path])
    ids = [panel["id"] for panel in panels]
    assert len(set(ids)) == len(ids), ids
    for panel in panels:
        title = panel.get("title")
        assert title, panel["id"]
        assert panel["type"] in PANEL_TYPES, title
        assert {"x", "y", "w", "h"} <= panel["gridPos"].keys(), title
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, title
        if panel["type"] == "row":
            assert "targets" not in panel, title
            continue
        assert panel["datasource"] == DATASOURCE, title
        targets = panel["targets"]
        assert targets, title
        ref_ids = [t["refId"] for t in targets]
        assert len(set(ref_ids)) == len(ref_ids), title
        for target in targets:
            assert target["datasource"] == DATASOURCE, title
            assert target["expr"].strip(), title


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_exprs_use_defined_variables_and_grafana_windows(path: Path) -> None:
    dashboard = DASHBOARDS[path]
    defined = {v["name"] for v in variables_of(dashboard)} | GRAFANA_BUILTINS
    for expr in exprs_of(dashboard):
        used = set(re.findall(r"\$\{?(\w+)", expr))
        assert used <= defined, (expr, used - defined)
        for window in re.findall(r"\[([^\]]*)\]", expr):
            assert window.startswith("$__") or window in FIXED_WINDOWS, (expr, window)


def test_every_expr_selects_only_contract_series() -> None:
    exprs = dashboard_exprs()
    assert exprs
    unknown = {(expr, name) for expr in exprs for name in metric_names(expr) - KNOWN}
    assert not unknown, sorted(unknown)


def test_every_panel_expr_selects_a_series() -> None:
    # vector(0) alone would chart nothing useful; each panel query names at least one series.
    for dashboard in DASHBOARDS.values():
        for expr in exprs_of(dashboard):
            assert metric_names(expr), expr


def test_dashboard_exprs_include_template_queries() -> None:
    exprs = dashboard_exprs()
    assert "label_values(safeproxy_requests_total, route)" in exprs
    assert len(exprs) == sum(
        len(exprs_of(d)) + sum(v["type"] == "query" for v in variables_of(d))
        for d in DASHBOARDS.values()
    )


def test_contract_sets_do_not_overlap() -> None:
    assert not (EXPORTED & PENDING)
    assert all(name.endswith("_total") for name in COUNTERS)
