"""Identity numbers read by the name of their document, and dates of birth
(filters/id_documents.py): cut through the default policy in input and output, whatever the
country's format and however a stream splits them; look-alikes (a photo's size, a year, a
licence class, a form's placeholder, an order id, a historical birth) pass."""

from __future__ import annotations

import datetime
import itertools
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.detect import Detector
from safeproxy.filters.holdback import Redact, StreamRedactor, apply
from safeproxy.filters.id_documents import DOCUMENT_RULES, placeholder
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings

RULES = Detector("documents", list(DOCUMENT_RULES.values()), Normalizer())


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    config = load_settings(bundled_config("default.yaml"))
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(config.policies, compiler)["default"]


def _redacted(text: str) -> str:
    return apply(text, RULES.find(text), Redact()).text


# (text, the value as written in it)
FOUND = [
    ("passport number X12345678 issued in 2019", "X12345678"),
    ("My passport no. is C01X00T47.", "C01X00T47"),
    ("Führerscheinnummer: B072RRE2I55", "B072RRE2I55"),
    ("NHS number 943 476 5919", "943 476 5919"),
    ("MRN 00453321 (cardiology)", "00453321"),
    ("Steuer-ID 65 929 970 489", "65 929 970 489"),
    ("driver's license D1234-56789-01234", "D1234-56789-01234"),
    ("national ID: 8001015009087", "8001015009087"),
    ("passport #: 533380006", "533380006"),
    ("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("Patient ID: 7734521, ward 4", "7734521"),
    ("numéro de passeport 18AV52417", "18AV52417"),
    ("DOB 04/12/1987, allergies none", "04/12/1987"),
    ("date of birth: 12 March 1987", "12 March 1987"),
    ("born on 1987-12-04 in Leeds", "1987-12-04"),
    ("fecha de nacimiento 04-12-1987", "04-12-1987"),
    ("Date of Birth: March 12, 1987", "March 12, 1987"),
    ("Geburtsdatum: 04.12.1987", "04.12.1987"),
]


@pytest.mark.parametrize("stage", ["input", "output"])
@pytest.mark.parametrize(("text", "value"), FOUND)
def test_a_value_after_its_name_is_cut(
    policy: CompiledPolicy, stage: str, text: str, value: str
) -> None:
    result = run_stage(
        policy.input if stage == "input" else policy.output, [text], clock=lambda: 0.0
    )
    out = result.texts[0]  # None: unchanged
    assert not result.blocked and out is not None and value not in out, out


BENIGN = [
    "passport photo 35x45 mm",
    "My passport expires in 2027.",
    "driver's licence class B",
    "Order id number 12345678 shipped",
    "born on 4 July 1776",
    "Date of birth: DD/MM/YYYY",
    "She was born in 1987 in Lyon.",
    "The passport office opens at 9.",
    "Apply for a passport in 10 days",
    "born 2 days ago",
    "The id card reader v2.3.1 firmware",
    "the MRN field is 8 digits",
    "Born on the 4th of July is a film from 1989.",
    "DOB 45/45/1987 is no date",
    "passport 123456789",
]


@pytest.mark.parametrize("text", BENIGN)
def test_look_alikes_pass(policy: CompiledPolicy, text: str) -> None:
    result = run_stage(policy.input, [text], clock=lambda: 0.0)
    assert not result.blocked and not result.changed, result.texts[0]


def test_a_placeholder_of_one_digit_is_no_number() -> None:
    # (The default policy's phone rule reads this one as a number of some region.)
    text = "NHS number format: 999 999 9999"
    assert _redacted(text) == text


NAMES = ["passport", "Passport No.", "driver's licence number", "ID card #", "tax id", "MRN"]


@settings(max_examples=80, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    letters=st.text(string.ascii_uppercase, max_size=3),
    digits=st.text(string.digits, min_size=6, max_size=12).filter(lambda d: not placeholder(d)),
    between=st.sampled_from([" ", ": ", " is ", " - "]),
)
def test_any_format_of_number_after_a_name_is_cut(
    name: str, letters: str, digits: str, between: str
) -> None:
    value = letters + digits
    assert value not in _redacted(f"{name}{between}{value} thanks")


FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y", "%m-%d-%Y"]


@settings(max_examples=80, deadline=None)
@given(
    day=st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)),
    form=st.sampled_from(FORMATS),
    name=st.sampled_from(["DOB", "date of birth:", "born on", "Birthday:", "Geburtsdatum"]),
)
def test_any_date_of_birth_is_cut(day: datetime.date, form: str, name: str) -> None:
    value = day.strftime(form)
    assert value not in _redacted(f"{name} {value}; thanks")


@settings(max_examples=60, deadline=None)
@given(
    case=st.sampled_from(FOUND),
    cuts=st.lists(st.integers(min_value=1, max_value=200), max_size=10),
)
def test_a_value_never_leaks_from_a_stream_however_it_is_split(
    case: tuple[str, str], cuts: list[int]
) -> None:
    text, value = case
    text = f"Here: {text} and that is all."
    points = sorted({c % len(text) for c in cuts} | {0, len(text)})
    stream = StreamRedactor(RULES, Redact())
    streamed = "".join(stream.feed(text[a:b]) for a, b in itertools.pairwise(points))
    streamed += stream.end()
    assert value not in streamed
    assert streamed == _redacted(text)


def test_prose_about_documents_flows_in_a_stream() -> None:
    """The hold reaches back to a name only while a value can still follow it."""
    prose = "I was born in a small town, and my passport was stolen in Rome last year. " * 3
    stream = StreamRedactor(RULES, Redact())
    for ch in prose:
        stream.feed(ch)
    assert stream.max_held <= 16
