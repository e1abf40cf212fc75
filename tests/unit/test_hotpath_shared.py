"""LocalHotPath.shared_groups (one call for a request's groups, one bucket search per stage
time) moves the same series as one verdict and one filter-time observation per record of each
shared group, and hands back the other groups, in order."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, generate_latest

from safeproxy.filters.api import Action, FilterRecord, Mode, SharedRecords
from safeproxy.telemetry import hotpath as h


def _record(name: str, stage: str) -> FilterRecord:
    return FilterRecord(name, stage, Action.CONTINUE, Action.CONTINUE, Mode.ENFORCE)


# Groups made once (as compiled policies make them), then given to requests in any mix.
_SHARED = [
    SharedRecords([_record("pii", "input"), _record("secrets", "input")]),
    SharedRecords([_record("limits", "input")]),
    SharedRecords([_record("pii", "output")]),
    SharedRecords(),
]
_OWN = [(_record("pii", "input"),), (_record("secrets", "output"),), ()]
_GROUP = st.sampled_from([*_SHARED, *_OWN])
_SECONDS = st.floats(min_value=0.0, max_value=0.2, allow_nan=False)
_REQUEST = st.tuples(st.lists(_GROUP, max_size=5), _SECONDS, _SECONDS)

Request = tuple[list[Sequence[FilterRecord]], float, float]


def _by_record(hot: h.LocalHotPath, request: Request) -> list[Sequence[FilterRecord]]:
    """Each shared group's records one by one (what SharedHotPath does)."""
    groups, input_s, output_s = request
    others: list[Sequence[FilterRecord]] = []
    for group in groups:
        if not group:
            continue
        if type(group) is not SharedRecords:
            others.append(group)
            continue
        seconds = input_s if group[0].stage == "input" else output_s
        for r in group:
            hot.inc(h.VERDICTS, ("p", r.filter, r.stage, "continue", "enforce"))
            hot.observe(h.FILTER_SECONDS, (r.filter, r.stage), seconds)
    return others


@given(st.lists(_REQUEST, max_size=12))
def test_shared_groups_move_what_their_records_did(requests: list[Request]) -> None:
    whole, parts = CollectorRegistry(), CollectorRegistry()
    one, many = h.LocalHotPath(whole), h.LocalHotPath(parts)
    for request in requests:
        groups, input_s, output_s = request
        assert one.shared_groups("p", groups, input_s, output_s) == _by_record(many, request)
    assert generate_latest(whole) == generate_latest(parts)


def test_shared_mode_hands_back_the_same_groups() -> None:
    hot = h.SharedHotPath(CollectorRegistry())
    groups: list[Sequence[FilterRecord]] = [_SHARED[0], _OWN[0], _SHARED[3], _OWN[2], _OWN[1]]
    assert hot.shared_groups("p", groups, 0.001, 0.002) == [_OWN[0], _OWN[1]]
