"""Built-in PII and secret detectors: one Hyperscan pass, then validators on each candidate.

Patterns run on the normalised view (so full-width digits, zero-width joiners and homoglyph
case tricks fold away); findings carry spans in the original text. Case-sensitive formats
(AWS key ids) are matched caselessly and then checked on the original characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    # Where the sensitive value lies inside the match (`password: <value>`), as offsets
    # into the matched (normalised) text: only that part is the finding, so the keyword may
    # flow while the value is held.
    value: Callable[[str], tuple[int, int]] | None = None
    # The match must not directly follow this (an email right after "://" is a URL's user).
    not_after: str | None = None
    # Like `joiners`, on the right side only.
    end_joiners: str = ""
    # A bare run of digits counts only after one of these words (within 32 characters):
    # "call 4155552671" is a phone, "size 3145728000" and "x = 2147483647" are not.
    bare_context: tuple[str, ...] = ()
    # The pattern matches only a rare anchor ("@", "password:"); the match then grows over
    # these characters (left: the local part of an email) or up to these (right: a value).
    # Leading and trailing character classes are what make start-of-match tracking costly.
    grow_left: str = ""
    grow_right_until: str = ""
    # Judge only the longest candidate: a value is the whole run (`get_token()` must not be
    # judged as `get_token` once the parentheses made it fail).
    longest_only: bool = False
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
    tail_from = max(0, len(norm) - 41)
    tail = norm[tail_from:]
    if not any(d in tail for d in _DIGITS):
        # No digits yet: only a last word of one or two letters can be an IBAN's start.
        word = len(norm.rstrip(_ALNUM))
        last = norm[word:]
        return word if 0 < len(last) <= 2 and last.isalpha() else len(norm)
    for p in range(tail_from, len(norm)):
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


_SEPARATORS = (":=", "=>", ":", "=", " is ", " was ")


def _keyword_value(norm: str) -> tuple[int, int]:
    """`password = "v..."`, `"api_key": "v..."`, `my password is v...`: the value's span.

    A query string's next parameter (`&x=1`) is not part of the value.
    """
    i = min((j for j in (norm.find(sep) for sep in _SEPARATORS) if j >= 0), default=0)
    while i < len(norm) and norm[i] in ":=> \"'":
        i += 1
    if norm.startswith(("is ", "was "), i):
        i = norm.index(" ", i) + 1
    end = len(norm)
    amp = norm.find("&", i)
    while amp >= 0:
        name = norm[amp + 1 : norm.find("=", amp + 1)] if "=" in norm[amp + 1 :] else ""
        if name and name.replace("_", "").replace("-", "").isalnum():
            end = amp
            break
        amp = norm.find("&", amp + 1)
    return i, end


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


def _bearer(norm: str) -> tuple[int, int]:
    return norm.rindex(" ") + 1, len(norm)


def _value_run(norm: str) -> int:
    # Whitespace is always " " in the normalised view.
    return max(norm.rfind(" "), norm.rfind('"'), norm.rfind("'"), norm.rfind("\x00")) + 1


_PEM_BEGIN = "-----begin "


def _pem_hold(norm: str) -> int:
    """From an opened `-----BEGIN` (until the block is closed) or a partial one at the end."""
    at = norm.rfind(_PEM_BEGIN)
    if at >= 0 and norm.find("-----end ", at) < 0:
        return at
    if "-" not in norm[-len(_PEM_BEGIN) :]:
        return len(norm)  # no partial "-----begin" can end here
    for k in range(min(len(_PEM_BEGIN) - 1, len(norm)), 0, -1):
        if norm.endswith(_PEM_BEGIN[:k]):
            return len(norm) - k
    return len(norm)


_PHONE_WORDS = ("call", "phone", "tel", "mobile", "cell", "fax", "contact", "text me", "reach",
                "dial", "whatsapp", "sms", "number", "no.", "#")  # fmt: skip

PII_RULES: dict[str, Rule] = {
    "email": Rule(
        "pii.email",
        Pattern("pii.email", r"@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}", 254),
        Severity.MEDIUM,
        _norm(v.email),
        alphabet=_ALNUM + "._%+-@",
        grow_left=_ALNUM + "._%+-",
        # git@github.com:org/repo is a remote, not an address; and a shorter domain inside a
        # longer host name (acme.io.internal) is no address either.
        end_joiners=":.",
        not_after="://",
    ),
    "credit_card": Rule(
        "pii.credit_card",
        Pattern("pii.credit_card", r"\d(?:[ .-]?\d){12,18}", 37, som=False),
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
        joiners="-",
    ),
    "phone": Rule(
        "pii.phone",
        Pattern("pii.phone", r"\+?\(?\d(?:[ ().-]{0,2}\d){6,}", 24, som=False),
        Severity.MEDIUM,
        refine=v.phone_spans,
        alphabet=_DIGITS + " ().+-",
        joiners="-.",  # INV-2024-000123 and v1.415... are identifiers
        bare_context=_PHONE_WORDS,
    ),
    "iban": Rule(
        "pii.iban",
        Pattern(
            "pii.iban", r"[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,4})?", 42, som=False
        ),
        Severity.HIGH,
        refine=v.iban_spans,
        hold=_iban_hold,
        alphabet=_ALNUM + " ",
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
        lambda norm, orig: _aws_secret_value(_visible(orig)),
        value=_aws_secret,
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
        Pattern("secret.slack_token", r"(xox[abeprs]|xapp)-[a-z0-9-]{10,}", 255),
        Severity.CRITICAL,
        alphabet=_ALNUM + "-",
    ),
    "stripe_key": Rule(
        "secret.stripe_key",
        Pattern("secret.stripe_key", r"((sk|rk)_(live|test)|whsec)_[a-z0-9]{16,}", 255),
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
        lambda norm, orig: v.random_token(_after_prefix(_visible(orig), "sk-", _OPENAI_KINDS), 20),
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
            # a JSON or dict key; `:=`, `=>` and "is" also assign.
            r"(password|passwd|passphrase|pwd|secret|secret[_-]?key|api[_-]?key|apikey"
            r"|access[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|token"
            r"|client[_-]?secret|private[_-]?key|credentials?)[\"']? ?(:=|=>|[:=]| is | was )"
            r" ?[\"']?[^\s\"']",
            200,
        ),
        Severity.HIGH,
        lambda norm, orig: _keyword_secret(norm, orig),
        bounded=False,
        longest_only=True,
        hold=_value_run,
        value=_keyword_value,
        grow_right_until=" \"'\x00",
    ),
    "url_credentials": Rule(
        "secret.url_credentials",
        Pattern("secret.url_credentials", r"[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s/@]+@", 200),
        Severity.CRITICAL,
        lambda norm, orig: v.url_password(norm[_url_password(norm)[0] : -1]),
        bounded=False,
        longest_only=True,
        hold=_value_run,
        value=_url_password,
    ),
    "bearer_token": Rule(
        "secret.bearer_token",
        Pattern("secret.bearer_token", r"(bearer|basic|token) +[a-z0-9._~+/-]{16,}=*", 600),
        Severity.MEDIUM,  # a more specific rule (JWT, a vendor key) names it when it can
        lambda norm, orig: v.bearer_value(_visible(orig).rsplit(" ", 1)[-1]),
        longest_only=True,
        hold=_value_run,
        value=_bearer,
    ),
}


def _after_prefix(token: str, prefix: str, kinds: Sequence[str]) -> str:
    rest = token[len(prefix) :]
    for kind in kinds:
        if rest.startswith(kind):
            return rest[len(kind) :]
    return rest


def _keyword_secret(norm: str, orig: str) -> bool:
    value = _value_text(orig)
    if not v.secret_value(value):
        return False
    if ":" in norm or "=" in norm:
        return True
    # "my password is X" reads like prose: X must look made up (letters and digits or
    # symbols), or "the token is expired." would count.
    return any(c.isalpha() for c in value) and any(not c.isalpha() for c in value.rstrip(".,;"))


def _value_text(orig: str) -> str:
    """The value of a keyword match, from the original characters (case matters)."""
    text = unicodedata.normalize("NFKC", _visible(orig))
    a, b = _keyword_value(text.lower())
    return text[a:b]


class _AlphabetHold:
    """The trailing run of an alphabet, at most max_len - 1 back."""

    __slots__ = ("alphabet", "max_len")

    def __init__(self, alphabet: str, max_len: int) -> None:
        self.alphabet = alphabet
        self.max_len = max_len

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, len(norm.rstrip(self.alphabet)))


class _CustomHold:
    __slots__ = ("hold", "max_len")

    def __init__(self, hold: Callable[[str], int], max_len: int) -> None:
        self.hold = hold
        self.max_len = max_len

    def __call__(self, norm: str) -> int:
        return max(len(norm) - self.max_len + 1, self.hold(norm))


def _holds(rules: Sequence[Rule]) -> list[Callable[[str], int]]:
    """As few hold functions as give the same (or an earlier, safer) answer for every rule.

    An alphabet inside another one merges into it, with the longer of the two longest
    matches: its trailing run can only be longer. Rules sharing a hold function share it.
    """
    groups: list[_AlphabetHold] = []
    custom: dict[Callable[[str], int], _CustomHold] = {}
    fixed = 0
    for rule in sorted(rules, key=lambda r: -len(r.alphabet or "")):
        max_len = rule.pattern.max_len
        if rule.hold is not None:
            known = custom.get(rule.hold)
            if known is None:
                custom[rule.hold] = _CustomHold(rule.hold, max_len)
            else:
                known.max_len = max(known.max_len, max_len)
        elif rule.alphabet is not None:
            for group in groups:
                if set(rule.alphabet) <= set(group.alphabet):
                    group.max_len = max(group.max_len, max_len)
                    break
            else:
                groups.append(_AlphabetHold(rule.alphabet, max_len))
        else:
            fixed = max(fixed, max_len)
    out: list[Callable[[str], int]] = [*groups, *custom.values()]
    if fixed:
        out.append(lambda norm: len(norm) - fixed + 1)
    return out


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
        presence_first: bool = False,
    ) -> None:
        self.name = name
        # Maps the normalised view to the text the patterns run on, one character for one
        # (the confusables skeleton for phrase rules); word boundaries stay judged on the view.
        self._fold = fold
        self.rules = tuple(rules)
        self.owners = tuple(owners) if owners is not None else (name,) * len(self.rules)
        self._normalizer = normalizer
        # Rules that rarely match (phrases) ask first whether anything matches at all.
        self._scanner = Scanner([r.pattern for r in self.rules], presence_first=presence_first)
        self._holds = _holds(self.rules)
        # Validators and refiners are pure functions of the span (and two characters either
        # side); a stream rescans the same spans on every event, so their answers are
        # memoised. Bounded: spans are client input.
        self._memo: dict[tuple[int, str, str], Any] = {}

    @property
    def max_len(self) -> int:
        return self._scanner.max_len

    def find(self, text: str) -> list[Finding]:
        return self.scan(text, hold=False)[0]

    def scan(
        self, text: str, *, hold: bool = True, view: Normalized | None = None
    ) -> tuple[list[Finding], int]:
        """Findings sorted by start, and the original index from which text must be held.

        Per rule and start, the longest candidate that passes its checks is kept; a finding
        inside an earlier finding of the same rule adds nothing and is dropped.
        """
        if view is None:
            view = self._normalizer.normalize(text)
        norm = view.text
        scanned = norm if self._fold is None else self._fold(norm)
        findings: list[Finding] = []
        reach: dict[int, int] = {}
        runs: dict[int, list[list[int]]] = {}
        candidates = self._scanner.candidates(scanned)
        for (index, s), ends in sorted(candidates.items(), key=_by_start):
            rule = self.rules[index]
            if rule.grow_left or rule.grow_right_until:
                s, ends = _grown(rule, scanned, s, ends)
                if not ends:
                    continue
            if rule.refine is not None:
                # Merge overlapping candidates into whole runs: the engine reports one
                # (leftmost) start per end, so values can hide inside a longer run. Without
                # start tracking (s < 0), each end's run reaches back over the rule's
                # characters, as far as its longest match.
                merged = runs.setdefault(index, [])
                if s >= 0:
                    merged.append([s, ends[0]])
                    continue
                alphabet = rule.alphabet or ""
                for e in sorted(ends):
                    last = merged[-1] if merged else None
                    if (
                        last is not None
                        and last[1] <= e
                        and not scanned[last[1] : e].strip(alphabet)
                    ):
                        last[1] = e  # the same run goes on
                    else:
                        merged.append([_run_start(rule, scanned, e), e])
                continue
            if rule.bounded and _glued(norm, s - 1, -1, rule.joiners):
                continue
            if rule.not_after is not None and norm.endswith(rule.not_after, 0, s):
                continue
            for e in ends:
                if e <= reach.get(index, -1):
                    break
                if rule.bounded and _glued(norm, e, 1, rule.joiners + rule.end_joiners):
                    continue
                if rule.bare_context and norm[s:e].isdigit() and not _said(norm, s, rule):
                    continue
                start, end = view.original_span(s, e)
                if rule.validate is not None and not self._valid(
                    index, scanned[s:e], text[start:end]
                ):
                    if rule.longest_only:
                        break
                    continue
                a, b = s, e
                if rule.value is not None:
                    va, vb = rule.value(norm[s:e])
                    a, b = s + va, s + vb
                if rule.until is not None:
                    b = _block_end(norm, e, rule.until)
                if (a, b) != (s, e):
                    start, end = view.original_span(a, b)
                findings.append(self._finding(index, start, end))
                reach[index] = e
                break
        for index, pieces in runs.items():
            for s, e in _merge(pieces):
                rule = self.rules[index]
                for a, b in self._refined(index, scanned, s, e):
                    if b <= reach.get(index, -1):
                        continue
                    if rule.bare_context and norm[a:b].isdigit() and not _said(norm, a, rule):
                        continue
                    start, end = view.original_span(a, b)
                    findings.append(self._finding(index, start, end))
                    reach[index] = b
        findings.sort(key=lambda f: (f.start, f.end))
        if not hold:
            return findings, len(text)
        held = min((h(scanned) for h in self._holds), default=len(norm))
        return findings, _to_original(view, held)

    def _valid(self, index: int, norm: str, orig: str) -> bool:
        key = (index, norm, orig)
        hit: bool | None = self._memo.get(key)
        if hit is None:
            validate = self.rules[index].validate
            assert validate is not None
            hit = self._remember(key, validate(norm, orig))
        return hit

    def _refined(self, index: int, norm: str, s: int, e: int) -> list[tuple[int, int]]:
        base = max(0, s - 2)
        key = (index, norm[base : e + 2], str(s - base))
        hit: list[tuple[int, int]] | None = self._memo.get(key)
        if hit is None:
            spans = _refined_spans(self.rules[index], norm, s, e)
            hit = self._remember(key, [(a - base, b - base) for a, b in spans])
        return [(a + base, b + base) for a, b in hit]

    def _remember(self, key: tuple[int, str, str], value: Any) -> Any:
        if len(self._memo) >= 4096:
            self._memo.clear()
        self._memo[key] = value
        return value

    def _finding(self, index: int, start: int, end: int) -> Finding:
        rule = self.rules[index]
        return Finding(rule.type, rule.pattern.rule, start, end, rule.severity, self.owners[index])


def _run_start(rule: Rule, text: str, end: int) -> int:
    assert rule.alphabet is not None
    return _lstrip_from(text, end, rule.alphabet, max(0, end - rule.pattern.max_len))


def _lstrip_from(text: str, end: int, alphabet: str, floor: int) -> int:
    """The start of the run of `alphabet` characters that ends at `end` (not before floor)."""
    return floor + len(text[floor:end].rstrip(alphabet))


def _merge(spans: list[list[int]]) -> list[list[int]]:
    spans.sort()
    out: list[list[int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _grown(rule: Rule, text: str, s: int, ends: list[int]) -> tuple[int, list[int]]:
    """Extend an anchor match over its rule's grow characters, within its longest match."""
    cap = rule.pattern.max_len
    if rule.grow_left:
        start = s
        while start > 0 and text[start - 1] in rule.grow_left and ends[0] - start < cap:
            start -= 1
        if start == s:
            return s, []  # an "@" with nothing before it is no address
        s = start
    if rule.grow_right_until:
        stop = rule.grow_right_until
        grown = set()
        for e in ends:
            while e < len(text) and text[e] not in stop and e - s < cap:
                e += 1
            grown.add(e)
        ends = sorted(grown, reverse=True)
    return s, ends


def _said(norm: str, s: int, rule: Rule) -> bool:
    before = norm[max(0, s - 32) : s]
    return any(word in before for word in rule.bare_context)


def _visible(orig: str) -> str:
    return "".join(c for c in orig if c.isprintable() or c == " ")


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
        right = rule.joiners + rule.end_joiners
        spans = [
            (a, b)
            for a, b in spans
            if not _glued(norm, a - 1, -1, rule.joiners) and not _glued(norm, b, 1, right)
        ]
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
