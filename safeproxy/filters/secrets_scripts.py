"""Words that name a password in languages not written in Latin letters (пароль, κωδικός,
كلمة المرور, סיסמה, पासवर्ड, 密码, パスワード, 비밀번호, รหัสผ่าน), then a value: the
non-Latin reading of keyword_value (secrets_words.py has the Latin-letter languages).

The secret rules read the ASCII projection of every text, which cannot tell one letter
outside ASCII from another; so these are skeleton rules every match of which holds such a
letter (`wide`, as injection_scripts.py's orders), read only on texts that have one. Each
word is written in its own script and folded as the text is when a policy is compiled. The
separators are the `:`/`=` of keyword_value and the copulas and particles those languages
put between the word and the value (是, は, 는, 은). The value is judged on the original
characters with keyword_value's bar; the whole match is the finding (the skeleton's offsets
cannot cut the word off).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern

WORDS = (
    "пароль", "пароля", "паролем", "парола", "лозинка", "гасло",  # ru uk bg sr be
    "κωδικός", "κωδικός πρόσβασης", "συνθηματικό",  # el
    "كلمة المرور", "كلمة السر", "رمز المرور", "رمز عبور", "گذرواژه",  # ar fa
    "סיסמה", "סיסמא",  # he
    "पासवर्ड", "कूटशब्द",  # hi
    "密码", "密碼", "口令",  # zh
    "パスワード", "暗証番号",  # ja
    "비밀번호", "패스워드", "암호",  # ko
    "รหัสผ่าน",  # th
)  # fmt: skip
# Between the word and the value: `:`/`=` (full-width ones are folded to these), an arrow,
# a dash (of any width: the normaliser folds them), or a copula or topic particle (zh
# 是/为/為, ja は, ko 는/은, ar/fa هو/است).
COPULAS = ("是", "为", "為", "は", "는", "은", "هي", "هو", "است")
_ASSIGN = r"(:=|=>|->|[:=-])"
# What ends the value, as keyword_value's growth.
_STOPS = " \"'\x00"


def _separators(fold: Callable[[str], str]) -> str:
    copulas = "|".join(re.escape(fold(c)) for c in COPULAS)
    return rf"( ?{_ASSIGN} ?| ?({copulas}) ?)"


def password_word_rule(fold: Callable[[str], str]) -> Rule:
    """The words as one skeleton rule (the fold of the policy's normaliser and skeleton)."""
    folded = [fold(w) for w in WORDS]
    ascii_words = [w for w, f in zip(WORDS, folded, strict=True) if f.isascii()]
    if ascii_words:
        raise ValueError(f"password words that fold to ASCII: {ascii_words}")
    words = "|".join(re.escape(f).replace("\\ ", " ") for f in folded)
    regex = rf"({words}){_separators(fold)}[\"']?[^\s\"']"
    return Rule(
        "secret.keyword_value",
        Pattern("secret.keyword_value.scripts", regex, 200, caseless=False),
        Severity.HIGH,
        _script_password,
        bounded=False,
        longest_only=True,
        grow_right_until=_STOPS,
    )


_WORD = re.compile("|".join(re.escape(w) for w in sorted(WORDS, key=len, reverse=True)))
_SEPARATOR_CHARS = ":=>-\u2013\u2014 \"'" + "".join(COPULAS)


def _script_password(norm: str, orig: str) -> bool:
    """The value after the word and its separator, with keyword_value's bar; after a copula
    (prose: "我的密码是 wifi"), a made-up one: letters and something else."""
    text = unicodedata.normalize("NFKC", visible(orig))
    word = _WORD.match(text.lower())
    rest = text[word.end() :] if word else text.split(" ", 1)[-1]
    value = rest.lstrip(_SEPARATOR_CHARS).rstrip(".,;。、")
    if not v.secret_value(value):
        return False
    said = rest[: len(rest) - len(rest.lstrip(_SEPARATOR_CHARS))]
    if any(c in said for c in ":="):
        return True
    return any(c.isalpha() for c in value) and not value.isalpha()
