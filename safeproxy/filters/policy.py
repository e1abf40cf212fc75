"""Compiling a policy: its filters' rules into one scanner per view, and their effects.

Each stage (input, output) compiles every pattern rule of all its filters into one
Hyperscan database over the normalised text, and every phrase rule (blocklist words,
injection families) into one over the confusables skeleton: two linear scans per text,
however many filters. Findings carry the name of the filter that owns the rule, and that
filter's action and mode decide what happens to them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import hyperscan

from safeproxy.filters.api import Action, FilterRecord, Finding, Mode, Severity, SharedRecords
from safeproxy.filters.decoders import builtin_decoders
from safeproxy.filters.detect import Detector
from safeproxy.filters.gate import plain_reading
from safeproxy.filters.holdback import Finder, Finders, type_placeholder
from safeproxy.filters.injection import SEP, Combiner, cue_rules, injection_rules
from safeproxy.filters.injection_model import InjectionClassifier, load_packaged
from safeproxy.filters.limits import Limits
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import (
    EMAIL_ANY_DOMAIN,
    PII_COMPANIONS,
    PII_COMPANIONS_ANY_DOMAIN,
    PII_RULES,
    phone_rule,
)
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Pattern, compile_error
from safeproxy.filters.secrets import SECRET_KINDS
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.views import ViewFinder, Views
from safeproxy.policy_settings import (
    BlocklistFilter,
    FilterSettings,
    InjectionFilter,
    LimitsFilter,
    OutputFilterSettings,
    PiiFilter,
    PolicySettings,
    SecretsFilter,
    StreamSettings,
    ViewSettings,
    filter_name,
)


class PolicyError(Exception):
    """A policy that cannot be compiled; `problems` are (YAML path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class FilterSpec:
    name: str
    type: str
    action: str  # block | redact | flag
    mode: Mode
    on_error: str  # closed | open
    budget_s: float
    redaction: str = "placeholder"
    threshold: float | None = None  # injection only
    combiner: Combiner | None = None  # injection with its classifier on


class Effects:
    """A finding's fate is its filter's: enforce+block blocks, enforce+redact cuts."""

    def __init__(self, specs: Mapping[str, FilterSpec], salt: bytes) -> None:
        self._specs = specs
        self._salt = salt

    def blocks(self, finding: Finding) -> bool:
        spec = self._specs[finding.filter]
        return spec.mode is Mode.ENFORCE and spec.action == "block"

    def cuts(self, finding: Finding) -> bool:
        spec = self._specs[finding.filter]
        return spec.mode is Mode.ENFORCE and spec.action == "redact"

    def replacement(self, finding: Finding, value: str) -> str | None:
        spec = self._specs[finding.filter]
        if spec.mode is not Mode.ENFORCE or spec.action != "redact":
            return None
        if spec.redaction == "mask":
            return "".join(" " if c.isspace() else "*" for c in value)
        if spec.redaction == "hash":
            digest = hashlib.sha256(self._salt + value.encode("utf-8", "surrogatepass"))
            label = finding.type.rsplit(".", 1)[-1].upper()
            return f"[{label}:{digest.hexdigest()[:12]}]"
        return type_placeholder(finding)


@dataclass(frozen=True, slots=True)
class Stage:
    """The compiled filters of one direction."""

    name: str  # "input" | "output"
    specs: Mapping[str, FilterSpec]
    finder: Finder
    effects: Effects
    limits: Limits | None
    max_len: int

    @property
    def empty(self) -> bool:
        return not self.specs

    # The filters the scan decides (limits are checked on the body, in guard.py), and
    # their records when nothing was found.
    scanned: Mapping[str, FilterSpec] = field(init=False)
    clean: SharedRecords = field(init=False)
    # Below this no filter can have overrun its budget (whatever the text's size).
    min_budget_s: float = field(init=False)

    def __post_init__(self) -> None:
        scanned = {n: s for n, s in self.specs.items() if s.type != "limits"}
        object.__setattr__(self, "scanned", scanned)
        clean = SharedRecords(
            FilterRecord(n, self.name, Action.CONTINUE, Action.CONTINUE, s.mode)
            for n, s in scanned.items()
        )
        object.__setattr__(self, "clean", clean)
        budgets = [s.budget_s for s in scanned.values()]
        object.__setattr__(self, "min_budget_s", min(budgets, default=float("inf")))


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    name: str
    version: str
    input: Stage
    output: Stage
    stream: StreamSettings


class Compiler:
    """Shared, immutable helpers (normaliser, skeleton) used to compile every policy."""

    def __init__(
        self,
        normalizer: Normalizer,
        skeleton: Skeleton,
        environ: Mapping[str, str] | None,
        *,
        gate_phrases: bool = True,
    ) -> None:
        # environ None: checking only (`safeproxy validate` in CI has no secrets).
        self._normalizer = normalizer
        self._detectors: dict[tuple[object, ...], Detector] = {}
        self._skeleton = skeleton
        self._environ = environ
        # False: always scan the skeleton (the reference the gate is tested against).
        self._gate_phrases = gate_phrases
        # Loaded on the first policy that turns it on (at start), then shared.
        self._classifier: InjectionClassifier | None = None
        self._views: dict[tuple[object, ...], Views] = {}

    def classifier(self) -> InjectionClassifier:
        if self._classifier is None:
            normalizer, skeleton = self._normalizer, self._skeleton
            self._classifier = InjectionClassifier(
                load_packaged(), lambda text: skeleton.fold(normalizer.normalize(text).text)
            )
        return self._classifier

    def _combiner(self, f: FilterSettings | OutputFilterSettings) -> Combiner | None:
        if isinstance(f, InjectionFilter) and f.classifier is not None and f.classifier.enabled:
            return Combiner(self.classifier(), f.classifier.weight)
        return None

    def compile(self, name: str, settings: PolicySettings, where: str) -> CompiledPolicy:
        salt = b""
        if settings.hash_salt_env and self._environ is not None:
            value = self._environ.get(settings.hash_salt_env)
            if not value:
                raise PolicyError(
                    [(f"{where}.hash_salt_env", f"{settings.hash_salt_env} is not set")]
                )
            salt = value.encode()
        problems: list[tuple[str, str]] = []
        stages = {
            stage: self._stage(
                stage, list(specs), salt, f"{where}.{stage}", problems, settings.views
            )
            for stage, specs in (("input", settings.input), ("output", settings.output))
        }
        if problems:
            raise PolicyError(problems)
        version = policy_version(settings, self._word_files(settings))
        return CompiledPolicy(name, version, stages["input"], stages["output"], settings.stream)

    def _word_files(self, settings: PolicySettings) -> list[bytes]:
        """The contents of the policy's word files and of the classifier it turns on: part
        of what its version hashes."""
        out: list[bytes] = []
        for f in (*settings.input, *settings.output):
            if self._combiner(f) is not None:
                out.append(self.classifier().model.sha256.encode())
            if isinstance(f, BlocklistFilter) and f.words_file is not None:
                try:
                    out.append(Path(f.words_file).read_bytes())
                except OSError:
                    out.append(b"")  # unreadable: compiling it has already reported that
        return out

    def _stage(
        self,
        stage: str,
        filters: list[FilterSettings] | list[OutputFilterSettings],
        salt: bytes,
        where: str,
        problems: list[tuple[str, str]],
        views: ViewSettings,
    ) -> Stage:
        specs: dict[str, FilterSpec] = {}
        plain: list[tuple[Rule, str]] = []
        phrases: list[tuple[Rule, str]] = []
        limits: Limits | None = None
        for i, f in enumerate(filters):
            name = filter_name(f)
            if name in specs:
                problems.append((f"{where}.{i}.name", f"duplicate filter name {name!r}"))
                continue
            action = getattr(f, "action", "block")
            specs[name] = FilterSpec(
                name,
                f.type,
                action,
                Mode(f.mode),
                f.on_error,
                f.budget_ms / 1000,
                getattr(f, "redaction", "placeholder"),
                f.threshold if isinstance(f, InjectionFilter) else None,
                self._combiner(f),
            )
            if isinstance(f, PiiFilter):
                exempt = f.exempt_reserved_domains
                plain += [(_pii_rule(e, f, exempt), name) for e in f.entities]
                companions = PII_COMPANIONS if exempt else PII_COMPANIONS_ANY_DOMAIN
                plain += [(r, name) for e in f.entities for r in companions.get(e, ())]
            elif isinstance(f, SecretsFilter):
                plain += [(r, name) for k in f.kinds for r in SECRET_KINDS[k]]
            elif isinstance(f, InjectionFilter):
                phrases += [(r, name) for r in injection_rules()]
                if specs[name].combiner is not None:
                    phrases += [(r, name) for r in cue_rules()]
            elif isinstance(f, BlocklistFilter):
                words, rules = self._blocklist(f, name, f"{where}.{i}", problems)
                phrases += [(r, name) for r in words]
                plain += [(r, name) for r in rules]
            elif isinstance(f, LimitsFilter):
                limits = Limits(f)
        finders: list[Finder] = []
        if self._environ is None:
            plain, phrases = [], []  # checking only: built-in patterns always compile
        gate = self._gate(phrases) if plain and phrases and self._gate_phrases else ()
        gatekeeper: Detector | None = None
        if plain:
            try:
                gatekeeper = self._detector(stage, plain, self._skeleton.letters, False, gate)
            except hyperscan.error:
                if not gate:
                    raise
                # A gate pattern the engine refuses (a user's blocklist pattern read on the
                # plain view): no gate, the skeleton is always scanned.
                gate = ()
                gatekeeper = self._detector(stage, plain, self._skeleton.letters, False)
            finders.append(gatekeeper)
        if phrases:
            finders.append(self._detector(stage, phrases, self._skeleton.fold, True))
        max_len = max((r.pattern.max_len for r, _ in plain + phrases), default=0)
        finder: Finder = Finders(finders, self._normalizer, gatekeeper if gate else None)
        if finders and views.decoders and views.max_decoded_chars:
            finder = ViewFinder(finder, self._decoded(views))
        return Stage(stage, specs, finder, Effects(specs, salt), limits, max_len)

    def _decoded(self, settings: ViewSettings) -> Views:
        """One Views (and its gate database) per distinct settings, shared by policies."""
        key = (tuple(settings.decoders), settings.max_decoded_chars, settings.depth)
        known = self._views.get(key)
        if known is None:
            chosen = [d for d in builtin_decoders() if d.kind in settings.decoders]
            known = Views(chosen, settings.max_decoded_chars, settings.depth)
            self._views[key] = known
        return known

    def _detector(
        self,
        stage: str,
        owned: list[tuple[Rule, str]],
        fold: Callable[[str], str],
        presence_first: bool,
        gate: tuple[Pattern, ...] = (),
    ) -> Detector:
        rules = [r for r, _ in owned]
        owners = [o for _, o in owned]
        # The same rules with the same owners (a policy's PII and secrets filters, in and
        # out) share one detector: one database in memory and in the CPU's caches.
        key = (tuple(map(id, rules)), tuple(owners), fold, presence_first, gate)
        known = self._detectors.get(key)
        if known is None:
            known = Detector(stage, rules, self._normalizer, owners, fold, presence_first, gate)
            self._detectors[key] = known
        return known

    def _gate(self, phrases: list[tuple[Rule, str]]) -> tuple[Pattern, ...]:
        """The phrase rules as they read on the plain view (gate.py): they ride along in the
        plain scan, so a whole ASCII text without a phrase skips the skeleton scan. No gate
        (always scan the skeleton) if one cannot be written."""
        cache: dict[str, str] = {}
        try:
            gate = tuple(
                dataclasses.replace(
                    r.pattern,
                    rule=f"gate:{r.pattern.rule}",
                    regex=plain_reading(r.pattern.regex, self._skeleton.fold, cache),
                    som=False,  # presence only
                )
                for r, _ in phrases
            )
        except ValueError:
            return ()
        return gate  # compiled with the plain patterns; see `_stage` for one that fails

    def _blocklist(
        self, f: BlocklistFilter, name: str, where: str, problems: list[tuple[str, str]]
    ) -> tuple[list[Rule], list[Rule]]:
        words = list(f.words)
        if f.words_file is not None:
            try:
                lines = Path(f.words_file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                problems.append((f"{where}.words_file", f"cannot read: {exc}"))
                lines = []
            words += [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]
        phrase_rules: list[Rule] = []
        for j, word in enumerate(words):
            regex = self._word_regex(word)
            if regex is None:
                problems.append((f"{where}.words.{j}", "a word needs a letter or digit"))
                continue
            rule_id = f"{name}.word"
            folded = len(word)
            phrase_rules.append(
                Rule("blocklist.word", Pattern(rule_id, regex, 2 * folded + 16), Severity.HIGH)
            )
        pattern_rules: list[Rule] = []
        for j, p in enumerate(f.patterns):
            pattern = Pattern(f"{name}.{p.label}", p.regex, p.max_len)
            error = compile_error(pattern)
            if error is not None:
                problems.append((f"{where}.patterns.{j}.regex", f"unsupported pattern: {error}"))
                continue
            pattern_rules.append(
                Rule(f"blocklist.{p.label}", pattern, Severity.HIGH, bounded=False)
            )
        return phrase_rules, pattern_rules

    def _word_regex(self, word: str) -> str | None:
        """A word or phrase as the skeleton spells it; separators match any separator run."""
        folded = self._skeleton.fold(self._normalizer.normalize(word).text)
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


def _pii_rule(entity: str, f: PiiFilter, exempt_reserved: bool = True) -> Rule:
    if entity == "email" and not exempt_reserved:
        return EMAIL_ANY_DOMAIN
    if entity == "phone":
        return phone_rule(f.default_region, f.phone_regions)
    return PII_RULES[entity]


def policy_version(settings: PolicySettings, word_files: Sequence[bytes] = ()) -> str:
    """A content hash of the effective policy (its settings and the word files they name):
    stamped on every decision, so a decision can be traced to the exact rules that made it."""
    digest = hashlib.sha256(json.dumps(settings.model_dump(mode="json"), sort_keys=True).encode())
    for contents in word_files:
        digest.update(b"\x00" + hashlib.sha256(contents).digest())
    return digest.hexdigest()[:12]


def compile_policies(
    policies: Mapping[str, PolicySettings], compiler: Compiler
) -> dict[str, CompiledPolicy]:
    """Every policy, or PolicyError listing every problem with its YAML path."""
    problems: list[tuple[str, str]] = []
    out: dict[str, CompiledPolicy] = {}
    for name, settings in policies.items():
        try:
            out[name] = compiler.compile(name, settings, f"policies.{name}")
        except PolicyError as exc:
            problems += exc.problems
    if problems:
        raise PolicyError(problems)
    return out
