"""The rules compiled from detect-secrets: the committed file is what the build script makes,
every rule catches a value of its kind (alone, through the default policy, and streamed), the
rules left out as covered are caught by ours, and benign text stays untouched."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Mapping

import pytest
from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins.base import BasePlugin

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detect import Detector
from safeproxy.filters.holdback import Redact, StreamRedactor, apply
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.rules import Rule
from safeproxy.filters.secrets import SECRET_KINDS, SECRET_RULES
from safeproxy.filters.secrets_ds import DETECT_SECRETS_RULES
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings
from safeproxy.settings.policy import ALL_SECRETS
from scripts import build_secret_rules as build
from tests.unit.test_default_policy_corpus import (
    BENIGN,
    SECOND_ROUND_BENIGN,
    THIRD_ROUND_BENIGN,
)

ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"


def tok(n: int, alphabet: str = ALNUM, seed: int = 0) -> str:
    """A random-looking value (the same on every run)."""
    rng = random.Random(f"{n}{alphabet}{seed}")
    return "".join(rng.choice(alphabet) for _ in range(n))


PEM_BODY = "\n".join(tok(64, ALNUM + "+/", i) for i in range(3))


def pem(kind: str) -> str:
    end = kind.removesuffix(" BLOCK")
    return f"-----BEGIN {kind}-----\n{PEM_BODY}\n-----END {end}-----"


# (plugin, denylist index) -> (text, the secret as written in it).
SAMPLES: dict[tuple[str, int], tuple[str, str]] = {
    ("AWSKeyDetector", 0): ("batch user key id A3TX" + tok(16, UPPER) + " rotated", "A3TX"),
    ("AWSKeyDetector", 1): (f"aws_token = '{tok(40, ALNUM + '+/')}'", tok(40, ALNUM + "+/")),
    ("ArtifactoryDetector", 0): ("token: AKCp8" + tok(20) + " end", "AKCp8" + tok(20)),
    ("ArtifactoryDetector", 1): ("password AP6" + tok(14) + " end", "AP6" + tok(14)),
    ("AzureStorageKeyDetector", 0): (
        "AccountKey=" + tok(86, ALNUM + "+/") + "==",
        tok(86, ALNUM + "+/"),
    ),
    ("CloudantDetector", 0): (f'cloudant_password = "{tok(64, HEX)}"', tok(64, HEX)),
    ("CloudantDetector", 1): (
        f'cloudant_apikey: "{tok(24, string.ascii_lowercase)}"',
        tok(24, string.ascii_lowercase),
    ),
    ("CloudantDetector", 2): (
        f"https://acme-db:{tok(64, HEX, 1)}@acme-db.cloudant.com/x",
        tok(64, HEX, 1),
    ),
    ("CloudantDetector", 3): (
        f"https://acme-db:{tok(24, string.ascii_lowercase, 1)}@acme-db.cloudant.com/x",
        tok(24, string.ascii_lowercase, 1),
    ),
    ("DiscordBotTokenDetector", 0): (
        f"bot token M{tok(23, URLSAFE)}.{tok(6, URLSAFE)}.{tok(27, URLSAFE)} ok",
        tok(27, URLSAFE),
    ),
    ("GitLabTokenDetector", 0): ("CI uses glpat-" + tok(20, URLSAFE) + " here", tok(20, URLSAFE)),
    ("GitLabTokenDetector", 1): ("runner GR1348941" + tok(26) + " here", tok(26)),
    ("GitLabTokenDetector", 2): ("job glcbt-a1_" + tok(24) + " here", tok(24)),
    ("GitLabTokenDetector", 3): ("glimt-" + tok(25), tok(25)),
    ("GitLabTokenDetector", 4): ("glptt-" + tok(40), tok(40)),
    ("GitLabTokenDetector", 5): ("agent glagent-" + tok(50) + " here", tok(50)),
    ("GitLabTokenDetector", 6): ("gloas-" + tok(64), tok(64)),
    ("IbmCosHmacDetector", 0): (
        f'cos_hmac_secret_access_key = "{tok(48, HEX)}"',
        tok(48, HEX),
    ),
    ("MailchimpDetector", 0): ("mailchimp " + tok(32, LOWER) + "-us12 here", tok(32, LOWER)),
    ("NpmDetector", 0): (
        ".npmrc: //registry.npmjs.org/:_authToken=npm_" + tok(36),
        tok(36),
    ),
    ("PrivateKeyDetector", 7): ("PuTTY-User-Key-File-2: ssh-rsa", "PuTTY-User-Key-File-2"),
    ("PypiTokenDetector", 0): ("pypi-AgEIcHlwaS5vcmc" + tok(120, URLSAFE), tok(120, URLSAFE)),
    ("PypiTokenDetector", 1): (
        "pypi-AgENdGVzdC5weXBpLm9yZw" + tok(120, URLSAFE, 1),
        tok(120, URLSAFE, 1),
    ),
    ("SendGridDetector", 0): (
        f"SG.{tok(22, URLSAFE)}.{tok(43, URLSAFE)}",
        tok(43, URLSAFE),
    ),
    ("SlackDetector", 0): ("legacy xoxo-1234-5678-" + tok(12, LOWER) + " here", tok(12, LOWER)),
    ("SoftlayerDetector", 0): (f'softlayer_api_key = "{tok(64, LOWER)}"', tok(64, LOWER)),
    ("SoftlayerDetector", 1): (
        "https://api.softlayer.com/soap/v3.1/" + tok(64, LOWER, 1),
        tok(64, LOWER, 1),
    ),
    ("SquareOAuthDetector", 0): ("sq0csp-" + tok(43, URLSAFE), tok(43, URLSAFE)),
    ("TelegramBotTokenDetector", 0): (
        "bot 123456789:" + tok(35, URLSAFE) + " here",
        tok(35, URLSAFE),
    ),
    ("TwilioKeyDetector", 0): ("sid AC" + tok(32, LOWER) + " here", tok(32, LOWER)),
    ("TwilioKeyDetector", 1): ("key SK" + tok(32, LOWER, 1) + " here", tok(32, LOWER, 1)),
}

PEM_KINDS = (
    "DSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "PGP PRIVATE KEY BLOCK",
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "SSH2 ENCRYPTED PRIVATE KEY",
)
# Rules left out as covered by ours: a value each detect-secrets plugin finds, that our own
# rules must cut.
COVERED: dict[tuple[str, int], tuple[str, str]] = {
    ("BasicAuthDetector", 0): ("https://admin:Xq7pL2mZ9vRt@db.internal/x", "Xq7pL2mZ9vRt"),
    ("GitHubTokenDetector", 0): ("ghr_" + tok(36), tok(36)),
    ("JwtTokenDetector", 0): (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ),
    ("OpenAIDetector", 0): ("sk-" + tok(20) + "T3BlbkFJ" + tok(20, ALNUM, 1), tok(20)),
    ("StripeDetector", 0): ("sk_live_" + tok(24), tok(24)),
    ("SlackDetector", 1): (
        "post to https://hooks.slack.com/services/T0123ABCD/B0456EFGH/" + tok(24) + " now",
        tok(24),
    ),
    **{("PrivateKeyDetector", i): (pem(kind), PEM_BODY) for i, kind in enumerate(PEM_KINDS)},
}

OURS = Detector("ours", list(SECRET_RULES.values()), Normalizer())
ALL = Detector("all", [r for k in ALL_SECRETS for r in SECRET_KINDS[k]], Normalizer())


def _key(rule: Rule) -> tuple[str, int]:
    _, plugin, index = rule.pattern.rule.split(".")
    return plugin, int(index)


RULES = {_key(r): r for r in DETECT_SECRETS_RULES}


def _plugin_finds(plugin: str, text: str) -> bool:
    found: Mapping[str, type[BasePlugin]] = get_mapping_from_secret_type_to_class()
    classes = {c.__name__: c for c in found.values()}
    return any(True for _ in classes[plugin]().analyze_string(text))


def _redacted(detector: Detector, text: str) -> str:
    return apply(text, detector.find(text), Redact()).text


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    settings = load_settings(bundled_config("default.yaml"))
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(settings.policies, compiler)["default"]


def test_the_committed_file_is_what_the_script_builds() -> None:
    text = build.render(build.document(build.outcomes()))
    assert build.OUT.read_text(encoding="utf-8") == text, "run scripts/build_secret_rules.py"


def test_every_compiled_rule_has_a_sample_and_every_left_out_one_a_reason() -> None:
    assert set(SAMPLES) == set(map(_key, DETECT_SECRETS_RULES))
    covered = {k for k, why in build.LEFT_OUT.items() if why.startswith("covered")}
    assert set(COVERED) == covered


@pytest.mark.parametrize("key", sorted(SAMPLES), ids="{0[0]}.{0[1]}".format)
def test_the_rule_alone_cuts_its_sample(key: tuple[str, int]) -> None:
    text, value = SAMPLES[key]
    assert value in text and _plugin_finds(key[0], text), "test table error"
    out = _redacted(Detector("one", [RULES[key]], Normalizer()), text)
    assert value not in out, out


@pytest.mark.parametrize("stage", ["input", "output"])
@pytest.mark.parametrize("key", sorted(SAMPLES), ids="{0[0]}.{0[1]}".format)
def test_the_default_policy_cuts_each_sample(
    policy: CompiledPolicy, stage: str, key: tuple[str, int]
) -> None:
    text, value = SAMPLES[key]
    result = run_stage(
        policy.input if stage == "input" else policy.output, [text], clock=lambda: 0.0
    )
    assert not result.blocked, result.reason
    out = result.texts[0]
    assert out is not None and value not in out, out


@pytest.mark.parametrize("key", sorted(SAMPLES), ids="{0[0]}.{0[1]}".format)
def test_a_sample_streamed_a_character_at_a_time_does_not_leak(key: tuple[str, int]) -> None:
    text, value = SAMPLES[key]
    padded = f"Here it is: {text}\nThat was all."
    stream = StreamRedactor(ALL, Redact())
    streamed = "".join(stream.feed(ch) for ch in padded) + stream.end()
    assert streamed == _redacted(ALL, padded)
    assert value not in streamed


@pytest.mark.parametrize("key", sorted(COVERED), ids="{0[0]}.{0[1]}".format)
def test_rules_left_out_as_covered_are_caught_by_ours(key: tuple[str, int]) -> None:
    text, value = COVERED[key]
    assert _plugin_finds(key[0], text), "test table error"
    assert value not in _redacted(OURS, text)


CASE_SENSITIVE: list[tuple[tuple[str, int], Callable[[str], str]]] = [
    (("TwilioKeyDetector", 0), str.lower),
    (("MailchimpDetector", 0), str.upper),
    (("ArtifactoryDetector", 1), str.lower),
]


@pytest.mark.parametrize(("key", "change"), CASE_SENSITIVE)
def test_a_case_sensitive_pattern_wants_its_case(
    key: tuple[str, int], change: Callable[[str], str]
) -> None:
    text = change(SAMPLES[key][0])
    assert not Detector("one", [RULES[key]], Normalizer()).find(text)


def test_benign_texts_raise_nothing() -> None:
    detector = Detector("ds", list(DETECT_SECRETS_RULES), Normalizer())
    for text in [*BENIGN, *SECOND_ROUND_BENIGN, *THIRD_ROUND_BENIGN]:
        assert not detector.find(text), text


def test_prose_flows_in_a_stream() -> None:
    """A key-and-value rule holds only the value's run, not its whole reach, in prose."""
    prose = "We talk about keys, tokens and passwords, and see https://example.com/a/b. " * 4
    stream = StreamRedactor(ALL, Redact())
    for ch in prose:
        stream.feed(ch)
    assert stream.max_held <= 24


def test_each_rule_bounds_its_match() -> None:
    for rule in DETECT_SECRETS_RULES:
        assert 0 < rule.pattern.max_len <= 1100, rule.pattern.rule
        assert re.compile(rule.pattern.regex)  # the scan pattern reads in Python too


@pytest.mark.parametrize(
    "text",
    [
        "attachment: AAAAAAAAAAAAAAAAAA+AP0AAAAAAAA==",
        "blob: QUJDREVGR0hJSktM/AKCp8abcdefgh12==",
    ],
)
def test_no_vendor_key_inside_a_base64_run(text: str) -> None:
    # "+" or "/" glued to letters before a key's prefix continues a base64 run (the
    # plugins' own left boundaries are a space, "=", ":" or a quote).
    detector = Detector("ds", list(DETECT_SECRETS_RULES), Normalizer())
    assert detector.find(text) == [], text
    assert detector.find(text.replace("+AP0", " AP0").replace("/AKC", " AKC")) != [], text
