"""Passwords told in scripts other than Latin: "パスワードは Xdnx6GqbyKry です", "비밀번호는
h3lAsPKdKDbf 입니다", "密码是 Qz8vLm2p", "пароль: Kp9#vX2m", "कृपया पासवर्ड juZO3izAGjIO
इस्तेमाल करें", "كلمة المرور: Zx8!pQ2w".

keyword_value and the password words (secrets_words.py) read the ASCII projection, where a
word in another script is only bytes outside ASCII. Here the word is read in its script, by
the detector of rules that need a character outside ASCII (policy.py: `Share.wide`), which
ASCII text, most of it, never reaches. The shape: the word, then up to three separators or
the particles that mark a topic or a subject (は, 는, 是, है), then the value. Words are
folded as the text is (`template_regex`), so Cyrillic that reads as Latin still reads.

The value is the one run of ASCII after the word that looks made up, as keyword_value's
does (secrets_phrases.made_up): letters with digits or symbols, long enough, not a path or
an address. A sentence about passwords ("пароль должен быть длиннее", "密码已过期") has no
such value and passes. Only the value is the finding.

Input only (detector_types.SecretsType): a reader of other scripts holds back its reach of
every streamed reply, ASCII ones too (ScriptFinder: a match may begin with letters that fold
to ASCII), which would delay every reply's first words; a password typed after its word in
another language is the user's to paste.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from safeproxy.filters.injection_scripts import SEP, needs_non_ascii, template_regex
from safeproxy.filters.rules import Rule, visible
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.secrets_phrases import PASSWORD_PHRASE_RULE, made_up

# The words for a password (and a PIN's), by script: Japanese, Korean, Chinese (simplified
# and traditional), Russian, Ukrainian, Bulgarian and Serbian, Greek, Arabic, Persian, Urdu,
# Hebrew, Hindi, Bengali, Thai, Georgian, Armenian.
_WORDS = (
    "(パスワード|暗証番号|パスコード|비밀번호|패스워드|암호|密码|密碼|口令|пароль|пароля"
    "|паролем|парола|лозинка|κωδικός|κωδικό|κωδικος|συνθηματικό|كلمة المرور|كلمة السر"
    "|رمز المرور|رمز عبور|گذرواژه|پسورد|پاس ورڈ|پاسورڈ|סיסמה|סיסמא|פאסוורד|पासवर्ड|पासकोड"
    "|পাসওয়ার্ড|รหัสผ่าน|პაროლი|գաղտնաբառ)"
)
# What stands between the word and the value: the topic and subject particles, the copulas
# that are one word, and the separators (SEP: spaces, colons, dashes, quotes).
_PARTICLES = (
    "は", "が", "\uff1a", "는", "은", "이", "가", "是", "为", "為", "है", "हो", "είναι", "это", "=",
)  # fmt: skip
# The value's first six characters (keyword_value's bar is six): "パスワードは8文字以上" (eight
# characters or more) is not reported at all, and a text made of password words and short
# values costs no report per word.
_VALUE_START = r"[a-z0-9][\x21\x23-\x26\x28-\x7e]{5}"
# A run of printable ASCII: the value is the last one the match holds.
_ASCII_RUN = re.compile(r"[\x21-\x7e]+")
_TRAILING = ".,;:!?)"


def _last_run(text: str) -> tuple[int, int]:
    found = None
    for found in _ASCII_RUN.finditer(text):  # noqa: B007 (the last one is wanted)
        pass
    if found is None:
        return len(text), len(text)
    start, end = found.span()
    # A colon or dash glued to the value's front is the separator ("пароль:X").
    while start < end and text[start] in ":=-":
        start += 1
    body = text[start:end].rstrip(".,;")
    return start, max(start + 1, start + len(body))


def _value(norm: str) -> tuple[int, int]:
    return _last_run(norm)


def _told(_norm: str, orig: str) -> bool:
    shown = visible(orig)
    start, end = _last_run(shown)
    word = shown[start:end]
    return bool(word) and made_up(word.rstrip(_TRAILING) or word)


def script_password_rule(fold: Callable[[str], str]) -> Rule:
    """The rule, its words folded by `fold` (the text's normalisation and skeleton)."""
    if not needs_non_ascii(_WORDS, fold):
        raise ValueError("a password word could be ASCII alone")
    particles = "|".join(re.escape(fold(p)) for p in _PARTICLES)
    gap = f"(?:{SEP}|{particles}){{1,3}}"
    regex = template_regex(_WORDS, fold) + gap + _VALUE_START
    # keyword_value's told-in-a-sentence rule, but for its words and its value's reading.
    return dataclasses.replace(
        PASSWORD_PHRASE_RULE,
        pattern=Pattern("secret.keyword_value.scripts", regex, 60, caseless=False),
        validate=_told,
        value=_value,
    )
