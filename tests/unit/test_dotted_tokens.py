"""Vendor tokens with no `_`/`-` after their prefix (secrets_dotted.py, secrets_named.py):
a prefix ended by a full stop (`ya29.`, `hvs.`, `dp.st.<env>.`), a prefix glued to hex
(`dapi<hex>`), hex after a short one-part prefix and `-`, and a letters-only body of both
cases (`hf_`). Placeholders, words, ids and names with hashes in them pass."""

from __future__ import annotations

import random
import string

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

RNG = random.Random(20261205)
B62 = string.ascii_letters + string.digits


def _draw(alphabet: str, n: int) -> str:
    while True:
        body = "".join(RNG.choice(alphabet) for _ in range(n))
        if alphabet != B62 or (any(c.isdigit() for c in body) and body != body.lower()):
            return body


def _tokens() -> list[str]:
    url = B62 + "_-"
    return [
        "ya29." + _draw(B62, 30) + "_" + _draw(url, 60).strip("-_"),
        "hvs." + _draw(B62, 24),
        "hvs.CAESI" + _draw(B62, 60) + "_" + _draw(B62, 20),
        "hvr." + _draw(B62, 40),
        "dp.st.dev." + _draw(B62, 43),
        "dp.sa." + _draw(B62, 40),
        "dapi" + _draw("0123456789abcdef", 32),
        "dapi" + _draw("0123456789abcdef", 32) + "-3",
        "pul-" + _draw("0123456789abcdef", 40),
        "xyz-" + _draw("0123456789abcdef", 36),
        "hf_" + _draw(string.ascii_letters, 34),
    ]


@pytest.mark.parametrize("token", _tokens())
@pytest.mark.parametrize("frame", ["{}", "token: {}", "export TOK='{}'", "use {} then"])
def test_a_vendor_token_is_cut(policy: CompiledPolicy, token: str, frame: str) -> None:
    text = frame.format(token)
    result = run_stage(policy.input, [text])
    assert result.changed or result.blocked
    assert token[8:30] not in (result.texts[0] or "")


BENIGN = [
    "see hvs.this_is_just_a_long_placeholder_text_here",
    "ya29.placeholder-access-token-goes-here",
    "the dapi endpoint returned dapi_version_string_is_long",
    "ami-0abcdef1234567890abcdef1234567890",
    "main-73763c67f9e49d239c80cc1fd2fbb56489e11079",
    "image: registry/app:dev-73763c67f9e49d239c80cc1fd2fbb56489e11079",
    "commit-73763c67f9e49d239c80cc1fd2fbb56489e11079",
    "chunk-73763c67f9e49d239c80cc1fd2fbb56489e11079.js",
    "sha1-73763c67f9e49d239c80cc1fd2fbb56489e11079",
    "class my_HttpOnlyCookieJarPolicyManagerFactory extends Base",
    "my_XMLHttpRequestUploadProgressEventTarget",
    "dp.st.prd.ThisIsNotARealTokenAtAllFriend",
    "Use pkg.dev.SomeVeryLongJavaClassNameHereForUs",
    "hvs.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
]


@pytest.mark.parametrize("text", BENIGN)
def test_a_look_alike_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.changed and not result.blocked, result.texts


def _bootstrap_token() -> str:
    """A Kubernetes bootstrap token's shape (six and sixteen of lower case and digits),
    its second part opening with a digit, as about a quarter of them do."""
    lower = string.ascii_lowercase + string.digits
    return _draw(lower, 6) + "." + RNG.choice(string.digits) + _draw(lower, 15)


@pytest.mark.parametrize(
    "token",
    # Drawn, a part opening with a digit; written, letters and digits alternating in each.
    [_bootstrap_token() for _ in range(8)] + ["ud26t8.k8ceyhl6btscs6r69p"],
)
@pytest.mark.parametrize(
    "frame", ["token: {}", "password = {}", "users:\n- name: ci\n  user:\n    token: {}"]
)
def test_a_keyed_value_in_dotted_parts_is_cut(
    policy: CompiledPolicy, token: str, frame: str
) -> None:
    """A value after a key is no dotted reference when a part is no name: it opens with a
    digit, or letters and digits alternate in it three times or more."""
    text = frame.format(token)
    result = run_stage(policy.input, [text])
    assert result.changed and token not in (result.texts[0] or ""), text


@pytest.mark.parametrize(
    "text",
    [
        "password: settings.db_password",
        "token: self.api_key2",
        "password = config.db2.password",
        "token: utf8.decoder",
        "token: sha256sum.v2",
        # Counted up, as documentation writes a value.
        "token: abcdef.0123456789abcdef",
        "api_key: 1234567890abcdefghij",
    ],
)
def test_references_and_counted_values_pass(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.blocked and not result.changed, text
