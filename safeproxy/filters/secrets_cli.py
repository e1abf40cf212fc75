"""Secrets given as command-line options: `mysql -pS3cret`, `docker login -p <token>`,
`curl -u user:pass`, `wget --password <value>`, `redis-cli -a <value>`.

People paste shell commands with the credential inline; no keyword and no `=` stands before
it, so `keyword_value` does not see it. The option is the anchor and only the value is the
finding (the user name of `user:pass` flows). A one-letter option means many things (`ssh -p
2222`, `mkdir -p dir`, `pytest -p no:cov`, `docker run -p 8080:80 -u 1000:1000`): there the
value must look made up, as a password or a token does; a long option that names a
password (`--password X`) is judged like a value after `password=`.
"""

from __future__ import annotations

import re
import unicodedata

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_shapes import lower_runs

# Options whose value is a password by name (longest first: `--pass` begins `--password`).
_PASSWORD_OPTIONS = ("--password", "--passwd", "--pass", "--pwd")
# Options whose value is `user:password` (curl, wget, httpie, docker run, mongosh...).
_PAIR_OPTIONS = ("--user", "--auth", "-u", "-a")
# One-letter options that take a password alone (mysql, docker login, sshpass, mongosh,
# az: `-p`; redis-cli: `-a`).
_SHORT_PASSWORD = ("-p", "-a")
# What a made-up password mixes in besides letters and digits (`-` and `_` join the words
# of names and flags, `.` and `:` versions, ports and plugin names, `/` paths).
_SYMBOLS = frozenset("!@#%&?~$")  # (not `*+^=`: arithmetic, ` -alpha0**3`)
# What ends a `user:password` pair on the left (the option, `=`, a quote).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# A one-letter option's value shorter than this is a port, a flag or a name.
_SHORT_MIN = 8
# What a one-letter option also takes, whose symbols are not a password's: a target
# (`ssh -a admin@10.0.0.5`, `root@web01`), a package at a version (`npx -p typescript@5.4`), a
# git revision (`git log -p HEAD~3`, `v1.2.0~1`), a document's name (`-a Invoice#2024-07.pdf`;
# a known extension only: an Azure secret may end `~.xyz`).
_NAMED = re.compile(
    r"^[a-z][\w.+-]*@(?:[\w-]+\.)*[a-z0-9][\w-]*$|@\d[\w.-]*$|~\d+(?:\.\.|$)"
    r"|\.(?:pdf|docx?|xlsx?|pptx?|odt|txt|csv|zip|png|jpe?g|gif|md|json|ya?ml|tar|gz)$"
)


def _option(norm: str) -> str:
    """The option that opens a match (` -p…`, ` --password …`), or "" if the match only
    begins a longer option (`--passthrough`)."""
    text = norm.lstrip(" ")
    if text.startswith("--"):
        for name in (*_PASSWORD_OPTIONS, "--user", "--auth"):
            if text.startswith(name) and text[len(name) : len(name) + 1] in (" ", "=", "'", '"'):
                return name
        return ""
    # Only mysql's `-pS3cret` and curl's `-uadmin:pw` are written attached; `-alpha0` is a
    # negated name.
    if text[:2] == "-a" and text[2:3] not in (" ", "=", "'", '"'):
        return ""
    return text[:2]


def _value_start(norm: str) -> int:
    """Where the option's value starts: after the option, spaces, `=` and a quote."""
    i = len(norm) - len(norm.lstrip(" ")) + len(_option(norm))
    while i < len(norm) and norm[i] in " =\"'":
        i += 1
    return i


def _value(norm: str) -> tuple[int, int]:
    """The option's value; for `user:password`, only the password."""
    i = _value_start(norm)
    end = len(norm.rstrip(".,;"))
    if _option(norm) in _PAIR_OPTIONS:
        colon = norm.find(":", i, end)
        if colon >= 0:
            return colon + 1, max(colon + 1, end)
    return i, max(i, end)


def _made_up(value: str) -> bool:
    """A value after a one-letter option that reads as a password or a token: long enough,
    no path, letters and digits, and a symbol or both cases at random (`S3cret!Pass`,
    `Kx7mQ2vL9pRt`); not a port (`2222`, `8080:80`), a directory, a name (`web-app`,
    `x86_64`, `MyProject2024`) or a plugin (`no:cacheprovider`)."""
    if not _SHORT_MIN <= len(value) <= 128 or "/" in value or not v.secret_value(value):
        return False
    if _NAMED.search(value):
        return False
    letters = any(c.isalpha() for c in value)
    if not letters or not any(c.isdigit() for c in value):
        return False
    if any(c in _SYMBOLS for c in value):
        return True
    # Both cases, not words joined in camelCase (`MyProject2024`, a compose project's name).
    cases = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return cases and lower_runs(value) <= 3.0


def _cli_secret(norm: str, orig: str) -> bool:
    text = unicodedata.normalize("NFKC", visible(orig))
    low = text.translate(_ASCII_LOWER)  # options are ASCII; offsets stay those of `text`
    option = _option(low)
    if not option:
        return False
    a, b = _value(low)
    value = text[a:b]  # the original characters: case is what is judged
    before = text[:a]
    if option in _PAIR_OPTIONS and before.endswith(":"):
        # `user:password`: the option says a password follows the colon; not a URL
        # (`-U http://host/repo`, `-a gs://bucket`) nor a template (`<user:password>`).
        pair = text[_value_start(low) : b]
        if value.startswith("/") or pair.lower().startswith(v.PLACEHOLDER_PREFIXES):
            return False
        return v.secret_value(value) and v.url_password(value)
    if option in _PASSWORD_OPTIONS:
        if "=" in before:
            return False  # `--password=X` is keyword_value's (the same span, its name)
        # Not a name in a synopsis (`--passwd user-id`): a digit, a symbol or upper case.
        return v.secret_value(value) and any(
            c.isdigit() or c.isupper() or c in _SYMBOLS for c in value
        )
    return option in _SHORT_PASSWORD and _made_up(value)


CLI_RULES: dict[str, Rule] = {
    "cli_credential": Rule(
        "secret.cli_credential",
        Pattern(
            "secret.cli_credential",
            # The option after a space (whitespace folds to spaces), attached to its value
            # (`-pS3cret`, `-uadmin:pw`) or apart from it by spaces, `=` and a quote; then
            # the value's first character. The match grows over the value.
            r" (-[upa]|--(user|auth|password|passwd|pass|pwd))[ =]{0,2}[\"']?[^\s\"'-]",
            200,
        ),
        Severity.HIGH,
        _cli_secret,
        bounded=False,
        longest_only=True,
        hold=VALUE_RUN,
        value=_value,
        grow_right_until=" \"'\x00",
    ),
}


# Commands that take a password as a positional argument, and how many positional
# arguments come before it: `htpasswd -b FILE USER PASSWORD` (`-nb`: no file), `net user
# USER PASSWORD`, `rabbitmqctl add_user USER PASSWORD`.
_POSITIONAL = {"htpasswd": 2, "net user": 1, "rabbitmqctl add_user": 1,
               "rabbitmqctl change_password": 1}  # fmt: skip


def _command(norm: str) -> str:
    text = norm.lstrip(" ")
    return next((c for c in _POSITIONAL if text.startswith(c + " ")), "")


def _positional_value(norm: str) -> tuple[int, int]:
    """The password among the command's arguments (options skipped); empty if the command
    does not take it there (`htpasswd` without `-b` asks for it)."""
    command = _command(norm)
    if not command:
        return len(norm), len(norm)
    before = _POSITIONAL[command]
    at = len(norm) - len(norm.lstrip(" ")) + len(command)
    batch = command != "htpasswd"
    for word in norm[at:].split(" "):
        if word.startswith("-") and before >= 0:
            batch = batch or "b" in word
            if "n" in word and command == "htpasswd":
                before -= 1  # `-n` prints the entry: no file argument
        elif word:
            if before == 0:
                break
            before -= 1
        at += len(word) + 1
    if not batch or before != 0 or at >= len(norm):
        return len(norm), len(norm)
    end = norm.find(" ", at)
    end = len(norm) if end < 0 else end
    return at, max(at, len(norm[:end].rstrip(".,;")))


def _positional_secret(norm: str, orig: str) -> bool:
    text = unicodedata.normalize("NFKC", visible(" ".join(orig.split())))
    a, b = _positional_value(text.translate(_ASCII_LOWER))
    value = text[a:b].split(" ", 1)[0]
    # Not an option of net user's (`/add`, `/domain`) nor a prompt's `*`.
    return bool(value) and not value.startswith(("/", "*")) and v.secret_value(value)


CLI_POSITIONAL_RULE = Rule(
    "secret.cli_credential",
    Pattern(
        "secret.cli_positional",
        # The command, then what follows it up to the text's end or a line's: the
        # positional arguments are counted on the report.
        r"(htpasswd|net user|rabbitmqctl (add_user|change_password)) [^\s]",
        200,
    ),
    Severity.HIGH,
    _positional_secret,
    bounded=False,
    longest_only=True,
    hold=VALUE_RUN,
    value=_positional_value,
    # (not `&`: passwords hold it, and a pasted command is not always quoted)
    grow_right_until="\"'\x00|;<>",
)
