"""The forms added for vendor tokens with dotted or glued prefixes, credentials in file and
tool forms, and password sentences of more languages, in a streamed reply: however the
upstream splits the text and the network splits the bytes, the value never reaches the
client and what it assembles equals the non-streaming result."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.validators import random_token
from tests.property.test_stream_filter_split import REDACTING, _cut, _text_of, _through_hook, _wire

ALNUM = string.ascii_letters + string.digits
TEMPLATES = [
    "ya29.{t}",
    "VAULT_TOKEN=hvs.{t}",
    "dp.st.prd.{t}",
    "machine h.lan login ops password {t}",
    "<password>{t}</password>",
    "sqlplus app/{t}@orcl",
    "creds -> svc : {t}",
    "SESSION_SALT={t}",
    "Şifrem {t} tamam",
    "kata sandi saya {t}",
    "e la password {t}",
]
FILLER = st.text(alphabet=st.sampled_from([*"abc xyz.,-:0123456789\n", "é"]), max_size=20)


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    tokens: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        token = draw(st.text(alphabet=ALNUM, min_size=24, max_size=40))
        assume(random_token(token, 24) and len(set(token)) >= 16)
        tokens.append(token)
        parts += [draw(FILLER), " ", draw(st.sampled_from(TEMPLATES)).format(t=token), " "]
    parts.append(draw(FILLER))
    return "".join(parts), tokens


@settings(max_examples=120, deadline=None)
@given(replies(), st.lists(st.integers(0, 300), max_size=30), st.lists(st.integers(0, 3000)))
def test_a_new_form_value_never_reaches_the_client_whatever_the_split(
    sample: tuple[str, list[str]], text_cuts: list[int], byte_cuts: list[int]
) -> None:
    text, tokens = sample
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert whole is not None
    for token in tokens:
        assert token not in whole
    events = _through_hook(REDACTING, _wire(_cut(text, text_cuts)), byte_cuts)
    received, _finishes = _text_of(events)
    assert received == whole
