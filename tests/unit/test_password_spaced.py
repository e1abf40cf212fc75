"""A password word right before a generated value, with a space and no separator between
("wifi for guests: password XFDgLK9AkLan", "db password 'Xk9mQ2vLp7'"): the value is the
finding. A noun or a plain word there ("password manager", "password reset", "password
field"), a value of one case, or one of few distinct characters, passes."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS

SECRETS = Detector("secrets", list(SECRET_KINDS["keyword_value"]), Normalizer())


def values(text: str) -> set[str]:
    return {text[f.start : f.end] for f in SECRETS.find(text)}


@st.composite
def generated(draw: st.DrawFn) -> str:
    """A generated value: upper and lower case and digits, mostly distinct, 8 to 24 long."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    size = draw(st.integers(8, 24))
    chars = [rnd.choice(string.ascii_uppercase), rnd.choice(string.ascii_lowercase)]
    chars += [rnd.choice(string.digits)]
    pool = string.ascii_letters + string.digits
    while len(chars) < size:
        c = rnd.choice(pool)
        if c not in chars:
            chars.append(c)
    rnd.shuffle(chars)
    return "".join(chars)


@given(
    generated(),
    st.sampled_from(["password", "passwd", "Password", "db password", "wifi: password"]),
    st.sampled_from(["", "'", '"', "`"]),
    st.sampled_from(["", ".", ",", " now", ", don't share it"]),
)
def test_the_generated_value_is_the_finding(value: str, lead: str, quote: str, end: str) -> None:
    text = f"{lead} {quote}{value}{quote}{end}"
    assert value in values(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Use a password manager like 1Password.",
        "Click password reset to get a link.",
        "The password field accepts 64 characters.",
        "Passwords like hunter2 are weak.",
        "Set the password abcdefgh1 for the demo.",  # one case
        "The password AAAAaaaa1111 is a placeholder.",  # few distinct characters
        "See password /etc/shadow for the hashes.",
        "The password ValidatorV2 class rejects short inputs.",  # a versioned name
    ],
)
def test_nouns_and_plain_values_pass(text: str) -> None:
    assert values(text) == set(), text
