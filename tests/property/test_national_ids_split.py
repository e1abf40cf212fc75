"""National ids in a streamed reply: however the upstream splits the text and the network
splits the bytes, no valid number reaches the client (a value split across chunks is held
until it is decided: the digits before the letter of a DNI, the prefix letters and digit
pairs of a NINO), and what the client assembles equals the non-streaming result."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from tests.property.test_stream_filter_split import _cut, _policy, _text_of, _through_hook, _wire
from tests.unit.test_national_ids import (
    DNI_TABLE,
    aadhaar_of,
    cpf_dotted,
    cpf_of,
    dni_letter,
    dni_letter_number,
)
from tests.unit.test_national_ids_named import bsn_of, nir_of, sin_of

POLICY = _policy(
    [{"type": "pii", "entities": ["phone", "credit_card", "uk_nino", "es_dni", "br_cpf",
                                  "in_aadhaar", "in_pan", "ca_sin", "nl_bsn", "fr_nir"]}]
)  # fmt: skip
FILLER = st.text(alphabet=st.sampled_from([*"abc xyz.,-:0123456789\n", "é"]), max_size=16)
DIGITS = "0123456789"


@st.composite
def values(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["dni", "nie", "nino", "cpf", "aadhaar", "pan", "sin", "bsn", "nir"])
    )
    if kind == "sin":
        number = sin_of(draw(st.text(DIGITS, min_size=8, max_size=8)))
        assume(len(set(number)) > 1)
        return f"SIN {number[:3]} {number[3:6]} {number[6:]}"
    if kind == "bsn":
        bsn = bsn_of(draw(st.text(DIGITS, min_size=8, max_size=8)))
        assume(bsn is not None and len(set(bsn)) > 1)
        assert bsn is not None
        return f"BSN {bsn[:4]}.{bsn[4:6]}.{bsn[6:]}"
    if kind == "nir":
        body = draw(st.sampled_from("12")) + draw(st.text(DIGITS, min_size=2, max_size=2))
        body += f"{draw(st.integers(1, 12)):02d}" + draw(st.sampled_from(["75", "2A", "2B"]))
        nir = nir_of(body + draw(st.text(DIGITS, min_size=6, max_size=6)))
        return "NIR " + " ".join(
            [nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]
        )
    if kind == "dni":
        body = draw(st.text(DIGITS, min_size=8, max_size=8))
        assume(len(set(body)) > 1)
        return body + draw(st.sampled_from(["", "-", " "])) + dni_letter(body)
    if kind == "nie":
        body = draw(st.sampled_from("XYZ")) + draw(st.text(DIGITS, min_size=7, max_size=7))
        assume(len(set(dni_letter_number(body))) > 1)
        return f"NIE {body[0]}-{body[1:]}-{dni_letter(body)}"
    if kind == "nino":
        pairs = [draw(st.text(DIGITS, min_size=2, max_size=2)) for _ in range(3)]
        return "NI no. " + " ".join(["JT", *pairs, draw(st.sampled_from("ABCD"))])
    if kind == "cpf":
        body = draw(st.text(DIGITS, min_size=9, max_size=9))
        assume(len(set(body)) > 1)
        return cpf_dotted(cpf_of(body))
    if kind == "aadhaar":
        number = aadhaar_of(
            draw(st.sampled_from("23456789")) + draw(st.text(DIGITS, min_size=10, max_size=10))
        )
        assume(number[:4] * 3 != number)
        return f"aadhaar {number[:4]} {number[4:8]} {number[8:]}"
    letters = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4))
    digits = draw(st.text(DIGITS, min_size=4, max_size=4))
    assume(digits != "0000")
    return f"PAN {letters[:3]}P{letters[3]}{digits}{draw(st.sampled_from(DNI_TABLE))}"


def _without_word(value: str) -> str:
    """The value a reply shows, without the word drawn before it ("NI no.", "PAN")."""
    if value.startswith("NI no. "):
        return value.removeprefix("NI no. ")
    named = ("NIE", "PAN", "aad", "SIN", "BSN", "NIR")
    return value.split(" ", 1)[1] if value[:3] in named else value


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    shown: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        value = draw(values())
        shown.append(_without_word(value))
        parts += [draw(FILLER), " ", value, " "]
    parts.append(draw(FILLER))
    return "".join(parts), shown


@settings(max_examples=150, deadline=None)
@given(replies(), st.lists(st.integers(0, 200), max_size=30), st.lists(st.integers(0, 2000)))
def test_a_national_id_never_reaches_the_client_whatever_the_split(
    sample: tuple[str, list[str]], text_cuts: list[int], byte_cuts: list[int]
) -> None:
    text, shown = sample
    whole = run_stage(POLICY.output, [text]).texts[0]
    assert whole is not None
    for value in shown:
        assert value not in whole
    events = _through_hook(POLICY, _wire(_cut(text, text_cuts)), byte_cuts)
    received, _finishes = _text_of(events)
    assert received == whole
