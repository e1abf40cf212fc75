"""Keys written in hex (secrets_shapes.hex_key): a Sentry DSN's user part, a Datadog app key
after its name. Hex has 16 symbols, so base64's entropy bar missed a third of them; a digest
or a commit id where no credential is named still passes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS
from safeproxy.filters.secrets_shapes import hex_key

# Every kind's rules, as the default policy's secrets filter reads them (a name's assigned
# value is secrets_named's: NAMED_VALUE, among random_token's rules).
SECRETS = Detector(
    "secrets",
    list(dict.fromkeys(r for rules in SECRET_KINDS.values() for r in rules)),
    Normalizer(),
)
HEX = "0123456789abcdef"


def values(text: str) -> set[str]:
    return {text[f.start : f.end] for f in SECRETS.find(text)}


@st.composite
def hex_keys(draw: st.DrawFn) -> str:
    """Hex as a generator writes it: uniform digits (Hypothesis alone favours `000...0`)."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    return "".join(rnd.choice(HEX) for _ in range(draw(st.sampled_from((32, 40, 64)))))


@settings(max_examples=60, deadline=None)
@given(hex_keys())
def test_a_hex_key_as_a_urls_user_is_cut(key: str) -> None:
    text = f"SENTRY_DSN=https://{key}@o791655.ingest.sentry.io/123"
    assert key in values(text)


@settings(max_examples=60, deadline=None)
@given(hex_keys(), st.sampled_from(("DD_APP_KEY=", "app_key: ", "auth_token = '", "secret is ")))
def test_a_hex_key_after_its_name_is_cut(key: str, lead: str) -> None:
    assert key in values(f"{lead}{key}")


@settings(max_examples=60, deadline=None)
@given(
    hex_keys(),
    st.sampled_from((
        "commit {}", "git checkout {}", "the key for commit {} is wrong",
        "key fingerprint = {}", "signature: {}", "sha256sum: {}", "Merge {} into main",
        "recv-keys {}",
    )),
)  # fmt: skip
def test_a_digest_where_no_key_is_named_passes(key: str, form: str) -> None:
    assert values(form.format(key)) == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Azure storage key1: Eua3TMkzYvWGL0OSZg8TvBWIf+27BJ13xAuVCQkdM251qKAV9TxZ9AcJ/4T6nVwGYP"
         "5XUGf0e6c84v5KKTRCAA==",
         "Eua3TMkzYvWGL0OSZg8TvBWIf+27BJ13xAuVCQkdM251qKAV9TxZ9AcJ/4T6nVwGYP5XUGf0e6c84v5KKTRCAA=="),
        ("token2: Xq9Lm2Np4Rt6Vw8Yz0Ab1Cd2Ef3Gh", "Xq9Lm2Np4Rt6Vw8Yz0Ab1Cd2Ef3Gh"),
    ],
)  # fmt: skip
def test_a_numbered_credential_word_names_its_value(text: str, value: str) -> None:
    assert value in values(text)


@pytest.mark.parametrize(
    "text",
    [
        "key1: value1, key2: value2",
        "token2: the second token of the sentence",
        "step 2: set key1 to 550e8400-e29b-41d4-a716-446655440000",
    ],
)
def test_numbered_words_before_plain_values_pass(text: str) -> None:
    assert values(text) == set()


def test_hex_of_mixed_case_or_short_is_no_hex_key() -> None:
    assert hex_key("47ee2029f23cfdfc50f248b3c1aebcea")
    assert not hex_key("47EE2029f23cfdfc50f248b3c1aebcea")
    assert not hex_key("47ee2029f23cfdfc50f248b3c1aebce")
