"""Email addresses spelt out in other languages' words for the at-sign and the dot:
`laura arroba gmail punto com` (Spanish, Portuguese), `pierre arobase orange point fr`
(French), `k.schmidt (at) web (punkt) de` (German), `jan malpa wp kropka pl` (Polish),
`mario chiocciola libero punto it` (Italian).

spelled_email.py reads the English words ("at", "dot") and symbols; here the engine anchors
on the foreign at-word, or on a foreign dot word after an at-sign, and the span is read as
spelled_email reads it once its words are put in English (at-words as "@", dot words as
"dot"), so the same validator judges it (a top-level domain, the characters of an address,
no reserved domain). "point" counts only after a foreign at-word: in English prose it is a
word ("jane@acme point of view").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from safeproxy.filters.api import Severity
from safeproxy.filters.rules import Rule, on_norm
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.spelled_email import start_of, valid
from safeproxy.filters.spelled_hold import hold
from safeproxy.filters.spelled_reading import EVERY_DOT, FOREIGN_DOTS, MAX_LEN, OPEN, local_start

# Words for "@": Spanish and Portuguese, French, Italian, German and Dutch nicknames (the
# Dutch one mostly as its diminutive, "apenstaartje"),
# Polish. As they read on the normalised view (lower case, accents folded).
AT_WORDS = ("arroba", "arobase", "chiocciola", "klammeraffe", "apenstaartje", "apenstaart", "malpa")
# Words for "." (spelled_reading.FOREIGN_DOTS). Not "point" (see above).
DOT_WORDS = FOREIGN_DOTS

_AT = "(" + "|".join(AT_WORDS) + ")"
_FOREIGN_DOT = "(" + "|".join(DOT_WORDS) + ")"
_ANY_DOT = "(" + "|".join((*DOT_WORDS, "point", "dot")) + r"|\.)"
_O = r"[\[({<]"
_C = r"[\])}>]"
_S = r" {0,3}"
_S1 = r" {1,3}"
_L = r"[a-z0-9-]{1,63}"
# A dot between labels: a dot word bracketed or between spaces, or a plain ".".
_DOT = rf"({_S}{_O}{_S}{_ANY_DOT}{_S}{_C}{_S}|{_S1}{_ANY_DOT}{_S1}|\.)"

# The foreign at-word (bracketed or not), then the domain's labels.
AT_REGEX = rf"{_AT}{_S}{_C}?{_S1}{_L}({_DOT}{_L}){{1,6}}"
# A foreign dot word after the domain's first label; the at-sign before it is "@",
# bracketed or wrapped (spelled_email's start_of, without the bare word).
# Its labels unbounded ("+", not {1,63}): bounded, the pattern is over Hyperscan's size limit
# in UTF-8 mode, which a policy's plain scan compiles where one of its patterns is
# case-sensitive. The rule's longest match bounds a label anyway.
_LABEL = r"[a-z0-9-]+"
DOT_REGEX = (
    rf"({_O}{_S}{_FOREIGN_DOT}{_S}{_C}{_S}| {_FOREIGN_DOT}{_S1}){_LABEL}({_DOT}{_LABEL}){{0,5}}"
)

# Python's `re` on a matched span (at most MAX_LEN characters): bounded work per match.
_TO_ENGLISH = re.compile(r"\b(" + "|".join((*AT_WORDS, *DOT_WORDS, "point")) + r")\b")
_AROUND_AT = re.compile(
    r"([a-z0-9._%+-]*)[ \[({<]*\b(" + "|".join(AT_WORDS) + r")\b[\])}> ]*([a-z0-9-]*)"
)
# Words of the sentence that talks about the sign rather than writes an address: "usa
# arroba y punto com", "la arroba es un símbolo", "le signe arobase": articles, pronouns,
# conjunctions and prepositions, and the verbs and nouns of typing a sign. As in
# spelled_email's PROSE_WORDS, no one's mailbox or domain is named so.
# fmt: off
_PROSE = frozenset({
    "a", "al", "au", "con", "de", "del", "die", "der", "das", "e", "een", "el", "en", "es",
    "est", "et", "il", "ist", "l", "la", "le", "les", "lo", "ma", "meu", "mi", "mit", "mon",
    "o", "oder", "ou", "para", "per", "por", "pour", "seu", "sin", "son", "su", "sua", "ton",
    "tu", "un", "una", "und", "une", "y", "signo", "simbolo", "symbole", "zeichen",
    "teken", "znak", "tecla", "touche", "taste", "usa", "usar", "use", "utiliza", "escribe",
    "escriba", "tape", "tapez", "tippe", "digita", "digite", "scrivi",
})
# fmt: on


def _english(span: str) -> str:
    return _TO_ENGLISH.sub(lambda m: "@" if m.group(1) in AT_WORDS else "dot", span)


def _written(span: str) -> bool:
    """Whether the words around a foreign at-word are a mailbox and a domain, not the
    sentence's own (a domain's first label has two characters or more)."""
    m = _AROUND_AT.search(span)
    if m is None:
        return True  # (the at-sign is a symbol: DOT_REGEX's span)
    local, label = m.group(1), m.group(3)
    return local not in _PROSE and label not in _PROSE and len(label) >= 2


def _valid(span: str) -> bool:
    return _written(span) and valid(_english(span))


def _valid_any_domain(span: str) -> bool:
    return _written(span) and valid(_english(span), exempt_reserved=False)


def _start_of_word(text: str, end: int) -> int:
    """Where the match ending at `end` starts: the last foreign at-word before the end,
    with a bracket and spaces before it, then the local part."""
    lo = max(0, end - MAX_LEN)
    at = max(text.rfind(word, lo, end) for word in AT_WORDS)
    if at <= lo:
        return -1
    p = at
    while p > lo and text[p - 1] == " ":
        p -= 1
    if p > lo and text[p - 1] in OPEN:
        p -= 1
        while p > lo and text[p - 1] == " ":
            p -= 1
    # The local part's dots in the at-word's language too: "pablo punto ruiz arroba ...".
    start = local_start(text, p, lo, EVERY_DOT)
    return start if start < p else -1


def _start_of_sign(text: str, end: int) -> int:
    # The word "at" between spaces counts here: German and Dutch speakers read "@" so
    # ("t punkt weber at gmx punkt net"), and no English sentence spells its dots "punkt".
    return start_of(text, end, bare=True, dots=EVERY_DOT)


def _rule(
    rule_id: str, regex: str, check: Callable[[str], bool], starts: Callable[[str, int], int]
) -> Rule:
    return Rule(
        "pii.email",
        Pattern(rule_id, regex, MAX_LEN, som=False),
        Severity.MEDIUM,
        on_norm(check),
        hold=hold,
        start_of=starts,
    )


FOREIGN_SPELLED_EMAILS = (
    _rule("pii.email_spelled_at_word", AT_REGEX, _valid, _start_of_word),
    _rule("pii.email_spelled_dot_word", DOT_REGEX, _valid, _start_of_sign),
)
FOREIGN_SPELLED_EMAILS_ANY_DOMAIN = (
    _rule("pii.email_spelled_at_word", AT_REGEX, _valid_any_domain, _start_of_word),
    _rule("pii.email_spelled_dot_word", DOT_REGEX, _valid_any_domain, _start_of_sign),
)
