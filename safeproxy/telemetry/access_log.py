"""The access log: one logfmt line per proxied request, rendered from its Decision.

    method=POST path=/v1/chat/completions status=200 decision=redacted
    findings=pii.credit_card,pii.email policy=default policy_version=3f9a0c1b2d4e stream=false
    upstream_ms=12.4 overhead_ms=1.9 request_id=6c1f...

Keys are fixed and always present (`-` when a value does not apply), so the line can be
parsed by position or by key. A stream's `decision` is its final one (its headers carried
the input stage's only). Nothing a client wrote reaches the line except the path and the
request id: the request id is already a checked token (headers.py) and the path is
percent-escaped to a safe alphabet, so no client byte can end the line or forge a key.
Text, keys, header values and model names as typed by clients never appear.
"""

from __future__ import annotations

import logging
import re

from safeproxy.exchange.decision import Decision

LOGGER = "safeproxy.access"
# Characters a path keeps as they are; everything else (spaces, quotes, `=`, controls,
# non-ASCII) becomes %XX of its UTF-8 bytes.
_UNSAFE = re.compile(r"[^A-Za-z0-9._~/:@!$&'()*+,;-]")
_MAX_PATH = 256


class AccessLog:
    """Writes one INFO record per decision to `logger` (the `safeproxy.access` logger)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._log = logger

    def write(self, d: Decision) -> None:
        if not self._log.isEnabledFor(logging.INFO):
            return
        self._log.info("%s", render(d))


def render(d: Decision) -> str:
    upstream = d.upstream_s
    fields = (
        ("method", safe(d.method)),
        ("path", safe(d.path)),
        ("status", str(d.status)),
        ("decision", d.outcome),
        ("findings", ",".join(d.finding_types) or "-"),
        ("shadow", ",".join(d.shadow_types) or "-"),
        ("policy", safe(d.policy)),
        ("policy_version", d.policy_version or "-"),
        ("stream", "true" if d.stream else "false"),
        ("upstream_ms", "-" if upstream is None else f"{upstream * 1000:.1f}"),
        ("overhead_ms", f"{d.overhead_s * 1000:.1f}"),
        ("request_id", d.request_id),
    )
    return " ".join(f"{k}={v}" for k, v in fields)


def safe(value: str) -> str:
    """Client-controlled text as one logfmt token: bounded, percent-escaped, never empty."""
    if len(value) > _MAX_PATH:
        value = value[:_MAX_PATH] + "..."
    return _UNSAFE.sub(_escape, value) or "-"


def _escape(m: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass"))
