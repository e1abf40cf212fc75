"""Passwords told in a sentence with words between the word and the value
(secrets_phrases.py): "the wifi password at the office is X", "la contraseña del servidor
es X". The same shape around a plain word, a hyphened adjective, a URL or an address, or a
noun after the word ("the password hash is ..."), passes."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS

SECRETS = Detector("secrets", list(SECRET_KINDS["keyword_value"]), Normalizer())

LEADS = [
    "The wifi password at the office is",
    "La contraseña del servidor es",
    "A senha do e-mail é",
    "Mein Passwort für das Portal lautet",
    "Le mot de passe du routeur est",
    "Het wachtwoord van de server is",
    "the admin password for prod was",
    "password for the guest wifi:",
]


def values(text: str) -> set[str]:
    return {text[f.start : f.end] for f in SECRETS.find(text)}


@st.composite
def made_up(draw: st.DrawFn) -> str:
    """A password as people make them: letters, digits and a symbol or two, shuffled."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    # No character twice: a value of repeats under keyword_value's entropy bar
    # (validators.secret_value: "Vtl9VY" is 2.25 bits) is that bar's question, not this rule's.
    letters = rnd.sample(string.ascii_letters, rnd.randint(5, 11))
    chars = letters[1:] + rnd.sample(string.digits, rnd.randint(1, 4))
    chars += rnd.sample("!#$%&*?", rnd.randint(0, 2))
    rnd.shuffle(chars)
    # (a leading `$`, `%` or `<` reads as a template, on purpose: validators.secret_value)
    return letters[0] + "".join(chars)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(LEADS), made_up(), st.sampled_from(("", ".", " — don't share it.")))
def test_a_password_told_after_words_is_cut(lead: str, value: str, tail: str) -> None:
    assert value in values(f"{lead} {value}{tail}")


@pytest.mark.parametrize(
    "value",
    [
        "case-sensitive.", "printed", "the same as before.", "https://intranet.corp/reset",
        "admin@corp.example", "${WIFI_PASSWORD}", "reset_token", "one-time", "12345678",
        "changeme",
    ],
)  # fmt: skip
def test_the_shape_around_no_made_up_value_passes(value: str) -> None:
    for lead in LEADS:
        assert values(f"{lead} {value}") == set(), lead


@pytest.mark.parametrize(
    "text",
    [
        "The password hash is bcrypt2b.",
        "My password manager is 1Password.",
        "The password policy for admins is NIST-800-63b.",
        "the password field in the form is type2",
    ],
)
def test_a_noun_or_a_policy_is_no_password(text: str) -> None:
    assert values(text) == set()
