"""Tokens of vendors no rule names, known by their shape alone (secrets_named.py): a short
lower-case prefix (`hf_`, `npm_`, `lin_api_`), a separator, and a generated body. Only the
token is cut; digests, ids, identifiers and base64 runs that look alike pass untouched, and
a run of base64 with separators inside reports nothing to validate."""

from __future__ import annotations

import dataclasses
import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeproxy.filters import secrets_named
from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.rules import Rule
from safeproxy.filters.secrets import SECRET_RULES
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

RULE = SECRET_RULES["prefixed_token"]
ALNUM = string.ascii_letters + string.digits
PREFIXES = ["hf_", "npm_", "lin_api_", "phc_", "figd_", "dop_v1_", "sq0csp-", "acme-live-"]


def _detector(rule: Rule = RULE) -> Detector:
    return Detector("secrets", [rule], Normalizer())


ALONE = _detector()
ALL = Detector("secrets", list(SECRET_RULES.values()), Normalizer())
DEFAULT = compile_policies(
    load_settings(bundled_config("default.yaml")).policies,
    Compiler(Normalizer(), Skeleton(skeleton_table()), {}),
)["default"]


def found(text: str, detector: Detector = ALONE) -> list[str]:
    return [text[f.start : f.end] for f in detector.find(text)]


def _body(rng: random.Random, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(28, 60)))


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    "frame", ["{}", "use {} here", "TOKEN={}", "'{}'", '"key": "{}",', "see {}. Then", "({})"]
)
def test_a_prefixed_token_is_cut_alone(prefix: str, frame: str) -> None:
    token = prefix + "Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj"
    text = frame.format(token)
    assert found(text) == [token]


def test_random_bodies_are_found_at_a_high_rate() -> None:
    """Bodies from a real random source, of letters and digits or of letters alone (some
    vendors' bodies have no digits): a miss is a body short on entropy by chance."""
    rng = random.Random(7)
    n, hits = 300, 0
    for i in range(n):
        token = rng.choice(PREFIXES) + _body(rng, ALNUM if i % 2 else string.ascii_letters)
        hits += found(f"export X={token}\n") == [token]
    assert hits >= 0.95 * n


@pytest.mark.parametrize(
    "text",
    [
        # Digests: random, but no secret (lock files, container images).
        '"integrity": "sha512-Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj8Kl0Mn1Pq2Rs3TuVwXyZab12cd"',
        "sha256-Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj8Kl0Mn1Pq2Rs3T",
        "md5_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj",
        # Object ids (Stripe's are 14-24 characters), hashes in lower case, file names.
        "payment pi_3MtwBwLkdIwHu7ix28a3tqPa succeeded",
        "commit_5f3a9c2d1e0b4a6f8c7d9e2b1a0f3c5d7e9b2a4c6 merged",
        "IMG_20240101_1234567890123456789012345678.jpg",
        "ami-0abcdef1234567890abcdef1234567890",
        # Identifiers: words in camelCase or snake_case after a prefix.
        "call get_authenticationTokenForTheCurrentUserSession() now",
        "the file my_document_final_version_2024_with_all_edits.docx",
        "class test_HttpRequestHandlerFactoryBuilder2024",
        # Runs that are not a token's whole: inside a path, a longer run, a dotted run.
        "https://cdn.acme.io/files/doc_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj/view",
        "eyJhbGciOiJIUzI1NiJ9_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj8Kl0Mn1",
        "x.ab_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj.Kq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj",
        "ab_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj+Kq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj==",
        "a-b-c-d-ab_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj",
        # Too long a body to be a token.
        "ab_" + "Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj" * 4,
    ],
)
def test_look_alikes_pass_untouched(text: str) -> None:
    assert found(text, ALL) == []


def test_a_checksum_after_the_body_is_part_of_the_token() -> None:
    """Grafana's service-account tokens end in a CRC-32 after a second `_`
    (`glsa_<32>_<8 hex>`): the token was not reported at all, since its body ended at a
    separator. Random bodies of both cases, random checksums, any prefix."""
    rng = random.Random(11)
    n, hits = 200, 0
    for _ in range(n):
        body = "".join(rng.choice(ALNUM) for _ in range(32))
        token = rng.choice(["glsa_", "acme_", "xyz_sa_"]) + body + f"_{rng.getrandbits(32):08x}"
        hits += found(f"the new one is {token}, rotate it monthly") == [token]
    assert hits >= 0.95 * n
    token = "glsa_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj_a1b2c3d4"
    result = run_stage(DEFAULT.input, [f"grafana: {token} (service account)"])
    assert result.texts == ["grafana: [REDACTED:PREFIXED_TOKEN] (service account)"]


@pytest.mark.parametrize(
    "text",
    [
        # A checksum-like tail only after a generated body of both cases: names, hashes
        # and one-case runs with a hex tail pass.
        "file_0123456789abcdef0123456789abcdef_deadbeef.png",
        "build_abcdefghijklmnopqrstuvwxyzabcd_0a1b2c3d done",
        "IMG_20240101_1234567890123456789012345678_1a2b3c4d.jpg",
        # A tail that is no CRC-32 (not 8 hex digits): the body is no token's whole.
        "x_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj_deadbeefcafe",
        "x_Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj_thumbnail",
    ],
)
def test_hex_tails_of_names_pass(text: str) -> None:
    assert found(text, ALL) == []


def test_a_named_vendor_keeps_its_name() -> None:
    # A GitHub token has a rule of its own: the decision names it, once.
    token = "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"
    result = run_stage(DEFAULT.input, [f"use {token}"])
    assert result.texts == ["use [REDACTED:GITHUB_TOKEN]"]
    assert result.types == ()  # redacted, not blocked


def _counting() -> tuple[Detector, list[int]]:
    calls: list[int] = []
    base = RULE.start_of
    assert base is not None

    def start_of(text: str, end: int) -> int:
        calls.append(end)
        return base(text, end)

    rule = dataclasses.replace(RULE, start_of=start_of)
    return _detector(rule), calls


@given(st.integers(0, 2**32), st.sampled_from(["-_", "-_.", "-_+/=", "-_..", "_"]))
def test_a_base64_run_reports_nothing(seed: int, extra: str) -> None:
    # Separators and full stops inside a run never end a token there: no report to judge,
    # however long the run (the work is counted, not timed).
    rng = random.Random(seed)
    run = "".join(rng.choice(ALNUM + extra) for _ in range(4096))
    detector, calls = _counting()
    detector.find("x " + run.strip("._-") + "+")
    assert calls == []


def test_the_cost_is_one_report_per_token() -> None:
    rng = random.Random(3)
    detector, calls = _counting()
    tokens = [rng.choice(PREFIXES) + _body(rng) for _ in range(20)]
    assert len(detector.find(". ".join(tokens) + ".")) <= 20
    assert len(calls) == 20


@pytest.mark.parametrize("prefix", ["hf_", "lin_api_"])
def test_start_walks_back_over_a_prefix_only(prefix: str) -> None:
    text = "x " + prefix + "Hq8ZtL2mXv9RpK4wBn7YcJ3dAe5Fg6Hj "
    norm = text.lower()
    assert secrets_named._prefixed_start(norm, len(norm)) == 2
    # Glued to a longer run on the left: the middle of something else.
    glued = "abcdefghijklmnopqrstuvwxyz0123456789_" + norm[2:]
    assert secrets_named._prefixed_start(glued, len(glued)) == -1
