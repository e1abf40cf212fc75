"""Upstream failures as a bounded `reason` (the `safeproxy_upstream_errors_total` label).

The vocabulary is closed, so the label's cardinality is fixed whatever the upstream sends:

    http_429, http_503      the upstream said "not now" (a fallback may take these)
    http_4xx, http_5xx      any other error status it answered with (relayed to the client)
    connect                 no connection could be made (refused, DNS, TLS)
    connect_timeout         the connect budget ran out
    timeout                 the first-byte or total budget ran out before the reply started
    reset                   the connection was lost before the reply started
    malformed               a reply that is not what the protocol promises
    stream_reset            the connection was lost after the client got the first event
    stream_timeout          the idle (or total) budget ran out after the first event

A circuit breaker that is open, or an upstream at its concurrency cap, is not a failure of the
upstream: those requests are counted by their outcome (`breaker_open`, `shed`) instead.
"""

from __future__ import annotations

from safeproxy.errors import BadUpstreamReply, BreakerOpen, UpstreamError, UpstreamTimeout

REASONS = (
    "http_429", "http_503", "http_4xx", "http_5xx", "connect", "connect_timeout", "timeout",
    "reset", "malformed", "stream_reset", "stream_timeout",
)  # fmt: skip


def status_reason(status: int) -> str | None:
    """The reason of an upstream's error status; None for a status that is no error."""
    if status in (429, 503):
        return f"http_{status}"
    if 400 <= status < 500:
        return "http_4xx"
    if status >= 500:
        return "http_5xx"
    return None


def error_reason(error: UpstreamError, *, mid_stream: bool) -> str | None:
    """The reason of a failed call; `mid_stream` once the client got part of the reply.
    None for refusals that are no failure of the upstream (open breaker, concurrency cap)."""
    if isinstance(error, BreakerOpen):
        return None
    if isinstance(error, BadUpstreamReply):
        return "malformed"
    if isinstance(error, UpstreamTimeout):
        if mid_stream:
            return "stream_timeout"
        return "connect_timeout" if error.code == "upstream_connect_timeout" else "timeout"
    if mid_stream:
        return "stream_reset"
    return "reset" if error.code == "upstream_reset" else "connect"
