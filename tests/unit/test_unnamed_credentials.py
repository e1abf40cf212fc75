"""Credentials that no password keyword precedes (secrets_pairs.py, secrets_cli.py): a user
and its password as a pair, a setting whose name ends with the credential word and whose
value is a separate `value` field, and a password as a command's positional argument. The
same shapes around names, hosts, paths, numbers and templates pass."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS

SECRETS = Detector("secrets", [r for rules in SECRET_KINDS.values() for r in rules], Normalizer())


def values(text: str) -> set[str]:
    return {text[f.start : f.end] for f in SECRETS.find(text)}


@st.composite
def passwords(draw: st.DrawFn) -> str:
    """Letters of both cases, digits and a symbol, shuffled after a letter."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    # No character twice: values of repeats under keyword_value's entropy bar
    # (validators.secret_value: "pXdzz!2pp" is 2.4 bits) are that bar's question.
    lower = rnd.sample(string.ascii_lowercase, rnd.randint(4, 9))
    chars = lower[1:] + rnd.sample(string.ascii_uppercase, rnd.randint(1, 3))
    chars += rnd.sample(string.digits, rnd.randint(1, 3))
    chars += rnd.sample("!#%&*?_", rnd.randint(1, 2))
    rnd.shuffle(chars)
    return lower[0] + "".join(chars)


FORMS = [
    "login: admin / {}",
    "Username: ops@corp.example | {}",
    '<add key="SmtpPassword" value="{}" />',
    "env:\n  - name: DB_PASSWORD\n    value: {}\n",
    '{{"name": "API_TOKEN", "value": "{}"}}',
    "$ htpasswd -b -c /etc/nginx/.htpasswd admin {}",
    "htpasswd -nb admin {}",
    "net user svc_backup {} /add",
    "rabbitmqctl add_user ops {}",
]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(FORMS), passwords())
def test_a_credential_without_a_keyword_is_cut(form: str, password: str) -> None:
    assert password in values(form.format(password))


@pytest.mark.parametrize(
    "text",
    [
        "user: admin / root",
        "host: web01 / web02",
        "login: admin / see the wiki",
        "login: /usr/bin/login",
        "user: alice | role: Admin2",
        '<add key="SmtpHost" value="smtp.corp.local" />',
        '<add key="TokenLifetime" value="3600" />',
        '<add key="PasswordMinLength" value="12" />',
        '<add key="SecretsPath" value="C:\\secrets\\x1" />',
        "- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db",
        '{"name": "API_TOKEN", "value": "${API_TOKEN}"}',
        "htpasswd -c .htpasswd admin",
        "htpasswd -b .htpasswd admin $PASS",
        "net user admin /add",
        "net user guest /active:no",
        "rabbitmqctl add_user ops",
    ],
)
def test_the_shapes_around_no_credential_pass(text: str) -> None:
    assert values(text) == set()
