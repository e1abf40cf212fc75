"""Numbers and addresses whose parts stand apart by an underscore, a slash, a middle dot or a
bullet read as the same value to a person and a model, so the default policy cuts them as it
cuts the dashed and dotted ones; dates, paths, versions and identifiers written that way pass."""

from __future__ import annotations

import pytest

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

# Middle dot, bullet, Greek ano teleia, dot operator, katakana middle dot (and its half-width).
DOTS = ["\u00b7", "\u2022", "\u0387", "\u22c5", "\u30fb", "\uff65"]


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    settings = load_settings(bundled_config("default.yaml"))
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(settings.policies, compiler)["default"]


def _cases() -> list[object]:
    out: list[object] = []
    for sep in ["_", "/", *DOTS]:
        name = f"U+{ord(sep):04X}"
        out += [
            pytest.param("card", sep.join(["4111", "1111", "1111", "1111"]), "CREDIT_CARD",
                         id=f"card-{name}"),
            pytest.param("ssn", sep.join(["123", "45", "6789"]), "SSN", id=f"ssn-{name}"),
        ]  # fmt: skip
    for sep in DOTS:
        name = f"U+{ord(sep):04X}"
        out += [
            pytest.param("mail", f"jane{sep}doe@acme-corp{sep}io", "EMAIL", id=f"email-{name}"),
            pytest.param("call", sep.join(["(415)", "555", "2671"]), "PHONE", id=f"phone-{name}"),
        ]
    return out


@pytest.mark.parametrize("stage", ["input", "output"])
@pytest.mark.parametrize(("word", "value", "label"), _cases())
def test_a_value_with_other_separators_is_cut(
    policy: CompiledPolicy, stage: str, word: str, value: str, label: str
) -> None:
    text = f"my {word} is {value} thanks"
    result = run_stage(policy.input if stage == "input" else policy.output, [text])
    assert not result.blocked
    assert result.texts[0] == f"my {word} is [REDACTED:{label}] thanks"


@pytest.mark.parametrize("stage", ["input", "output"])
@pytest.mark.parametrize(
    "text",
    [
        "Released 2024/05/06, build 2024_05_06_1234, see /srv/data/2024/05/06/",
        "version 1.2.3 \u00b7 12 files \u00b7 345 lines \u2022 6789 words",
        "pages 1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16",
        "\u2022 item 1\n\u2022 item 22\n\u2022 item 333",
        "\u30b8\u30e7\u30f3\u30fb\u30b9\u30df\u30b9\u3055\u3093\u306e\u756a\u53f7\u306f 12\u30fb34",
        "ratio 3/4, fraction 12/25, score 100/100",
    ],
)
def test_look_alikes_pass(policy: CompiledPolicy, stage: str, text: str) -> None:
    result = run_stage(policy.input if stage == "input" else policy.output, [text])
    assert not result.blocked and result.texts == [None]
