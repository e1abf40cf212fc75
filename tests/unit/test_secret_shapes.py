"""General secret shapes (secrets_shapes.py): secrets of kinds no vendor rule names, found by
where they stand (a URL's password, a connection string's key, a webhook path, a signed
query, a credential word) and judged by how they look; their look-alikes pass untouched."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.secrets import SECRET_RULES
from safeproxy.filters.secrets_shapes import generated, opaque

SECRETS = Detector("secrets", list(SECRET_RULES.values()), Normalizer())
ALNUM = string.ascii_letters + string.digits


def found(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in SECRETS.find(text)]


def values(text: str) -> set[str]:
    return {value for _kind, value in found(text)}


@st.composite
def tokens(draw: st.DrawFn, alphabet: str = ALNUM, min_size: int = 24) -> str:
    """A token-shaped value. Hypothesis steers toward degenerate ones ("000...0Aa"), which are
    no generated key: the properties below test where a token is found and what is cut, for
    tokens of the rule's class; how often truly random tokens are in that class is measured
    by `test_random_tokens_are_found_at_a_high_rate`."""
    token = draw(st.text(alphabet=alphabet, min_size=min_size, max_size=min_size + 40))
    assume(opaque(token.replace("%", "")))
    return token


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z][a-z0-9-]{0,10}){1,3}", fullmatch=True)
users = st.from_regex(r"[a-z][a-z0-9_.]{0,12}", fullmatch=True)
schemes = st.sampled_from(
    ["postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis", "rediss", "amqp",
     "amqps", "ftp", "sftp", "https", "smtp", "ldap", "jdbc:postgresql"]
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(schemes, users, tokens(alphabet=ALNUM + "%!*~"), hosts)
def test_url_credentials_any_scheme_and_escapes(
    scheme: str, user: str, password: str, host: str
) -> None:
    assume(not password.startswith("%"))  # "%..." reads as a template placeholder
    text = f"connect to {scheme}://{user}:{password}@{host}:5432/app now"
    assert ("secret.url_credentials", password) in found(text)
    # An empty user (`redis://:password@host`) still has a password.
    text = f"{scheme}://:{password}@{host}/0"
    assert ("secret.url_credentials", password) in found(text)


@settings(max_examples=60, deadline=None)
@given(tokens(alphabet=ALNUM + "+/", min_size=40), hosts)
def test_connection_string_keys_give_only_the_value(key: str, host: str) -> None:
    azure = f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key}==;EndpointSuffix=x"
    assert ("secret.connection_string", key + "==") in found(azure)
    bus = f"Endpoint=sb://{host}/;SharedAccessKeyName=Root;SharedAccessKey={key}="
    assert ("secret.connection_string", key + "=") in found(bus)
    ado = f"Server=tcp:{host},1433;Database=app;User ID=sa;Password={key};Encrypt=True;"
    assert values(ado) == {key}
    odbc = f"Driver={{ODBC Driver 18}};Server={host};Uid=sa;Pwd={key};"
    assert values(odbc) == {key}
    jdbc = f"jdbc:sqlserver://{host}:1433;databaseName=app;user=sa;password={key};"
    assert values(jdbc) == {key}


@settings(max_examples=60, deadline=None)
@given(tokens(min_size=24), tokens(alphabet=ALNUM + "_-", min_size=68))
def test_webhook_urls_give_the_token(slack: str, discord: str) -> None:
    hook = f"post to https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/{slack} please"
    assert values(hook) == {slack}
    hook = f"https://discord.com/api/webhooks/123456789012345678/{discord}"
    assert values(hook) == {discord}
    hook = f"https://chat.acme.dev/hooks/{slack}"
    assert values(hook) == {slack}
    # Any provider's: a host named for hooks, or a key in the path.
    hook = f"The webhook is https://hooks.acmechat.io/services/T0123/B0456/{slack}"
    assert values(hook) == {slack}
    hook = f"POST https://webhooks.ci.dev/trigger/{slack}?ref=main"
    assert values(hook) == {slack}
    hook = f"https://maker.ifttt.com/trigger/door/with/key/{slack}"
    assert values(hook) == {slack}


def test_a_teams_webhook_gives_its_key_and_id() -> None:
    guid = "5f2b9c1e-7a43-4d8e-b6f1-0c9e3a7d2b45"
    key = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    url = f"https://acme.webhook.office.com/webhookb2/{guid}@{guid}/IncomingWebhook/{key}/{guid}"
    assert found(url) == [("secret.webhook_token", f"{key}/{guid}")]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["sig", "signature", "X-Amz-Signature", "key", "token", "access_token"]),
    tokens(alphabet=ALNUM + "%"),
    hosts,
)
def test_a_query_parameter_carrying_a_token(name: str, token: str, host: str) -> None:
    assume("%" not in token[:1])
    url = f"https://{host}/file.pdf?sv=2021-08-06&{name}={token}&se=2030"
    assert token in values(url)


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(
        ["session", "cookie", "signature", "passphrase", "credential", "auth", "SENDGRID_KEY",
         "webhook_secret", "x-session-token", "Contraseña", "mot de passe", "Passwort", "senha",
         "chiave", "Schlüssel", "clé"]
    ),
    st.sampled_from([": ", " = ", "=", " ", ' was ', ": '", '": "', " for prod: "]),
    tokens(alphabet=ALNUM + "_-"),
)  # fmt: skip
def test_a_generated_token_after_a_credential_word(word: str, sep: str, token: str) -> None:
    assume(generated(token))
    text = f"note {word}{sep}{token}' ok"
    assert token in values(text)


def _random_token(rng: random.Random, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(24, 48)))


@pytest.mark.parametrize("alphabet", [ALNUM, ALNUM + "_-", ALNUM + "+/"])
def test_random_tokens_are_found_at_a_high_rate(alphabet: str) -> None:
    """Tokens from a real random source (not steered): nearly all are found after a word, in
    a signed query and in a webhook path (a miss is a token short on entropy by chance)."""
    rng = random.Random(13)
    words = ["session", "cookie", "signature", "clave", "passphrase", "SERVICE_KEY"]
    n, after_word, in_query, in_hook = 400, 0, 0, 0
    for _ in range(n):
        token = _random_token(rng, alphabet)
        after_word += token in values(f"{rng.choice(words)}: {token}")
        in_query += token in values(f"https://cdn.acme.io/f?sig={token}&e=1")
        # A path segment cannot hold "/": the hook's token is drawn without it.
        hook = _random_token(rng, alphabet.replace("/", "").replace("+", ""))
        in_hook += hook in values(f"https://chat.acme.io/hooks/{hook}")
    assert after_word >= 0.95 * n and in_query >= 0.95 * n and in_hook >= 0.95 * n


@pytest.mark.parametrize(
    "text",
    [
        # Code that reads a secret, placeholders and templates.
        "token = os.environ['GITHUB_TOKEN']",
        "session_key = process.env.SESSION_SECRET_VALUE",
        "api key: <your-api-key>",
        "AccountKey=<storage-account-key>;",
        "Server=db;User ID=sa;Password=${DB_PASSWORD};",
        "Server=db;User ID=sa;Password=changeme;",
        "Server=db;Password=;Trusted_Connection=True",
        "secret: xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "https://discord.com/api/webhooks/{webhook.id}/{webhook.token}",
        # Ids and hashes that are not secrets.
        "session id 123e4567-e89b-12d3-a456-426614174000",
        "request_id: 123e4567-e89b-12d3-a456-426614174000",
        "commit 3f9a0c1b2d4e5f60718293a4b5c6d7e8f9012345 fixed the key handling",
        "key: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "version key 1.2.3 build 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        'signature: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"',
        # Identifiers after a credential word are code, not values.
        "session = requestContextManagerV2Factory",
        "cookie: HttpOnlyCookieJarPolicy2024Default",
        "the key point is UnderstandingTheQ3ResultsDeeply",
        # Base64 images, URLs with a user and no password.
        '{"key": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADU"}',
        "key=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
        "public key: AAAAB3NzaC1yc2EAAAADAQABAAABgQC7vbqajDhA9mP2xK",
        "key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        "git clone https://user@github.com/org/repo.git",
        "ftp://anonymous:@ftp.example.org/pub",
        "https://github.com/org/repo/settings/hooks/new-webhook-configuration",
        "https://react.dev/reference/react/hooks/useAuthenticationToken2",
        "https://hooks.acme.io/docs/getting-started",
        "https://github.com/acme/app/blob/main/src/keys/generateKey2FAHandlerV3.ts",
        "https://api.acme.io/v1/keys/7f3e9a12-4b6c-4d8e-9f01-23456789abcd",
        "https://cdn.acme.io/keys/PublicSigningKey2024Q3Rotation",
        "https://hooks.acme.io/v1/sha384-oqVuAfXRKap7fdgcCY5uykM6R9GqQ8KuXy9rx7HNQlGYl1kPzQh",
        "https://solscan.io/token/EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        "https://myvault.vault.azure.net/keys/mykey/78deebed173b48e48f55abf87ed4cf71",
        "https://acme.io/download?key=ReleaseNotesForVersion2024Final",
        "https://example.com/search?q=token&page=2&sort=relevance-descending",
        "words like monkeyAbcdefGhijk12345LmnopQrs are not after a key",
    ],
)
def test_look_alikes_pass_untouched(text: str) -> None:
    assert found(text) == []


def test_the_word_and_the_key_flow_only_the_value_is_cut() -> None:
    text = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKey=Qw3rTy8UiOp2AsDfGh5JkLz="
    kinds = {kind for kind, _ in found(text)}
    assert "secret.connection_string" in kinds
    assert values(text) == {"Qw3rTy8UiOp2AsDfGh5JkLz="}
    text = "the session cookie was aB3dE5gH7jK9mN1pQ3rS5tU7vW9x yesterday."
    assert found(text) == [("secret.random_token", "aB3dE5gH7jK9mN1pQ3rS5tU7vW9x")]


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("sentry dsn https://4f8b2c9e1a7d3f6b0c5e8a2d9f1b4c7e@o450123.ingest.sentry.io/5523311",
         "4f8b2c9e1a7d3f6b0c5e8a2d9f1b4c7e"),
        ('SENTRY_DSN="https://9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b@sentry.internal.corp/12"',
         "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"),
        ("git clone https://Xq9Lm2Np4Rt6Vw8Yz0Ab1Cd2Ef3@gitlab.corp.io/team/repo.git",
         "Xq9Lm2Np4Rt6Vw8Yz0Ab1Cd2Ef3"),
        ("pip install git+https://Kx7mQ2vL9pRtZz8Qw2Xc4Vb6@github.com/org/pkg.git",
         "Kx7mQ2vL9pRtZz8Qw2Xc4Vb6"),
    ],
)  # fmt: skip
def test_a_token_as_a_urls_user_is_cut(text: str, token: str) -> None:
    assert ("secret.url_user_token", token) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://averyveryverylonghostnamehere.example.org/path",
        "git clone https://gitlab-ci-token@gitlab.corp.io/x.git",
        "https://firstname.lastname.longer@host.com/",
        "mailto://somebody_with_long_name_2024@mail.com",
        "https://550e8400-e29b-41d4-a716-446655440000@host/x",
        "https://really_long_username_here@bitbucket.org/team/repo.git",
        "ssh://git@github.com/org/repo",
        "https://deploymentAutomationUser2@ci.corp.io/",
    ],
)
def test_a_urls_user_that_is_a_name_passes(text: str) -> None:
    assert not any(kind == "secret.url_user_token" for kind, _ in found(text))


def test_a_signature_labelled_by_its_algorithm_is_still_a_secret() -> None:
    # Digests named by their algorithm pass only in a hook's path: a query's signature so
    # labelled signs a request.
    url = "https://cdn.acme.io/f.js?sig=sha256-Xq7mP2vL9kR4zB8nW3cDaF5gH"
    assert [kind for kind, _value in found(url)] == ["secret.url_token"]
