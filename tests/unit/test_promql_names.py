"""The PromQL metric-name extractor used to check dashboards against the metric contract."""

from __future__ import annotations

import pytest

from tests.promql_names import metric_names, split_args


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("safeproxy_in_flight_requests", {"safeproxy_in_flight_requests"}),
        (
            'sum by (outcome) (rate(safeproxy_requests_total{route=~"$route"}[$__rate_interval]))',
            {"safeproxy_requests_total"},
        ),
        (
            "histogram_quantile(0.99, sum by (le) (rate(safeproxy_overhead_seconds_bucket[5m])))",
            {"safeproxy_overhead_seconds_bucket"},
        ),
        (
            'histogram_quantile(0.5, sum(rate(x_bucket{filter=~"$filter"}[$__rate_interval]))'
            " by (filter, stage, le))",
            {"x_bucket"},
        ),
        (
            'topk(10, sum by (type) (increase(safeproxy_findings_total{policy=~"$policy"}'
            "[$__range])))",
            {"safeproxy_findings_total"},
        ),
        ('count(ALERTS{alertname=~"Safeproxy.*", alertstate="firing"}) or vector(0)', {"ALERTS"}),
        ("vector(1)", set()),
        ("time() - 1e3 * 0x1F", set()),
        (
            "sum by (outcome) (rate(a_total[5m])) / on() group_left() sum(rate(b_total[5m]))",
            {"a_total", "b_total"},
        ),
        (
            "a / ignoring (code) group_left (upstream) b > bool 0 unless on (x) c",
            {"a", "b", "c"},
        ),
        ("sum without (instance) (a) and b offset 1h30m", {"a", "b"}),
        ("a @ start() - a @ end()", {"a"}),
        (
            "1 - (max(safeproxy:safety_slo:objective) or vector(0.999))",
            {"safeproxy:safety_slo:objective"},
        ),
        (
            "safeproxy:output_violation_ratio:rate5m > 14.4 * 0.001",
            {"safeproxy:output_violation_ratio:rate5m"},
        ),
        ("rate(x[5m:1m]) # trailing comment naming not_a_metric", {"x"}),
        ('{__name__="by_name", job="a"} + {__name__=~"regex_.*"}', {"by_name"}),
        ('label_replace(a, "dst", "$1", "src", "(.*)")', {"a"}),
        (
            'count_values("version", safeproxy_policy_info{version!="a}b"})',
            {"safeproxy_policy_info"},
        ),
        ("SUM BY (le) (a) OR Inf + NaN", {"a"}),
        ("[[interval]] + ${var:regex} + b[$__interval]", {"b"}),
    ],
)
def test_promql_expressions(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("label_values(safeproxy_requests_total, route)", {"safeproxy_requests_total"}),
        ('label_values(a{route=~"$route", b=","}, policy)', {"a"}),
        ("label_values(route)", set()),
        ("label_names()", set()),
        ("label_names(a)", {"a"}),
        ("metrics(safeproxy_.*)", set()),
        ("query_result(topk(5, sum by (route) (rate(a_total[$__range]))))", {"a_total"}),
    ],
)
def test_grafana_template_queries(query: str, names: set[str]) -> None:
    assert metric_names(query) == names


def test_unknown_function_raises() -> None:
    with pytest.raises(ValueError, match="histogram_quantil"):
        metric_names("histogram_quantil(0.99, a)")


def test_split_args_respects_nesting_and_strings() -> None:
    assert split_args('a{x=",", y="("}, f(b, c), [1,2]') == ['a{x=",", y="("}', "f(b, c)", "[1,2]"]
