"""Compiling a policy: each filter's share (registry.py) into one Finder per stage, and effects.

Each stage (input, output) compiles every plain rule of all its filters into one
Hyperscan database over the normalised text, and every phrase rule (blocklist words,
injection families) into one over the confusables skeleton: two linear scans per text,
however many filters, with any finder that is not a regular expression answering
alongside. Findings carry the name of the filter that owns them, and that filter's action
and mode decide what happens to them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import hyperscan

from safeproxy.filters.api import (
    Mode,
    OnError,
)
from safeproxy.filters.databases import Databases, given_or_default
from safeproxy.filters.decoders import builtin_decoders
from safeproxy.filters.detect import Detector
from safeproxy.filters.detector_types import default_registry
from safeproxy.filters.gate import GateRule, fold_table, plain_reading
from safeproxy.filters.holdback import Finder, Finders
from safeproxy.filters.injection_scripts import ScriptFinder
from safeproxy.filters.limits import Limits
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.projection import ascii_only
from safeproxy.filters.registry import (
    Clamped,
    Context,
    FilterCommon,
    Registry,
    Share,
    TextFinder,
)
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Scanner
from safeproxy.filters.skeleton import Skeleton
from safeproxy.filters.stage import Effects, FilterSpec, Stage
from safeproxy.filters.views import ViewFinder, Views
from safeproxy.settings.policy import PolicySettings, StreamSettings, ViewSettings

# Phrase rules per Hyperscan database (see Compiler.stage).
PHRASE_RULES_PER_DATABASE = 24


class PolicyError(Exception):
    """A policy that cannot be compiled; `problems` are (YAML path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    name: str
    version: str
    input: Stage
    output: Stage
    stream: StreamSettings


class Compiler:
    """Shared, immutable helpers (normaliser, skeleton, detector types) used to compile
    every policy."""

    def __init__(
        self,
        normalizer: Normalizer,
        skeleton: Skeleton,
        environ: Mapping[str, str] | None,
        *,
        registry: Registry | None = None,
        gate_phrases: bool = True,
        databases: Databases | None = None,
    ) -> None:
        # environ None: checking only (`safeproxy validate` in CI has no secrets).
        # `databases`: where compiled databases are kept (databases.py); None: where the
        # process environment says (a start, each worker and a replay compile the same).
        self._databases = given_or_default(databases)
        self._normalizer = normalizer
        self._detectors: dict[tuple[object, ...], Detector] = {}
        # Compiled databases by what they compile: those of the last `fresh()` round stay
        # (a reload reuses what it did not change), older ones are let go.
        self._scanners: dict[tuple[object, ...], Scanner] = {}
        self._last_scanners: dict[tuple[object, ...], Scanner] = {}
        self._skeleton = skeleton
        self._environ = environ
        self._registry = registry if registry is not None else default_registry()
        # False: always scan the skeleton (the reference the gate is tested against).
        self._gate_phrases = gate_phrases
        self._views: dict[tuple[object, ...], Views] = {}

    def compile(self, name: str, settings: PolicySettings, where: str) -> CompiledPolicy:
        salt = self.salt(settings, where)
        problems: list[tuple[str, str]] = []
        versioned: list[bytes] = []
        stages = {
            stage: self.stage(
                stage, filters, salt, f"{where}.{stage}", problems, versioned, settings.views
            )
            for stage, filters in (("input", settings.input), ("output", settings.output))
        }
        if problems:
            raise PolicyError(problems)
        version = policy_version(settings, versioned)
        return CompiledPolicy(name, version, stages["input"], stages["output"], settings.stream)

    def salt(self, settings: PolicySettings, where: str) -> bytes:
        """The policy's salt for hashed redactions (empty when it names none)."""
        if not settings.hash_salt_env or self._environ is None:
            return b""
        value = self._environ.get(settings.hash_salt_env)
        if not value:
            raise PolicyError([(f"{where}.hash_salt_env", f"{settings.hash_salt_env} is not set")])
        return value.encode()

    def stage(
        self,
        stage: str,
        filters: Sequence[FilterCommon],
        salt: bytes,
        where: str,
        problems: list[tuple[str, str]],
        versioned: list[bytes] | None = None,
        views: ViewSettings | None = None,
        *,
        views_always: bool = False,
    ) -> Stage:
        """One direction's filters as one Stage; problems (YAML path, message) are added to
        `problems`, and what the policy's version must hash besides its settings (word
        files, model artifacts) to `versioned`. `views_always`: decoded views wrap the
        finders even with no pattern filter among them (a part of a stage that has one)."""
        specs: dict[str, FilterSpec] = {}
        plain: list[tuple[Rule, str]] = []
        phrases: list[tuple[Rule, str]] = []
        wide: list[tuple[Rule, str]] = []
        extra: list[TextFinder | Clamped] = []
        held = 0
        limits: Limits | None = None
        for i, f in enumerate(filters):
            name = f.name or f.type
            if name in specs:
                problems.append((f"{where}.{i}.name", f"duplicate filter name {name!r}"))
                continue
            kind = self._registry.get(f.type)
            if kind is None:
                problems.append((f"{where}.{i}.type", f"unknown filter type {f.type!r}"))
                continue
            ctx = Context(stage, name, f"{where}.{i}", self._normalizer, self._skeleton, problems)
            share: Share = kind.share(f, ctx)
            specs[name] = FilterSpec(
                name,
                f.type,
                share.action,
                Mode(f.mode),
                OnError(f.on_error),
                f.budget_ms / 1000,
                share.redaction,
                share.judge,
                share.scanned,
            )
            plain += [(r, name) for r in share.plain]
            phrases += [(r, name) for r in share.phrases]
            wide += [(r, name) for r in share.wide]
            # A TextFinder keeps its hold within its maximum itself; others are clamped.
            extra += [x if type(x) is TextFinder else Clamped(x) for x in share.finders]
            held = max([held, *(x.max_hold for x in share.finders)])
            if share.limits is not None:
                limits = share.limits
            if versioned is not None:
                versioned += share.versioned
        finders: list[Finder] = []
        if self._environ is None:
            plain, phrases, wide = [], [], []  # checking only: built-in patterns always compile
        if wide:
            # Outside the gate, like other finders: the gate reads ASCII text, which these
            # rules cannot match.
            reader = self._detector(stage, wide, self._skeleton.fold, False, for_ascii=False)
            extra.append(Clamped(ScriptFinder(reader, reader.max_len - 1), ascii=False))
            held = max(held, reader.max_len - 1)
        gate = self._gate(phrases) if plain and phrases and self._gate_phrases else ()
        gatekeeper: Detector | None = None
        if plain:
            try:
                gatekeeper = self._detector(stage, plain, self._skeleton.letters, False, gate)
            except hyperscan.error as exc:
                if not gate:
                    raise
                # A gate pattern the engine refuses (a user's blocklist pattern read on the
                # plain view): no gate, the skeleton is always scanned. Said at start-up: the
                # policy still works, at several times the cost per text.
                logging.getLogger("safeproxy.policy").warning(
                    "%s: the phrase gate could not be compiled (%s); every text of this stage"
                    " pays the full phrase scan",
                    where,
                    str(exc)[:120],
                )
                gate = ()
                gatekeeper = self._detector(stage, plain, self._skeleton.letters, False)
            finders.append(gatekeeper)
        gated: list[Detector] = []
        if phrases:
            # Several databases of interleaved rules: the engine's compile time grows faster
            # than the rule count where rules share their words (the paraphrase slots: 66
            # rules in one database 6.0 s, in three 2.2 s). A text the gate lets through is
            # scanned by each, a few microseconds more.
            # With a gate, each single-match rule it cannot read exactly (a few built-in
            # phrases read by their words) has a database of its own: a text where that
            # rule may match scans it alone, not a database of others (gate.py). Rules that
            # report every match (a blocklist's words: any number) share databases as the
            # rest do. Without a gate every database is scanned: fewer are cheaper.
            unsure = [
                p for p in phrases if gate and p[0].pattern.single and not _exact_reading(p[0])
            ]
            for one in unsure:
                gated.append(self._detector(stage, [one], self._skeleton.fold, True))
            group = [p for p in phrases if p not in unsure]
            parts = -(-len(group) // PHRASE_RULES_PER_DATABASE)
            for i in range(parts):
                gated.append(self._detector(stage, group[i::parts], self._skeleton.fold, True))
            finders += gated
        max_len = max((r.pattern.max_len for r, _ in plain + phrases), default=0)
        finder: Finder = (
            Finders(finders, self._normalizer, gatekeeper, gated)
            if gate and gatekeeper is not None
            else Finders(finders, self._normalizer)
        )
        if extra:
            # Outside the gate, which speaks only for the phrase rules; the text is still
            # normalised once for all.
            # Without a gate the inner set is only its finders: one level, one call less
            # per scan (a stream scans on every event).
            inner: list[Finder] = [finder] if gate else finders
            narrow = [*inner, *(x for x in extra if x.ascii)]
            finder = Finders([*inner, *extra], self._normalizer, narrow=narrow)
            max_len = max(max_len, held + 1)
        decoded = (
            self._decoded(views, stage)
            if (finders or (views_always and extra)) and views is not None
            else None
        )
        if decoded is not None:
            finder = ViewFinder(finder, decoded, self._normalizer)
        return Stage(stage, specs, finder, Effects(specs, salt), limits, max_len)

    def _decoded(self, settings: ViewSettings, stage: str) -> Views | None:
        """One Views (and its gate database) per distinct settings and direction, shared by
        policies; None when the stage reads no view. A decoder marked `input_only` is left
        out of the output stage's views: a reply, streamed or whole, is neither decoded nor
        held back by it."""
        chosen = [d for d in builtin_decoders() if d.kind in settings.decoders and d.reads(stage)]
        if not chosen or not settings.max_decoded_chars:
            return None
        kinds = tuple(d.kind for d in chosen)
        key = (kinds, settings.max_decoded_chars, settings.depth)
        known = self._views.get(key)
        if known is None:
            known = Views(
                chosen, settings.max_decoded_chars, settings.depth, databases=self._databases
            )
            self._views[key] = known
        return known

    def _detector(
        self,
        stage: str,
        owned: list[tuple[Rule, str]],
        fold: Callable[[str], str],
        presence_first: bool,
        gate: tuple[GateRule, ...] = (),
        *,
        for_ascii: bool = True,
    ) -> Detector:
        rules = [r for r, _ in owned]
        owners = [o for _, o in owned]
        # The same rules with the same owners (a policy's PII and secrets filters, in and
        # out) share one detector: one database in memory and in the CPU's caches.
        key = (tuple(map(id, rules)), tuple(owners), fold, presence_first, gate, for_ascii)
        known = self._detectors.get(key)
        if known is None:
            patterns = tuple(r.pattern for r in rules)
            compiled = (patterns, presence_first, gate, for_ascii)
            scanner = self._scanners.get(compiled) or self._last_scanners.get(compiled)
            if scanner is None:
                scanner = Scanner(
                    list(patterns),
                    presence_first=presence_first,
                    gate=gate,
                    for_ascii=for_ascii,
                    databases=self._databases,
                )
            self._scanners[compiled] = scanner
            known = Detector(
                stage,
                rules,
                self._normalizer,
                owners,
                fold,
                presence_first,
                gate,
                scanner,
                for_ascii=for_ascii,
                # The homoglyph map reads ASCII as itself (the leet map does not).
                fold_keeps_ascii=fold == self._skeleton.letters,
                databases=self._databases,
            )
            self._detectors[key] = known
        return known

    def fresh(self) -> None:
        """Start compiling a new set of policies (a start or a reload): detectors are built
        anew; the databases of the last round are kept for reuse until this round ends."""
        self._detectors = {}
        self._last_scanners, self._scanners = self._scanners, {}

    def _gate(self, phrases: list[tuple[Rule, str]]) -> tuple[GateRule, ...]:
        """The phrase rules as they read on the plain view (gate.py): they are read with the
        plain scan, so a whole ASCII text without a phrase skips the skeleton scan. No gate
        (always scan the skeleton) if one cannot be written."""
        cache: dict[tuple[str, bool], str] = {}
        try:
            # The readings read the skeleton's bytes (gate.py), where each character is
            # already folded: every token reads as the ASCII characters it matches itself.
            table = fold_table(self._skeleton.fold)
            gate = tuple(
                GateRule(
                    dataclasses.replace(
                        r.pattern,
                        rule=f"gate:{r.pattern.rule}",
                        regex=plain_reading(r.gate_regex or r.pattern.regex, _itself, cache),
                        som=False,  # presence only
                    ),
                    r.pattern,
                    _exact_reading(r),
                    table,
                )
                for r, _ in phrases
            )
        except (ValueError, re.error):  # (a token `re` cannot read, in a user's pattern)
            return ()
        return gate  # compiled beside the plain patterns; see `_stage` for one that fails


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
    compiler.fresh()
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


def _itself(text: str) -> str:
    return text


def _exact_reading(rule: Rule) -> bool:
    """Whether the rule's plain reading, on ASCII text, first matches where the rule does on
    the skeleton (gate.py drops assertions, and a gate regex is wider by design)."""
    pattern = rule.pattern
    return (
        rule.gate_regex is None
        and ascii_only(pattern.regex)  # else the reading takes any such character for it
        and pattern.single
        and pattern.caseless
        and "\\b" not in pattern.regex
        and "\\B" not in pattern.regex
    )
