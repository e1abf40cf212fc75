"""Upstream failures map onto the closed `reason` vocabulary of safeproxy_upstream_errors_total."""

from __future__ import annotations

import pytest

from safeproxy.errors import (
    BadUpstreamReply,
    BreakerOpen,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from safeproxy.upstream.failures import REASONS, error_reason, status_reason


@pytest.mark.parametrize(
    ("status", "reason"),
    [(200, None), (204, None), (302, None), (400, "http_4xx"), (401, "http_4xx"),
     (404, "http_4xx"), (429, "http_429"), (499, "http_4xx"), (500, "http_5xx"),
     (502, "http_5xx"), (503, "http_503"), (504, "http_5xx"), (599, "http_5xx")],
)  # fmt: skip
def test_statuses(status: int, reason: str | None) -> None:
    assert status_reason(status) == reason


CONNECT_TIMEOUT = UpstreamTimeout("t", code="upstream_connect_timeout")
RESET = UpstreamUnavailable("r", code="upstream_reset")


@pytest.mark.parametrize(
    ("error", "before", "during"),
    [
        (UpstreamUnavailable("c"), "connect", "stream_reset"),
        (RESET, "reset", "stream_reset"),
        (CONNECT_TIMEOUT, "connect_timeout", "stream_timeout"),
        (UpstreamTimeout("t"), "timeout", "stream_timeout"),
        (BadUpstreamReply("m"), "malformed", "malformed"),
        (BreakerOpen("o", retry_after_s=1.0), None, None),
        (BreakerOpen("busy", retry_after_s=1.0, code="upstream_busy"), None, None),
    ],
)
def test_call_errors(error: UpstreamError, before: str | None, during: str | None) -> None:
    assert error_reason(error, mid_stream=False) == before
    assert error_reason(error, mid_stream=True) == during


def test_every_reason_is_in_the_vocabulary() -> None:
    made = {status_reason(s) for s in range(100, 600)} | {
        error_reason(e, mid_stream=m)
        for e in (UpstreamUnavailable("c"), RESET, CONNECT_TIMEOUT, UpstreamTimeout("t"),
                  BadUpstreamReply("m"))
        for m in (False, True)
    }  # fmt: skip
    assert made - {None} == set(REASONS)
