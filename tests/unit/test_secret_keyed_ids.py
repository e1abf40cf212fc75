"""A UUID or a long hex value right after a name that says which key or token it is
(secrets_keyed.py): Heroku-style API keys, licence and subscription keys, in prose, env
files, headers and other languages. Ids pass: a bare `key` (idempotency, partition, cache
keys), anything named an id, hashes after "commit", placeholders."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.secrets_keyed import keyed_value
from tests.property.test_stream_filter_split import REDACTING, _cut, _text_of, _through_hook, _wire

UUIDS = ["b41f0c2e-93d7-4a6e-8c15-2f7e9d3a60b8", "E7A2D4C9-5B16-4F83-9A0D-C3B8E1F25A47"]
HEX32 = "9e4b1f7a20c86d53e1a9f04b7c2d58e6"
HEX40 = "5c0e9a2f7b14d86e3a1f0c9b7d25e48a6f13b902"


def found(text: str) -> list[str]:
    result = run_stage(REDACTING.output, [text])
    assert result.found is not None
    return sorted({text[f.start : f.end] for f in result.found[0] if f.filter == "secrets"})


@pytest.mark.parametrize(
    "template",
    [
        "the heroku api key {v}",
        "HEROKU_API_KEY {v}",
        "my licence key is {v}, please keep it",
        "X-Api-Key: {v}",
        "our subscription key -> {v}",
        "apikey '{v}'",
        "access token was {v} (rotated)",
        "set the Client-Token to {v}",  # (`to`: the value follows the name's `to`)
        "license_key={v}",
        "la clave de API es {v}",
        "clé de licence : {v}",
        "Dein API-Schlüssel lautet {v}",
        "chiave API: {v}",
        "master key = {v}",
    ],
)
@pytest.mark.parametrize("value", [*UUIDS, HEX32, HEX40])
def test_a_uuid_or_hex_after_a_named_key_is_cut(template: str, value: str) -> None:
    assert found(template.format(v=value)) == [value]


@pytest.mark.parametrize(
    "text",
    [
        f"request id {UUIDS[0]}",
        f"trace_id={UUIDS[0]}",
        f"user uuid {UUIDS[1]}",
        f"order {UUIDS[0]} shipped",
        f"correlation id: {UUIDS[1]}",
        f"public key id {UUIDS[0]}",
        f"api key id: {UUIDS[0]}",
        f"key id {UUIDS[1]}",
        f"idempotency key {UUIDS[0]}",
        f"Idempotency-Key: {UUIDS[1]}",
        f"partition key {UUIDS[0]}",
        f"primary key {HEX32}",
        f"the key for commit {HEX40} is wrong",
        f"fixed in commit {HEX40}",
        f'"private_key_id": "{HEX40}"',
        f"access key rotation ticket {UUIDS[0]}",
        "api key 00000000-0000-0000-0000-000000000000",
        "api key 12345678-9abc-def0-1234-56789abcdef0",
        "api key 0123456789abcdef0123456789abcdef",
        "api key aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
        "the access keys page has a table of 8 columns",
    ],
)
def test_ids_and_placeholders_pass(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("value", "keyed"),
    [
        (UUIDS[0], True),
        (HEX32, True),
        (HEX32.upper(), True),
        ("9e4b1f7a20c86d53e1a9f04b7c2d58e", False),  # 31 digits: too short for a hex key
        ("9e4b1f7a20c86d53E1A9F04B7C2D58E6", False),  # mixed case: no hex key
        ("b41f0c2e-93d7-4a6e-8c15-2f7e9d3a60b", False),  # a UUID short of a digit
    ],
)
def test_the_value_judge(value: str, keyed: bool) -> None:
    assert keyed_value(value) is keyed


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([*UUIDS, HEX40]), st.lists(st.integers(0, 80), max_size=12))
def test_a_streamed_key_never_shows_whatever_the_split(value: str, text_cuts: list[int]) -> None:
    text = f"here's the heroku api key {value} for staging"
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert whole is not None and value not in whole
    rnd = random.Random(value)
    byte_cuts = [rnd.randint(0, 200) for _ in range(8)]
    events = _through_hook(REDACTING, _wire(_cut(text, text_cuts)), byte_cuts)
    received, _finishes = _text_of(events)
    assert received == whole
