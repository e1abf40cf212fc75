"""YAML tags after a password key (validators._yaml_tag): `password: !vault |` says how
the value is stored (Ansible Vault, a CloudFormation `!Ref`), and is no password; a
password that begins with `!` has digits or more symbols and is still cut."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters import validators as v
from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS

SECRETS = Detector("secrets", [r for rules in SECRET_KINDS.values() for r in rules], Normalizer())


def values(text: str) -> set[str]:
    return {text[f.start : f.end] for f in SECRETS.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3963...",
        "db_password: !vault |",
        "MasterUserPassword: !Ref DbPasswordParameter",
        "api_key: !!binary |",
        "secret: !env_var MY_SECRET",
    ],
)
def test_a_yaml_tag_is_no_password(text: str) -> None:
    assert values(text) == set()


@settings(max_examples=80, deadline=None)
@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-", min_size=2, max_size=20
    )
)
def test_tag_names_are_tags(name: str) -> None:
    assert not v.secret_value("!" + name)


@pytest.mark.parametrize("value", ["!Qaz2wsx", "!vault9#Zk", "!!Tr0ub4dor&3"])
def test_a_password_beginning_with_a_bang_is_cut(value: str) -> None:
    assert value in values(f"password: {value}")
