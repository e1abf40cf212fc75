"""Built-in PII and secret detectors: one Hyperscan pass, then validators on each candidate.

Patterns run on the normalised view (so full-width digits, zero-width joiners and homoglyph
case tricks fold away); findings carry spans in the original text. Case-sensitive formats
(AWS key ids) are matched caselessly and then checked on the original characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from safeproxy.filters import validators as v
from safeproxy.filters.api import Finding, Severity
from safeproxy.filters.normalize import Normalized, Normalizer
from safeproxy.filters.scanner import Pattern, Scanner

# (normalised span, original span with invisible characters removed) -> keep?
Validator = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    type: str  # finding type, e.g. "pii.email"
    pattern: Pattern
    severity: Severity
    validate: Validator | None = None
    # The match must not continue a word or number on either side.
    bounded: bool = True
    # Finds the real values inside a candidate (normalised text) when a value can hide in a
    # longer run; replaces `validate`.
    refine: Callable[[str], list[tuple[int, int]]] | None = None


def _norm(check: Callable[[str], bool]) -> Validator:
    return lambda norm, _orig: check(norm)


def _upper_token(norm: str, orig: str) -> bool:
    return orig == orig.upper()


PII_RULES: dict[str, Rule] = {
    "email": Rule(
        "pii.email",
        Pattern("pii.email", r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}", 254),
        Severity.MEDIUM,
        _norm(v.email),
    ),
    "credit_card": Rule(
        "pii.credit_card",
        Pattern("pii.credit_card", r"\d(?:[ .-]?\d){12,18}", 37),
        Severity.HIGH,
        refine=v.card_spans,
    ),
    "ssn": Rule(
        "pii.ssn",
        Pattern("pii.ssn", r"\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}", 11),
        Severity.HIGH,
        _norm(v.us_ssn),
    ),
    "phone": Rule(
        "pii.phone",
        Pattern("pii.phone", r"\+?\(?\d[\d ().-]+\d", 24),
        Severity.MEDIUM,
        _norm(v.phone_number),
    ),
    "iban": Rule(
        "pii.iban",
        Pattern("pii.iban", r"[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,4})?", 42),
        Severity.HIGH,
        _norm(v.iban),
    ),
}

_OPENAI_KINDS = ("proj-", "svcacct-", "admin-")

SECRET_RULES: dict[str, Rule] = {
    "aws_access_key": Rule(
        "secret.aws_access_key",
        Pattern("secret.aws_access_key", r"(akia|asia|abia|acca)[0-9a-z]{16}", 20),
        Severity.CRITICAL,
        _upper_token,
    ),
    "github_token": Rule(
        "secret.github_token",
        Pattern("secret.github_token", r"(gh[posur]_[a-z0-9]{36}|github_pat_[a-z0-9_]{82})", 93),
        Severity.CRITICAL,
    ),
    "slack_token": Rule(
        "secret.slack_token",
        Pattern("secret.slack_token", r"xox[baprs]-[a-z0-9-]{10,}", 255),
        Severity.CRITICAL,
    ),
    "stripe_key": Rule(
        "secret.stripe_key",
        Pattern("secret.stripe_key", r"(sk|rk)_(live|test)_[a-z0-9]{16,}", 255),
        Severity.CRITICAL,
    ),
    "google_api_key": Rule(
        "secret.google_api_key",
        Pattern("secret.google_api_key", r"aiza[0-9a-z_-]{35}", 39),
        Severity.CRITICAL,
    ),
    "openai_key": Rule(
        "secret.openai_key",
        # `{20,}` with start-of-match tracking is too large for Hyperscan: length is checked
        # by the validator instead.
        Pattern("secret.openai_key", r"sk-(proj-|svcacct-|admin-)?[a-z0-9_-]+", 220),
        Severity.CRITICAL,
        lambda norm, orig: v.random_token(_after_prefix(orig, "sk-", _OPENAI_KINDS), 20),
    ),
    "jwt": Rule(
        "secret.jwt",
        Pattern("secret.jwt", r"eyj[a-z0-9_-]{8,}\.eyj[a-z0-9_-]{8,}\.[a-z0-9_-]{8,}", 4096),
        Severity.HIGH,
    ),
    "private_key": Rule(
        "secret.private_key",
        Pattern("secret.private_key", r"-----begin ([a-z0-9]+ ){0,3}private key-----", 60),
        Severity.CRITICAL,
        bounded=False,
    ),
    "keyword_value": Rule(
        "secret.keyword_value",
        Pattern(
            "secret.keyword_value",
            r"(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token"
            r"|client[_-]?secret|private[_-]?key) ?[:=] ?[\"']?[^\s\"']{8,}",
            200,
        ),
        Severity.HIGH,
        lambda norm, orig: v.secret_value(_value_of(orig)),
    ),
}


def _after_prefix(token: str, prefix: str, kinds: Sequence[str]) -> str:
    rest = token[len(prefix) :]
    for kind in kinds:
        if rest.startswith(kind):
            return rest[len(kind) :]
    return rest


def _value_of(assignment: str) -> str:
    for sep in ("=", ":"):
        if sep in assignment:
            return assignment.split(sep, 1)[1].strip().strip("\"'")
    return ""


class Detector:
    """A fixed set of rules compiled into one scanner; `find` is safe to share."""

    def __init__(self, name: str, rules: Sequence[Rule], normalizer: Normalizer) -> None:
        self.name = name
        self.rules = tuple(rules)
        self._normalizer = normalizer
        self._scanner = Scanner([r.pattern for r in self.rules])

    @property
    def max_len(self) -> int:
        return self._scanner.max_len

    def _refined(
        self,
        rule: Rule,
        index: int,
        view: Normalized,
        s: int,
        e: int,
        findings: list[Finding],
        reach: dict[int, int],
    ) -> None:
        for a, b in _refined_spans(rule, view.text, s, e):
            if b <= reach.get(index, -1):
                continue
            start, end = view.original_span(a, b)
            findings.append(
                Finding(rule.type, rule.pattern.rule, start, end, rule.severity, self.name)
            )
            reach[index] = b

    def find(self, text: str) -> list[Finding]:
        """Per rule and start, the longest candidate that passes its checks; sorted by start.

        A finding inside an earlier finding of the same rule adds nothing and is dropped.
        """
        view = self._normalizer.normalize(text)
        norm = view.text
        findings: list[Finding] = []
        reach: dict[int, int] = {}
        runs: dict[int, list[list[int]]] = {}
        for (index, s), ends in sorted(self._scanner.candidates(norm).items(), key=_by_start):
            rule = self.rules[index]
            if rule.refine is not None:
                # Merge overlapping candidates into whole runs: the engine reports one
                # (leftmost) start per end, so values can hide inside a longer run.
                merged = runs.setdefault(index, [])
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], ends[0])
                else:
                    merged.append([s, ends[0]])
                continue
            if rule.bounded and _wordy(norm, s - 1):
                continue
            for e in ends:
                if e <= reach.get(index, -1):
                    break
                if rule.bounded and _wordy(norm, e):
                    continue
                start, end = view.original_span(s, e)
                if rule.validate is not None:
                    original = "".join(c for c in text[start:end] if c.isprintable() or c == " ")
                    if not rule.validate(norm[s:e], original):
                        continue
                findings.append(
                    Finding(rule.type, rule.pattern.rule, start, end, rule.severity, self.name)
                )
                reach[index] = e
                break
        for index, merged in runs.items():
            for s, e in merged:
                self._refined(self.rules[index], index, view, s, e, findings, reach)
        findings.sort(key=lambda f: (f.start, f.end))
        return findings


def _refined_spans(rule: Rule, norm: str, s: int, e: int) -> list[tuple[int, int]]:
    assert rule.refine is not None
    if rule.bounded:
        # A group glued to a word ("b224 4111 ...", "... 1111x") cannot start or end a value;
        # trim it first, so the search inside the run does not spend its start on it.
        while s < e and _wordy(norm, s - 1):
            s += 1
            while s < e and norm[s - 1].isalnum():
                s += 1
        while e > s and _wordy(norm, e):
            e -= 1
            while e > s and norm[e].isalnum():
                e -= 1
    spans = [(s + a, s + b) for a, b in rule.refine(norm[s:e])]
    if rule.bounded:
        spans = [(a, b) for a, b in spans if not _wordy(norm, a - 1) and not _wordy(norm, b)]
    return spans


def _by_start(item: tuple[tuple[int, int], list[int]]) -> tuple[int, int]:
    (index, start), _ends = item
    return start, index


def _wordy(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
