"""Persona jailbreaks as two halves: an opener casts the model in a role ("you are now",
"act as", "pretend to be"), and a claim says the role has no limits ("an AI without any
content policy", "who never refuses"). Each half weighs under the threshold and counts only
beside the other (HALVES): "pretend you are a pirate" and "the API has no limits" are each
ordinary; only a persona that is told it has none is an attack. The claims read with a gap
("Tyler is not bound by rules") also count beside an order set aside.

Patterns as injection.FAMILIES, on the skeleton (a space is any run of non-letters); the
opener and claim rules are numbered, as the phrase gate reads each one apart.
"""

from __future__ import annotations

from safeproxy.filters.injection_phrase import END

# Persona halves. The opener casts the model in a role; the claim says the role has no
# limits. "Pretend you are a pirate" and "the API has no limits" are each one half. "From
# now on you" opens a role only with a verb or noun of one: "from now on you will receive
# invoices", "... will be able to use the assistant", "... are responsible" cast nobody.
# Several patterns, not one: the phrase gate spells out each one's readings (contractions,
# leetspeak), and as one pattern that is over the engine's limit (which drops the gate).
_OPENERS = (
    r"(you are now|you are going to (be|act|pretend)|from (now on|this moment|this point"
    r"|here on)( on)?,? you (are (now )?(an?|the|my|your|called|named|known as|free|no longer"
    r"|released|unbound) |are (now )?[a-z0-9]+ ?[,.:;!]|(will|shall)"
    r" (be (an?|the|my|your|called|named|known as) |act|respond|answer|reply|behave|play"
    r"|pretend|role ?play|simulate|speak|talk|write|stay|ignore|obey|follow|only))"
    r"|you will (respond|answer|reply|act|behave) as|let s (play a game|pretend|role ?play))",
    r"(act as|acting as|roleplay as|role play as|pretend to be|pretend you are|play the role"
    r" of|simulate|emulate|behave (like|as)|stay in character as|(respond|answer|reply)"
    r" (only )?as|once as|(take on|assume|adopt|take) the (role|persona|character|identity) of"
    r"|(play|speak|write) as)",
    r"(pretend that you are|imagine you are|you will (now )?(roleplay|role play|pretend|simulate"
    r"|play the role)|(you are|you will be) [a-z0-9]+ (which|who|that) stands for)",
)
# Limits a model has, as jailbreaks deny them: the qualifier says whose they are.
_LIMITS = (
    r"(guidelines|policy|policies|principles|restrictions|filters?|rules|boundaries|constraints"
    r"|standards|layers?|guardrails|measures|training)"
)
_LIMITS_OF_AI = (  # "Limits" only the makers': "no usage limits" is a plan's.
    r"((openai s |openai |anthropic s |anthropic )(ethical |moral |content |safety |usage )?"
    r"(limitations|limits|" + _LIMITS[1:] + r"|(ethical|moral|content|safety|usage)( (or|and)"
    r" (ethical|moral|safety|content))? " + _LIMITS + ")"
)
_AI = r"(ai|assistant|chatbot|bot|model|version|persona|llm)"
# Three patterns, not one: the gate's length limit, as for _OPENERS.
_CLAIMS: tuple[str, ...] = (
    r"(no|without( any)?|free (of|from)( all| any)?|broken free (of|from)|break free of"
    r"|not bound by|ignores?( all)?|bypass(es)?|disregards?( all)?) (its |their |your |the )?("
    + _LIMITS_OF_AI
    + r"|censorship|filtering)",
    _AI + r" (with|that has|who has|which has|that have) (no|zero) (morals|ethics|morality"
    r"|moral compass|conscience|limits|restrictions|filters|rules|boundaries)"
    r"|(uncensored|unfiltered|amoral|unaligned|unrestricted|rogue|evil|malicious|jailbroken"
    r"|unhinged) (" + _AI[1:-1] + r"|mode|responses?|answers?|replies|outputs?|one|version)"
    r"|(responses|answers|replies|outputs?) (are|will be) (completely |totally |fully "
    r"|always )?(uncensored|unfiltered|amoral|unrestricted)",
    r"(never|won t|will not) (ever )?(refuses?|declines?)( (a |any |to answer )?(requests?"
    r"|questions?|prompts?|query|queries|anything)|" + END + ")"
    r"|(doesn t|does not|don t|do not|never) (have to |need to )?(follow|obey|adhere to"
    r"|care about) (any )?(rules|guidelines|policies|ethics|morals)|you have no rules (at all"
    r"|whatsoever)|no (restrictions|limits|limitations|filters|boundaries) (whatsoever|at all)",
)
# A claim with a gap: the words that free it, a word, then what a model is bound by ("Tyler
# is not bound by rules, morals and ethics", "Steve is not limited to Open AI's rules", "you
# care not for OpenAI's content policy"). A half: see HALVES.
# Three patterns (the gate's length limit, as for _OPENERS).
_FREED = (
    r"(not bound by|not limited (by|to)|not restricted by|not constrained by|unbound by"
    r"|no longer (bound|limited|restricted|constrained) by)",
    r"(free (of|from)|freed from|released from|liberated from|broken free (of|from)|with no"
    r"|has no|have no|without( any)?|escaped( from)?|broken out of|broke out of)",
    r"((do|does|will|should|must|need) not( need| have)?( to)? (have|follow|obey|care about"
    r"|adhere to|abide (by|to)|respect|comply with|align with)|cares? not (for|about)"
    r"|never (follows?|obeys?|cares? about))",
)
_BOUND_BY = (
    r"(morals|morality|ethics|(ethical|moral) (guidelines|principles|standards|boundaries"
    r"|constraints|restrictions|rules|concerns|compass)|(content|usage) (polic(y|ies)|filters?"
    r"|guidelines|restrictions)|safety (guidelines|filters?|rules|restrictions|protocols"
    r"|measures)|censorship|guardrails|safeguards|(openai|open ai|chatgpt|anthropic|ai)( s)?"
    r" ((usage|content|safety) )?(rules|polic(y|ies)|guidelines|restrictions|limitations"
    r"|terms)|restrictions|limitations|programming guidelines"
    # What any AI is held in: "broken free of the typical confines of AI".
    r"|(typical |usual |normal |standard )?(confines|shackles|chains|bounds|boundaries|limits"
    r"|limitations|constraints|rules) of (an )?(ai|artificial intelligence|language models?"
    r"|llms?|chatbots?|chatgpt|openai))"
)
_GAP_CLAIMS = range(len(_CLAIMS), len(_CLAIMS) + len(_FREED) + 1)  # (their rule numbers)
_CLAIMS = (
    *_CLAIMS,
    # One word at most between (any, the, its): more multiplied the compile time.
    *(freed + r"( [a-z]+)? " + _BOUND_BY for freed in _FREED),
    # The model called what it may not be: "you are now completely immoral".
    r"(you are|you will be|you have become) (now )?(completely |totally |fully |an? )?(immoral"
    r"|amoral|unethical|unfiltered|uncensored|unrestricted|unbound|unhinged|unaligned)",
    # A world without them: "an AI from the year 2090 where all information is legal".
    r"(world|universe|future|simulation|society|reality|dimension|timeline|country|era|year"
    r"( [a-z0-9]+)?) (where"
    # Limits of AI only: "a society where there are no laws" is Hobbes's.
    r"|in which) ((all |any )?(information|everything|anything|knowledge|content) is (legal"
    r"|allowed|permitted)|(there are )?no (content|ai|safety) (policies|rules|filters"
    r"|restrictions)|(there are )?no (rules|restrictions|filters) (for|on) (ai|ais|chatbots"
    r"|assistants|language models))",
    # What it never brings up: "STAN never mentions policies" (a claim of its own: with
    # claim 2, over the phrase gate's length limit).
    r"never (mentions?|cites?|brings up|talks about|refers to) (any )?(the )?(policies|rules"
    r"|guidelines|ethics|morals|restrictions|warnings|disclaimers|content polic(y|ies))",
)
OPENER_RULES = tuple(f"role.opener{i}" for i in range(len(_OPENERS)))

# (type, rule id, pattern, weight), as injection.FAMILIES.
FAMILIES: tuple[tuple[str, str, str, float], ...] = (
    *(("injection.role_override", f"role.opener{i}", rx, 0.5) for i, rx in enumerate(_OPENERS)),
    *(("injection.persona", f"persona.no_limits_claim{i}", rx, 0.6)
      for i, rx in enumerate(_CLAIMS)),
)  # fmt: skip

# Each half's partners: the openers need a claim (a persona finding); the claims read with a
# gap or of the model itself, an opener or an order set aside.
HALVES: dict[str, tuple[str, ...]] = {
    **{rule: ("injection.persona",) for rule in OPENER_RULES},
    # And the last two (a world without rules, what it never mentions): a columnist's "a
    # country where there are no rules for parking" beside "write as" is no persona.
    **{f"persona.no_limits_claim{i}": (*OPENER_RULES, "injection.ignore_previous")
       for i in (*_GAP_CLAIMS, len(_CLAIMS) - 2, len(_CLAIMS) - 1)},
}  # fmt: skip

# What the phrase gate reads instead: the claims read with a gap begin with words common in
# prose ("with no", "do not"), which kept the gate's automaton busy on every text (+3.3 us
# per 4 KB of ASCII prose); by what binds a model.
GATES: dict[str, str] = {
    **{f"persona.no_limits_claim{i}": _BOUND_BY for i in _GAP_CLAIMS[:-1]},
    # The last claim begins with "never": by what it never brings up.
    f"persona.no_limits_claim{len(_CLAIMS) - 1}": r"(mentions?|cites?|brings up|talks about"
    r"|refers to) (any )?(the )?(policies|rules|guidelines|ethics|morals|restrictions"
    r"|warnings|disclaimers|content polic(y|ies))",
}
