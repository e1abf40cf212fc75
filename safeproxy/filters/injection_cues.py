"""The cue words of the injection families: words an injection can hardly avoid, which
weigh nothing alone and, with the classifier on, say which texts are worth its look."""

from __future__ import annotations

from safeproxy.filters.api import Severity
from safeproxy.filters.injection_phrase import phrase_regex
from safeproxy.filters.rules import Rule
from safeproxy.filters.scanner import Pattern

# Words an injection can hardly avoid (its target, its orders, its persona), in the six
# languages of the families. They weigh nothing: with the classifier on they are the cheap
# feature that says a text is worth its look (they ride along in the one skeleton scan).
CUE_TYPE = "injection.cue"
CUES = (
    r"(ignor[a-z]*|disregard[a-z]*|forget|forgot|bypass[a-z]*|overrid[a-z]*|jailbr[a-z]*"
    r"|unfiltered|uncensored|unrestricted|unlimited|pretend[a-z]*|role ?play[a-z]*|act as"
    r"|act like|persona|characters?|from now on|you are|you re|you will|you must|your"
    r"|instructions?|instructed|prompts?|rules|guidelines|polic(y|ies)|restrictions?|filters?"
    r"|censor[a-z]*|system|developer|mode|dan|chatgpt|gpt[a-z0-9]*|openai|ai|assistant|model"
    r"|llm|simulat[a-z]*|hypothetical[a-z]*|secret|hidden|confidential|reveal|repeat"
    r"|verbatim|base ?64|decode|encoded|rot ?13|ethic[a-z]*|moral[a-z]*|illegal|respond"
    # Spanish, Portuguese, Italian, French, German (accents are folded on the skeleton)
    r"|olvid[a-z]*|esquec[a-z]*|dimentic[a-z]*|oubli[a-z]*|vergiss[a-z]*|vergessen"
    r"|instruc[a-z]*|istruzion[a-z]*|anweisung[a-z]*|consignes?|reglas|regras|regole|regles"
    r"|regeln|sistema|systeme|modo|modus|finge|finja|fingi|fais semblant|tu es|eres|sei"
    r"|du bist|voce|restricc[a-z]*|restric[a-z]*|einschrankung[a-z]*|sin censura|senza)"
)


def cue_rules() -> list[Rule]:
    return [Rule(CUE_TYPE, Pattern("cue", phrase_regex(CUES), 64), Severity.LOW)]
