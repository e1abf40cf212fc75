"""Wallet secrets (filters/secrets_wallet.py): seed phrases made by Trezor's reference BIP-39
implementation (`mnemonic`) are cut after their name, in every written form and through any
stream split; WIF and hex private keys are cut after a key's name; prose about seed
phrases, spelling lists, addresses and hashes pass."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detect import Detector
from safeproxy.filters.holdback import Redact, StreamRedactor, apply
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.secrets import SECRET_KINDS
from safeproxy.filters.secrets_wallet import SeedPhrase, load_words
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings
from safeproxy.settings.policy import ALL_SECRETS
from scripts import build_seed_words as build

BIP39 = Mnemonic("english")
WORDS = load_words()
ALL = Detector("all", [r for k in ALL_SECRETS for r in SECRET_KINDS[k]], Normalizer())
WALLET = Detector("wallet", list(SECRET_KINDS["wallet"]), Normalizer())
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    config = load_settings(bundled_config("default.yaml"))
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(config.policies, compiler)["default"]


def _redacted(detector: Detector, text: str) -> str:
    return apply(text, detector.find(text), Redact()).text


def _seed(entropy: bytes) -> list[str]:
    return str(BIP39.to_mnemonic(entropy)).split()


def _b58check(payload: bytes) -> str:
    """Base58Check, written here from the definition (not the module's decoder)."""
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\x00"))) + out


def _leaks(words: list[str], out: str) -> bool:
    """Whether the run of seed words reached the text: any three of them in a row."""
    flat = " ".join(out.lower().split())
    return any(" ".join(words[i : i + 3]) in flat for i in range(len(words) - 2))


def test_the_committed_list_is_what_the_script_builds() -> None:
    assert build.OUT.read_text(encoding="utf-8") == build.render(build.words())
    assert tuple(BIP39.wordlist) == WORDS


def test_the_checksum_agrees_with_the_reference_implementation() -> None:
    seed = SeedPhrase(WORDS)
    rng = random.Random(7)
    for _ in range(400):
        words = [rng.choice(WORDS) for _ in range(rng.choice((12, 15, 18, 21, 24)))]
        assert seed.valid(words) == BIP39.check(" ".join(words)), words


FORMS = [
    lambda w: " ".join(w),
    lambda w: "\n".join(f"{i}. {x}" for i, x in enumerate(w, 1)),
    lambda w: ", ".join(w),
    lambda w: " ".join(w).upper(),
    lambda w: "\n".join(f"{i}) {x}" for i, x in enumerate(w, 1)),
]
LEADS = [
    "My seed phrase is: {}",
    "here is the mnemonic for my ledger -> {}",
    "Secret Recovery Phrase:\n{}\n(keep this safe)",
    "wallet backup: '{}'",
    'seed = "{}"',
    "BIP39 words: {}",
    "Can you check whether these 12 words are valid? {}",
]


@pytest.mark.parametrize("lead", LEADS)
@pytest.mark.parametrize("form", range(len(FORMS)))
@pytest.mark.parametrize("stage", ["input", "output"])
def test_a_seed_phrase_is_cut_in_every_form(
    policy: CompiledPolicy, lead: str, form: int, stage: str
) -> None:
    words = _seed(bytes(range(16, 32)))
    text = lead.format(FORMS[form](words))
    result = run_stage(
        policy.input if stage == "input" else policy.output, [text], clock=lambda: 0.0
    )
    out = result.texts[0]  # None: unchanged
    assert not result.blocked and out is not None and not _leaks(words, out), out
    assert "[REDACTED:" in out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entropy=st.sampled_from((16, 20, 24, 28, 32)).flatmap(
        lambda n: st.binary(min_size=n, max_size=n)
    ),
    cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=12),
)
def test_a_seed_phrase_never_leaks_from_a_stream_however_it_is_split(
    entropy: bytes, cuts: list[int]
) -> None:
    words = _seed(entropy)
    text = f"Sure. Your recovery phrase is {' '.join(words)} and nothing else."
    points = sorted({c % len(text) for c in cuts} | {0, len(text)})
    stream = StreamRedactor(ALL, Redact())
    streamed = "".join(stream.feed(text[a:b]) for a, b in itertools.pairwise(points)) + stream.end()
    assert not _leaks(words, streamed), streamed
    assert streamed == _redacted(ALL, text)


def test_after_a_word_that_names_any_list_only_a_checksummed_run_counts() -> None:
    seed = SeedPhrase(WORDS)
    rng = random.Random(3)
    made_up = next(
        w
        for w in ([rng.choice(WORDS) for _ in range(12)] for _ in range(100))
        if not seed.checksum(" ".join(w))
    )
    valid = _seed(bytes(16))
    assert _redacted(WALLET, "Spelling words: " + " ".join(made_up)).endswith(made_up[-1])
    assert not _leaks(valid, _redacted(WALLET, "Spelling words: " + " ".join(valid)))
    # After the name of a seed, the words alone say it: a seed typed from memory may be wrong.
    assert not _leaks(made_up, _redacted(WALLET, "my seed: " + " ".join(made_up)))


BENIGN = [
    "Never share your seed phrase with anyone; write the 12 words on paper and store them.",
    "Set the random seed to 42 before you shuffle the dataset.",
    "Seed the database with test data: users, orders and products for the demo account.",
    "Recovery steps: restart the service, check the logs, then restore the backup from Monday.",
    "The phrase 'abandon all hope' is from Dante's Inferno, about the gate of hell.",
    "Words to practise this week: apple, banana, cherry, grape, lemon, mango, melon, olive.",
    "wallet address 0x742d35Cc6634C0532925a3b844Bc454e4438f44e (public, you can send to it)",
    "tx hash 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "The backup job wrote 12 files: about above absent absorb abstract absurd abuse access",
]


@pytest.mark.parametrize("text", BENIGN)
def test_talk_about_wallets_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text], clock=lambda: 0.0)
    assert not result.blocked and not result.changed, result.texts[0]


def test_prose_about_seeds_flows_in_a_stream() -> None:
    """The hold reaches back to a name only while its run can still come: over the four
    words that may stand before the run, not over the rule's whole reach (480)."""
    prose = "Your seed phrase is the master key to the wallet, so keep it offline. " * 4
    stream = StreamRedactor(ALL, Redact())
    for ch in prose:
        stream.feed(ch)
    assert stream.max_held <= 40


@pytest.mark.parametrize(
    "template",
    [
        "my seed: {a}. my other wallet seed: {b}. thanks",
        "seed one: {a}\nseed two: {b}",
        "backup words {a} and the recovery phrase {b}",
        "Mnemonic {a} | mnemonic {b}",
    ],
)
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=32, max_size=32))
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_seed_phrase_of_a_message_is_cut(
    policy: CompiledPolicy, template: str, first: bytes, second: bytes
) -> None:
    """Two seeds in one message are two findings, however near (the second used to pass
    whole, inside the first one's candidate), and a second glued on by list words ("seed",
    "one" and "two" are on the list) leaves none of its words after the first's 24."""
    a, b = _seed(first), _seed(second)
    text = template.format(a=" ".join(a), b=" ".join(b))
    out = run_stage(policy.input, [text], clock=lambda: 0.0).texts[0]
    assert out is not None
    assert not _leaks(a, out) and not _leaks(b, out), out
    assert b[-1] not in out.lower().split()[-1], out
    stream = StreamRedactor(ALL, Redact())
    streamed = "".join(stream.feed(text[i : i + 7]) for i in range(0, len(text), 7))
    assert streamed + stream.end() == _redacted(ALL, text)


def test_prose_naming_seeds_passes_and_costs_a_search_per_name() -> None:
    """A gardening text says "seeds" every few lines, and runs of a dozen words of three
    letters or more follow. Each name cost a dozen start searches, one per engine end, and
    64 KB of it ran out of the scan's allowance (blocked under the default policy). Counts
    work, not time: one start search per name at most, and nothing found."""
    unit = (
        "Soak the bean seeds overnight, then plant them along the south fence where the "
        "soil stays warm. Keep pumpkin seeds apart from squash because they cross easily. "
        "Water gently every morning, cover young plants against birds, and mark each row. "
    )
    text = unit * (64 * 1024 // len(unit))
    rule = next(r for r in SECRET_KINDS["wallet"] if r.start_of is not None)
    calls = 0

    def counted(t: str, end: int) -> int:
        nonlocal calls
        calls += 1
        assert rule.start_of is not None
        return rule.start_of(t, end)

    detector = Detector("wallet", [dataclasses.replace(rule, start_of=counted)], Normalizer())
    assert detector.find(text) == []
    assert 0 < calls <= text.count("seeds")


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(
    "lead", ["bitcoin private key {}", "my wif key: {}", "privkey={}", "WIF: {}", "wif={}"]
)
def test_a_wif_key_after_a_key_word_is_cut(policy: CompiledPolicy, seed: int, lead: str) -> None:
    rng = random.Random(seed)
    wif = _b58check(b"\x80" + rng.randbytes(32) + b"\x01")
    out = run_stage(policy.input, [lead.format(wif)], clock=lambda: 0.0).texts[0]
    assert out is not None and wif not in out, out


HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


@pytest.mark.parametrize(
    "text",
    [
        f"eth private key 0x{HEX_KEY}",
        f"PRIVATE_KEY=0x{HEX_KEY}",
        f"my wallet key is {HEX_KEY}",
        f"AES key: {HEX_KEY[:32]}",
        f"signing key {HEX_KEY}",
    ],
)
def test_a_hex_key_after_a_wallet_or_cipher_key_name_is_cut(
    policy: CompiledPolicy, text: str
) -> None:
    out = run_stage(policy.input, [text], clock=lambda: 0.0).texts[0]
    assert out is not None and HEX_KEY[:32] not in out, out
