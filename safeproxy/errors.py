"""The proxy's exception tree and its OpenAI-shaped renderings (JSON body and SSE event).

    ProxyError                      every error that becomes a reply to the client
    ├── ClientError                 the request is at fault (4xx)
    │   ├── BadRequest              400 malformed JSON, duplicate keys, depth, wrong types
    │   ├── PolicyViolation         400 content_policy_violation: a filter blocked it
    │   ├── NotFound                404 unknown path
    │   ├── MethodNotAllowed        405
    │   ├── RequestTimeout          408 client too slow sending head or body
    │   ├── PayloadTooLarge         413 body (or inflated body) over the cap
    │   ├── TooManyAttempts         429 too many wrong admin tokens from one peer
    │   └── UnsupportedMediaType    415 Content-Encoding not enabled
    └── UpstreamError               the model server is at fault (5xx)
        ├── UpstreamUnavailable     502 connect failure / connection lost
        ├── BadUpstreamReply        502 reply that is not what the protocol promises
        └── UpstreamTimeout         504 a phase budget ran out

Messages are fixed strings chosen by the proxy: never request text, keys or header values.
The status codes are the ones the OpenAI SDK maps to its exception classes.
"""

from __future__ import annotations

import math

import orjson
from aiohttp import web


class ProxyError(Exception):
    status = 500
    type = "server_error"
    code = "internal_error"
    # When to come back, for answers that mean "not now" (sent as Retry-After).
    retry_after_s: float | None = None

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code

    def body(self) -> bytes:
        return error_body(self.message, self.type, self.code, self.param)

    def headers(self) -> dict[str, str]:
        """Response headers the error carries (Retry-After, rate-limit state)."""
        if self.retry_after_s is None:
            return {}
        return {"Retry-After": str(max(1, math.ceil(self.retry_after_s)))}


class ClientError(ProxyError):
    status = 400
    type = "invalid_request_error"
    code = "invalid_request"


class BadRequest(ClientError):
    pass


class PolicyViolation(ClientError):
    """A filter blocked the request or the reply. The body names the finding types (never
    the values) and a stable reason, so clients can tell policy from malformed input."""

    code = "content_policy_violation"

    def __init__(self, reason: str, types: tuple[str, ...], *, outcome: str) -> None:
        super().__init__("the request was blocked by the content policy")
        self.reason = reason
        self.types = types
        # The decision outcome: blocked_input, blocked_output or filter_error.
        self.outcome = outcome

    def body(self) -> bytes:
        return orjson.dumps(
            {
                "error": {
                    "message": self.message,
                    "type": self.type,
                    "param": None,
                    "code": self.code,
                    "reason": self.reason,
                    "findings": list(self.types),
                }
            }
        )


class NotFound(ClientError):
    status = 404
    code = "not_found"


class MethodNotAllowed(ClientError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, message: str, *, allow: tuple[str, ...]) -> None:
        super().__init__(message)
        self.allow = allow

    def headers(self) -> dict[str, str]:
        # RFC 9110 §15.5.6: a 405 must list the methods the path does accept.
        return {"Allow": ", ".join(self.allow)}


class RequestTimeout(ClientError):
    status = 408
    code = "request_timeout"


class PayloadTooLarge(ClientError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ClientError):
    status = 415
    code = "unsupported_content_encoding"


class Unauthorized(ClientError):
    status = 401
    code = "invalid_api_key"


class TooManyAttempts(ClientError):
    """429 on the admin listener: this peer tried too many wrong tokens (admin/attempts.py)."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("too many wrong admin tokens; try again later")
        self.retry_after_s = retry_after_s


class RateLimited(ProxyError):
    """429 in OpenAI's shape; the headers say when to come back (RateLimit-* and Retry-After)."""

    status = 429
    type = "requests"
    code = "rate_limit_exceeded"

    def __init__(self, kind: str, headers: dict[str, str]) -> None:
        super().__init__(f"rate limit exceeded ({kind})")
        self.kind = kind
        self._headers = headers

    def headers(self) -> dict[str, str]:
        return self._headers


class Quarantined(ClientError):
    status = 403
    type = "invalid_request_error"
    code = "quarantined"


class Overloaded(ProxyError):
    """Load shedding: too many requests in flight; answered at once, never queued."""

    status = 503
    type = "server_error"
    code = "overloaded"
    retry_after_s = 1.0


class UpstreamError(ProxyError):
    status = 502
    type = "upstream_error"
    code = "upstream_error"


class UpstreamUnavailable(UpstreamError):
    code = "upstream_unavailable"


class BreakerOpen(UpstreamError):
    """Every base URL of the upstream has an open breaker: fail fast, come back later."""

    status = 503
    code = "upstream_unavailable"

    def __init__(self, message: str, *, retry_after_s: float, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_s = retry_after_s


class SafetyBreakerOpen(ProxyError):
    """The route's safety breaker is open with action `block`: its model is cut off."""

    status = 503
    type = "server_error"
    code = "safety_breaker_open"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class BadUpstreamReply(UpstreamError):
    code = "bad_upstream_response"


class UpstreamTimeout(UpstreamError):
    status = 504
    code = "upstream_timeout"


def error_body(message: str, type_: str, code: str, param: str | None = None) -> bytes:
    return orjson.dumps(
        {"error": {"message": message, "type": type_, "param": param, "code": code}}
    )


def error_response(exc: ProxyError, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=exc.status, body=exc.body(), content_type="application/json", headers=headers
    )


def error_event(exc: ProxyError) -> bytes:
    """The in-band SSE form, for errors after the response headers were sent."""
    return b"data: " + exc.body() + b"\n\n"
