"""Prompt-injection and jailbreak phrase families, scored on a skeleton of the text.

The fast first line; sampled deep checks back it up. The skeleton is the normalised view
(see normalize.py) with homoglyphs and leetspeak folded to Latin letters and every run of
non-alphanumeric characters collapsed to one space, so "Ign0re   all PREVIOUS
instructi0ns", and the same words spelt with a Greek iota and a Cyrillic a, all read
"ignore all previous instructions". Each family has a weight; a text whose families add up
to the threshold is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeproxy.filters.api import Finding, Severity
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.scanner import Pattern, Scanner

# Latin look-alikes from other scripts (a small subset of Unicode's confusables.txt), then
# leetspeak. Applied after casefolding, so only lower-case forms are listed.
_SKELETON = str.maketrans(
    # Cyrillic a e o p c y x i j s d h l, Greek a e i k v o p t u x (look-alikes), script g.
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb\u04cf\u03b1\u03b5\u03b9"
    "\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u0261"
    "013457@$!|",
    "aeopcyxijsdhlaeikvoptuxgoieastasil",
)

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


@dataclass(frozen=True, slots=True)
class InjectionResult:
    score: float
    findings: tuple[Finding, ...]


class InjectionDetector:
    def __init__(self, normalizer: Normalizer, threshold: float = 1.0) -> None:
        self._normalizer = normalizer
        self.threshold = threshold
        self._scanner = Scanner([Pattern(rule, rx, 400) for rule, rx, _ in FAMILIES])

    def skeleton(self, text: str) -> tuple[str, list[int]]:
        """The skeleton and, per skeleton character, its index in the normalised view."""
        view = self._normalizer.normalize(text).text.translate(_SKELETON)
        out: list[str] = []
        where: list[int] = []
        gap = False
        for i, ch in enumerate(view):
            if ch.isalnum():
                if gap and out:
                    out.append(" ")
                    where.append(i)
                out.append(ch)
                where.append(i)
                gap = False
            else:
                gap = True
        return "".join(out), where

    def score(self, text: str) -> InjectionResult:
        skeleton, where = self.skeleton(text)
        view = self._normalizer.normalize(text)
        seen: dict[int, Finding] = {}
        for m in self._scanner.scan(skeleton):
            if m.index in seen:
                continue
            start, end = view.original_span(where[m.start], where[m.end - 1] + 1)
            rule = FAMILIES[m.index][0]
            seen[m.index] = Finding(rule, rule, start, end, Severity.HIGH, "injection")
        total = sum(FAMILIES[i][2] for i in seen)
        findings = tuple(seen.values()) if total >= self.threshold else ()
        return InjectionResult(total, findings)
