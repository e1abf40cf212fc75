"""LocalHotPath.request (one call per request) moves the same series as the inc, observe and
add calls it stands for, and a series appears only with its first observation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, generate_latest

from safeproxy.telemetry import hotpath as h

_TOKENS = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))
_REQUEST = st.tuples(
    st.sampled_from(["chat", "other"]),
    st.sampled_from(["allowed", "redacted", "blocked_input"]),
    st.floats(min_value=0.0, max_value=2.0, allow_nan=False),
    st.sampled_from(["default", "team-a"]),
    st.tuples(_TOKENS, _TOKENS),
)


Request = tuple[str, str, float, str, tuple[int | None, int | None]]


def _by_parts(hot: h.LocalHotPath, request: Request) -> None:
    """What metrics.record did before LocalHotPath.request."""
    route, outcome, overhead, tenant, (tokens_in, tokens_out) = request
    hot.inc(h.REQUESTS, (route, outcome))
    hot.observe(h.OVERHEAD, (), overhead)
    if tokens_in:
        hot.add(h.TOKENS, (route, tenant, "input"), tokens_in)
    if tokens_out:
        hot.add(h.TOKENS, (route, tenant, "output"), tokens_out)


@given(st.lists(_REQUEST, max_size=20), st.integers(min_value=0, max_value=20))
def test_request_moves_what_its_parts_did(requests: list[Request], split: int) -> None:
    whole, parts = CollectorRegistry(), CollectorRegistry()
    one, many = h.LocalHotPath(whole), h.LocalHotPath(parts)
    for i, request in enumerate(requests):
        one.request(*request)
        # The first `split` the new way, the rest the old: both reach the same series.
        if i < split:
            many.request(*request)
        else:
            _by_parts(many, request)
    assert generate_latest(whole) == generate_latest(parts)


def test_no_overhead_series_before_the_first_request() -> None:
    registry = CollectorRegistry()
    hot = h.LocalHotPath(registry)
    assert b"safeproxy_overhead_seconds_bucket" not in generate_latest(registry)
    hot.request("chat", "allowed", 0.0003, "default", (None, None))
    text = generate_latest(registry).decode()
    assert 'safeproxy_overhead_seconds_bucket{le="0.0005"} 1.0' in text
    assert 'safeproxy_requests_total{outcome="allowed",route="chat"} 1.0' in text
    assert "safeproxy_tokens_total{" not in text  # no tokens reported: no series
