"""Private keys written as JSON Web Keys (RFC 7517/7518): the private members of an EC,
RSA or OKP key (`"d"`, and RSA's `"p"`, `"q"`, `"dp"`, `"dq"`, `"qi"`) and a symmetric
key's `"k"`, each a base64url value. No PEM armour says "PRIVATE KEY" here, so the PEM
rule never sees them; the public members (`"x"`, `"y"`, `"n"`, `"e"`) may flow.

The engine anchors on the quoted member name and its colon; only the value is the
finding, and it must look generated (secrets_shapes.opaque) and be at least as long as
the shortest such key (a P-256 `d` is 43 characters): a search's `"q": "weather"` or an
id under `"k"` is no key.
"""

from __future__ import annotations

import unicodedata

from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_shapes import opaque

_MIN_KEY = 32
_B64URL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _member_value(norm: str) -> tuple[int, int]:
    """After the opening quote of the value: `"d": "<value>`."""
    colon = norm.index(":")
    return norm.index('"', colon) + 1, len(norm)


def _private_member(norm: str, orig: str) -> bool:
    text = unicodedata.normalize("NFKC", visible(orig))
    a, b = _member_value(text)
    value = text[a:b]
    return len(value) >= _MIN_KEY and _B64URL.issuperset(value) and opaque(value)


JWK_RULE = Rule(
    "secret.private_key",
    Pattern("secret.private_key.jwk", r"\"(d|p|q|dp|dq|qi|k)\" ?: ?\"[a-z0-9_-]", 600),
    Severity.CRITICAL,
    _private_member,
    bounded=False,
    hold=VALUE_RUN,
    value=_member_value,
    grow_right_until=" \"'\x00",
)
