"""Private keys as JSON Web Keys (secrets_jwk.py): the private members are cut, the public
ones and ordinary JSON under the same short names pass."""

from __future__ import annotations

import pytest

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_KINDS

KEYS = Detector("secrets", list(SECRET_KINDS["private_key"]), Normalizer())

X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
D = "jpsQnnGQmL-YBIffH1136cLo4dHgzJq7Hx2fC8rPq3Y"


def cut(text: str) -> set[str]:
    return {text[f.start : f.end] for f in KEYS.find(text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f'{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}","d":"{D}"}}', D),
        (f'{{\n  "kty": "OKP",\n  "crv": "Ed25519",\n  "d" : "{D}",\n  "x": "{X}"\n}}', D),
        (
            '{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg8sD0Ud2TzT3h6_aBZ9nLm"}',
            "GawgguFyGrWKav7AX4VKUg8sD0Ud2TzT3h6_aBZ9nLm",
        ),
        (f'{{"kty":"RSA","qi":"{D}Ab3"}}', f"{D}Ab3"),
    ],
)
def test_a_private_member_is_cut(text: str, value: str) -> None:
    assert cut(text) == {value}


@pytest.mark.parametrize(
    "text",
    [
        # A public key: its members may flow.
        f'{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}"}}',
        '{"q": "weather in paris", "d": "2024-06-01"}',
        '{"d": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}',
        '{"k": "user_profile_settings_cache_key_v2"}',
        '{"p": "0.05", "q": "SELECT id FROM users"}',
    ],
)
def test_public_members_and_ordinary_json_pass(text: str) -> None:
    assert cut(text) == set()
