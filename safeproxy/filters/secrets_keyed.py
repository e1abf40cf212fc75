"""A UUID or a long hex value right after the name of an API key or token.

Many vendors issue keys as a UUID (Heroku's API keys, licence keys) or as 32 or 40 hex
digits (Azure's subscription keys, many REST APIs' keys). Neither is "generated-looking" by
random_token's bar (one case, no upper case), and a UUID alone is an id, not a secret.
What makes it a key is the name before it, and only a name that says which key: `api`,
`access`, `auth`, `license`, `subscription`, `secret`, `client`, `app` ... before `key` or
`token` (in prose, `API_KEY=`, `x-api-key:`), and the same in a few other languages ("la
clave de API es", "API-Schlüssel", "clé de licence"). A bare `key` is not enough:
"idempotency key", "partition key", "primary key", "cache key" and "object key" are ids,
and so is anything named an id ("key id", "api key id", "request id", "trace_id").

The pattern anchors on the name and the value's first eight hex digits; the match grows
over the value, and only the value is the finding.
"""

from __future__ import annotations

from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_shapes import (
    MAX_VALUE,
    hex_key,
    normalised_text,
    opaque,
    uuid,
)

# What names the key: a word that says which key, glued to `key` or `token` by nothing, a
# space, `_`, `-` or `.` (on the normalised view: lower case, accents folded).
_WHICH = (
    "api|access|auth|license|licence|subscription|secret|client|app|application|service"
    "|account|master|admin|activation|integration|developer|partner|merchant|personal|lizenz"
    # A wallet's or a cipher's key in hex ("private key 0x4c08...", "AES key: 9f1c...").
    "|private|signing|wallet|encryption|decryption|aes|hmac"
)
_ENGLISH = rf"({_WHICH})[ _.-]?(key|token|schlussel)"
# Other languages put the key word first: "clave de API", "clé d'API", "chiave di licenza".
_OTHERS = (
    r"(clave|cle|chiave|chave|klucz|sleutel)( de| del| d'| di| da| do)? ?"
    r"(api|licencia|licence|licenza|licenca|acceso|acces|accesso|licencji|subskrypcji)"
)
# Then the way it is given: a plural, a closing quote, `:`, `=`, an arrow or a linking verb
# ("is", "es", "est", "ist", "è" folded to "e", "to", "lautet"), spaces and an opening quote.
_GIVEN = r"s?[\"']?( ?(:|=>|->|=|is|was|es|est|ist|e|to|lautet|era))? ?[\"'`]?"
# A UUID's first two groups, or 32 hex digits (after `0x` as Ethereum writes a key): the
# match grows over the rest.
_VALUE_START = "(0x)?[0-9a-f]{8}(-[0-9a-f]{4}-|[0-9a-f]{24})"

# What ends the value (the match grows to the first of these). Few: each costs every
# candidate a lookup, and a value that runs on into other characters fails its judge.
_STOPS = " \"'\x00,"
_HEX_DASH = "0123456789abcdefABCDEF-"


def _value(norm: str) -> tuple[int, int]:
    """The value: the trailing run of hex digits and dashes (a full stop after it ends a
    sentence)."""
    end = len(norm.rstrip(".;:)>]}"))
    return len(norm[:end].rstrip(_HEX_DASH)), end


def keyed_value(value: str) -> bool:
    """A UUID or a hex key (one case, 32 to MAX_VALUE digits) that is no placeholder:
    varied digits (`00000000-0000-...`, `aaaa...` and `1234...` counting runs are not)."""
    if len(value) > MAX_VALUE:
        return False
    if uuid(value):
        digits = value.replace("-", "").lower()
        return len(set(digits)) >= 8 and not _counting(digits)
    return hex_key(value) and opaque(value)


def _counting(digits: str) -> bool:
    """`0123456789abcdef...` or its reverse: a placeholder's digits."""
    order = "0123456789abcdef" * 3
    return digits[:12] in order or digits[:12] in order[::-1]


def _keyed(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    a, b = _value(text)
    return keyed_value(text[a:b])


KEYED_ID = Rule(
    "secret.random_token",
    Pattern(
        "secret.random_token.keyed",
        rf"({_ENGLISH}|{_OTHERS}){_GIVEN}{_VALUE_START}",
        48 + MAX_VALUE,
    ),
    Severity.MEDIUM,  # as for random_token: a more specific name wins an overlap
    _keyed,
    bounded=False,
    hold=VALUE_RUN,
    value=_value,
    grow_right_until=_STOPS,
)
