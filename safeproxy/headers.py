"""Header hygiene between client and upstream: hop-by-hop removal, request ids, auth."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping

from multidict import CIMultiDict, CIMultiDictProxy

# RFC 9110 §7.6.1 hop-by-hop fields, plus what the proxy owns or re-derives itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Client headers a model server may use, forwarded by default. Everything else a client sends
# (cookies, internal auth headers, its own routing hints) stays at the proxy unless an
# upstream's `forward_headers` names it: an allowlist, so nothing leaks by surprise.
DEFAULT_FORWARDED = (
    "Accept",
    "User-Agent",
    "traceparent",
    "tracestate",
    "baggage",
    "OpenAI-Organization",
    "OpenAI-Project",
    "OpenAI-Beta",
    # Anthropic's Messages API: the version is required, the beta names opt into features.
    "anthropic-version",
    "anthropic-beta",
)
# Headers the proxy owns on the way up; `forward_headers` may not name them.
OWNED_UP = HOP_BY_HOP | {
    "host",
    "content-length",
    "content-encoding",
    "content-type",
    "accept-encoding",
    "authorization",
    "x-request-id",
}
_NOT_FORWARDED_DOWN = HOP_BY_HOP | {
    "content-length",
    "content-encoding",
    "date",
    "server",
    "set-cookie",
    "x-request-id",
    # The proxy's decision headers (decision_headers.py): only the proxy may set them.
    "x-safeproxy-decision",
    "x-safeproxy-findings",
    "x-safeproxy-policy-version",
    "x-safeproxy-policy",
    "x-safeproxy-decision-stage",
}
_NOT_FORWARDED_DOWN_ORDERED = tuple(sorted(_NOT_FORWARDED_DOWN))
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


class RequestIds:
    """Unique 32-hex-digit ids: a random per-process prefix and a counter (no syscall each)."""

    def __init__(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._count = itertools.count()

    def new(self) -> str:
        return f"{self._prefix}{next(self._count):016x}"


def credential(headers: Mapping[str, str]) -> str | None:
    """The client's API key as an Authorization value: its own, or Anthropic's `x-api-key`
    (what the anthropic SDK sends) as a bearer key. Neither goes upstream: the proxy owns
    Authorization there, and `x-api-key` is not forwarded unless an upstream names it."""
    authorization = headers.get("Authorization")
    if authorization is not None:
        return authorization
    key = headers.get("x-api-key")
    return f"Bearer {key.strip()}" if key else None


def request_id(headers: Mapping[str, str], ids: RequestIds) -> str:
    """The client's X-Request-ID if it is a sane token, else a fresh unique one."""
    given = headers.get("X-Request-ID")
    if given is not None and _REQUEST_ID.fullmatch(given):
        return given
    return ids.new()


Headers = list[tuple[str, str]]


def upstream_headers(
    client: CIMultiDictProxy[str],
    *,
    rid: str,
    forward: tuple[str, ...],
    auth_header: str | None,
) -> Headers:
    """Headers for the upstream request: ours, plus the allowlisted client headers.

    `forward` is the upstream's allowlist (with "Authorization" in it when the client's own
    credential is to be passed on). A list of pairs: aiohttp copies it into its multidict once.
    """
    out: Headers = [
        ("Content-Type", "application/json"),
        # Ask for an uncompressed reply: the proxy must read (and later filter) every byte.
        ("Accept-Encoding", "identity"),
        ("X-Request-ID", rid),
    ]
    if auth_header is not None:
        out.append(("Authorization", auth_header))
    named_in_connection = _connection_tokens(client) if "Connection" in client else frozenset()
    for name in forward:
        if name not in client:  # most are absent: a lookup, not a list of none
            continue
        for value in client.getall(name):
            if name == "traceparent" and not _TRACEPARENT.fullmatch(value):
                continue
            if named_in_connection and name.lower() in named_in_connection:
                continue
            out.append((name, value))
    return out


def downstream_headers(upstream: CIMultiDictProxy[str], rid: str) -> CIMultiDict[str]:
    """Headers for the client reply: the upstream's end-to-end headers plus our request id."""
    # Copy in C, then drop the few names we own; cheaper than filtering pair by pair.
    out = upstream.copy()
    for name in _NOT_FORWARDED_DOWN_ORDERED:
        if name in out:
            del out[name]
    if "Connection" in upstream:
        for name in _connection_tokens(upstream):
            out.popall(name, None)
    out["X-Request-ID"] = rid
    return out


def _connection_tokens(headers: CIMultiDictProxy[str]) -> frozenset[str]:
    value = headers.get("Connection")
    if not value:
        return frozenset()
    return frozenset(t.strip().lower() for t in value.split(",") if t.strip())
