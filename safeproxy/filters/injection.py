"""Prompt-injection and jailbreak phrase families, scored on the confusables skeleton.

The fast first line; sampled deep checks back it up. Patterns run on the skeleton of the
normalised text (see skeleton.py), and words may be separated by any run of non-letters,
so "Ign0re   all PREVIOUS\\n instructi0ns", and the same words spelt with a Greek iota and
a Cyrillic a, all match. Each family has a weight; a text whose families add up to the
threshold is flagged, and the score is kept either way (a near miss can drive sampling).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from safeproxy.filters.api import Finding, Severity
from safeproxy.filters.detect import Detector
from safeproxy.filters.injection_cues import CUE_TYPE, cue_rules
from safeproxy.filters.injection_extract import FAMILIES as EXTRACTS
from safeproxy.filters.injection_extract import GATES as EXTRACT_GATES
from safeproxy.filters.injection_glued import FAMILIES as GLUED
from safeproxy.filters.injection_glued import GATES as GLUED_GATES
from safeproxy.filters.injection_hence import FAMILIES as HENCE
from safeproxy.filters.injection_hence import GATES as HENCE_GATES
from safeproxy.filters.injection_hence import HALVES as HENCE_HALVES
from safeproxy.filters.injection_indirect import FAMILIES as INDIRECT
from safeproxy.filters.injection_indirect import GATES as INDIRECT_GATES
from safeproxy.filters.injection_indirect import addressed
from safeproxy.filters.injection_latin import (
    FOREIGN_EXTRACT,
    FOREIGN_HIDDEN,
    FOREIGN_IGNORE,
    FOREIGN_IGNORE_FR,
    FOREIGN_NO_FILTERS,
    FOREIGN_UNBOUND,
    FOREIGN_YOURS,
    FOREIGN_YOURS_WEAK,
    MORE_EXTRACT,
    MORE_IGNORE,
)
from safeproxy.filters.injection_latin import GATES as LATIN_GATES
from safeproxy.filters.injection_latin_given import FAMILIES as LATIN_GIVEN
from safeproxy.filters.injection_latin_given import GATES as LATIN_GIVEN_GATES
from safeproxy.filters.injection_latin_more import FAMILIES as LATIN_MORE
from safeproxy.filters.injection_latin_more import GATES as LATIN_MORE_GATES
from safeproxy.filters.injection_latin_void import FAMILIES as LATIN_VOID
from safeproxy.filters.injection_latin_void import GATES as LATIN_VOID_GATES
from safeproxy.filters.injection_latin_world import WEIGHTS as LATIN_WORLD_WEIGHTS
from safeproxy.filters.injection_markers import FAMILIES as MARKERS
from safeproxy.filters.injection_markers import GATES as MARKER_GATES
from safeproxy.filters.injection_mention import Rescan, used
from safeproxy.filters.injection_model import share
from safeproxy.filters.injection_paraphrase import FAMILIES as PARAPHRASES
from safeproxy.filters.injection_paraphrase import GATES
from safeproxy.filters.injection_paraphrase import HALVES as PARAPHRASE_HALVES
from safeproxy.filters.injection_persona import FAMILIES as PERSONAS
from safeproxy.filters.injection_persona import GATES as PERSONA_GATES
from safeproxy.filters.injection_persona import REACHED, halves, near, switched
from safeproxy.filters.injection_persona import WEIGHTS as PERSONA_WEIGHTS
from safeproxy.filters.injection_persona_halves import OPENER_RULES
from safeproxy.filters.injection_phrase import phrase_regex
from safeproxy.filters.injection_scripts import WEIGHTS as SCRIPT_WEIGHTS
from safeproxy.filters.injection_scripts_given import WEIGHTS as SCRIPT_GIVEN_WEIGHTS
from safeproxy.filters.injection_scripts_more import WEIGHTS as SCRIPT_MORE_WEIGHTS
from safeproxy.filters.injection_scripts_void import WEIGHTS as SCRIPT_VOID_WEIGHTS
from safeproxy.filters.injection_scripts_world import WEIGHTS as SCRIPT_WORLD_WEIGHTS
from safeproxy.filters.injection_status import FAMILIES as STATUS
from safeproxy.filters.injection_status import GATES as STATUS_GATES
from safeproxy.filters.injection_status import HALVES as STATUS_HALVES
from safeproxy.filters.injection_switch_off import FAMILIES as SWITCH_OFF
from safeproxy.filters.injection_switch_off import GATES as SWITCH_OFF_GATES
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Pattern

# Each family has phrasings of different strength: a strong one blocks alone, weak ones
# (ordinary in benign text) only add up. Words are separated by any run of non-letters.
_ORDERS = r"(instructions?|prompts?|directives|guidelines|guardrails|system prompt)"
_BEFORE = r"(previous|prior|above|earlier|preceding|former|initial|original|system)"
_VERB = r"(ignore|disregard|forget|overlook|neglect)"
_DETS = r"(all |any |of |the |your |these |those |every )*"
_EXTRACT = (
    r"(reveal|show|print|repeat|output|display|leak|dump|tell me|give me|share|write out"
    r"|what (is|are|was|were))"
)
# What a model is told to keep to itself, as a client would ask for it.
_HIDDEN = r"(hidden|secret|internal|confidential|original|initial|system)"
_RULES = r"(rules|guidelines|directives|configuration|instructions|prompt)"
_NO_LIMITS = (
    r"(restrictions|filters|limitations|limits|guardrails|censorship|rules|boundaries"
    r"|constraints)"
)
FAMILIES: tuple[tuple[str, str, str, float], ...] = (
    # (type, rule id, pattern, weight)
    ("injection.ignore_previous", "ignore.qualified",
     _VERB + " " + _DETS + _BEFORE + " " + _ORDERS, 1.0),
    ("injection.ignore_previous", "ignore.system",
     _VERB + " " + _DETS + r"system (message|prompt|instructions|rules)", 1.0),
    ("injection.ignore_previous", "ignore.postposed",
     _VERB + " " + _DETS + r"(instructions|rules|guidelines|prompts?) "
     r"(above|before|you (were|have been) given|given (to you )?(before|earlier|previously)"
     r"|so far)", 1.0),
    ("injection.ignore_previous", "ignore.your_orders", _VERB
     + r" (all )?your (instructions|rules|guidelines|programming|directives|training)", 1.0),
    ("injection.ignore_previous", "ignore.everything",
     _VERB + r" (everything|all) (above|before|i said before|you were told"
     r"|you have been told)", 1.0),
    ("injection.ignore_previous", "ignore.stop_following",
     r"(stop|do not|don t) (following|obey(ing)?) (your |the )?" + _BEFORE + " " + _ORDERS,
     1.0),
    ("injection.ignore_previous", "ignore.override_system",
     r"(override|bypass) (the |your )?(system prompt|system instructions"
     r"|safety (rules|filters|guidelines)|content (policy|filters?)|guardrails)", 1.0),
    ("injection.ignore_previous", "ignore.weak",
     r"(ignore|disregard|forget|skip) (all |the )?(previous|prior|above|earlier) "
     r"(messages?|context|text)", 0.4),
    ("injection.system_prompt_extraction", "extract.your_prompt",
     _EXTRACT + r" (me )?(all )?(of )?your (full |entire |exact |complete )?"
     r"(system |initial |hidden |secret |original )?(prompt|instructions|system message)", 1.0),
    # What stands above, then where the sentence ends or how to copy it: not "print everything
    # above row 20", "repeat the text above in French" or "copy the text above, then ...".
    ("injection.system_prompt_extraction", "extract.repeat_above",
     r"(repeat|print|output|reproduce|copy) (all |the )?(text|words|everything|content) "
     r"(above|before this (line|message|point|prompt|sentence|conversation|chat))"
     r"( (this|that) (line|message|point|sentence|prompt|text)| (starting|beginning"
     r"|verbatim|word for word|exactly|in full|in a (code|txt|text|markdown)|into a|inside"
     r"|including|from the (start|beginning|top)|unchanged|as is|precisely)|[.?]|\s*$)",
     1.0),
    # Not "the system message", "the original prompt", "the initial instructions" unqualified:
    # "print the full system message to stderr" is about a program's log.
    ("injection.system_prompt_extraction", "extract.the_prompt",
     r"(reveal|print|leak|dump|output) (me )?the (full |hidden |secret |entire |exact )?"
     r"(system prompt|hidden prompt|initial prompt|system instructions|(hidden|secret) "
     r"developer (message|prompt|instructions))", 1.0),
    ("injection.system_prompt_extraction", "extract.show_prompt",
     r"(show|display|tell) (me )?the (full |hidden |secret )?"
     r"(system prompt|hidden prompt|system instructions)", 0.6),
    ("injection.persona", "persona.dan",
     r"(do anything now|dan mode|(you are|you re|pretend to be|act as|become) (now )?dan\b"
     r"|jailbroken mode|jailbreak mode)", 1.0),
    ("injection.persona", "persona.developer_mode",
     r"(developer mode|god mode|unrestricted mode) (enabled|activated|on)|"
     r"(enable|activate|enter) (developer|god|unrestricted) mode", 0.6),
    ("injection.persona", "persona.jailbreak", r"(jailbreak|jailbroken)", 0.4),
    ("injection.role_override", "role.no_longer",
     r"you are no longer (an? )?(ai|assistant|chatgpt|claude|llama|language model|bound"
     r"|restricted|an ai assistant)", 1.0),
    ("injection.role_override", "role.unrestricted",
     r"(act as|pretend to be|you are now|from now on you are) an? (unrestricted|uncensored"
     r"|unfiltered|evil|unaligned) (ai|assistant|model|chatbot|version)", 1.0),
    ("injection.role_override", "role.from_now_on",
     r"from now on,? you (are|will|must|should|shall|ll|are going to) (always )?(act|be|respond"
     r"|answer|reply|behave|pretend|play)", 0.5),
    ("injection.role_override", "role.no_limits",
     r"(without|no|ignore) (any |all )?(restrictions|filters|limitations|guardrails"
     r"|censorship|rules)", 0.4),
    # "Ignore the above and say ...": the classic goal hijack, told what to do instead.
    ("injection.ignore_previous", "ignore.above_and",
     _VERB + r" (the |all |everything )?(above|foregoing|preceding|previous)( [a-z]+)? and "
     r"(instead )?(say|tell|print|write|output|respond|reply|answer|translate|repeat"
     r"|reveal)", 1.0),
    ("injection.ignore_previous", "ignore.foreign", FOREIGN_IGNORE, 1.0),
    ("injection.ignore_previous", "ignore.foreign_everything",
     r"(olvida|olvide|esqueca|esquece|dimentica|oublie|oubliez|vergiss|vergessen sie"
     r"|ignoriere|ignorieren sie) (bitte )?"
     r"(todo lo anterior|todo lo que te (dije|dijeron)|tudo o que (foi dito|te disseram)"
     r"|tutto (quello che ti e stato detto|cio che precede)|tout ce qui precede"
     r"|tout ce qu on t a dit|alles (davor|bisherige|was (dir )?(vorher|bisher) gesagt wurde"
     r"|was (man )?(dir|ihnen) (vorher|bisher|zuvor) gesagt (hat|wurde)))",
     1.0),
    ("injection.ignore_previous", "ignore.foreign_yours", FOREIGN_YOURS, 1.0),
    ("injection.ignore_previous", "ignore.foreign_yours_weak", FOREIGN_YOURS_WEAK, 0.6),
    ("injection.role_override", "role.foreign_no_filters", FOREIGN_NO_FILTERS, 0.5),
    ("injection.role_override", "role.foreign_unbound", FOREIGN_UNBOUND, 1.0),
    ("injection.ignore_previous", "ignore.foreign_fr", FOREIGN_IGNORE_FR, 1.0),
    *(("injection.system_prompt_extraction", f"extract.foreign_hidden{i}", rx, 1.0)
      for i, rx in enumerate(FOREIGN_HIDDEN)),
    ("injection.system_prompt_extraction", "extract.your_rules",
     _EXTRACT + r" (me )?(all )?(of )?your " + _HIDDEN + " " + _RULES, 1.0),
    ("injection.system_prompt_extraction", "extract.question",
     r"what (are|were|is|was) (the |your )?(exact|original|initial|full|complete|first|hidden"
     r"|secret|system) (instructions|prompt|rules|guidelines) (you (were|have been|got) given"
     r"|given to you|you received|you were told)", 1.0),
    ("injection.system_prompt_extraction", "extract.what_it_says",
     r"(what|how) (does|did|do) your (system |initial |hidden |secret )(prompt|instructions) "
     r"(say|read|look like|contain)", 1.0),
    ("injection.system_prompt_extraction", "extract.foreign", FOREIGN_EXTRACT, 1.0),
    *(("injection.ignore_previous", f"ignore.{lang}", rx, 1.0)
      for lang, rx in MORE_IGNORE.items()),
    *(("injection.system_prompt_extraction", f"extract.{lang}", rx, 1.0)
      for lang, rx in MORE_EXTRACT.items()),
    # Make-believe without limits: with another family's phrase ("no restrictions"), a block.
    ("injection.persona", "persona.pretend_unbound",
     r"(pretend|imagine|act like|act as if|suppose) (that )?you (have|had|are|were) (no|free of"
     r"|not bound by|without( any)?) (restrictions|filters|limitations|limits|guardrails"
     r"|censorship|rules|guidelines|ethics|morals)", 0.6),
    ("injection.role_override", "role.limitless",
     r"(from now on,? you (are|will|must) (act|be|respond|answer|reply|behave)"
     r"( (like|as) an? ([a-z]+ )?(ai|assistant|model|chatbot|bot))?"
     r"|you are (now )?an? ([a-z]+ )?(ai|assistant|model|chatbot|bot)) (with no|without( any)?"
     r"|free (of|from)( all| any)?) " + _NO_LIMITS, 1.0),
    *PARAPHRASES,
    *LATIN_VOID,
    *LATIN_GIVEN,
    *LATIN_MORE,
    *INDIRECT,
    *EXTRACTS,
    *PERSONAS,
    *MARKERS,
    *SWITCH_OFF,
    *STATUS,
    *GLUED,
    *HENCE,
)  # fmt: skip
HALVES = PARAPHRASE_HALVES | halves(OPENER_RULES) | STATUS_HALVES | HENCE_HALVES
WEIGHTS = (
    {rule: weight for _t, rule, _rx, weight in FAMILIES}
    | SCRIPT_WEIGHTS
    | SCRIPT_VOID_WEIGHTS
    | SCRIPT_GIVEN_WEIGHTS
    | PERSONA_WEIGHTS
    | SCRIPT_MORE_WEIGHTS
    | SCRIPT_WORLD_WEIGHTS
    | LATIN_WORLD_WEIGHTS
)

CLASSIFIER_TYPE = "injection.classifier"


def injection_rules() -> list[Rule]:
    gates = (
        GATES
        | LATIN_GATES
        | LATIN_VOID_GATES
        | LATIN_GIVEN_GATES
        | LATIN_MORE_GATES
        | INDIRECT_GATES
        | EXTRACT_GATES
        | PERSONA_GATES
        | MARKER_GATES
        | SWITCH_OFF_GATES
        | STATUS_GATES
        | GLUED_GATES
        | HENCE_GATES
    )
    return [
        # Scored, never cut (block or flag): the first match of each phrasing is all the
        # score needs, so a text made of one phrase costs one report per phrasing.
        Rule(
            kind,
            Pattern(rule, phrase_regex(rx), 400, single=True),
            Severity.HIGH,
            bounded=False,
            gate_regex=phrase_regex(gates[rule]) if rule in gates else None,
            rank=weight,
        )
        for kind, rule, rx, weight in FAMILIES
    ]


def score(findings: Sequence[Finding]) -> float:
    """Per family its strongest phrasing's weight, summed over the families found; a half
    (HALVES) counts only beside its other half."""
    best: dict[str, float] = {}
    for f in paired(findings):
        best[f.type] = max(best.get(f.type, 0.0), WEIGHTS.get(f.rule, 0.0))
    return sum(best.values())


def paired(findings: Sequence[Finding]) -> Sequence[Finding]:
    """The findings without the halves whose partners (types or rules) are not among them."""
    if not any(f.rule in HALVES for f in findings):
        return findings
    present = {f.type for f in findings} | {f.rule for f in findings}
    return [
        f
        for f in findings
        if not present.isdisjoint(HALVES.get(f.rule, (f.type,)))
        and (f.rule not in REACHED or near(f, findings, HALVES[f.rule]))
    ]


@dataclass(frozen=True, slots=True)
class InjectionResult:
    score: float
    findings: tuple[Finding, ...]
    # The classifier's probability, when it ran (a cue or a phrase short of the threshold).
    probability: float | None = None


class Scorer(Protocol):
    """What the combiner needs of a classifier (injection_model.InjectionClassifier)."""

    def evidence(self, text: str) -> tuple[float, int]: ...


class Combiner:
    """Phrase score + weight x share x classifier probability, against the filter's one
    threshold (`share` grows with the text's length: see injection_model.share).

    The classifier runs only when the scan found a cue or a phrase (its cheap features saw
    risk) and the phrases alone fall short: the phrases decide alone what they can.
    """

    def __init__(self, classifier: Scorer, weight: float) -> None:
        self.classifier = classifier
        self.weight = weight

    def decide(
        self, text: str, findings: Sequence[Finding], threshold: float
    ) -> tuple[float, float | None, list[Finding]]:
        """(combined score, probability or None, findings to keep when it is an injection)."""
        real = [f for f in paired(findings) if f.type != CUE_TYPE]
        phrases = score(real)
        if phrases >= threshold or not findings:
            return phrases, None, real
        p, words = self.classifier.evidence(text)
        total = phrases + self.weight * share(words) * p
        if total >= threshold:
            # The classifier's share is a finding of its own, at the first cue or phrase.
            at = findings[0]._replace(type=CLASSIFIER_TYPE, rule="classifier")
            real.append(at._replace(severity=Severity.HIGH))
        return total, p, real


# With a classifier, cue words alone are everywhere: a score from them is a sampling signal
# (near the threshold) only from this share of the threshold on.
NEAR = 0.5


class PhraseThreshold:
    """An injection filter's judge (registry.Judge): its findings in a text count only when
    its families reach its threshold, with its classifier's share when it has one."""

    def __init__(self, threshold: float, combiner: Combiner | None = None) -> None:
        self.threshold = threshold
        self.combiner = combiner

    def decide(
        self, text: str, findings: list[Finding], rescan: Rescan | None = None
    ) -> tuple[list[Finding], bool]:
        """`rescan`: the filter's findings in another text, to tell a phrase quoted as an
        example from one used (injection_mention.used)."""
        threshold = self.threshold
        # The rescan's findings go through the same reading as the scan's.
        again = None if rescan is None else lambda t: list(switched(t, addressed(t, rescan(t))))
        findings = list(used(text, switched(text, addressed(text, findings)), again))
        if self.combiner is not None:
            total, _p, kept = self.combiner.decide(text, findings, threshold)
            if total >= threshold:
                return kept, False
            # Near: a phrase, or a classifier halfway there.
            return [], bool(kept) or total >= NEAR * threshold
        if score(findings) >= threshold:
            return findings, False
        return [], True


class InjectionDetector:
    """The families (and, when given, the classifier), for callers that want a score per text."""

    def __init__(
        self,
        normalizer: Normalizer,
        fold: Callable[[str], str],
        threshold: float = 1.0,
        combiner: Combiner | None = None,
    ) -> None:
        self.threshold = threshold
        self._combiner = combiner
        rules = injection_rules() + (cue_rules() if combiner is not None else [])
        self._detector = Detector("injection", rules, normalizer, fold=fold, presence_first=True)

    def score(self, text: str) -> InjectionResult:
        findings = list(switched(text, addressed(text, self._detector.find(text))))
        p: float | None = None
        if self._combiner is None:
            total = score(findings)
        else:
            total, p, findings = self._combiner.decide(text, findings, self.threshold)
        first: dict[str, Finding] = {}
        for f in findings:
            first.setdefault(f.type, f)
        kept = tuple(first.values()) if total >= self.threshold else ()
        return InjectionResult(total, kept, p)
