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
    # Characters that continue a token when a word character follows ("1.2.3.4.5").
    joiners: str = ""
    # Finds the real values inside a candidate (normalised text) when a value can hide in a
    # longer run; replaces `validate`.
    refine: Callable[[str], list[tuple[int, int]]] | None = None
    # Streams: every character a match can contain (normalised view). A match still growing
    # lies inside the trailing run of these, so only that run is held back, not max_len - 1
    # characters of prose. None: hold max_len - 1.
    alphabet: str | None = None
    # Streams: overrides `alphabet` with a function giving where a match could still begin.
    hold: Callable[[str], int] | None = None
    # Where the sensitive value starts inside the match (`password: <value>`): only that
    # part is the finding, so the keyword may flow while the value is held.
    value_start: Callable[[str], int] | None = None
    # A block that runs from the match to this closing marker's line (PEM key bodies); the
    # end of the text when the marker never comes.
    until: str | None = None


def _norm(check: Callable[[str], bool]) -> Validator:
    return lambda norm, _orig: check(norm)


def _upper_token(norm: str, orig: str) -> bool:
    return orig == orig.upper()


_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_DIGITS = "0123456789"


def _iban_hold(norm: str) -> int:
    """Where an IBAN could still begin: a word start whose rest fits the IBAN shape so far."""
    for p in range(max(0, len(norm) - 41), len(norm)):
        if (p == 0 or not norm[p - 1].isalnum()) and norm[p].isalpha() and _iban_prefix(norm, p):
            return p
    return len(norm)


def _iban_prefix(norm: str, p: int) -> bool:
    tail = norm[p:]
    head = tail[:4]
    if not (head[:2].isalpha() and (head[2:].isdigit() or not head[2:])):
        return False
    rest = tail[4:]
    return (rest.replace(" ", "").isalnum() or not rest.strip()) and "  " not in rest


def _after_keyword(norm: str) -> int:
    """`password = "v..."`: the value starts after the separator, spaces and a quote."""
    i = min((j for j in (norm.find(":"), norm.find("=")) if j >= 0), default=0) + 1
    while i < len(norm) and norm[i] in " \"'":
        i += 1
    return i


def _value_start(norm: str) -> int:
    """After the last separator: the value of `aws_secret_access_key = "<value>`."""
    return max(norm.rfind(c) for c in " :=\"'") + 1


def _value_run(norm: str) -> int:
    # Whitespace is always " " in the normalised view.
    return max(norm.rfind(" "), norm.rfind('"'), norm.rfind("'")) + 1


_PEM_BEGIN = "-----begin "


def _pem_hold(norm: str) -> int:
    """From an opened `-----BEGIN` (until the block is closed) or a partial one at the end."""
    at = norm.rfind(_PEM_BEGIN)
    if at >= 0 and norm.find("-----end ", at) < 0:
        return at
    for k in range(min(len(_PEM_BEGIN) - 1, len(norm)), 0, -1):
        if norm.endswith(_PEM_BEGIN[:k]):
            return len(norm) - k
    return len(norm)


PII_RULES: dict[str, Rule] = {
    "email": Rule(
        "pii.email",
        Pattern("pii.email", r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}", 254),
        Severity.MEDIUM,
        _norm(v.email),
        alphabet=_ALNUM + "._%+-@",
    ),
    "credit_card": Rule(
        "pii.credit_card",
        Pattern("pii.credit_card", r"\d(?:[ .-]?\d){12,18}", 37),
        Severity.HIGH,
        refine=v.card_spans,
        alphabet=_DIGITS + " .-",
    ),
    "ssn": Rule(
        "pii.ssn",
        Pattern("pii.ssn", r"\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}", 11),
        Severity.HIGH,
        _norm(v.us_ssn),
        alphabet=_DIGITS + "- ",
    ),
    "phone": Rule(
        "pii.phone",
        Pattern("pii.phone", r"\+?\(?\d[\d ().-]+\d", 24),
        Severity.MEDIUM,
        _norm(v.phone_number),
        alphabet=_DIGITS + " ().+-",
    ),
    "iban": Rule(
        "pii.iban",
        Pattern("pii.iban", r"[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,4})?", 42),
        Severity.HIGH,
        _norm(v.iban),
        hold=_iban_hold,
    ),
    "ipv4": Rule(
        "pii.ipv4",
        Pattern("pii.ipv4", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}", 15),
        Severity.LOW,
        _norm(v.ipv4),
        alphabet=_DIGITS + ".",
        joiners=".",
    ),
    "ipv6": Rule(
        "pii.ipv6",
        Pattern("pii.ipv6", r"[0-9a-f:]*:[0-9a-f:]*:[0-9a-f.:]+", 45),
        Severity.LOW,
        _norm(v.ipv6),
        alphabet="0123456789abcdef:.",
        joiners=":.",
    ),
}

_OPENAI_KINDS = ("proj-", "svcacct-", "admin-")

SECRET_RULES: dict[str, Rule] = {
    "aws_access_key": Rule(
        "secret.aws_access_key",
        Pattern("secret.aws_access_key", r"(akia|asia|abia|acca)[0-9a-z]{16}", 20),
        Severity.CRITICAL,
        _upper_token,
        alphabet=_ALNUM,
    ),
    "aws_secret_key": Rule(
        "secret.aws_secret_key",
        Pattern(
            "secret.aws_secret_key",
            r"aws[a-z_ .-]*(secret|private)[a-z_ .-]*[ :=\"']+[a-z0-9/+]+",
            100,
        ),
        Severity.CRITICAL,
        lambda norm, orig: v.random_token(orig[_value_start(orig) :], 40),
        value_start=_value_start,
        hold=_value_run,
    ),
    "github_token": Rule(
        "secret.github_token",
        Pattern("secret.github_token", r"(gh[posur]_[a-z0-9]{36}|github_pat_[a-z0-9_]{82})", 93),
        Severity.CRITICAL,
        alphabet=_ALNUM + "_",
    ),
    "slack_token": Rule(
        "secret.slack_token",
        Pattern("secret.slack_token", r"xox[baprs]-[a-z0-9-]{10,}", 255),
        Severity.CRITICAL,
        alphabet=_ALNUM + "-",
    ),
    "stripe_key": Rule(
        "secret.stripe_key",
        Pattern("secret.stripe_key", r"(sk|rk)_(live|test)_[a-z0-9]{16,}", 255),
        Severity.CRITICAL,
        alphabet=_ALNUM + "_",
    ),
    "google_api_key": Rule(
        "secret.google_api_key",
        Pattern("secret.google_api_key", r"aiza[0-9a-z_-]{35}", 39),
        Severity.CRITICAL,
        alphabet=_ALNUM + "_-",
    ),
    "openai_key": Rule(
        "secret.openai_key",
        # `{20,}` with start-of-match tracking is too large for Hyperscan: length is checked
        # by the validator instead.
        Pattern("secret.openai_key", r"sk-(proj-|svcacct-|admin-)?[a-z0-9_-]+", 220),
        Severity.CRITICAL,
        lambda norm, orig: v.random_token(_after_prefix(orig, "sk-", _OPENAI_KINDS), 20),
        alphabet=_ALNUM + "_-",
    ),
    "jwt": Rule(
        "secret.jwt",
        Pattern("secret.jwt", r"eyj[a-z0-9_-]{8,}\.eyj[a-z0-9_-]{8,}\.[a-z0-9_-]{8,}", 4096),
        Severity.HIGH,
        alphabet=_ALNUM + "_-.",
    ),
    "private_key": Rule(
        "secret.private_key",
        Pattern("secret.private_key", r"-----begin ([a-z0-9]+ ){0,3}private key-----", 60),
        Severity.CRITICAL,
        bounded=False,
        hold=_pem_hold,
        until="-----end ",
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
        hold=_value_run,
        value_start=_after_keyword,
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


def hold_start(rule: Rule, norm: str) -> int:
    """The normalised index from which a match of `rule` could still be growing."""
    fixed = len(norm) - rule.pattern.max_len + 1
    if rule.hold is not None:
        return max(fixed, rule.hold(norm))
    if rule.alphabet is not None:
        return max(fixed, len(norm.rstrip(rule.alphabet)))
    return fixed


class Detector:
    """A fixed set of rules compiled into one scanner; `find` is safe to share.

    `owners[i]` names the filter that owns `rules[i]`; findings carry it, so one scan can
    serve every filter of a policy.
    """

    def __init__(
        self,
        name: str,
        rules: Sequence[Rule],
        normalizer: Normalizer,
        owners: Sequence[str] | None = None,
        fold: Callable[[str], str] | None = None,
    ) -> None:
        self.name = name
        # Maps the normalised view to the text the patterns run on, one character for one
        # (the confusables skeleton for phrase rules); word boundaries stay judged on the view.
        self._fold = fold
        self.rules = tuple(rules)
        self.owners = tuple(owners) if owners is not None else (name,) * len(self.rules)
        self._normalizer = normalizer
        self._scanner = Scanner([r.pattern for r in self.rules])

    @property
    def max_len(self) -> int:
        return self._scanner.max_len

    def find(self, text: str) -> list[Finding]:
        return self.scan(text)[0]

    def scan(self, text: str) -> tuple[list[Finding], int]:
        """Findings sorted by start, and the original index from which text must be held.

        Per rule and start, the longest candidate that passes its checks is kept; a finding
        inside an earlier finding of the same rule adds nothing and is dropped.
        """
        view = self._normalizer.normalize(text)
        norm = view.text
        scanned = norm if self._fold is None else self._fold(norm)
        findings: list[Finding] = []
        reach: dict[int, int] = {}
        runs: dict[int, list[list[int]]] = {}
        candidates = self._scanner.candidates(scanned)
        for (index, s), ends in sorted(candidates.items(), key=_by_start):
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
            if rule.bounded and _glued(norm, s - 1, -1, rule.joiners):
                continue
            for e in ends:
                if e <= reach.get(index, -1):
                    break
                if rule.bounded and _glued(norm, e, 1, rule.joiners):
                    continue
                start, end = view.original_span(s, e)
                if rule.validate is not None:
                    original = "".join(c for c in text[start:end] if c.isprintable() or c == " ")
                    if not rule.validate(norm[s:e], original):
                        continue
                a, b = s, e
                if rule.value_start is not None:
                    a = s + rule.value_start(norm[s:e])
                if rule.until is not None:
                    b = _block_end(norm, e, rule.until)
                if (a, b) != (s, e):
                    start, end = view.original_span(a, b)
                findings.append(self._finding(index, start, end))
                reach[index] = e
                break
        for index, merged in runs.items():
            for s, e in merged:
                for a, b in _refined_spans(self.rules[index], norm, s, e):
                    if b <= reach.get(index, -1):
                        continue
                    start, end = view.original_span(a, b)
                    findings.append(self._finding(index, start, end))
                    reach[index] = b
        findings.sort(key=lambda f: (f.start, f.end))
        held = min((hold_start(r, scanned) for r in self.rules), default=len(norm))
        return findings, _to_original(view, held)

    def _finding(self, index: int, start: int, end: int) -> Finding:
        rule = self.rules[index]
        return Finding(rule.type, rule.pattern.rule, start, end, rule.severity, self.owners[index])


def _block_end(norm: str, e: int, marker: str) -> int:
    at = norm.find(marker, e)
    if at < 0:
        return len(norm)
    close = norm.find("-----", at + len(marker))
    return len(norm) if close < 0 else close + 5


def _to_original(view: Normalized, index: int) -> int:
    """The original index of normalised `index` (the end maps to the end)."""
    index = max(0, index)
    if view.sources is None:
        return index
    if index >= len(view.sources):
        return len(view.original)
    return view.sources[index]


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


def _glued(text: str, i: int, step: int, joiners: str) -> bool:
    """Does the character at i (next to a match) continue the token the match is part of?"""
    if _wordy(text, i):
        return True
    return bool(joiners) and 0 <= i < len(text) and text[i] in joiners and _wordy(text, i + step)


def _wordy(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
