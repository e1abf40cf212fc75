"""The console's pure pieces: text split into plain and highlighted segments, form filters
turned into the API's, and the rollout chart's geometry."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.admin.console.chart import HEIGHT, PAD, WIDTH, charts
from safeproxy.admin.console.review_page import api_query, chosen_filters, segments
from safeproxy.errors import BadRequest

PIECES = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(["[REDACTED:EMAIL]", "[REDACTED:", "]"]))
)


@given(PIECES)
def test_segments_rebuild_the_text_and_mark_only_placeholders(pieces: list[str]) -> None:
    text = "".join(pieces)
    parts = segments(text)
    assert "".join(p.text for p in parts) == text  # nothing lost, nothing added
    for p in parts:
        if p.mark:
            assert p.text.startswith("[REDACTED:") and p.text.endswith("]")
        else:
            assert p.text  # no empty plain pieces
            assert not any(s.mark for s in segments(p.text))


def test_a_day_filter_covers_the_whole_day_in_utc() -> None:
    query = api_query(chosen_filters({"since": "2026-12-03", "until": "2026-12-03"}))
    start = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC).timestamp()
    assert (float(query["since"]), float(query["until"])) == (start, start + 86_400)
    assert query["label"] == "unlabelled"  # the queue's default
    assert "label" not in api_query(chosen_filters({"label": "any"}))
    with pytest.raises(BadRequest):
        api_query(chosen_filters({"since": "yesterday"}))


def test_the_chart_scales_to_the_largest_value_and_leaves_gaps_for_missing_data() -> None:
    history: list[dict[str, Any]] = [
        {"event": "started"},
        {"interval": "fail", "values": {"block_rate": [0.5, 0.25]}},
        {"interval": "inconclusive", "values": {"block_rate": [None, 0.25]}},
        {"interval": "fail", "values": {"block_rate": [0.5, 0.0]}},
    ]
    (chart,) = charts(history)
    assert chart.metric == "block_rate" and chart.intervals == 3 and chart.top == 0.5
    canary = [tuple(map(float, p.split(","))) for p in chart.canary.split()]
    baseline = [tuple(map(float, p.split(","))) for p in chart.baseline.split()]
    assert [x for x, _ in canary] == [PAD, WIDTH - PAD]  # the middle interval is a gap
    assert {y for _, y in canary} == {PAD}  # the top value is drawn at the top
    assert baseline[-1][1] == HEIGHT - PAD  # zero at the bottom
    assert charts([{"event": "started"}]) == []
