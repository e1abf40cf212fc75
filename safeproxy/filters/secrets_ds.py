"""Secret rules compiled from detect-secrets' plugins (data/detect_secrets.json, generated).

scripts/build_secret_rules.py translates each plugin pattern into syntax that Hyperscan and
Python's `re` both read and writes it to the package; this module only loads that file, so
detect-secrets is no dependency of the proxy. Hyperscan scans the case-folded view for the
`scan` pattern (sometimes loosened, see the script); the exact `regex` then judges the
candidate span, and a case-sensitive one judges it again on the original characters. When a
pattern has a capture group, the secret begins there (detect-secrets reports the group): the
key before it is no part of the finding.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from safeproxy.filters.api import Severity
from safeproxy.filters.holds import Named, PartialLiteral, TrailingRun
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern

DATA = "filters/data/detect_secrets.json"


@dataclass(frozen=True, slots=True)
class _Exact:
    """The exact pattern over the candidate (case-folded), and over the original characters
    when the pattern is case-sensitive (`AC[a-z0-9]{32}` is no Twilio key in lower case)."""

    folded: re.Pattern[str]
    exact: re.Pattern[str] | None

    def __call__(self, norm: str, orig: str) -> bool:
        if self.folded.fullmatch(norm) is None:
            return False
        if self.exact is None:
            return True
        return self.exact.fullmatch(unicodedata.normalize("NFKC", visible(orig))) is not None


@dataclass(frozen=True, slots=True)
class _Group:
    """Where the secret lies in a match: from its first non-empty capture group to the end
    (closing quotes aside).

    Not the group alone: some plugins capture a part of the token (`(glpat)-<token>`, an
    optional `([0-9a-f]{2}_)?`), which detect-secrets then reports as the secret; cutting
    to the end of the match lets nothing after the secret's start through.
    """

    folded: re.Pattern[str]

    def __call__(self, norm: str) -> tuple[int, int]:
        m = self.folded.fullmatch(norm)
        if m is not None:
            for i in range(1, self.folded.groups + 1):
                a, b = m.span(i)
                if b > a:
                    # A closing quote (`aws_key = '<value>'`) is no part of the secret.
                    return a, max(b, len(norm.rstrip("\"'")))
        return 0, len(norm)


@dataclass(frozen=True, slots=True)
class _AnchorHold:
    """Streams, for a pattern with `.` or `\\S` (no alphabet to go by): every match holds
    this literal (`/:_authtoken=`, just before the secret, or the one a match begins with),
    so text is held from its first occurrence within the longest match's reach, or from a
    part of it that ends the text. What comes before it may flow, as for a value's `TrailingRun`."""

    anchor: str
    max_len: int
    _partial: PartialLiteral = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_partial", PartialLiteral(self.anchor))

    def __call__(self, norm: str) -> int:
        at = norm.find(self.anchor, max(0, len(norm) - self.max_len + 1))
        if at >= 0:
            return at
        if not norm.endswith(self._partial.prefixes):  # (asked on every event of a stream)
            return len(norm)
        return len(norm) - self._partial.length(norm)


def _hold(spec: dict[str, Any]) -> Callable[[str], int] | None:
    value: str | None = spec["value_alphabet"]
    if value is not None and value != spec["alphabet"]:
        return TrailingRun(value)
    if spec["alphabet"] is None and spec["anchor"]:
        anchor, max_len = spec["anchor"], spec["max_len"]
        hold = _AnchorHold(anchor, max_len)
        return Named(hold, re.escape(anchor), max_len, "", ends=hold._partial.prefixes)
    return None  # the whole match's alphabet, or max_len - 1


def _rule(spec: dict[str, Any]) -> Rule:
    folded = re.compile(spec["regex"], re.IGNORECASE)
    exact = None if spec["caseless"] else re.compile(spec["regex"])
    name = f"detect_secrets.{spec['plugin']}.{spec['index']}"
    return Rule(
        spec["type"],
        Pattern(name, spec["scan"], spec["max_len"]),
        # A vendor format, but no randomness check: our own rule for the same kind (a
        # CRITICAL one) names an overlap when it can.
        Severity.HIGH,
        _Exact(folded, exact),
        bounded=spec["bounded"],
        # Not inside a base64 run: "+" or "/" glued to letters before a token continues the
        # run ("...AAAA+AP0AAAA==" holds no Artifactory key), as the plugins' own left
        # boundaries (a space, "=", ":", a quote) say.
        joiners="+/",
        alphabet=spec["alphabet"],
        hold=_hold(spec),
        value=_Group(folded) if folded.groups else None,
        grow_left=spec["grow_left"],
    )


def load() -> tuple[Rule, ...]:
    doc = json.loads(files("safeproxy").joinpath(DATA).read_text(encoding="utf-8"))
    return tuple(_rule(spec) for spec in doc["rules"])


DETECT_SECRETS_RULES = load()
