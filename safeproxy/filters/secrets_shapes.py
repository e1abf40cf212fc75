"""General secret shapes for kinds no vendor rule names: connection strings whose key names
a secret, webhook URLs and query parameters that carry a token, and a generated-looking
token shortly after a credential word.

Each rule anchors on a rare literal (`;AccountKey=`, `hooks.slack.com/`, `?sig=`, a
credential word) and judges only the value; only the value is the finding, so the key,
host or word may flow. Values are judged on the original characters (case matters).
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from urllib.parse import unquote

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern

# What a token is made of (base64, base64url, URL-safe); `=` only as trailing padding.
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/_-")
# Base64 that a `key` or `token` word may precede and that is no secret: images (PNG, JPEG,
# GIF, WebP) and SSH public keys (RSA or DSS, Ed25519, ECDSA).
_PUBLIC_MAGIC = (
    "iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "AAAAB3NzaC1", "AAAAC3NzaC1", "AAAAE2VjZHNh"
)  # fmt: skip
# A digest named by its algorithm (subresource integrity's "sha384-…", a content address's
# "sha256:…"): random, and public.
_DIGEST_LABELS = ("sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-512", "md5",
                  "blake2b", "blake2s")  # fmt: skip
_DIGEST_SEPS = ("-", ":", "_", "=")
# Longest value judged: longer runs are data, not a credential (and validators stay bounded).
MAX_VALUE = 512
_HEX = frozenset("0123456789abcdefABCDEF")
# A key written in hex (a Sentry DSN's, a Datadog app key) draws on 16 symbols, not 64: 32
# random hex digits average about 3.65 bits per character and often fall under base64's 3.5.
# From this length a hex run has the bar of its own alphabet (`_HEX_ENTROPY`).
_HEX_MIN = 32
_HEX_ENTROPY = 3.0


def normalised_text(orig: str) -> str:
    return unicodedata.normalize("NFKC", visible(orig))


def class_changes(value: str) -> int:
    """How often the character class (lower, upper, digit) changes along the value.

    Generated tokens change class at about 60 % of positions; identifiers in camelCase
    (`requestContextManagerV2`) once per word.
    """
    kinds = ["l" if c.islower() else "u" if c.isupper() else "d" for c in value if c.isalnum()]
    return sum(a != b for a, b in pairwise(kinds))


def uuid(value: str) -> bool:
    parts = value.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(
        all(c in "0123456789abcdefABCDEF" for c in p) for p in parts
    )


def opaque(value: str, min_len: int = 20) -> bool:
    """A value where a URL or a connection says a token goes: long, letters and digits,
    random, and not a UUID (an id, not a secret), an image or an SSH public key."""
    if not min_len <= len(value) <= MAX_VALUE or uuid(value):
        return False
    if value.lower().startswith(v.PLACEHOLDER_PREFIXES) or value.startswith(_PUBLIC_MAGIC):
        return False
    body = value.rstrip("=")
    return (
        any(c.isalpha() for c in body)
        and any(c.isdigit() for c in body)
        and len(set(body)) >= 10
        and v.entropy(body) >= (_HEX_ENTROPY if hex_key(body) else 3.5)
        and class_changes(body) * 6 >= len(body)
        # Words: a React path `/hooks/useAuthenticationToken2` is no token. Lower-case runs
        # are longer when a token has no upper case (3.6 on average for lower case and digits).
        and lower_runs(body) <= (3.0 if any(c.isupper() for c in body) else 6.5)
    )


def hex_key(value: str) -> bool:
    """Hex digits of one case, long enough to be a key (or a digest: where that is no secret,
    the caller says so)."""
    return (
        len(value) >= _HEX_MIN
        and _HEX.issuperset(value)
        and (value.islower() or value.isupper() or value.isdigit())
    )


def lower_runs(value: str) -> float:
    """The mean length of runs of lower-case letters: about 1.7 in a generated key of both
    cases and digits, 4 or more in words joined in camelCase (`HttpOnlyCookieJarPolicy2`)."""
    runs = [r for r in "".join(c if c.islower() else " " for c in value).split()]
    return sum(map(len, runs)) / len(runs) if runs else 0.0


def generated(value: str) -> bool:
    """A token after a mere word (`session`, `key`): the bar of a generated key (both cases
    and digits), without the words an identifier is made of (`opaque` checks those)."""
    return opaque(value) and v.random_token(value.rstrip("="), 20)


def _trailing_token(text: str) -> tuple[int, int]:
    """The token that ends `text`: a run of token characters, with `=` padding after it."""
    end = len(text.rstrip(".,"))
    body = len(text[:end].rstrip("="))
    start = body
    while start > 0 and text[start - 1] in _TOKEN_CHARS:
        start -= 1
    return start, end


def _near_word_value(norm: str) -> tuple[int, int]:
    return _trailing_token(norm)


def _near_word(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    a, b = _trailing_token(text)
    value = text[a:b]
    if generated(value):
        return True
    # Hex has one case, so `generated` never takes it; told as a credential's value it is
    # the key ("the signing secret is <64 hex>"). Assigned to a name (`DD_APP_KEY=<hex>`),
    # it is secrets_named's to judge, which reads the whole name: this span starts at the
    # credential word, and `cache_key=<sha>` or `partition_key: <hash>` are ids. A digest
    # after a longer phrase ("the key for commit <sha> is wrong") is no secret, nor a
    # signature: it is computed from a key and travels in the clear.
    lead = text[:a]
    return (
        hex_key(value)
        and opaque(value)
        and _named(lead)
        and lead.rstrip(" \"'`(").endswith((" is", " was"))
        and not lead.lower().startswith("signature")
    )


def _named(lead: str) -> bool:
    """Whether the text from the credential word to its value names it and assigns: the
    word (with its suffix) then `:`, `=` or "is", and no other word between."""
    lead = lead.rstrip(" \"'`(")
    for copula in (" is", " was"):
        if lead.endswith(copula):
            return " " not in lead[: -len(copula)].rstrip("\"' ")
    if not lead.endswith((":", "=", ">")):
        return False
    return " " not in lead.rstrip(":=> \"'")


def _after_equals(norm: str) -> tuple[int, int]:
    """`;AccountKey=<value>`, `?sig=<value>`: from after the `=` (and spaces)."""
    i = norm.index("=") + 1
    while i < len(norm) and norm[i] == " ":
        i += 1
    return i, len(norm)


def _connection_value(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    a, b = _after_equals(text)
    return v.secret_value(text[a:b])


def _query_value(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    a, b = _after_equals(text)
    value = text[a:b]
    return len(value) <= MAX_VALUE and opaque(unquote(value))


_TEAMS_PATH = "incomingwebhook/"


def _hook_value(norm: str) -> tuple[int, int]:
    """The token of a webhook URL: a Teams hook's key and id, else the last path segment."""
    end = len(norm.rstrip("/.,"))
    at = norm.find(_TEAMS_PATH)
    if at >= 0:
        return at + len(_TEAMS_PATH), end
    return norm.rindex("/", 0, end) + 1, end


def _hook_token(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    a, b = _hook_value(text.lower())
    value = text[a:b]
    if norm.find(_TEAMS_PATH) >= 0:
        # 32 hex digits and a GUID: random, but hex has too few symbols for `opaque`.
        key = value.split("/", 1)[0]
        return len(key) == 32 and len(set(key.lower())) >= 8
    return not _digest(value) and opaque(value)


def _digest(value: str) -> bool:
    """A digest named by its algorithm ("sha256-…", "sha3-256:…"): public, not a token. Only
    in a hook's path: a signature so labelled in a query (`?sig=sha256-…`) is a secret."""
    low = value[:12].lower()
    return any(
        low.startswith(d) and low[len(d) : len(d) + 1] in _DIGEST_SEPS for d in _DIGEST_LABELS
    )


def _url_user_value(norm: str) -> tuple[int, int]:
    """`scheme://<token>@host`: the URL's user part (empty when no `@` ends it)."""
    a = norm.index("://") + 3
    at = norm.find("@", a)
    return a, max(a, at)


def _url_user_token(norm: str, orig: str) -> bool:
    """A token in a URL's user part (Sentry DSNs, tokens in clone URLs): token characters
    alone (`user:password` is url_credentials'), and the bar of `opaque`, so a user name,
    an e-mail's local part or a UUID is none."""
    text = normalised_text(orig)
    a, b = _url_user_value(text)
    value = text[a:b]
    return bool(value) and _TOKEN_CHARS.issuperset(value) and opaque(value)


# Words that name a credential, in English and a few other languages (accents fold away in
# the normalised view: contraseña, Schlüssel, clé). `key` alone is common in prose; the
# value's bar (`generated`) is what keeps "the key point" from counting.
_CREDENTIAL_WORDS = (
    "token|secret|key|apikey|credentials?|auth|authorization|bearer|session|cookie|signature"
    "|passphrase|password|passwd|contrasena|clave|mot de passe|passwort|kennwort|schlussel"
    "|senha|chiave|jeton|cle"
    # A Bitcoin private key in Wallet Import Format ("WIF: 5Hue...", "wif=KwdM...").
    "|wif"
)

SHAPE_RULES: dict[str, Rule] = {
    "connection_string": Rule(
        "secret.connection_string",
        Pattern(
            "secret.connection_string",
            # key=value;key=value framing (Azure storage and Service Bus, ADO.NET, ODBC,
            # JDBC): the key follows a `;`.
            r";( ?)(account ?key|shared ?access ?key|shared ?access ?signature|password|pwd"
            r"|user ?password) ?= ?[^\s;\"']",
            300,
        ),
        Severity.CRITICAL,
        _connection_value,
        bounded=False,
        hold=VALUE_RUN,
        value=_after_equals,
        grow_right_until="; \"'\x00",
    ),
    "webhook_token": Rule(
        "secret.webhook_token",
        Pattern(
            "secret.webhook_token",
            # Only the hook's path prefix: the match grows to the URL's end and the
            # validator judges the token (bounded repeats of path segments are too large
            # for start-of-match tracking).
            r"(hooks\.slack\.com/(services|workflows|triggers)/|discord(app)?\.com/api/webhooks/"
            r"|(webhook|outlook)\.office(365)?\.com/webhook(b2)?/|/(hooks?|webhooks?)/"
            # Any provider's: a host named for hooks ("https://hooks.acme.io/services/…"),
            # or IFTTT's key ("…/trigger/door/with/key/<token>"). Not any `/token/` or
            # `/keys/` path: an explorer's token address, a key vault's version id.
            r"|://(web)?hooks?[.-]|/with/key/)[a-z0-9_-]",
            300,
        ),
        Severity.CRITICAL,
        _hook_token,
        bounded=False,
        hold=VALUE_RUN,
        value=_hook_value,
        grow_right_until=" \"'`\x00<>?#&)]}",
    ),
    "url_user_token": Rule(
        "secret.url_user_token",
        Pattern(
            "secret.url_user_token",
            # A scheme's `://` and the first 20 characters of a user part that may be a
            # token; the match grows over the host to the path, and the validator asks for
            # the `@` that ends a user part.
            r"://[a-z0-9_-]{20}",
            300,
        ),
        Severity.HIGH,
        _url_user_token,
        bounded=False,
        hold=VALUE_RUN,
        value=_url_user_value,
        # Few stops: each costs every candidate a lookup, and a character no token holds
        # (a quote, `?`, `>`) between `://` and `@` fails the validator anyway.
        grow_right_until=" /\x00",
    ),
    "url_token": Rule(
        "secret.url_token",
        Pattern(
            "secret.url_token",
            # Query parameters that carry a credential (signed URLs, API keys in links).
            r"[?&](access_token|token|auth|auth_token|sig|signature|x-amz-signature"
            r"|x-goog-signature|key|apikey|api_key|secret|client_secret|sas_token)=[a-z0-9%_-]",
            600,
        ),
        # A more specific rule (keyword_value for `?api_key=`, a vendor key) names it when it can.
        Severity.MEDIUM,
        _query_value,
        bounded=False,
        hold=VALUE_RUN,
        value=_after_equals,
        grow_right_until="&# \"'\x00<>",
    ),
    "random_token": Rule(
        "secret.random_token",
        Pattern(
            "secret.random_token",
            # The word (it may end a longer name, SENDGRID_KEY: a left-boundary class would
            # make start-of-match tracking cost every 4 KB scan ~10 us), an optional suffix
            # (`_id`, `-key`, plural, a number: Azure's "key1"), separators, up to three
            # short words ("cookie was", "del servicio es", "key for prod:"), then the
            # token's first character.
            rf"({_CREDENTIAL_WORDS})(s|[0-9]|[_-][a-z]{{1,12}})?[\"']?[ :=>(,\[]{{1,4}}"
            r"([\"']?[a-z]{1,10}[\"']?[ :=]{1,3}){0,3}[\"'`]?[a-z0-9+/_-]",
            600,
        ),
        Severity.MEDIUM,  # as for url_token: the more specific name wins an overlap
        _near_word,
        bounded=False,
        hold=VALUE_RUN,
        value=_near_word_value,
        grow_right_until=" \"'`\x00,;)<>]}",
    ),
}
