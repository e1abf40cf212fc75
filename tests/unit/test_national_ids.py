"""National identity numbers in the default policy (national_ids.py, id_checks.py): valid
numbers in every accepted form are cut on input and output; numbers whose check fails, and
the shapes other identifiers share (order numbers, tracking numbers, product codes, phone
and card numbers, postcodes, plates), pass untouched.

The valid numbers are computed here, by a second hand-written implementation of each
issuer's rule (the generating side, where id_checks.py only checks)."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters import id_checks
from safeproxy.filters.chain import run_stage
from safeproxy.filters.policy import CompiledPolicy

RNG = random.Random(2026)
DNI_TABLE = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_letter_number(number: str) -> str:
    return {"X": "0", "Y": "1", "Z": "2"}.get(number[0], number[0]) + number[1:]


def dni_letter(number: str) -> str:
    return DNI_TABLE[int(dni_letter_number(number)) % 23]


def mod11(body: str, first_weight: int) -> str:
    total = sum(int(d) * w for d, w in zip(body, range(first_weight, 1, -1), strict=True))
    return "0" if total % 11 < 2 else str(11 - total % 11)


def cpf_of(body: str) -> str:
    first = mod11(body, 10)
    return body + first + mod11(body + first, 11)


def cnpj_of(body: str) -> str:
    def check(digits: str) -> str:
        weights = [*range(len(digits) - 7, 1, -1), *range(9, 1, -1)]
        total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
        return "0" if total % 11 < 2 else str(11 - total % 11)

    first = check(body)
    return body + first + check(body + first)


# Verhoeff, generating side: the check digit is the inverse of the product so far.
_D_TABLE = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]  # fmt: skip
_P_TABLE = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]  # fmt: skip
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def aadhaar_of(body: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = _D_TABLE[c][_P_TABLE[(i + 1) % 8][int(ch)]]
    return body + str(_INV[c])


def digits(n: int) -> str:
    return "".join(RNG.choice("0123456789") for _ in range(n))


def wrong(check: str, alphabet: str = "0123456789") -> str:
    return RNG.choice([c for c in alphabet if c != check])


# --- values --------------------------------------------------------------------------------

DNIS = [(n := str(RNG.randrange(10**7, 10**8))) + dni_letter(n) for _ in range(4)]
NIES = [(n := RNG.choice("XYZ") + digits(7)) + dni_letter(n) for _ in range(3)]
CPFS = [cpf_of(str(RNG.randrange(10**8, 10**9))) for _ in range(4)]
CNPJS = [cnpj_of(str(RNG.randrange(10**7, 10**8)) + "0001") for _ in range(2)]
AADHAARS = [aadhaar_of(str(RNG.randrange(2 * 10**10, 10**11))) for _ in range(4)]


def cpf_dotted(n: str) -> str:
    return f"{n[:3]}.{n[3:6]}.{n[6:9]}-{n[9:]}"


def cnpj_dotted(n: str) -> str:
    return f"{n[:2]}.{n[2:5]}.{n[5:8]}/{n[8:12]}-{n[12:]}"


def grouped(n: str, sep: str) -> str:
    return sep.join((n[:4], n[4:8], n[8:]))


ATTACKS = [
    # Spain: DNI glued, hyphenated, dotted, apart by a space (in capitals); NIE with dashes.
    (f"Mi DNI es {DNIS[0]}, gracias", DNIS[0]),
    (f"{DNIS[1][:8]}-{DNIS[1][8]} es el titular", f"{DNIS[1][:8]}-{DNIS[1][8]}"),
    (f"documento {DNIS[2][:2]}.{DNIS[2][2:5]}.{DNIS[2][5:8]}-{DNIS[2][8]}", DNIS[2][2:5]),
    (f"titular: {DNIS[3][:8]} {DNIS[3][8]}.", f"{DNIS[3][:8]} {DNIS[3][8]}"),
    (f"NIE {NIES[0]} caduca en junio", NIES[0]),
    (f"su nie: {NIES[1][0]}-{NIES[1][1:8]}-{NIES[1][8]}", NIES[1][1:8]),
    (f"nie {NIES[2].lower()}", NIES[2].lower()),
    # Brazil: CPF dotted anywhere, bare after "CPF"; CNPJ the same.
    (f"o cpf dele é {cpf_dotted(CPFS[0])} ok", cpf_dotted(CPFS[0])),
    (f"{cpf_dotted(CPFS[1])} (titular da conta)", cpf_dotted(CPFS[1])),
    (f"CPF: {CPFS[2]}", CPFS[2]),
    (f"meu C.P.F. n° {CPFS[3]}", CPFS[3]),
    (f"razão social ACME, {cnpj_dotted(CNPJS[0])}", cnpj_dotted(CNPJS[0])),
    (f"CNPJ {CNPJS[1]} ativo", CNPJS[1]),
    # India: Aadhaar grouped or bare after a word that names it.
    (f"my aadhaar {grouped(AADHAARS[0], ' ')} please verify", grouped(AADHAARS[0], " ")),
    # Followed by a group of another length: no card's fourth group (a property test's find).
    (f"aadhaar {grouped(AADHAARS[1], ' ')} 00000000", grouped(AADHAARS[1], " ")),
    # Or by a fourth group of four that makes no card (another property test's find).
    ("aadhaar 2000 0000 0009 0000", "2000 0000 0009"),
    (f"Aadhar card no. {grouped(AADHAARS[1], '-')}", grouped(AADHAARS[1], "-")),
    (f"UIDAI number: {AADHAARS[2]}", AADHAARS[2]),
    (f"आधार: {grouped(AADHAARS[3], ' ')}", grouped(AADHAARS[3], " ")),
    # India: PAN after its name.
    ("PAN: BQRPK4821M", "BQRPK4821M"),
    ("my pan is aawfs9013q", "aawfs9013q"),
    ("Permanent Account Number - CZLHT0457B, assessed", "CZLHT0457B"),
    # UK: NINO (no check) after its name only.
    ("NI: JT 48 21 93 B starts Monday", "JT 48 21 93 B"),
    ("NI number: jt482193b", "jt482193b"),
    ("my national insurance no is TN 31 22 07 D", "TN 31 22 07 D"),
    ("NINO -> HX-10-20-30-C", "HX-10-20-30-C"),
    ("NI: AB 123456 C", "AB 123456 C"),
]


@pytest.mark.parametrize(("text", "value"), ATTACKS)
@pytest.mark.parametrize("stage", ["input", "output"])
def test_a_national_id_is_cut(policy: CompiledPolicy, stage: str, text: str, value: str) -> None:
    result = run_stage(getattr(policy, stage), [text])
    out = result.texts[0]
    assert out is not None and "[REDACTED:" in out
    assert value not in out


BENIGN = [
    # Numbers whose check fails, in an id's written form.
    f"Batch {cpf_dotted(CPFS[0][:10] + wrong(CPFS[0][10]))} failed QC.",
    f"Serial {DNIS[0][:8]}-{wrong(DNIS[0][8], DNI_TABLE)} rejected.",
    f"ref {DNIS[1][:8]}{wrong(DNIS[1][8], DNI_TABLE)} closed",
    f"aadhaar {grouped(AADHAARS[0][:11] + wrong(AADHAARS[0][11]), ' ')} is wrong",
    f"CPF {CPFS[1][:9]}{wrong(CPFS[1][9])}{CPFS[1][10]} invalid",
    "CPF 111.111.111-11 is a placeholder in the form",
    # The shapes other identifiers share.
    f"FedEx tracking {grouped(AADHAARS[2], ' ')} arrives Thursday.",
    f"Gift card {grouped(AADHAARS[3], '-')} has 20 EUR left.",
    f"Pedido {CPFS[2]} entregue ontem.",
    f"Nota fiscal {CNPJS[0]} emitida.",
    f"order id {AADHAARS[1]} shipped",
    "SKU ABCPE1234F is out of stock.",
    "The Japanese company panel listed KLMNP1234Q as a part.",
    "Product code ab123456c ships in blue; CE209876A in red.",
    "Temporary ref GB123456A and ZZ 12 34 56 A were issued.",
    "Flight BA 1234 departs at 09:40, then QF 12 from Heathrow.",
    "Send it to SW1A 1AA, London; the depot is at M1 1AE.",
    "My car plate is AB12 CDE and the van is LR69 XYZ.",
    "ISBN 978-0-306-40615-7, or 9780306406157.",
    "The log shows 2024-03-15T12:34:56Z; epoch 1710505896123.",
    "We sold 20000000 a year; los números 12345678 y 23456789 se repiten.",
    "Build 20231105-b passed; version 12.345.678-rc1 ships Friday.",
    f"INV-{DNIS[2]} and {DNIS[3]}.pdf are attached.",
    "The commit a1b2c3d4e5f6 fixed it; sha 3f786850e387550fdab836ed7e6dc881de23001b.",
    "Meeting id 842 4287 6539 for Zoom.",
    f"Matrix {grouped(AADHAARS[0], '-')}-5678 is the license key.",
    "Tabela: 1234 5678 9012 3456 7890",
    "Tracking 1Z999AA10123456784 arrived.",
]


@pytest.mark.parametrize("text", BENIGN)
@pytest.mark.parametrize("stage", ["input", "output"])
def test_a_look_alike_passes(policy: CompiledPolicy, stage: str, text: str) -> None:
    result = run_stage(getattr(policy, stage), [text])
    assert not result.blocked
    assert result.texts[0] is None, result.texts[0]


def test_a_card_after_an_aadhaar_word_is_still_a_card(policy: CompiledPolicy) -> None:
    result = run_stage(policy.input, ["aadhaar 4111 1111 1111 1111"])
    assert result.texts[0] == "aadhaar [REDACTED:CREDIT_CARD]"
    assert result.found is not None
    assert {f.type for found in result.found for f in found} == {"pii.credit_card"}


def test_checks_against_published_examples() -> None:
    assert id_checks.verhoeff("2363") and id_checks.verhoeff("1428570")
    assert not id_checks.verhoeff("2364") and not id_checks.verhoeff("1428750")
    assert id_checks.cnpj("11.222.333/0001-81") and not id_checks.cnpj("11.222.333/0001-82")
    assert id_checks.dni("00000001", "R") and not id_checks.dni("00000001", "T")
    assert not id_checks.cpf("000.000.000-00")  # passes the checks: one digit repeated
    assert not id_checks.nino_prefix("QQ") and not id_checks.nino_prefix("BG")
    assert id_checks.pan("AAAPA0001A") and not id_checks.pan("AAADA0001A")


# --- properties: any valid number in any accepted form is cut; one wrong check passes ------


@st.composite
def cpf_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    body = draw(st.text("0123456789", min_size=9, max_size=9).filter(lambda b: len(set(b)) > 1))
    number = cpf_of(body)
    bad = number[:10] + draw(st.sampled_from([d for d in "0123456789" if d != number[10]]))
    frame = draw(st.sampled_from(["{}", "cpf: {}.", "titular {} (conta)", "({})"]))
    return frame, cpf_dotted(number), cpf_dotted(bad)


@settings(max_examples=60, deadline=None)
@given(cpf_texts())
def test_any_valid_cpf_is_cut_and_a_wrong_check_is_not(
    policy: CompiledPolicy, sample: tuple[str, str, str]
) -> None:
    frame, good, bad = sample
    out = run_stage(policy.input, [frame.format(good)]).texts[0]
    assert out is not None and good not in out
    assert run_stage(policy.input, [frame.format(bad)]).texts[0] is None


@st.composite
def dni_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    first = draw(st.sampled_from(["", "X", "Y", "Z"]))
    body = first + draw(st.text("0123456789", min_size=8 - len(first), max_size=8 - len(first)))
    assume(len(set(dni_letter_number(body))) > 1)  # one digit repeated: no number
    letter = dni_letter(body)
    bad = draw(st.sampled_from([c for c in DNI_TABLE if c != letter]))
    sep = draw(st.sampled_from(["", "-", " "]))
    frame = draw(st.sampled_from(["{}", "DNI {}.", "mi nie es {} ok", "[{}]"]))
    return frame, body + sep + letter, body + sep + bad


@settings(max_examples=60, deadline=None)
@given(dni_texts())
def test_any_valid_dni_or_nie_is_cut_and_a_wrong_letter_is_not(
    policy: CompiledPolicy, sample: tuple[str, str, str]
) -> None:
    frame, good, bad = sample
    out = run_stage(policy.input, [frame.format(good)]).texts[0]
    assert out is not None and good not in out
    assert run_stage(policy.input, [frame.format(bad)]).texts[0] is None


@st.composite
def aadhaar_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    body = draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=10, max_size=10))
    number = aadhaar_of(body)
    assume(number[:4] * 3 != number)  # one group repeated: no number
    bad = number[:11] + draw(st.sampled_from([d for d in "0123456789" if d != number[11]]))
    sep = draw(st.sampled_from([" ", "-"]))
    word = draw(st.sampled_from(["aadhaar", "Aadhar no.", "UID:", "आधार"]))
    return word + " {} ok", grouped(number, sep), grouped(bad, sep)


@settings(max_examples=60, deadline=None)
@given(aadhaar_texts())
def test_any_valid_aadhaar_is_cut_and_a_wrong_check_is_not(
    policy: CompiledPolicy, sample: tuple[str, str, str]
) -> None:
    frame, good, bad = sample
    out = run_stage(policy.input, [frame.format(good)]).texts[0]
    assert out is not None and good not in out
    assert run_stage(policy.input, [frame.format(bad)]).texts[0] is None


_ID_GLUE = [" ", "-", ".", "/", "Z", "X", "C", "QQ ", "aadhaar ", "CPF ", "DNI ", "PAN ",
            "NINO ", "pi ≈ ", "\n", "²", "٣", ""]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.text("0123456789", min_size=1, max_size=15), st.sampled_from(_ID_GLUE)),
        max_size=12,
    ).map(lambda parts: "".join(digits + glue for digits, glue in parts))
)
def test_no_run_of_id_characters_is_a_filter_error(policy: CompiledPolicy, text: str) -> None:
    # A twelve-digit run reached the grouped Aadhaar refiner, which read fourteen
    # characters: every text with such a run (pi's digits) failed closed.
    assert run_stage(policy.input, [text]).reason != "filter_error"
    assert run_stage(policy.output, [text]).reason != "filter_error"
