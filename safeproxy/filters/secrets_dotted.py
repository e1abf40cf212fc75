"""Vendor tokens whose prefix prefixed_token cannot read: a prefix ended by a full stop,
whose body may hold `_` and `-` (Google's OAuth access tokens `ya29.`, HashiCorp Vault's
`hvs.`/`hvb.`/`hvr.`, Doppler's `dp.st.<env>.`), and a prefix glued to a hex body
(Databricks' `dapi<32 hex>`). The prefix is a literal the engine finds cheaply; the body
is judged on the original characters: a generated key's (both cases, digits, random), or
for hex the bar of `one_case_token`.
"""

from __future__ import annotations

import re

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.rules import ALNUM, Rule
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_named import one_case_token
from safeproxy.filters.secrets_shapes import class_changes, normalised_text

_DOTTED = r"(ya29|hv[sbr]|dp\.(st|ct|sa|scim|audit)(\.[a-z0-9_-]{1,16})?)\."
_PREFIX = re.compile(_DOTTED, re.IGNORECASE)
_BODY_MIN = 24


def _dotted_token(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    if text[:4].lower() == "dapi":
        return one_case_token(text[4:36]) and text[36:37] in ("", "-")
    m = _PREFIX.match(text)
    if m is None or not text[: m.end()].islower():
        return False
    body = text[m.end() :].rstrip("-_")
    return v.random_token(body, _BODY_MIN) and class_changes(body) * 4 >= len(body)


DOTTED_TOKEN = Rule(
    "secret.prefixed_token",
    Pattern(
        "secret.prefixed_token.dotted",
        # The prefix and the body's first characters: the match grows over the rest (an
        # unbounded body tracked from its start cost every scan of prose 30 %).
        _DOTTED + rf"[a-z0-9_-]{{{_BODY_MIN}}}|dapi[0-9a-f]{{32}}",
        255,
    ),
    Severity.MEDIUM,
    _dotted_token,
    alphabet=ALNUM + "._-",
    grow_right_until=" \"'`\x00,;:)(<>[]{}|/\\\n\t",
)
