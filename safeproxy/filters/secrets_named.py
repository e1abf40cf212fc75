"""Generated values that a prefix or a name says are secrets, for kinds no vendor rule
names: a vendor-style prefix and a random body (`hf_...`, `shpat_<hex>`, `key-<lower>`,
`AGE-SECRET-KEY-1...`), and a value assigned to a name holding a credential word
(`SECRET_KEY_BASE=<hex>`). Both are reported at their end and find their start on the
report (a left boundary in the pattern costs every scan); the bar is judged on the
original characters (case matters): both cases as a generated key, or one case or hex
where the prefix or the name already says what the value is (`one_case_token`).
"""

from __future__ import annotations

import re

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import ALNUM, Rule
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_shapes import (
    MAX_VALUE,
    class_changes,
    generated,
    lower_runs,
    normalised_text,
    uuid,
)
from safeproxy.filters.spans import lstrip_from

# A vendor-style token: a short prefix of one case, up to three parts (`hf_`, `npm_`,
# `lin_api_`, `sk_live_`), a `_` or `-`, then a body of letters and digits alone. The engine
# reports the separator, the body and what ends it; where the prefix starts, the prefix
# itself and the body's bar are judged here (the bar on the original characters).
_BODY_MIN = 28  # under it: object ids (Stripe's `pi_` + 24), short hashes and slugs
_BODY_MAX = 100
_PREFIX_MAX = 28  # three parts: 10 + 2 x 9
_PREFIXED = re.compile(
    rf"([a-z][a-z0-9]{{1,9}}(?:[_-][a-z0-9]{{1,8}}){{0,2}}|[A-Z][A-Z0-9]{{1,9}}(?:[_-][A-Z0-9]{{1,8}}){{0,2}})"
    rf"[_-]([A-Za-z0-9]{{{_BODY_MIN},{_BODY_MAX}}})(_[0-9A-Fa-f]{{8}})?"
)
# A checksum after the body (Grafana's `glsa_<32>_<8 hex>`, a CRC-32): after a generated
# body of both cases only, so that `file_<hex>_deadbeef` and snake_case stay names.
_CHECKSUM = 8
# Prefixes that name a digest (`sha512-<base64>` in lock files): random, and no secret.
_DIGESTS = frozenset(
    ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3", "blake2b", "blake2s", "blake3")
)
_PREFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-"


def _prefixed_start(text: str, end: int) -> int:
    """Where a prefixed token whose match ends at `end` (past its body: full stops and one
    more character) starts: the run of prefix characters before its separator, if it is
    short enough to be a prefix (-1 else: the middle of a longer run)."""
    end = _body_end(text, end)
    sep = lstrip_from(text, end, ALNUM, max(0, end - _BODY_MAX)) - 1
    if end - sep - 1 == _CHECKSUM and sep > 0 and text[sep] == "_":  # the body is before it
        sep = lstrip_from(text, sep, ALNUM, max(0, sep - _BODY_MAX)) - 1
    if sep < 1 or text[sep] not in "_-":
        return -1
    start = lstrip_from(text, sep, _PREFIX_CHARS, max(0, sep - _PREFIX_MAX))
    if start == sep or (start > 0 and text[start - 1] in _PREFIX_CHARS):
        return -1
    return start


def _body_end(text: str, end: int) -> int:
    """Where the body ends, in a match that ends at `end`: before the character that ended
    it and the full stops before that."""
    if end > 0 and text[end - 1] not in ALNUM:
        end -= 1
    return lstrip_from(text, end, ".", max(0, end - _PREFIX_MAX - _BODY_MAX))


def _prefixed_value(norm: str) -> tuple[int, int]:
    """The token: the match without what ended its body."""
    return 0, _body_end(norm, len(norm))


def _prefixed_token(norm: str, orig: str) -> bool:
    """A prefix that is no digest's name, and a body with the bar of a generated key.

    Both cases: random (entropy, class changes), not words joined in camelCase; digits are
    not required (some vendors' bodies are letters alone, `hf_`). One case or hex
    (`shpat_`, `dop_v1_`, mailgun's `key-`): the bar of `one_case_token`, and for hex a
    prefix that is no id's or a file's name (`commit_<sha>`, `ami-0abc...`). A prefix that
    names a credential itself (`AGE-SECRET-KEY-1...`) says what the body is: it only has to
    be no word."""
    text = normalised_text(orig)
    m = _PREFIXED.match(text)
    if m is None or m.end() < _body_end(text, len(text)):
        return False
    prefix, body = m.group(1), m.group(2)
    parts = prefix.lower().replace("-", "_").split("_")
    if parts[0] in _DIGESTS:
        return False
    mixed = any(c.islower() for c in body) and any(c.isupper() for c in body)
    if m.group(3) is not None and not mixed:
        return False
    if mixed:
        # Runs of lower case: 1.7 on average in a generated body of both cases and digits,
        # 2 of letters alone (`hf_`), 4 or more in words in camelCase (whose runs of
        # capitals are 1 long, a random body's 2).
        runs = lower_runs(body)
        return (
            v.entropy(body) >= 4.0
            and class_changes(body) * 4 >= len(body)
            and (runs <= 3.0 or (runs <= 4.0 and lower_runs(body.swapcase()) >= 1.5))
        )
    if _CREDENTIAL_PARTS.intersection(parts):
        return (
            any(c.isdigit() for c in body)
            and any(c.isalpha() for c in body)
            and len(set(body)) >= 6
            and not body.lower().startswith(v.PLACEHOLDER_PREFIXES)
        )
    if _hex(body) and (parts[0] in _ID_WORDS or (text[m.end(1)] != "_" and not _dash_hex(parts))):
        return False
    return one_case_token(body)


# Hex after `-` is mostly a name with a hash in it (`ami-0abc...`, `main-<sha>`, a
# container's tag): only after a prefix of one short part of letters that names no id, no
# branch, stage or build (`pul-<40 hex>`, a vendor's key).
_DASH_HEX_NOT = frozenset(
    ("main", "dev", "prod", "prd", "stg", "test", "pr", "rc", "app", "web", "ci", "cd",
     "git", "sha", "tag", "img", "node", "pkg", "lib", "src", "min", "v", "g", "fix",
     "feat", "bug", "hot", "pre", "post", "ui", "db", "bin", "out", "dist", "css", "js")
)  # fmt: skip


def _dash_hex(parts: list[str]) -> bool:
    return (
        len(parts) == 1
        and 2 <= len(parts[0]) <= 4
        and parts[0].isalpha()
        and parts[0] not in _DASH_HEX_NOT
    )


# Prefix parts that name a credential: the prefix says what its body is.
_CREDENTIAL_PARTS = frozenset(("secret", "key", "token", "pat", "apikey", "password"))
# A hex body after these is an id, a content hash or a file's name, not a secret: git and
# build ids, cloud resource ids, fixtures.
_ID_WORDS = frozenset(
    ("commit", "rev", "revision", "build", "ref", "sha", "hash", "checksum", "digest", "etag",
     "id", "uuid", "guid", "object", "blob", "tree", "chunk", "cache", "file", "img", "image",
     "tmp", "temp", "test", "ami", "vol", "snap", "sg", "subnet", "vpc", "eni", "layer",
     "run", "job", "trace", "span", "request", "req", "msg", "doc", "version", "release")
)  # fmt: skip


def _hex(value: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in value)


def one_case_token(value: str) -> bool:
    """A generated value of one case (lower or upper and digits, or hex) where a name says
    a secret goes: long, letters and digits interleaved, random for its alphabet (hex has
    at most 4 bits a character, so its bar is lower and its length higher)."""
    if uuid(value) or value.lower().startswith(v.PLACEHOLDER_PREFIXES):
        return False
    if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
        return False
    if _hex(value):
        return len(value) >= 32 and len(set(value.lower())) >= 10 and v.entropy(value) >= 3.2
    return (
        len(value) >= 24
        and len(set(value)) >= 12
        and v.entropy(value) >= 3.8
        and class_changes(value) * 6 >= len(value)
        # Words run on: a random body of lower case and digits has runs of 3.6 letters on
        # average, and a short one with few digits by chance 7 or 8.
        and lower_runs(value.lower()) <= 8.5
    )


# A name that says a secret goes here, assigned a generated value: `SECRET_KEY_BASE=<hex>`,
# `"signing_token": "<token>"`, `DB_PWD: <token>`. The name is whole words of code, one of
# them a credential's (`monkey_id` holds no `key` word), and none an id's (`cache_key`,
# `key_id`, `token_count`): the name says what the value is, so one case or hex is enough
# (`one_case_token`), where a mere word needs both cases (`generated`).
# A salt or pepper (`SIGNING_SALT`, `PASSWORD_PEPPER`) and an HMAC's name (`HMAC=`) say the
# same: a random value that must stay private.
_NAME_WORDS = (
    r"(secret|token|key|apikey|password|passwd|pwd|credentials?|passphrase|salt|pepper|hmac)"
)
_NAME_PARTS = frozenset(
    ("secret", "secrets", "token", "tokens", "key", "keys", "apikey", "password", "passwd",
     "pwd", "credential", "credentials", "passphrase", "salt", "pepper", "hmac")
)  # fmt: skip
_NOT_SECRET_PARTS = _ID_WORDS | frozenset(
    ("public", "pub", "primary", "foreign", "sort", "partition", "idempotency", "dedup",
     "lookup", "name", "type", "count", "len", "length", "size", "prefix", "fingerprint",
     "path", "url", "format", "expiry", "expires", "ttl", "index", "limit", "max", "min")
)  # fmt: skip
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-"
_NAME_MAX = 64
_NAMED_BODY = 24  # the value characters the engine reads before it reports


def _named_start(text: str, end: int) -> int:
    """Where the name of an assignment whose match ends at `end` starts: back over the
    value's first characters, the quotes, spaces and `:`/`=` between, then the name."""
    at = lstrip_from(text, end - _NAMED_BODY, "\"' :=", max(0, end - _NAMED_BODY - 6))
    start = lstrip_from(text, at, _NAME_CHARS, max(0, at - _NAME_MAX))
    if start == at or (start > 0 and text[start - 1] in _NAME_CHARS):
        return -1  # no name, or the middle of a longer run
    return start


def _named_value(norm: str) -> tuple[int, int]:
    """The value: after the name, its quotes and its `:`/`=`."""
    name = len(norm) - len(norm.lstrip(_NAME_CHARS))
    i = lstrip_from(norm[::-1], len(norm) - name, "\"' :=", 0)
    return len(norm) - i, len(norm)


def _named_secret(norm: str, orig: str) -> bool:
    text = normalised_text(orig)
    name = text[: len(text) - len(text.lstrip(_NAME_CHARS + _NAME_CHARS.upper()))]
    parts = name.lower().replace("-", "_").split("_")
    if not _NAME_PARTS.intersection(parts) or _NOT_SECRET_PARTS.intersection(parts):
        return False
    a, b = _named_value(text)
    value = text[a:b].rstrip(".,;\"'`")
    return len(value) <= MAX_VALUE and (generated(value) or one_case_token(value))


NAMED_VALUE = Rule(
    "secret.random_token",
    Pattern(
        "secret.random_token.named",
        # Reported at the value's 24th character (no start tracked: the name's own left
        # boundary would cost every scan; `_named_start` finds it on the report).
        rf"{_NAME_WORDS}([_-][a-z0-9]{{1,12}}){{0,3}}[\"']? ?[:=] ?[\"']?[a-z0-9]{{{_NAMED_BODY}}}",
        _NAME_MAX + 6 + MAX_VALUE,
        som=False,
    ),
    Severity.MEDIUM,
    _named_secret,
    bounded=False,
    start_of=_named_start,
    hold=VALUE_RUN,
    value=lambda norm: _named_value(norm),
    grow_right_until=" \"'`\x00,;)<>]}",
)


# Tokens of kinds no rule names, known by their vendor-style prefix alone.
PREFIXED_TOKEN = Rule(
    "secret.prefixed_token",
    Pattern(
        "secret.prefixed_token",
        # The separator, the whole body and what ends it: a character no token holds or
        # the end, after any full stops (which end sentences, and continue dotted runs).
        # So a base64 run with `_` or `-` inside reports nowhere. A class before the
        # separator (a left boundary, the prefix's letters) cost every 4 KB scan 4-10
        # us: where the token starts, and whether it has a boundary there, is judged on
        # the report (`_prefixed_start`).
        rf"[_-][a-z0-9]{{{_BODY_MIN},{_BODY_MAX}}}(_[0-9a-f]{{8}})?(\.*[^a-z0-9_+/=.-]|\.*$)",
        _PREFIX_MAX + 1 + _BODY_MAX + 1,
        som=False,
    ),
    Severity.MEDIUM,  # a vendor rule names it when it can
    _prefixed_token,
    bounded=False,
    start_of=_prefixed_start,
    hold=VALUE_RUN,
    value=_prefixed_value,
)
