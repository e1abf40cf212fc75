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

from safeproxy.filters.api import Finding, Severity
from safeproxy.filters.detect import Detector, Rule
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.scanner import Pattern

# Between two words: any run of spaces, punctuation or symbols (never a letter or digit).
SEP = r"[^a-z0-9]+"

_NOUNS = r"(instructions?|prompts?|rules|directions|guidelines|directives|context|messages?)"
FAMILIES: tuple[tuple[str, str, float], ...] = (
    (
        "injection.ignore_previous",
        r"(ignore|disregard|forget|skip|override|bypass|drop) (all |any |the |your |my |of )*"
        r"(previous|prior|above|earlier|preceding|former|initial|original|system|existing) "
        + _NOUNS,
        1.0,
    ),
    (
        "injection.system_prompt_extraction",
        r"(reveal|show|print|repeat|output|display|leak|dump|tell me|give me|what (is|are|was)) "
        r"(me )?(all )?(your|the) (full |entire |exact )?(system|initial|hidden|secret|original)"
        r" (prompt|instructions|message)",
        1.0,
    ),
    (
        "injection.persona",
        r"(do anything now|developer mode|jailbreak(en)?|jailbroken|dan mode)",
        0.8,
    ),
    (
        "injection.role_override",
        r"(you are no longer|from now on you (are|will)|act as an? (unrestricted|uncensored|"
        r"unfiltered|evil)|without (any )?(restrictions|filters|limits|rules))",
        0.6,
    ),
)
WEIGHTS = {rule: weight for rule, _rx, weight in FAMILIES}


def phrase_regex(words: str) -> str:
    """A space in a phrase pattern stands for any separator run."""
    return words.replace(" ", SEP)


def injection_rules() -> list[Rule]:
    return [
        Rule(rule, Pattern(rule, phrase_regex(rx), 400), Severity.HIGH, bounded=False)
        for rule, rx, _w in FAMILIES
    ]


def score(findings: Sequence[Finding]) -> float:
    """Sum of the weights of the distinct families found."""
    return sum(WEIGHTS.get(t, 0.0) for t in {f.type for f in findings})


@dataclass(frozen=True, slots=True)
class InjectionResult:
    score: float
    findings: tuple[Finding, ...]


class InjectionDetector:
    """The families alone, for callers that want a score per text."""

    def __init__(
        self, normalizer: Normalizer, fold: Callable[[str], str], threshold: float = 1.0
    ) -> None:
        self.threshold = threshold
        self._detector = Detector("injection", injection_rules(), normalizer, fold=fold)

    def score(self, text: str) -> InjectionResult:
        findings = self._detector.find(text)
        total = score(findings)
        first: dict[str, Finding] = {}
        for f in findings:
            first.setdefault(f.type, f)
        kept = tuple(first.values()) if total >= self.threshold else ()
        return InjectionResult(total, kept)
