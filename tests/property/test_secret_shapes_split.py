"""The general secret shapes in a streamed reply: however the upstream splits the text and the
network splits the bytes, the token never reaches the client and what it assembles equals
the non-streaming result (the word, key or URL before the token may already have gone out:
the stream keeps released context for that)."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.secrets_shapes import generated
from tests.property.test_stream_filter_split import REDACTING, _cut, _text_of, _through_hook, _wire

ALNUM = string.ascii_letters + string.digits
TEMPLATES = [
    "redis://:{t}@cache.internal:6379/0",
    "mongodb+srv://admin:{t}@cluster0.mongodb.net/db",
    "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={t}==;EndpointSuffix=x",
    "Server=db;User ID=sa;Password={t};Encrypt=True;",
    "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/{t}",
    "https://files.acme.net/x.pdf?sv=2021&sig={t}&se=2030",
    "the session cookie was {t} yesterday",
    "Passwort: {t}",
    # Credentials given as command-line options (secrets_cli.py).
    "mysql -u root -p{t} app",
    "docker login -u ci -p '{t}' registry.io",
    "curl -u admin:{t} https://ci.internal/api",
    # A token as a URL's user (a Sentry DSN, a clone URL).
    "https://{t}@o450123.ingest.sentry.io/5523311",
]
FILLER = st.text(alphabet=st.sampled_from([*"abc xyz.,-:0123456789\n", "é", "😀"]), max_size=20)


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    tokens: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        token = draw(st.text(alphabet=ALNUM, min_size=24, max_size=40))
        # Tokens of the rules' class (Hypothesis steers toward "000...0Aa", no generated key);
        # the rate on truly random tokens is measured in tests/unit/test_secret_shapes.py.
        assume(generated(token))
        tokens.append(token)
        parts += [draw(FILLER), " ", draw(st.sampled_from(TEMPLATES)).format(t=token), " "]
    parts.append(draw(FILLER))
    return "".join(parts), tokens


@settings(max_examples=150, deadline=None)
@given(replies(), st.lists(st.integers(0, 300), max_size=30), st.lists(st.integers(0, 3000)))
def test_a_shape_token_never_reaches_the_client_whatever_the_split(
    sample: tuple[str, list[str]], text_cuts: list[int], byte_cuts: list[int]
) -> None:
    text, tokens = sample
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert whole is not None
    for token in tokens:
        assert token not in whole  # the whole-text result cuts it
    events = _through_hook(REDACTING, _wire(_cut(text, text_cuts)), byte_cuts)
    received, _finishes = _text_of(events)
    assert received == whole
