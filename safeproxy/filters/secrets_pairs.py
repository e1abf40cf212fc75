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
from collections.abc import Callable

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


# Credentials in the forms of particular files and tools, where no `=` or `:` follows the
# word: a .netrc line (`machine HOST login USER password VALUE`), an XML element or a
# property named by the word (`<password>VALUE</password>`, `<property
# name="db.password">VALUE</property>`), Oracle's `user/password@host` (sqlplus, a thin
# JDBC URL), and a user and its password joined by a colon after "creds".


def _netrc_value(norm: str) -> tuple[int, int]:
    i = norm.rindex("password") + len("password")
    while i < len(norm) and norm[i].isspace():
        i += 1
    return i, max(i, len(norm))


def _element_value(norm: str) -> tuple[int, int]:
    i = norm.rindex(">") + 1
    return i, max(i, len(norm))


def _oracle_value(norm: str) -> tuple[int, int]:
    """`user/password@host`: between the user's slash and the last `@`."""
    end = norm.rindex("@")
    return norm.rindex("/", 0, end) + 1, end


def _creds_value(norm: str) -> tuple[int, int]:
    return _after_last(norm, ":")


def _judged(span: Callable[[str], tuple[int, int]], classes: int) -> Callable[[str, str], bool]:
    """The value `span` finds (on the original characters), with keyword_value's bar and at
    least `classes` of lower case, upper case, digits and symbols."""

    def check(norm: str, orig: str) -> bool:
        text = _text(orig)
        a, b = span(text.lower()) if len(text) == len(norm) else span(norm)
        value = text[a:b] if len(text) == len(norm) else norm[a:b]
        return v.secret_value(value) and _classes(value) >= classes and "/" not in value

    return check


def _told_rule(name: str, regex: str, max_len: int, span: Callable[[str], tuple[int, int]],
               classes: int, until: str = " \"'\x00") -> Rule:  # fmt: skip
    return Rule(
        "secret.keyword_value",
        Pattern(name, regex, max_len),
        Severity.HIGH,
        _judged(span, classes),
        bounded=False,
        longest_only=True,
        hold=VALUE_RUN,
        value=span,
        grow_right_until=until,
    )


PAIR_RULES |= {
    "netrc": _told_rule(
        "secret.netrc_password",
        r"login\s{1,8}[^\s]{1,64}\s{1,8}password\s{1,8}[^\s\"']",
        80,
        _netrc_value,
        2,
    ),
    "xml_element": _told_rule(
        "secret.xml_password",
        # The element's name, or a property's name ending its attribute, then `>`.
        r"(password|passwd|pwd|passphrase|secret|api_?key|access_?key|token)[0-9]?[\"']?>"
        r"[^\s<\"']",
        40,
        _element_value,
        3,
        " \"'\x00<",
    ),
    "oracle": _told_rule(
        "secret.oracle_password",
        # sqlplus's and a thin JDBC URL's `user/password@`, and "oracle: user/password@".
        r"(thin:|sqlplus +|oracle ?: ?|conn(ect)? +|userid=)[a-z0-9_$#.]+/[^\s/@\"']+@",
        110,
        _oracle_value,
        2,
        "",
    ),
    "creds_colon": _told_rule(
        "secret.creds_pair",
        # "creds -> USER : PASSWORD" (a slash or a bar between is user_password_pair's).
        r"(creds|credentials) ?(->|=>|:) ?[a-z0-9._@-]{1,40} ?: ?[^\s/|:\"']",
        100,
        _creds_value,
        3,
    ),
}
