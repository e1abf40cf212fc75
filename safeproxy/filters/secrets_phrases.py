"""Passwords told in a sentence, with words between the password word and its value: "The
wifi password at the office is X", "La contraseña del servidor es X", "A senha do e-mail é
X", "Mein Passwort für das Portal lautet X".

keyword_value and the password words (secrets_words.py) read the word right before its
separator ("password is X", "Passwort: X"); people name what the password is for first.
This rule is that shape: the word, a preposition and up to three short words, then a
linking verb of one of the languages (or a colon), then the value. Prose says much about
passwords in that shape ("the password for this account is case-sensitive"), so the value
must look made up: letters with digits or symbols, no path, URL or address. Only the value
is the finding.
Words as they read on the normalised view (lower case, accents folded), ASCII only (see
secrets_words.py).
"""

from __future__ import annotations

import dataclasses
import unicodedata

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import VALUE_RUN
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_words import _WORDS as OTHER_WORDS

_WORDS = r"(password|passwd|passcode|passphrase|" + OTHER_WORDS + ")"
# The words between say what the password is for, and open with a preposition ("at the
# office", "del servidor", "do e-mail", "fur das portal"); then up to three short words,
# a comma after one at most. A noun right after the word makes another thing of it ("the
# password hash is ...", "my password manager is 1Password"): not this shape.
_FOR = (
    r"(for|at|of|to|on|in|from|with|del|de|da|do|dos|das|della|dello|per|para|pour|du|des"
    r"|fur|zum|zur|von|vom|bei|van|voor|op|dla|na)"
)
_FILLERS = r" " + _FOR + r"( [a-z][a-z-]{0,11},?){0,3}"
# Linking verbs, folded: English, Spanish and Portuguese ("é" -> "e") and Italian ("è"),
# French, German (and "lautet", "reads"), Dutch, past tenses; or a colon ending the name.
_LINKS = r"( (is|was|es|e|est|ist|lautet|era|war|sera|will be)|:) "
# Characters no password word in a sentence ends with, and that a value here never holds:
# a path, a URL, an address or a template is what prose points at instead.
_NOT_IN_VALUE = frozenset("/@<>{}()[]")
_TRAILING = ".,;:!?)"


def _value(norm: str) -> tuple[int, int]:
    """The value: the match's last word (the match ends where the value does), without the
    full stop or comma that goes on with the sentence (`!` and `?` may be the password's)."""
    start = norm.rindex(" ") + 1
    return start, max(start + 1, len(norm.rstrip(".,;")))


# What a spaced value is trimmed of, the same where it is judged and where it is cut: its
# quotes, and the punctuation that goes on with the sentence.
_SPACED_TRIM = "\"'`.,;)"


def _quoted_value(norm: str) -> tuple[int, int]:
    """The last word, without its quotes or the punctuation that goes on with the sentence."""
    start = norm.rindex(" ") + 1
    end = len(norm)
    while start < end and norm[start] in _SPACED_TRIM:
        start += 1
    while end > start and norm[end - 1] in _SPACED_TRIM:
        end -= 1
    return start, max(start + 1, end)


def made_up(value: str) -> bool:
    """A password as people make them up: letters with digits or symbols, no plain word,
    nothing prose points at instead (a path, a URL, an address), and the bar of a value
    after a keyword (validators.secret_value)."""
    word = value.rstrip(_TRAILING) if value.rstrip(_TRAILING) else value
    if _NOT_IN_VALUE.intersection(word) or not v.secret_value(word):
        return False
    has_alpha = any(c.isalpha() for c in word)
    has_digit = any(c.isdigit() for c in word)
    has_symbol = any(not c.isalnum() and c not in "-_'" for c in word)
    # Hyphened words ("case-sensitive", "one-time") and names in code (`reset_token`) are
    # no password; a digit or a symbol besides is.
    return has_alpha and (has_digit or has_symbol)


def _told(norm: str, orig: str) -> bool:
    # Whitespace apart first: `visible` drops a line break before the value.
    words = unicodedata.normalize("NFKC", visible(" ".join(orig.split()))).split()
    return bool(words) and made_up(words[-1])


PASSWORD_PHRASE_RULE = Rule(
    "secret.keyword_value",
    Pattern("secret.keyword_value.phrase", _WORDS + _FILLERS + _LINKS + r"[^\s\"']", 120),
    Severity.HIGH,
    _told,
    bounded=False,
    longest_only=True,
    hold=VALUE_RUN,
    value=_value,
    grow_right_until=" \"'\x00",
)


# The same, in the shapes of languages whose sentence has no linking verb keyword_value
# reads: Turkish's possessive right before the value ("Şifrem X", "şifresi X"), Polish and
# Czech "to"/"je" ("moje hasło to X", "hasło do VPN to X"), Vietnamese "là" ("mật khẩu của
# tôi là X"), Indonesian and Malay with no verb at all ("kata sandi saya X", "kata sandi
# wifi adalah X"), and Italian's article before an English word ("e la password X").
_TOLD = (
    r"(sifre(m|miz|si|niz)"
    r"|(haslo|heslo)( [a-z]+){0,3} (to|je|jest)"
    r"|mat khau( [a-z]{1,8}){0,3} la"
    r"|kata (sandi|laluan)( [a-z]{1,10}){0,2}( (adalah|ialah|yaitu))?"
    r"|(la|mia|tua|sua) password( e)?) [^\s\"']"
)

PASSWORD_TOLD_RULE = dataclasses.replace(
    PASSWORD_PHRASE_RULE, pattern=Pattern("secret.keyword_value.told", _TOLD, 120)
)


# The word right before its value, a space between and no separator ("wifi for guests:
# password XFDgLK9AkLan", "db password 'Xk9mQ2vLp7'"). Prose puts nouns there ("password
# manager", "password reset", "passwords like hunter2"), so the value must look generated:
# upper and lower case and digits, few repeats, not just made up.
def _spaced_value(orig: str) -> str:
    word = unicodedata.normalize("NFKC", visible(" ".join(orig.split()))).split()[-1]
    return word.strip(_SPACED_TRIM)


def _spaced(norm: str, orig: str) -> bool:
    # Upper case, lower case and digits, and few repeats: a short generated value's entropy
    # is bounded by its length (ten distinct characters: 3.3 bits), under random_token's.
    value = _spaced_value(orig)
    return (
        len(value) >= 8
        and not _NOT_IN_VALUE.intersection(value)
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and any(c.isdigit() for c in value)
        # (a long random value repeats some: 20 distinct will do)
        and len(set(value)) >= min(0.75 * len(value), 20)
        and made_up(value)
        and not _versioned_word(value)
    )


def _versioned_word(value: str) -> bool:
    """A word or camelCase words with a short version ("ValidatorV2", "policyV2"): a name."""
    rest = value.rstrip("0123456789")
    if len(value) - len(rest) > 2:
        return False
    if not rest.endswith(("v", "V")):
        return False
    rest = rest[:-1]
    return rest.isalpha() and sum(c.isupper() for c in rest) <= len(rest) // 3


PASSWORD_SPACED_RULE = dataclasses.replace(
    PASSWORD_PHRASE_RULE,
    pattern=Pattern("secret.keyword_value.spaced", _WORDS + r" [\"'`]?[^\s\"'`]", 120),
    validate=_spaced,
    value=_quoted_value,
)
