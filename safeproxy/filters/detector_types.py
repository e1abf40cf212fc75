"""The built-in detector types (pii, secrets, injection, blocklist, limits) and their registry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from safeproxy.filters.api import FilterAction, Finding, Redaction, Severity
from safeproxy.filters.carriers import carrier_runs
from safeproxy.filters.decoders import carrier_tail
from safeproxy.filters.injection import Combiner, PhraseThreshold, injection_rules
from safeproxy.filters.injection_cues import cue_rules
from safeproxy.filters.injection_model import InjectionClassifier, load_packaged
from safeproxy.filters.injection_phrase import SEP
from safeproxy.filters.injection_scripts import script_rules
from safeproxy.filters.limits import Limits
from safeproxy.filters.pii import (
    EMAIL_ANY_DOMAIN,
    PII_COMPANIONS,
    PII_COMPANIONS_ANY_DOMAIN,
    PII_RULES,
    phone_rule,
)
from safeproxy.filters.registry import Context, Registry, Share, TextFinder
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Pattern, compile_error, report_cap
from safeproxy.filters.secrets import SECRET_KINDS
from safeproxy.filters.secrets_scripts import script_password_rule
from safeproxy.filters.word_hold import WordPrefixHold, plain
from safeproxy.settings.policy import (
    BlocklistFilter,
    HiddenPayloadFilter,
    InjectionFilter,
    LimitsFilter,
    PiiFilter,
    SecretsFilter,
)

T = TypeVar("T")


def folded_once(
    known: dict[tuple[int, int], T], ctx: Context, build: Callable[[Callable[[str], str]], T]
) -> T:
    """Rules of other scripts built by `build` with the context's fold (its normalisation,
    then its skeleton), once per fold: the same rule objects each time, so a reload reuses
    their compiled database."""
    key = (id(ctx.normalizer), id(ctx.skeleton))
    rules = known.get(key)
    if rules is None:
        normalizer, skeleton = ctx.normalizer, ctx.skeleton
        rules = build(lambda text: skeleton.fold(normalizer.normalize(text).text))
        known[key] = rules
    return rules


def default_registry() -> Registry:
    """The detector types the policy schema (settings/policy.py) can name."""
    return Registry(
        [PiiType(), SecretsType(), InjectionType(), BlocklistType(), LimitsType(), HiddenType()]
    )


class PiiType:
    name = "pii"
    settings = PiiFilter

    def share(self, f: PiiFilter, ctx: Context) -> Share:
        exempt = f.exempt_reserved_domains
        plain = [_pii_rule(e, f, exempt) for e in f.entities]
        companions = PII_COMPANIONS if exempt else PII_COMPANIONS_ANY_DOMAIN
        plain += [r for e in f.entities for r in companions.get(e, ())]
        return Share(FilterAction(f.action), Redaction(f.redaction), plain=plain)


def _pii_rule(entity: str, f: PiiFilter, exempt_reserved: bool = True) -> Rule:
    if entity == "email" and not exempt_reserved:
        return EMAIL_ANY_DOMAIN
    if entity == "phone":
        return phone_rule(f.default_region, f.phone_regions)
    return PII_RULES[entity]


class SecretsType:
    name = "secrets"
    settings = SecretsFilter

    def __init__(self) -> None:
        # Passwords told in other scripts (secrets_scripts.py), folded once per fold: the
        # same rule object each time, so a reload reuses its compiled database.
        self._scripts: dict[tuple[int, int], Rule] = {}

    def share(self, f: SecretsFilter, ctx: Context) -> Share:
        plain = [r for k in f.kinds for r in SECRET_KINDS[k]]
        # Input only: a reader of other scripts holds back its reach of every streamed
        # reply, ASCII ones too (secrets_scripts.py).
        wide = [self.scripts(ctx)] if "keyword_value" in f.kinds and ctx.stage == "input" else []
        return Share(FilterAction(f.action), Redaction(f.redaction), plain=plain, wide=wide)

    def scripts(self, ctx: Context) -> Rule:
        return folded_once(self._scripts, ctx, script_password_rule)


class InjectionType:
    """Phrase families scored against a threshold; with the learned classifier on, its
    probability adds to the score (injection.Combiner), read where cue words are."""

    name = "injection"
    settings = InjectionFilter

    def __init__(self) -> None:
        # Loaded on the first policy that turns it on (at start), then shared.
        self._classifier: InjectionClassifier | None = None
        # The orders in other scripts (injection_scripts.py), folded once per fold: the
        # same rule objects each time, so a reload reuses their compiled database.
        self._scripts: dict[tuple[int, int], list[Rule]] = {}

    def classifier(self, ctx: Context) -> InjectionClassifier:
        if self._classifier is None:
            normalizer, skeleton = ctx.normalizer, ctx.skeleton
            self._classifier = InjectionClassifier(
                load_packaged(), lambda text: skeleton.fold(normalizer.normalize(text).text)
            )
        return self._classifier

    def share(self, f: InjectionFilter, ctx: Context) -> Share:
        phrases = injection_rules()
        combiner: Combiner | None = None
        versioned: list[bytes] = []
        if f.classifier is not None and f.classifier.enabled:
            classifier = self.classifier(ctx)
            combiner = Combiner(classifier, f.classifier.weight)
            phrases += cue_rules()
            versioned.append(classifier.model.sha256.encode())
        return Share(
            FilterAction(f.action),
            phrases=phrases,
            wide=self.scripts(ctx),
            judge=PhraseThreshold(f.threshold, combiner),
            versioned=versioned,
        )

    def scripts(self, ctx: Context) -> list[Rule]:
        return folded_once(self._scripts, ctx, script_rules)


class BlocklistType:
    """Words and phrases on the skeleton (whole words, any separators), and user patterns
    on the normalised view."""

    name = "blocklist"
    settings = BlocklistFilter

    def share(self, f: BlocklistFilter, ctx: Context) -> Share:
        share = Share(FilterAction(f.action), Redaction(f.redaction))
        words = list(f.words)
        if f.words_file is not None:
            try:
                contents = Path(f.words_file).read_bytes()
                lines = contents.decode("utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                ctx.problem("words_file", f"cannot read: {exc}")
                contents, lines = b"", []
            share.versioned.append(contents)
            words += [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]
        listed: list[tuple[Pattern, str | None]] = []
        for j, word in enumerate(words):
            regex = _word_regex(word, ctx)
            if regex is None:
                ctx.problem(f"words.{j}", "a word needs a letter or digit")
                continue
            form = plain(ctx.skeleton.fold(ctx.normalizer.normalize(word).text))
            listed.append((Pattern(f"{ctx.owner}.word", regex, 2 * len(word) + 16), form))
        # Streams hold only a tail that could still begin a listed word (word_hold.py), one
        # hold for the whole list; a word it cannot judge keeps its longest-match hold.
        forms = [form for _, form in listed if form is not None]
        reach = max((pattern.max_len for pattern, form in listed if form is not None), default=0)
        hold = WordPrefixHold(forms, reach) if forms else None
        for pattern, form in listed:
            shared = hold if form is not None else None
            share.phrases.append(Rule("blocklist.word", pattern, Severity.HIGH, hold=shared))
        for j, p in enumerate(f.patterns):
            pattern = Pattern(f"{ctx.owner}.{p.label}", p.regex, p.max_len)
            error = compile_error(pattern)
            if error is not None:
                ctx.problem(f"patterns.{j}.regex", f"unsupported pattern: {error}")
                continue
            share.plain.append(Rule(f"blocklist.{p.label}", pattern, Severity.HIGH, bounded=False))
        return share


def _word_regex(word: str, ctx: Context) -> str | None:
    """A word or phrase as the skeleton spells it; separators match any separator run."""
    folded = ctx.skeleton.fold(ctx.normalizer.normalize(word).text)
    runs: list[str] = []
    current: list[str] = []
    for ch in folded:
        if ch.isalnum():
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return SEP.join(runs) if runs else None


class LimitsType:
    """Request-shape limits: no scan; checked on the parsed body (exchange/guard.py)."""

    name = "limits"
    settings = LimitsFilter

    def share(self, f: LimitsFilter, ctx: Context) -> Share:
        return Share(limits=Limits(f))


# A hidden payload held back in a stream at most this far (a run of selectors still arriving).
HIDDEN_MAX_HOLD = 4096


class HiddenType:
    """Payloads hidden in runs of variation selectors or tag characters: a finder that is no
    regular expression (the contract's non-regex seam). What the payload says is read by the
    decoded views like any text; this filter decides what becomes of the run itself."""

    name = "hidden_payload"
    settings = HiddenPayloadFilter

    def share(self, f: HiddenPayloadFilter, ctx: Context) -> Share:
        owner = ctx.owner

        def find(text: str) -> list[Finding]:
            if text.isascii():  # no selector or tag character: the common case, in C
                return []
            return [
                Finding("hidden.payload", "carrier", s, e, Severity.HIGH, owner)
                # As many as a rule's candidates may be (scanner.report_cap): a text made
                # of carrier runs is an Overload, not tens of thousands of redactions.
                for s, e in carrier_runs(text, report_cap(len(text)))
            ]

        finder = TextFinder(find, HIDDEN_MAX_HOLD, carrier_tail, ascii=False)
        return Share(FilterAction(f.action), Redaction(f.redaction), finders=[finder])
