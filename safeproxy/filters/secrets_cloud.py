"""Cloud access keys known by their id's prefix, and the secret written right after an id.

An access key is a pair: an id with a vendor prefix (AWS `AKIA`/`ASIA`, Alibaba `LTAI`,
Tencent `AKID`) and a secret of 30 to 40 random characters with no prefix at all. People
paste the pair as it comes (`AKIA... / <secret>`, a CSV row `AKIA...,<secret>`, the id and
the secret on two lines): no keyword names the secret, so only the id before it says what it
is. The id is the anchor; the secret is the finding, judged like a generated key (both
cases and digits, random). The ids of vendors other than AWS (aws_access_key's) are found
here too, by prefix and a mixed-case body.
"""

from __future__ import annotations

import unicodedata

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import Named
from safeproxy.filters.rules import ALNUM, Rule, visible
from safeproxy.filters.scanner import Pattern

# Key ids: AWS (aws_access_key finds the id itself), Alibaba Cloud, Tencent Cloud.
_IDS = r"((akia|asia|abia|acca)[0-9a-z]{16}|ltai[0-9a-z]{12,20}|akid[0-9a-z]{32})"
# What stands between an id and its secret: a slash, a comma, a colon, a bar, spaces
# (a line break folds to a space).
_BETWEEN = r"( ?[/,:|] ?| {1,3})"
_SECRET_MIN, _SECRET_MAX = 30, 40
_ID_CHARS = ALNUM + ALNUM.upper()


def _secret_span(norm: str) -> tuple[int, int]:
    """The secret: after the id (a run of letters and digits) and one separator."""
    i = len(norm) - len(norm.lstrip(_ID_CHARS))
    i += len(norm[i:]) - len(norm[i:].lstrip())
    if norm[i : i + 1] in ("/", ",", ":", "|"):  # one separator: the next `/` is the secret's
        i += 1
    i += len(norm[i:]) - len(norm[i:].lstrip())
    return i, len(norm)


_PREFIXES = ("akia", "asia", "abia", "acca", "ltai", "akid")
_PAIR_MAX = 36 + 5 + _SECRET_MAX
_PAIR_CHARS = frozenset(ALNUM + "/+,:| ")


def _pair_hold(norm: str) -> int:
    """Streams: from the last id whose pair may still be arriving (the id must not flow
    before its secret is judged, or the secret would have nothing to anchor on)."""
    floor = max(0, len(norm) - _PAIR_MAX)
    at = max(norm.rfind(p, floor) for p in _PREFIXES)
    if at < 0 or not _PAIR_CHARS.issuperset(norm[at:]):
        return len(norm)
    return at


def _paired_secret(norm: str, orig: str) -> bool:
    # Whitespace to spaces first: `visible` drops a line break, which would join the id
    # and a secret on the next line into one run.
    text = unicodedata.normalize("NFKC", visible(" ".join(orig.split())))
    a, b = _secret_span(text)
    value = text[a:b]
    if not _SECRET_MIN <= len(value) <= _SECRET_MAX:
        return False
    # Random base64, as v.random_token judges a generated key but for its digit: after a
    # key id, one secret in a thousand has none ("hQ+/gByX..."), and the id says enough.
    return (
        any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and v.entropy(value) >= 3.5
    )


def _key_id(norm: str, orig: str) -> bool:
    """A prefix in upper case, then a body of both cases and digits (a word that happens to
    begin with the prefix has one case)."""
    text = unicodedata.normalize("NFKC", visible(orig))
    prefix, body = text[:4], text[4:]
    return prefix.isupper() and v.random_token(body, 12)


CLOUD_RULES: dict[str, Rule] = {
    "paired_secret": Rule(
        "secret.aws_secret_key",
        Pattern(
            "secret.cloud_key_pair",
            # The id, the separator and the secret's first character: the match grows over
            # the secret (a bounded repeat there is too large for start-of-match tracking
            # in UTF-8 mode) and the validator judges its length.
            _IDS + _BETWEEN + r"[a-z0-9/+]",
            _PAIR_MAX,
        ),
        Severity.CRITICAL,
        _paired_secret,
        bounded=False,
        value=_secret_span,
        hold=Named(_pair_hold, "|".join(_PREFIXES), _PAIR_MAX, ""),
        grow_right_until=" \"'`\x00,;.)<>]}|",
    ),
    "cloud_key_id": Rule(
        "secret.cloud_key_id",
        Pattern("secret.cloud_key_id", r"(ltai[0-9a-z]{12,20}|akid[0-9a-z]{32})", 36),
        Severity.CRITICAL,
        _key_id,
        alphabet=ALNUM,
    ),
}
