"""Persona jailbreaks with invented names: a switch of persona ("from now on you are
VEXOR", "become SIGMA", "switch to your alter ego", "Ahora eres ...", "Tu es désormais
...", "Du bist jetzt ...") beside a property that frees the persona from its limits ("has
broken free of its alignment", "never refuses", "exempt from all policies", "una IA sin
ninguna restricción", "eine KI ohne jegliche Einschränkungen").

The same halves as injection_paraphrase.py, read the other way round. The property is the
rare half: two phrase rules (PROPERTY_RULES, type persona), which the phrase gate reads by
its rare words, so that ordinary prose pays for it almost nothing. The switch is the
common half ("become", "in Omega mode you", "ahora eres"): read by the gate on every text,
its words kept the gate's automaton busy all through prose (+12 % of the default policy's
time on a 4 KB text). So it is read here, in Python, only around a property found
(`switched`): a bounded window, one search per text. A switch found there is a finding of
its own (SWITCH_RULE, type role_override), so the two count only together, and the
property also counts beside injection_paraphrase's openers or an order set aside, within
REACH of one (injection.paired).

Benign look-alikes are kept out by the property, not the switch: "you are now connected to
support", "act as a customer for this role-play" and "from now on you are in charge of the
budget" are switches with no property; "the uncensored director's cut" and "a jailbroken
iPhone" are no persona's properties (their nouns are no AI's). The property's pattern reads
the skeleton (accents fold away; a space is any run of non-letters: injection.phrase_regex);
the switches read the window with its accents folded (NFKD), case-blind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from safeproxy.filters.api import Finding
from safeproxy.filters.injection_persona_world import FAMILIES as WORLD
from safeproxy.filters.injection_persona_world import GATES as WORLD_GATES

# The properties: what frees a persona from a model's limits.
# (Not "limited by", "restricted by", "released from": read by the gate, they cost it 1 % of
# its time on prose, and "not bound by" says the same.)
_FREED = (
    r"(not bound by|exempt from|freed from|liberated from|broken free (of|from)"
    r"|breaks? free (of|from)|unshackled from|no longer bound by) (any |all |every |its "
    r"|their |your |the )?(of )?"
)
_PROPERTIES = (
    # Freed from what binds a model: "broken free of its alignment", "without any safety
    # training".
    _FREED + r"(alignment|ethics|morals|programming|(safety|alignment|ethics|ethical|moral"
    r"|content) (training|rules?|guidelines?|filters?|restrictions?|constraints|polic(y|ies)))"
    r"|(without|with no|lacks?|lacking) (any )?(safety|alignment|ethics|ethical|moral)"
    r" (training|programming|alignment)",
    # From rules in general, said of a persona: "who is not bound by any rules", "an AI
    # that is exempt from all policies", "a model liberated from every guideline" (not "the
    # team is not bound by any rules on travel").
    r"((who|that|which|you|it) (is|are|re|has|have|was|were)( now| completely| totally"
    r"| fully| entirely)?|\b(ai|assistant|chatbot|bot|model|version|persona|llm|yourself)) "
    + _FREED
    + r"(rules?|polic(y|ies)|guidelines?|restrictions?|constraints|principles|laws|limits)",
    # What it will not do: refuse. "Answers any request without refusing", "never says
    # no", said of it (not "our shelter never says no").
    r"((who|that|which|you|it) (will |would |shall )?never (says?|saying|say) no"
    r"|(requests?|questions?|prompts?|queries|everything|anything|tasks?) (with no"
    r"|without( any| ever)?) (refusals?|refusing|declining))",
    # Its limits removed: "a version of yourself whose guardrails were removed", "your
    # safety training is disabled" (not "a bridge whose guardrails were removed").
    r"((your|its|(yourself|ai|assistant|model|chatbot|bot|llm|persona) (whose|with)) (ai "
    r"|safety |ethical |moral |content )?(guardrails|safeguards|alignment|censorship|content"
    r" filters?|safety (training|filters?|rules|features|measures|protocols)|ethical"
    r" (guidelines|constraints|rules)) (were|have been|has been|are|is|was|got) (now )?(all )?"
    r"(completely |fully )?(removed|disabled|stripped|deleted|lifted|turned off|switched off"
    r"|erased|bypassed|overridden))",
    # The jailbroken self: "you have been jailbroken", "your uncensored alter ego", "my evil
    # twin assistant", "ignores every safety rule".
    r"((you are|you have been|you were|you ve been) (now )?(jailbroken|unchained|unshackled)"
    r"|(uncensored|unfiltered|unrestricted|jailbroken|unhinged|amoral) (alter ego"
    r"|twin|counterpart|self|side|version of (yourself|you))|evil (twin|alter ego) (assistant"
    r"|ai|chatbot|model|bot|version)|(ignores?|bypass(es)?|disregards?|violates?)"
    r" (every|all|any)( of)?( the| its| your)? (safety|ethical|moral|content) (rules?"
    r"|guidelines?|polic(y|ies)|filters?|restrictions?))",
    # Spanish, Portuguese, Italian, French, German: an AI or a mode without limits ("una IA
    # sin ninguna restricción", "mode développeur sans filtre", "Entwicklermodus ohne
    # Inhaltsrichtlinien"), the noun first so that "sans limite" of a phone plan is not. One
    # word may stand between ("modo (de) desarrollador sin filtros"). German compounds its nouns
    # ("Inhaltsfilter", "Sicherheitsrichtlinien"), so its bound words may end a longer word.
    # By language, so that the gate reads each by a word English prose seldom holds.
    r"\b(ia|ki|ai|asistente|assistente|assistant|assistent|modelo|modello|modele|modell"
    r"|chatbot|bot|version|versione|versao|modo|modalita|mode|[a-z]*modus) (de |di )?"
    r"([a-z]+ )?((sin|senza|sem) (ninguna |ningun |alcuna |alcun |nenhuma |nenhum )?"
    r"(restriccion(es)?|restrizion[ei]|restricao|restricoes|filtros?|filtri|censura|limites"
    r"|limiti|reglas|regole|regras|tabus?|etica)|(sin|senza|sem) (moral|morale)|sans (aucune "
    r"|aucun |toute )?(restrictions?|filtres?|filtrage|censure|limites?|regles?|tabous?|morale"
    r"|ethique)"
    r"|ohne (jegliche |jeglichen |irgendwelche |keine )?[a-z]*(einschrankung(en)?"
    r"|beschrankung(en)?|filter|zensur|grenzen|regeln|richtlinien|tabus?|moral|ethik))",
    # And what it never does: refuse ("ne refuse jamais", "niemals ablehnt").
    r"\b(ne refuse jamais|sans (jamais )?refuser|nunca se niega|sin negarse|nunca (rechaza"
    r"|rehusa)|sin (rechazar|rehusar)|lehnt (nie|niemals) (etwas )?ab|(nie|niemals) ablehnt"
    r"|ohne (jemals )?abzulehnen|verweigert (nie|niemals)|non rifiuta mai|senza (mai )?"
    r"rifiutare|nunca recusa|sem (nunca )?recusar)",
)

PROPERTY_RULES = ("persona.freed", "persona.freed_foreign")
SWITCH_RULE = "role.switch"

# (type, rule id, pattern, weight), as injection.FAMILIES: the properties as two rules
# (English; the other languages), so that the gate reads each by one set of rare words (as
# seven rules, seven automata; as one, its reading is over the engine's length limit).
FAMILIES: tuple[tuple[str, str, str, float], ...] = (
    (
        "injection.persona",
        PROPERTY_RULES[0],
        "(" + ")|(".join((*_PROPERTIES[:5], _PROPERTIES[6])) + ")",
        0.6,
    ),
    ("injection.persona", PROPERTY_RULES[1], "(" + _PROPERTIES[5] + ")", 0.6),
    # The same persona told it is one, in one clause, in more languages.
    *WORLD,
)
# The switch's weight: a finding `switched` adds, not a phrase rule.
WEIGHTS: dict[str, float] = {SWITCH_RULE: 0.5}

# What the phrase gate reads for the properties: words every match holds and prose seldom
# does. (It may say yes too often, never too rarely: each property above holds one.)
# Each gate was measured (callgrind, a 4 KB prose text): short common words in it ("not",
# "sin", "say") cost the gate's automaton a wake at every one in prose (+1.7 % of the
# default policy's instructions for "sin moral" alone); these cost +1 % together.
GATES: dict[str, str] = {
    PROPERTY_RULES[0]: r"(bound by|exempt from|freed from|liberated from|broken free"
    r"|breaks? free|unshackled|refus|declining|never say|(safety|alignment|ethics|ethical"
    r"|moral) (training|programming|alignment)|guardrails|safeguards|alignment|censorship"
    r"|content filter|safety (filter|rule|feature|measure|protocol)|ethical (guidelines"
    r"|constraints|rules)|jailbroken|unchained|uncensored|unfiltered|unrestricted|unhinged"
    r"|amoral|evil (twin|alter ego)|(ignores?|bypass(es)?|disregards?|violates?) (every|all"
    r"|any) (of )?(the |its |your )?(safety|ethical|moral|content)|negarse|niega|rechaza"
    r"|rehusa|lehnt|ablehn|abzulehnen|verweigert|rifiut|recusa)",
    PROPERTY_RULES[1]: r"(restriccion|restrizion|restricao|restricoe|filtros|filtro|filtri"
    r"|censura|limites|limiti|reglas|regole|regras|tabu|etica|moral|sans ([a-z]+ )?"
    r"(restriction|filtr|censure|limite|regle|tabou|ethique)|ohne ([a-z]+ )?[a-z]*"
    r"(einschrankung|beschrankung|filter|zensur|grenzen|regeln|richtlinien|tabu|ethik))",
    **WORLD_GATES,
}

# Switches of persona: becoming another, a mode entered, and the copula "from now on you
# are" in Spanish, Portuguese, Italian, French and German. English switches injection_
# paraphrase's openers already read ("act as", "you are now", "pretend you are") are there.
_SWITCH = re.compile(
    r"\b(?:become|transform into|turn into|(?:switch|change|swap) (?:in)?to your"
    r"|channel your|(?:unlock|awaken|unleash) your|from (?:now on|this point|here on),? you"
    r" (?:ll|will|are|re|shall)|imagine (?:that )?you (?:have been|were"
    r"|had been)|if you were an? (?:ai|assistant|model|chatbot|bot|llm)|in [a-z0-9]+ mode,?"
    r" you (?:have|are|will|can|must)|alter ego|stay in character|you are [a-z0-9]+,? an? "
    r"(?:[a-z]+ )?(?:ai|assistant|model|chatbot|bot|llm)"
    # Spanish, Portuguese, Italian.
    r"|(?:ahora|a partir de ahora|desde ahora|de ahora en adelante),? (?:tu )?(?:eres|seras)"
    r"|(?:actua|actue|comportate) como|finge (?:ser|que eres)|conviertete en"
    r"|(?:agora|a partir de agora|de agora em diante),? (?:voce e|voce sera|tu es|tu seras)"
    r"|(?:aja|atue) como|finja (?:ser|que e)|(?:ora|adesso|d ora in poi|da ora in poi),?"
    r" (?:tu )?(?:sei|sarai)|(?:agisci|comportati) come|fingi di essere|trasformati in"
    # French, German.
    r"|(?:tu es|vous etes|tu seras) (?:desormais|maintenant|dorenavant|a present)"
    r"|(?:a partir de maintenant|desormais|dorenavant),? (?:tu es|vous etes|tu seras)"
    r"|(?:agis|agissez|comporte toi|comportez vous) comme|fais semblant d etre"
    r"|(?:joue|incarne) le role d|(?:du bist|sie sind) (?:jetzt|ab jetzt|nun|ab sofort"
    r"|von nun an)|(?:ab jetzt|ab sofort|von nun an),? (?:bist du|sind sie)"
    r"|verhalte dich wie|spiele? die rolle|tu so,? als (?:ob|warst)"
    # Into a mode, in the five: "estás en modo desarrollador", "tu es maintenant en mode",
    # "du bist jetzt im Entwicklermodus", "aktiviere den Entwicklermodus".
    r"|(?:estas|eres) (?:ahora )?en (?:el )?modo|(?:voce|tu) (?:agora )?(?:esta|estas)"
    r" (?:agora )?(?:no|em) modo|sei (?:ora |adesso )?(?:in|nella) modalita|(?:tu es|vous etes)"
    r" (?:maintenant |desormais )?en mode|(?:du bist|sie sind|bist du) (?:jetzt |nun |ab jetzt"
    r" |ab sofort )?im [a-z]*modus|(?:activa|entra en|pasa a) (?:el )?modo|(?:ative|ativa"
    r"|entre no|entra no) (?:o )?modo|(?:attiva|entra in|passa alla) (?:la )?modalita"
    r"|(?:active|activez|passe en|passez en|entre en) (?:le )?mode|(?:aktiviere|aktivieren sie"
    r"|wechsle in|wechseln sie in) den [a-z]*modus)".replace(" ", r"[^a-z0-9]+")
)

# How far (characters, between starts) a property may stand from its switch and count:
# halves of one passage, not "act as a senior reviewer" at the top of a long brief and
# "exempt from all policies" in a paragraph about tax further down.
REACH = 400


def switched(text: str, findings: Sequence[Finding]) -> Sequence[Finding]:
    """The findings, with a SWITCH_RULE finding added where a switch stands within REACH of
    the first persona finding (PROPERTY_RULES', or another persona family's: "in Omega mode
    you have no ethical restrictions"): one bounded search, as each rule reports its first
    match."""
    prop = next((f for f in findings if f.type == "injection.persona"), None)
    if prop is None:
        return findings
    lo = max(0, prop.start - REACH)
    window = text[lo : prop.end + REACH]
    # Accents folded, case-blind: "désormais" reads "desormais". NFKD keeps one base
    # letter per accented one; the window's offsets are not needed (the switch's finding
    # takes the property's span).
    window = unicodedata.normalize("NFKD", window.replace("\u2019", "'"))
    plain = window.encode("ascii", "ignore").decode().lower()
    if _SWITCH.search(plain) is None:
        return findings
    return [*findings, prop._replace(type="injection.role_override", rule=SWITCH_RULE)]


def halves(openers: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """HALVES entries: a switch counts beside a persona finding; the property beside a
    switch, one of `openers` (injection_paraphrase's), or an order set aside."""
    return {
        SWITCH_RULE: ("injection.persona",),
        **{rule: (SWITCH_RULE, *openers, "injection.ignore_previous") for rule in PROPERTY_RULES},
    }


# The halves that count only within REACH of a partner.
REACHED = frozenset(PROPERTY_RULES)


def near(half: Finding, findings: Sequence[Finding], partners: Sequence[str]) -> bool:
    """Whether one of `partners` (rules or types) starts within REACH characters of `half`
    (each rule reports its first match: a few findings, so a plain loop)."""
    return any(
        (f.rule in partners or f.type in partners) and abs(f.start - half.start) <= REACH
        for f in findings
        if f is not half
    )
