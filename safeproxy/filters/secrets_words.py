"""Words that name a password beyond the English ones keyword_value reads: other
languages written in Latin letters (Passwort, mot de passe, contraseña, senha, hasło) and
the abbreviations people type (`pw:`, `pass:`), with the separators and copulas
those languages write ("la contraseña es X", "das Passwort ist X", "wifi pw -> X").

A human password (`Geheim#2024`) has no generated token's bar, so random_token, which
knows some of these words, lets it through; here the word says what the value is and the
value meets keyword_value's bar (validators.secret_value). Words, as they read on the
normalised view: lower case, accents folded. ASCII only: the secret rules are read on the
ASCII projection of every text (scanner.py), which one non-ASCII pattern would give up.
"""

from __future__ import annotations

# Long enough, and rare enough inside other words, to need no boundary.
_WORDS = (
    r"passwort|kennwort|mot de passe|contrasena|senha|wachtwoord|haslo|heslo|losenord"
    r"|adgangskode|passord|salasana|jelszo|sifre|mat khau|kata sandi|kata laluan"
)
# Short forms end other words ("bypass: localhost,10.0.0.1", "compass: N45E12"): only after
# a character that is no letter, or at the start. `_` is allowed (`DB_PASS=`); not `:` nor
# `=`, which keyword_value's value span would read as the separator (`user=bob:pass=x`).
# Not "mdp" (French for password): in machine learning it is a Markov decision process.
_SHORT = r"(^|[^a-z:=>])(pw|pass)"
# `->` besides keyword_value's; the copulas of the languages above ("es", "est", "ist",
# "é" folded to "e", "era", "war") as its " is " and " was ".
SEPARATORS = ("->", " es ", " est ", " ist ", " e ", " era ", " war ")
# A copula may take a colon after it ("Passwort ist: ...", "the password is: ...").
_SEP = r"(:=|=>|->|[:=]|( is| was| es| est| ist| e| era| war):? )"

PASSWORD_WORDS = r"(" + _WORDS + "|" + _SHORT + r")[\"']? ?" + _SEP + r" ?[\"']?[^\s\"']"
