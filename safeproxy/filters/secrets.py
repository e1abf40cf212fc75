"""Built-in secret rules: vendor keys and tokens, JWTs, PEM blocks, URL credentials, and
values after keywords such as `password=` or `"api_key":`.

Case-sensitive formats (AWS key ids) are matched caselessly and checked on the original
characters; for keyword rules only the value is the finding, so the keyword may flow.
"""

from __future__ import annotations

import dataclasses
import itertools
import unicodedata
from collections.abc import Sequence

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN, PartialLiteral
from safeproxy.filters.rules import ALNUM, Rule, visible
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_cli import CLI_POSITIONAL_RULE, CLI_RULES
from safeproxy.filters.secrets_cloud import CLOUD_RULES
from safeproxy.filters.secrets_dotted import DOTTED_TOKEN
from safeproxy.filters.secrets_ds import DETECT_SECRETS_RULES
from safeproxy.filters.secrets_jwk import JWK_RULE
from safeproxy.filters.secrets_keyed import KEYED_ID
from safeproxy.filters.secrets_named import NAMED_VALUE, PREFIXED_TOKEN
from safeproxy.filters.secrets_pairs import PAIR_RULES
from safeproxy.filters.secrets_phrases import (
    PASSWORD_PHRASE_RULE,
    PASSWORD_SPACED_RULE,
    PASSWORD_TOLD_RULE,
)
from safeproxy.filters.secrets_shapes import SHAPE_RULES
from safeproxy.filters.secrets_wallet import load_words, wallet_rules
from safeproxy.filters.secrets_words import PASSWORD_WORDS
from safeproxy.filters.secrets_words import SEPARATORS as WORD_SEPARATORS


def _upper_token(norm: str, orig: str) -> bool:
    return orig == orig.upper()


_SEPARATORS = (":=", "=>", ":", "=", " is ", " was ", *WORD_SEPARATORS)


def _keyword_value(norm: str) -> tuple[int, int]:
    """`password = "v..."`, `"api_key": "v..."`, `my password is v...`: the value's span.

    A query string's next parameter (`&x=1`) or a connection string's next pair (`;x=1`)
    is not part of the value.
    """
    found = [(j, len(sep)) for j, sep in ((norm.find(sep), sep) for sep in _SEPARATORS)]
    j, n = min(((j, n) for j, n in found if j >= 0), default=(0, 0))
    i = j + n
    while i < len(norm) and norm[i] in ":=> \"'":
        i += 1
    end = min(_next_pair(norm, i, "&"), _next_pair(norm, i, ";"))
    # A connection string's last pair ends with a `;` that closes it (`Pwd=v;`).
    return i, max(i, len(norm[:end].rstrip(";")))


def _next_pair(norm: str, i: int, sep: str) -> int:
    """Where the next `name=` after `sep` begins (a query string's `&x=1`, a connection
    string's `;Encrypt=True`): the value ends there. The end of text if none."""
    at = norm.find(sep, i)
    while at >= 0:
        eq = norm.find("=", at + 1)
        name = norm[at + 1 : eq].strip() if eq >= 0 else ""
        if name and name.replace("_", "").replace("-", "").replace(" ", "").isalnum():
            return at
        at = norm.find(sep, at + 1)
    return len(norm)


def _aws_secret(norm: str) -> tuple[int, int]:
    """After the last separator: `aws_secret_access_key = "<value>`."""
    return max(norm.rfind(c) for c in " :=\"'") + 1, len(norm)


def _aws_secret_value(orig: str) -> bool:
    value = orig[_aws_secret(orig)[0] :]
    return len(value) == 40 and v.random_token(value, 40)


def _url_password(norm: str) -> tuple[int, int]:
    """`scheme://user:password@host`: the password."""
    user = norm.index("://") + 3
    return norm.index(":", user) + 1, len(norm) - 1


def _url_user(norm: str) -> str:
    user = norm.index("://") + 3
    return norm[user : norm.index(":", user)]


def _bearer(norm: str) -> tuple[int, int]:
    return norm.rindex(" ") + 1, len(norm)


class _BlockHold:
    """A stream's hold for a block rule (a key file's body): from an opened begin marker
    until its end marker comes, or from a partial begin marker at the end."""

    def __init__(self, begin: str, end: str) -> None:
        self._begin, self._end, self._partial = begin, end, PartialLiteral(begin)

    def __call__(self, norm: str) -> int:
        at = norm.rfind(self._begin)
        if at >= 0 and norm.find(self._end, at) < 0:
            return at
        if not norm.endswith(self._partial.prefixes):  # (asked on every event of a stream)
            return len(norm)
        return len(norm) - self._partial.length(norm)


_PEM_BEGIN = "-----begin "
_pem_hold = _BlockHold(_PEM_BEGIN, "-----end ")
# A PuTTY key file (.ppk, versions 1 to 3): its public lines are public; the private part
# runs from `Private-Lines: N` to the `Private-MAC:` line (the end of the text without one).
_PUTTY_BEGIN = "private-lines:"
_putty_hold = _BlockHold(_PUTTY_BEGIN, "private-mac:")


def _atlassian_token(norm: str, orig: str) -> bool:
    """Atlassian API tokens: `ATATT3x` (or `ATCTT3x`), base64url, `=`, a checksum."""
    value = visible(orig)
    return value.startswith(("ATATT3x", "ATCTT3x")) and v.random_token(value[7:], 24)


_OPENAI_KINDS = ("proj-", "svcacct-", "admin-")

SECRET_RULES: dict[str, Rule] = {
    "aws_access_key": Rule(
        "secret.aws_access_key",
        Pattern("secret.aws_access_key", r"(akia|asia|abia|acca)[0-9a-z]{16}", 20),
        Severity.CRITICAL,
        _upper_token,
        alphabet=ALNUM,
    ),
    "aws_secret_key": Rule(
        "secret.aws_secret_key",
        Pattern(
            "secret.aws_secret_key",
            r"aws[a-z_ .-]*(secret|private)[a-z_ .-]*[ :=\"']+[a-z0-9/+]+",
            100,
        ),
        Severity.CRITICAL,
        lambda norm, orig: _aws_secret_value(visible(orig)),
        value=_aws_secret,
        hold=VALUE_RUN,
    ),
    "github_token": Rule(
        "secret.github_token",
        Pattern("secret.github_token", r"(gh[posur]_[a-z0-9]{36}|github_pat_[a-z0-9_]{82})", 93),
        Severity.CRITICAL,
        alphabet=ALNUM + "_",
    ),
    "slack_token": Rule(
        "secret.slack_token",
        Pattern("secret.slack_token", r"(xox[abeprs]|xapp)-[a-z0-9-]{10,}", 255),
        Severity.CRITICAL,
        alphabet=ALNUM + "-",
    ),
    "stripe_key": Rule(
        "secret.stripe_key",
        Pattern("secret.stripe_key", r"((sk|rk)_(live|test)|whsec)_[a-z0-9]{16,}", 255),
        Severity.CRITICAL,
        alphabet=ALNUM + "_",
    ),
    "google_api_key": Rule(
        "secret.google_api_key",
        Pattern("secret.google_api_key", r"aiza[0-9a-z_-]{35}", 39),
        Severity.CRITICAL,
        alphabet=ALNUM + "_-",
    ),
    "openai_key": Rule(
        "secret.openai_key",
        # `{20,}` with start-of-match tracking is too large for Hyperscan: length is checked
        # by the validator instead.
        Pattern("secret.openai_key", r"sk-(proj-|svcacct-|admin-)?[a-z0-9_-]+", 220),
        Severity.CRITICAL,
        lambda norm, orig: v.random_token(_after_prefix(visible(orig), "sk-", _OPENAI_KINDS), 20),
        alphabet=ALNUM + "_-",
    ),
    "jwt": Rule(
        "secret.jwt",
        Pattern("secret.jwt", r"eyj[a-z0-9_-]{8,}\.eyj[a-z0-9_-]{8,}\.[a-z0-9_-]{8,}", 4096),
        Severity.HIGH,
        alphabet=ALNUM + "_-.",
    ),
    "private_key": Rule(
        "secret.private_key",
        Pattern("secret.private_key", r"-----begin ([a-z0-9]+ ){0,3}private key( block)?-----", 70),
        Severity.CRITICAL,
        bounded=False,
        hold=_pem_hold,
        until="-----end ",
    ),
    "keyword_value": Rule(
        "secret.keyword_value",
        Pattern(
            "secret.keyword_value",
            # The keyword may end a longer name (DB_PASSWORD, client_secret); quotes may close
            # a JSON or dict key; `:=`, `=>` and "is" also assign ("is:" too).
            r"(password|passwd|passphrase|pwd|secret|secret[_-]?key|api[_-]?key|apikey"
            r"|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|token"
            r"|client[_-]?secret|private[_-]?key|credentials?)[\"']? ?"
            r"(:=|=>|->|[:=]| is:? | was:? ) ?[\"']?[^\s\"']",
            200,
        ),
        Severity.HIGH,
        lambda norm, orig: _keyword_secret(norm, orig),
        bounded=False,
        longest_only=True,
        hold=VALUE_RUN,
        value=_keyword_value,
        grow_right_until=" \"'\x00",
    ),
    "url_credentials": Rule(
        "secret.url_credentials",
        Pattern("secret.url_credentials", r"[a-z][a-z0-9+.-]*://[^\s:/@]*:[^\s/@]+@", 200),
        Severity.CRITICAL,
        lambda norm, orig: v.url_password(norm[_url_password(norm)[0] : -1], _url_user(norm)),
        bounded=False,
        longest_only=True,
        hold=VALUE_RUN,
        value=_url_password,
    ),
    "bearer_token": Rule(
        "secret.bearer_token",
        Pattern("secret.bearer_token", r"(bearer|basic|token) +[a-z0-9._~+/-]{16,}=*", 600),
        Severity.MEDIUM,  # a more specific rule (JWT, a vendor key) names it when it can
        lambda norm, orig: v.bearer_value(visible(orig).rsplit(" ", 1)[-1]),
        longest_only=True,
        hold=VALUE_RUN,
        value=_bearer,
    ),
    **SHAPE_RULES,
    "prefixed_token": PREFIXED_TOKEN,
    **CLI_RULES,
}

# A PuTTY key file's private part (reported as a private key, under that kind).
PUTTY_RULE = Rule(
    "secret.private_key",
    Pattern("secret.private_key.putty", r"private-lines: ?\d{1,3}( |$)", 20),
    Severity.CRITICAL,
    bounded=False,
    hold=_putty_hold,
    until="private-mac:",
)

# Atlassian API tokens: no separator after their prefix for prefixed_token to read (the kind
# they come under).
ATLASSIAN_RULE = Rule(
    "secret.atlassian_token",
    Pattern("secret.atlassian_token", r"at[ac]tt3x[a-z0-9_=-]{24,}", 255),
    Severity.CRITICAL,
    _atlassian_token,
    alphabet=ALNUM + "_=-",
)

# keyword_value's reading of other languages' password words and the abbreviations
# (secrets_words.py): the same value, judged the same way, under the same kind.
PASSWORD_WORD_RULE = dataclasses.replace(
    SECRET_RULES["keyword_value"],
    pattern=Pattern("secret.keyword_value.words", PASSWORD_WORDS, 200),
)

# Each kind's rules: one each, but `detect_secrets` is every rule compiled from detect-secrets'
# plugins (secrets_ds.py): one switch for a generated set that changes with its version.
# Where their value is a kind we name (an AWS key, a Slack token) they report our type.
SECRET_KINDS: dict[str, tuple[Rule, ...]] = {
    **{kind: (rule,) for kind, rule in SECRET_RULES.items()},
    # Values after keywords: the password words (secrets_words.py), a password told in a
    # sentence with words between (secrets_phrases.py), and values no keyword precedes:
    # `user / password`, a setting's `value` field (secrets_pairs.py).
    "keyword_value": (
        SECRET_RULES["keyword_value"],
        PASSWORD_WORD_RULE,
        PASSWORD_PHRASE_RULE,
        PASSWORD_TOLD_RULE,
        # The word right before a generated value, no separator (secrets_phrases.py).
        PASSWORD_SPACED_RULE,
        *PAIR_RULES.values(),
    ),
    # A private key as a JSON Web Key (secrets_jwk.py): no PEM armour to anchor on.
    "private_key": (SECRET_RULES["private_key"], JWK_RULE, PUTTY_RULE),
    # Atlassian's tokens; other vendors' key ids, known by their prefix as the tokens of
    # prefixed_token are (secrets_cloud.py).
    "prefixed_token": (
        SECRET_RULES["prefixed_token"],
        ATLASSIAN_RULE,
        CLOUD_RULES["cloud_key_id"],
        # A prefix ended by a full stop, or glued to hex (secrets_dotted.py).
        DOTTED_TOKEN,
    ),
    # A generated value assigned to a name that says it is a secret (secrets_named.py); a
    # UUID or hex key after a name that says which key (secrets_keyed.py).
    "random_token": (SECRET_RULES["random_token"], NAMED_VALUE, KEYED_ID),
    # A cloud key's secret after its id, with no keyword (secrets_cloud.py).
    "aws_secret_key": (SECRET_RULES["aws_secret_key"], CLOUD_RULES["paired_secret"]),
    # A password as a command's positional argument (`htpasswd -b FILE USER PASSWORD`).
    "cli_credential": (SECRET_RULES["cli_credential"], CLI_POSITIONAL_RULE),
    "detect_secrets": DETECT_SECRETS_RULES,
    # A seed phrase after its name; WIF and extended private keys (secrets_wallet.py).
    "wallet": wallet_rules(load_words()),
}

# Finding type -> the kinds whose rules report it (replay asks whether a narrowed kind list
# still looks for a recorded type).
SECRET_TYPE_KINDS: dict[str, frozenset[str]] = {
    t: frozenset(k for k, rules in SECRET_KINDS.items() if any(r.type == t for r in rules))
    for t in {r.type for rules in SECRET_KINDS.values() for r in rules}
}


def _after_prefix(token: str, prefix: str, kinds: Sequence[str]) -> str:
    rest = token[len(prefix) :]
    for kind in kinds:
        if rest.startswith(kind):
            return rest[len(kind) :]
    return rest


def _keyword_secret(norm: str, orig: str) -> bool:
    value = _value_text(orig)
    if _braced(value):
        # ODBC quotes a value in braces (`PWD={...};`): the value inside, made up.
        inner = value.rstrip(";")[1:-1]
        return v.secret_value(inner) and v.random_token(inner, 8)
    if not v.secret_value(value):
        return False
    if "=" not in norm and _described(value.rstrip(".,;")):
        return False
    if ":" in norm or "=" in norm:
        return True
    # "my password is X" (or "wifi pw -> X") reads like prose: X must look made up (letters
    # and digits or symbols), or "the token is expired." would count; and not be one
    # adjective of hyphened words ("the password is case-sensitive"), nor a name in code.
    word = value.rstrip(".,;")
    if _camel_words(word):
        return True
    return (
        any(c.isalpha() for c in value)
        and any(not c.isalpha() for c in word)
        and not _compound_word(word)
        and not _snake_case(word)
    )


def _camel_words(word: str) -> bool:
    """Three or more words run together with capitals ("CorrectHorseBatteryStaple"): a
    passphrase, made up as much as one of digits. Names run two together ("GitHub",
    "PowerPoint", "JavaScript"), prose none."""
    humps = sum(a.islower() and b.isupper() for a, b in itertools.pairwise(word))
    return humps >= 2 and word.isalpha()


def _snake_case(word: str) -> bool:
    """A name in code after an arrow or a copula ("token -> refresh_token", "the secret is
    kms_key_id"): lower-case words joined by `_`, what a mapping or a field is called."""
    return "_" in word and word.islower() and word.replace("_", "").isalpha()


def _described(word: str) -> bool:
    """One capitalised word, maybe hyphened: what a docstring's field (`api_key: Explicitly-
    provided API key`, `chars_per_token: Number of characters`) or a sentence ("the password
    is Monday's") goes on with. Not after `=`, where a value is assigned (`PASSWORD=Welcome`)."""
    parts = word.split("-")
    return word[:1].isupper() and all(p.isalpha() for p in parts) and word[1:].islower()


def _compound_word(word: str) -> bool:
    """Words joined by hyphens as prose joins them: two ("long-lived", "auto-generated",
    "JWT-based") or three around a short one ("out-of-band", "end-to-end"). Three or more
    words of their own ("correct-horse-battery-staple") are a passphrase, and a part with a
    digit ("sunny-day-42") is made up."""
    parts = word.split("-")
    if not all(p.isalpha() for p in parts):
        return False
    return len(parts) == 2 or (len(parts) == 3 and len(parts[1]) <= 3)


def _braced(value: str) -> bool:
    inner = value.rstrip(";")[1:-1]
    return (
        value.startswith("{")
        and value.rstrip(";").endswith("}")
        and bool(inner)
        and not any(c in inner for c in "{}$%\"' ")
    )


def _value_text(orig: str) -> str:
    """The value of a keyword match, from the original characters (case matters)."""
    text = unicodedata.normalize("NFKC", visible(orig))
    a, b = _keyword_value(text.lower())
    return text[a:b]
