"""Canada's SIN, the Netherlands' BSN and France's NIR in the default policy
(national_ids.py, id_checks.py): after a word that names them, in each written form, a valid
number is cut on input and output; a wrong check digit, the same digits without the word,
and the word inside a longer word are no such number.

The valid numbers are computed here by a second hand-written implementation of each
issuer's rule (the generating side, where id_checks.py only checks). Other detectors may
read the same digits (nine digits in threes are a phone number in some regions): the
negative cases ask only that these types are not reported."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters import id_checks
from safeproxy.filters.chain import StageResult, run_stage
from safeproxy.filters.policy import CompiledPolicy

DIGIT = "0123456789"


def sin_of(body: str) -> str:
    """Eight digits and their Luhn digit (double every second digit from the left)."""
    total = 0
    for i, ch in enumerate(body):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return body + str(-total % 10)


def bsn_of(body: str) -> str | None:
    """Eight digits and the last digit that makes the elfproef hold (None: no digit does)."""
    total = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True))
    last = total % 11
    return None if last == 10 else body + str(last)


def nir_of(body: str) -> str:
    """Thirteen characters (2A/2B as Corsica's departments) and their key."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return body + f"{97 - number % 97:02d}"


def _types(result: StageResult) -> set[str]:
    return {t for record in result.records for t in record.types}


def _grouped(value: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(value[at : at + size])
        at += size
    return sep.join(parts)


def test_checks_against_published_examples() -> None:
    assert id_checks.ca_sin("046 454 286") and not id_checks.ca_sin("046 454 287")
    assert id_checks.nl_bsn("111222333") and not id_checks.nl_bsn("111222334")
    assert id_checks.fr_nir("2 55 08 14 168 025 38") and not id_checks.fr_nir("255081416802539")
    assert not id_checks.ca_sin("000000000") and not id_checks.nl_bsn("000000000")
    assert not id_checks.fr_nir("3 55 08 14 168 025 38")  # no sex 3


ATTACKS = [
    ("My SIN is 046 454 286 for the payroll form.", "046 454 286"),
    ("Social insurance number: 046-454-286", "046-454-286"),
    ("NAS : 046454286", "046454286"),
    ("SIN# 046 454 286", "046 454 286"),
    ("Social Insurance Number (SIN) 046 454 286", "046 454 286"),
    ("Mijn BSN is 111222333.", "111222333"),
    ("burgerservicenummer 1112.22.333 (paspoort)", "1112.22.333"),
    ("citizen service number 123456782", "123456782"),
    ("sofi nummer 111222333", "111222333"),
    ("NIR : 2 55 08 14 168 025 38", "2 55 08 14 168 025 38"),
    ("numéro de sécurité sociale 255081416802538", "255081416802538"),
    ("mon numéro de sécu est le 2-55-08-14-168-025-38", "2-55-08-14-168-025-38"),
]


@pytest.mark.parametrize(("text", "value"), ATTACKS)
@pytest.mark.parametrize("stage", ["input", "output"])
def test_a_named_national_id_is_cut(
    policy: CompiledPolicy, stage: str, text: str, value: str
) -> None:
    out = run_stage(getattr(policy, stage), [text]).texts[0]
    assert out is not None and value not in out


LOOK_ALIKES = [
    ("My cousin 046 454 286 called.", "pii.ca_sin"),  # "sin" ending a word
    # Spanish "sin" (without), Portuguese "nas" (in the), a policy's insurance number, code.
    ("Llámame sin falta al 046 454 286", "pii.ca_sin"),
    ("Ligue-me nas próximas horas: 046 454 286", "pii.ca_sin"),
    ("my car insurance number is 046454286", "pii.ca_sin"),
    ("x = sin(046454286)", "pii.ca_sin"),
    ("Invoice 123456782 was paid.", "pii.nl_bsn"),  # no word names it
    ("BSN 123456789 fails the elfproef", "pii.nl_bsn"),
    ("SIN 046 454 287", "pii.ca_sin"),  # Luhn fails
    ("NIR 1 85 05 78 006 084 36", "pii.fr_nir"),  # the key is 91
    ("nir 1 85 13 78 006 084 91", "pii.fr_nir"),  # month 13
    ("sécurité sociale: 1 85 05 78 006 084 912", "pii.fr_nir"),  # a longer number
]


@pytest.mark.parametrize(("text", "kind"), LOOK_ALIKES)
def test_a_look_alike_is_no_such_number(policy: CompiledPolicy, text: str, kind: str) -> None:
    assert kind not in _types(run_stage(policy.input, [text]))


@st.composite
def sin_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    body = draw(st.text(DIGIT, min_size=8, max_size=8))
    number = sin_of(body)
    assume(len(set(number)) > 1)
    bad = number[:8] + draw(st.sampled_from([d for d in DIGIT if d != number[8]]))
    sep = draw(st.sampled_from(["", " ", "-"]))
    frame = draw(st.sampled_from(["SIN {}", "my sin: {}.", "social insurance number ({})"]))
    return frame, _grouped(number, (3, 3, 3), sep), _grouped(bad, (3, 3, 3), sep)


@st.composite
def bsn_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    body = draw(st.text(DIGIT, min_size=8, max_size=8))
    number = bsn_of(body)
    assume(number is not None and len(set(number)) > 1)
    assert number is not None
    bad = number[:8] + draw(st.sampled_from([d for d in DIGIT if d != number[8]]))
    sep = draw(st.sampled_from(["", ".", " "]))
    frame = draw(st.sampled_from(["BSN {}", "burgerservicenummer: {}.", "mijn sofinummer is {}"]))
    return frame, _grouped(number, (4, 2, 3), sep), _grouped(bad, (4, 2, 3), sep)


@st.composite
def nir_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    sex = draw(st.sampled_from("12"))
    year = draw(st.text(DIGIT, min_size=2, max_size=2))
    month = f"{draw(st.integers(1, 12)):02d}"
    dept = draw(st.sampled_from(["75", "13", "2A", "2B", "69", "99"]))
    rest = draw(st.text(DIGIT, min_size=6, max_size=6))
    number = nir_of(sex + year + month + dept + rest)
    key = int(number[13:])
    bad = number[:13] + f"{(key + draw(st.integers(1, 96))) % 97:02d}"
    sep = draw(st.sampled_from(["", " ", "-"]))
    frame = draw(st.sampled_from(["NIR {}", "numéro de sécurité sociale : {}", "INSEE {}."]))
    sizes = (1, 2, 2, 2, 3, 3, 2)
    return frame, _grouped(number, sizes, sep), _grouped(bad, sizes, sep)


@settings(max_examples=60, deadline=None)
@given(st.one_of(sin_texts(), bsn_texts(), nir_texts()))
def test_any_valid_number_after_its_word_is_cut_and_a_wrong_check_is_not(
    policy: CompiledPolicy, sample: tuple[str, str, str]
) -> None:
    frame, good, bad = sample
    out = run_stage(policy.input, [frame.format(good)]).texts[0]
    assert out is not None and good not in out
    found = _types(run_stage(policy.input, [frame.format(bad)]))
    assert not found & {"pii.ca_sin", "pii.nl_bsn", "pii.fr_nir"}
