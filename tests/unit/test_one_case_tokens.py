"""Generated values of one case or hex where a prefix or a name says a secret goes
(secrets_named.py): a vendor-style prefix (`shpat_`, `dop_v1_`, `key-`, `AGE-SECRET-KEY-`)
then a body of lower case and digits, upper case and digits, or hex; and an assignment to a
name holding a credential word (`SECRET_KEY_BASE=<hex>`). Hashes, ids, UUIDs and names in
code that look alike pass untouched."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters import secrets_named
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

DEFAULT = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]

HEX = "0123456789abcdef"
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits


def hidden(text: str, secret: str) -> bool:
    """Whether `secret` no longer reaches the model."""
    out = run_stage(DEFAULT.input, [text])
    return out.blocked or (out.texts[0] is not None and secret not in out.texts[0])


def untouched(text: str) -> bool:
    out = run_stage(DEFAULT.input, [text])
    return not out.blocked and out.texts[0] is None


def _body(seed: int, alphabet: str, n: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


# Prefixes no rule names, in both cases and both separators, of one to three parts.
PREFIXES = ["shpat_", "dop_v1_", "pscale_tkn_", "glsa_", "acme_live_", "zz9_"]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(PREFIXES),
    st.sampled_from([(HEX, 32), (HEX, 64), (LOWER, 32), (LOWER, 40)]),
    st.integers(0, 2**32),
    st.sampled_from(["{}", "token {} here", "X={}", '"{}"', "({}).", "use {}\n"]),
)
def test_a_one_case_body_after_a_vendor_prefix_is_hidden(
    prefix: str, shape: tuple[str, int], seed: int, frame: str
) -> None:
    alphabet, n = shape
    token = prefix + _body(seed, alphabet, n)
    # (A body drawn without a digit or a letter, or with too few symbols, is no token:
    # a few seeds give one; the bar asks for both.)
    # (The bar's own rate is test_random_bodies_pass_the_bar_at_a_high_rate: here, where a
    # body that passes it stands, and which prefixes, may vary.)
    assume(secrets_named.one_case_token(token[len(prefix) :]))
    assert hidden(frame.format(token), token)


@pytest.mark.parametrize("shape", [(HEX, 32), (HEX, 64), (LOWER, 32), (UPPER, 40)])
def test_random_bodies_pass_the_bar_at_a_high_rate(shape: tuple[str, int]) -> None:
    alphabet, n = shape
    bodies = [_body(seed, alphabet, n) for seed in range(1000)]
    assert sum(map(secrets_named.one_case_token, bodies)) >= 0.97 * len(bodies)


@pytest.mark.parametrize(
    "token",
    [
        "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",  # mailgun: `key-` and 32 lower case
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZ8Q3L7XW2N9MK4TR6VD0HCE5UA2XLP3JFQ8SN7YK4WD",
        "ACME_PROD_" + _body(3, UPPER, 40),  # an upper-case prefix, an upper-case body
        "ATATT3xFfGF0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3=A1B2C3D4",  # Atlassian
    ],
)
def test_named_and_credential_prefixes(token: str) -> None:
    assert hidden(f"the token is {token}", token)


@pytest.mark.parametrize(
    "text",
    [
        # Digests, git and build ids, cloud resource ids, UUIDs: random, no secret.
        "commit_5f3a9c2d1e0b4a6f8c7d9e2b1a0f3c5d7e9b2a4c6 merged",
        "ami-0abcdef1234567890abcdef1234567890",
        "build-3f9a8b7c6d5e4f30a1b2c3d4e5f6a7b8c9d0e1f2 done",
        "file_3f9a8b7c6d5e4f30a1b2c3d4e5f6a7b8c9d0e1f2.tar",
        "request_id: req_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "sha256_3f9a8b7c6d5e4f30a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4",
        "trace-id 4bf92f3577b34da6a3ce929d0e0e4736 ok",
        "id 123e4567-e89b-12d3-a456-426614174000",
        "git checkout 3f9a8b7c6d5e4f30a1b2c3d4e5f6a7b8c9d0e1f2",
        # Names in code and prose.
        "set max_retries_per_request_budget to 5",
        "a key-value store keeps key-value pairs",
        "the build_artifact_cache_invalidation_strategy flag",
        "order ORD-20240115-0042 shipped on 2024-01-15, v2.3.1",
        # Words only, one case, after a prefix.
        "see my_project_documentation_for_the_details_here",
        "the key-abcdefghijklmnopqrstuvwxyzabcdef string",
    ],
)
def test_look_alikes_pass_untouched(text: str) -> None:
    assert untouched(text)


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY_BASE",
        "API_TOKEN",
        "db_pwd",
        "signing_secret",
        "webhook-signing-key",
        "AUTH_CREDENTIALS",
        "encryption_key",
    ],
)
@pytest.mark.parametrize("value", [_body(1, HEX, 64), _body(2, LOWER, 32), _body(5, HEX, 40)])
@pytest.mark.parametrize("frame", ["{}={}", "{}: {}", '"{}": "{}"', "export {}='{}'"])
def test_a_generated_value_assigned_to_a_secret_name_is_hidden(
    name: str, value: str, frame: str
) -> None:
    text = frame.format(name, value)
    assert hidden(text, value)
    # Only the value: the name may flow.
    assert name in (run_stage(DEFAULT.input, [text]).texts[0] or "")


@pytest.mark.parametrize(
    "name",
    ["cache_key", "key_id", "KEY_HASH", "public_key", "token_count", "monkey_patch",
     "idempotency_key", "keyboard_layout", "partition_key", "sort_key"],
)  # fmt: skip
def test_a_hash_assigned_to_an_id_name_passes(name: str) -> None:
    assert untouched(f"{name}={_body(9, HEX, 64)}")
