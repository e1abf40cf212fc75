"""Credentials whose value no keyword precedes, named by what stands around it: a user and
its password written as a pair (`login: admin / S3cr3t!pass`), and a setting whose name
holds the credential word while its value sits in a separate `value` field
(`<add key="SmtpPassword" value="..."/>`, Kubernetes' `- name: DB_PASSWORD` /
`value: ...`, `{"name": "API_TOKEN", "value": "..."}`).

keyword_value wants the word right before its separator; here the word is in a name, or
absent. Each rule anchors on the name's shape and judges only the value; only the value is
the finding.
"""

from __future__ import annotations

import unicodedata

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern


def _text(orig: str) -> str:
    # Whitespace to spaces first: `visible` drops line breaks, which part a YAML pair.
    return unicodedata.normalize("NFKC", visible(" ".join(orig.split())))


def _after_last(norm: str, marks: str) -> tuple[int, int]:
    """The value: after the last of `marks` and the spaces and quotes that follow it."""
    i = max(norm.rfind(m) for m in marks) + 1
    while i < len(norm) and norm[i] in " \"'":
        i += 1
    return i, max(i, len(norm.rstrip(".,;")))


def _classes(value: str) -> int:
    return sum(
        (any(c.islower() for c in value), any(c.isupper() for c in value),
         any(c.isdigit() for c in value), any(not c.isalnum() for c in value))
    )  # fmt: skip


def _pair_value(norm: str) -> tuple[int, int]:
    return _after_last(norm, "/|")


def _paired_password(norm: str, orig: str) -> bool:
    """`user / password`: a user name and a slash or a bar say nothing of the value, so it
    must look made up (three of lower case, upper case, digits and symbols): `web01 /
    web02`, `admin / root` and paths pass."""
    text = _text(orig)
    a, b = _pair_value(text)
    value = text[a:b]
    return v.secret_value(value) and _classes(value) >= 3 and "/" not in value


def _field_value(norm: str) -> tuple[int, int]:
    """After `value` and its `:` or `=`."""
    at = norm.rindex("value")
    i = at + len("value")
    while i < len(norm) and norm[i] in " \"':=":
        i += 1
    return i, max(i, len(norm.rstrip(".,;")))


def _field_secret(norm: str, orig: str) -> bool:
    text = _text(orig)
    a, b = _field_value(text.lower())
    return v.secret_value(text[a:b])


PAIR_RULES: dict[str, Rule] = {
    "user_password_pair": Rule(
        "secret.keyword_value",
        Pattern(
            "secret.user_password_pair",
            # A login word and its separator, the user (a name, an address), then a slash or
            # a bar and the password's first character.
            r"(login|logon|username|user|usuario|benutzer|utilisateur|creds)s? ?[:=] ?"
            r"[a-z0-9._@-]+ ?[/|] ?[^\s/|]",
            120,
        ),
        Severity.HIGH,
        _paired_password,
        bounded=False,
        longest_only=True,
        hold=VALUE_RUN,
        value=_pair_value,
        grow_right_until=" \"'\x00",
    ),
    "named_field": Rule(
        "secret.keyword_value",
        Pattern(
            "secret.named_field",
            # A setting's name that ends with the credential word (`SmtpPassword`,
            # `DB_PASSWORD`; a word after it names something else: `PasswordMinLength`,
            # `SecretsPath`, `TokenLifetime`), its closing quote, then the `value` field:
            # an XML attribute, a YAML or JSON field, on the same line or the next.
            r"(password|passwd|pwd|secret|token|api_?key|access_?key)[0-9]?"
            r"[\"']?[ ,]{1,12}[\"']?value[\"']? ?[:=] ?[\"']?[^\s\"'{$<]",
            160,
        ),
        Severity.HIGH,
        _field_secret,
        bounded=False,
        longest_only=True,
        hold=VALUE_RUN,
        value=_field_value,
        grow_right_until=" \"'\x00",
    ),
}
