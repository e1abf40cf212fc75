"""Card numbers with commas between their four groups (pii.CARD_COMMAS) and Maestro's
ranges (validators.card_number): cut when they pass Luhn with an issuer's prefix and stand
alone; rows of a CSV, years, and numbers that fail Luhn pass."""

from __future__ import annotations

import random

import pytest

from safeproxy.filters import validators as v
from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

RNG = random.Random(11)


def _card(prefix: str, length: int) -> str:
    while True:
        body = prefix + "".join(RNG.choice("0123456789") for _ in range(length - len(prefix) - 1))
        for check in "0123456789":
            if v.luhn(body + check) and len(set(body)) > 3:
                return body + check


def _commas(number: str) -> str:
    return ",".join(number[i : i + 4] for i in range(0, 16, 4))


COMMA_CARDS = [_commas(_card(p, 16)) for p in ("4", "51", "55", "6011", "2221", "4")]


@pytest.mark.parametrize("card", COMMA_CARDS)
@pytest.mark.parametrize("frame", ["CC: {}", "card no {}.", "{}", "my visa ({}) expires 04/29"])
def test_a_card_with_commas_is_cut(policy: CompiledPolicy, card: str, frame: str) -> None:
    result = run_stage(policy.input, [frame.format(card)])
    assert result.changed or result.blocked
    assert card not in (result.texts[0] or "")


@pytest.mark.parametrize("prefix", ["6759", "6761", "6304", "5018", "5893"])
@pytest.mark.parametrize("length", [16, 18, 19])
def test_a_maestro_card_is_cut(policy: CompiledPolicy, prefix: str, length: int) -> None:
    number = _card(prefix, length)
    result = run_stage(policy.input, [f"Maestro {number} exp 09/28"])
    assert result.changed or result.blocked
    assert number not in (result.texts[0] or "")


def _not_luhn(number: str) -> str:
    last = str((int(number[-1]) + 1) % 10)
    return number[:-1] + last


BENIGN = [
    "2019,2020,2021,2022",
    "year,q1,q2,q3\n2024,1200,1350,1410",
    "1," + COMMA_CARDS[0],
    COMMA_CARDS[0] + ",7",
    "ids: 1001,1002,1003,1004",
    _commas(_not_luhn(_card("4", 16))),
    "4111,111,1111,1111",
    "order 6759 pieces, ref 1234",
]


@pytest.mark.parametrize("text", BENIGN)
def test_a_list_of_numbers_passes(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text])
    assert not result.changed and not result.blocked, result.texts
