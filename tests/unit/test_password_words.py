"""Passwords after other languages' password words and the abbreviations (secrets_words.py):
a human password has no generated token's bar, so only the word says what it is. The words
alone, their ordinary sentences, and the short forms inside longer words stay text."""

from __future__ import annotations

import pytest

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS

KEYWORDS = Detector("secrets", list(SECRET_KINDS["keyword_value"]), Normalizer())


def cut(text: str) -> set[str]:
    return {text[f.start : f.end] for f in KEYWORDS.find(text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Kennwort: Sommer2024!", "Sommer2024!"),
        ("das Passwort ist Sommer2024! (bitte ändern)", "Sommer2024!"),
        ("mot de passe : Lune#Bleue7", "Lune#Bleue7"),
        ("le mot de passe est Lune#Bleue7", "Lune#Bleue7"),
        ("usuario: ana, contraseña: Gato_2023x", "Gato_2023x"),
        ("la contraseña es Gato_2023x", "Gato_2023x"),
        ("a senha é Praia@2025", "Praia@2025"),
        ("wachtwoord = Welkom01!", "Welkom01!"),
        ("haslo: Zaq12wsx!", "Zaq12wsx!"),
        ("salasana: Kissa123#", "Kissa123#"),
        ("db:\n  user: app\n  pass: t0psecret-Q", "t0psecret-Q"),
        ("DB_PASS=Hx9!kq2Lm", "Hx9!kq2Lm"),
        ("login bob, pw: Tr1cky!One", "Tr1cky!One"),
        ("wifi password -> BlueHorse77!", "BlueHorse77!"),
        ("guest wifi pw -> Cafe2024-guest", "Cafe2024-guest"),
        # A copula with a colon after it.
        ("das Passwort ist: Sommer2024!", "Sommer2024!"),
        ("la contraseña es: Gato_2023x", "Gato_2023x"),
    ],
)
def test_a_password_after_a_password_word_is_cut(text: str, value: str) -> None:
    assert value in cut(text)


@pytest.mark.parametrize(
    "text",
    [
        "Passwort vergessen? Klicken Sie hier.",
        "das Passwort ist falsch",
        "das Passwort ist: falsch",
        "mot de passe : oublié",
        "la contraseña es muy segura",
        "senha e obrigatoria",
        # The short forms end other words.
        "proxy_bypass: localhost,10.0.0.1",
        "compass: N45E12",
        "surpass: Level-2 goal",
        "pass = True",
        "tests pass: 98/100",
        # An arrow to a name in code, or to a call.
        "token -> refresh_token",
        "password -> hash(password)",
        "the secret is kms_key_id",
        # A Markov decision process, not the French abbreviation.
        "MDP: FrozenLake-v1",
    ],
)
def test_words_and_look_alikes_stay_text(text: str) -> None:
    assert cut(text) == set()
