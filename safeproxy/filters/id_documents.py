"""Identity numbers of kinds no shape names, and dates of birth: a value read by the word
before it.

A passport, a driving licence, an identity card, a tax or health number: every country
writes them its own way (`X12345678`, `C01X00T47`, `D1234-56789-01234`, `943 476 5919`),
and no shape tells them from an order number. The word before them does ("passport no.
X12345678", "Führerscheinnummer: B072RRE2I55", "NHS number 943 476 5919", "MRN 00453321").
Here the name, up to two words such as "number", "no.", "is" or a colon, then a value with
digits: one word of letters and digits, or digit groups apart by spaces or dashes. It must
hold at least four digits and six characters in all, and not one digit repeated (a form's
`999 999 9999`) nor, digits alone, digits counted (an example's `123456789`; `X12345678`
has a real number's shape): "passport photo 35x45", "my passport expires in 2027" and
"licence class B" pass.

A date of birth is a date after its name ("DOB 04/12/1987", "date of birth: 12 March 1987",
"born on 1987-12-04", "fecha de nacimiento 04-12-1987"): day, month and year in any of the
usual orders, the month in digits or as an English name, a year from 1900 to 2099 (a
historical date, "born on 4 July 1776", is no one's to protect).

Names as they read on the normalised view: lower case, accents folded ("führerschein" is
"fuhrerschein"). Both patterns run without start tracking: with it, they cost every clean
4 KB scan of the default policy 5.6 % more instructions (callgrind); a candidate's start is
the last name before its end (`_last_name`).
"""

from __future__ import annotations

import re

from safeproxy.filters.api import Severity
from safeproxy.filters.holds import Named
from safeproxy.filters.rules import ALNUM, Rule
from safeproxy.filters.scanner import Pattern

_DOCUMENTS = (
    r"passport|pasaporte|passeport|reisepass|passaporto|paszport"
    r"|driver'?s? ?licen[cs]e|driving licen[cs]e|licencia de conducir|permis de conduire"
    r"|fuhrerschein(nummer)?|patente di guida"
    r"|national id|national identity|identity card|id card|identity number"
    r"|personalausweis(nummer)?|carte d'identite|cedula|documento de identidad"
    r"|tax id|tax identification|taxpayer id|itin|steuer-?id|steuernummer|codice fiscale"
    r"|social insurance number|nhs number|medical record number|mrn|patient id"
    r"|health insurance number|medicare number|versichertennummer"
)
# Words between the name and its value ("number", "no.", "#", "is", a colon).
_BETWEEN = r"(number|no|nr|num|#|is|was|es|ist|est|:|-)"
_NAMED = rf"({_DOCUMENTS})[^a-z0-9]{{0,3}}({_BETWEEN}[^a-z0-9]{{0,3}}){{0,2}}[a-z0-9]*[0-9]"
# The value: one word of letters and digits, then groups that begin with a digit.
_VALUE = re.compile(r"[a-z0-9]+(?:[ -][0-9][a-z0-9]*)*")
_GIVEN = rf"[^a-z0-9]{{0,3}}(?:{_BETWEEN}[^a-z0-9]{{0,3}}){{0,2}}"
_AFTER_NAME = re.compile(rf"(?:{_DOCUMENTS}){_GIVEN}")
_MAX = 80
_COUNTING = "01234567890123456789012345"
# Streams: a name, and what may still become its value (the words between, a value so far,
# a separator before its next group).
_DOCUMENT_NAME = re.compile(rf"(?<![a-z])(?:{_DOCUMENTS})")
_DOCUMENT_OPEN = re.compile(rf"{_GIVEN}(?:[a-z0-9]+(?:[ -][0-9][a-z0-9]*)*[ -]?)?")

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_BIRTH = (
    r"(dob|d\.o\.b\.?|date of birth|birth date|birthdate|born on|born|birthday"
    r"|fecha de nacimiento|geburtsdatum|date de naissance|data di nascita|data de nascimento)"
)
_DATE = (
    r"([0-9]{1,2}[./-][0-9]{1,2}[./-](19|20)[0-9]{2}"
    r"|(19|20)[0-9]{2}[./-][0-9]{1,2}[./-][0-9]{1,2}"
    rf"|[0-9]{{1,2}}(st|nd|rd|th)?( of)? ({_MONTHS})\.?,? (19|20)[0-9]{{2}}"
    rf"|({_MONTHS})\.? [0-9]{{1,2}}(st|nd|rd|th)?,? (19|20)[0-9]{{2}})"
)
_DATE_RE = re.compile(_DATE + r"$")
_BIRTH_NAME = re.compile(r"(?<![a-z])" + _BIRTH)
# What may still become a date after its name: the words between, then digits and
# separators, or a month's name (any word: it may be arriving) and what follows it.
_BIRTH_GIVEN = r"[^a-z0-9]{0,3}(?:(?:is|was|on|:)[^a-z0-9]{0,3}){0,2}"
_DATE_OPEN = re.compile(
    _BIRTH_GIVEN + r"(?:[0-9][0-9./ -]*|[0-9]{1,2}[a-z ]*\.?,? ?[0-9]*|[a-z]+\.?,? ?[0-9 ,]*)?"
)


def _birth_hold(norm: str) -> int:
    return _open_after(_BIRTH_NAME, _DATE_OPEN, norm)


def _value_span(norm: str) -> tuple[int, int]:
    """The value after the name and the words between (offsets into the match)."""
    m = _AFTER_NAME.match(norm)
    v = _VALUE.search(norm, m.end() if m else 0)  # (the words between may leave a space)
    return v.span() if v else (0, len(norm))


def _document_number(norm: str, orig: str) -> bool:
    a, b = _value_span(norm)
    value = norm[a:b]
    digits = "".join(c for c in value if c.isdigit())
    if len(value) < 6 or len(digits) < 4 or len(set(digits)) == 1:
        return False
    # Digits alone and counted are an example's; with letters (`X12345678`) the value has
    # a real number's shape, and test data is written that way.
    return not (value.replace(" ", "").replace("-", "").isdigit() and placeholder(digits))


def placeholder(digits: str) -> bool:
    """One digit repeated (`999 999 9999`) or counted up or down (`123456789`): what forms
    and examples write where a number goes."""
    return len(set(digits)) == 1 or digits in _COUNTING or digits in _COUNTING[::-1]


def _open_after(name: re.Pattern[str], rest: re.Pattern[str], norm: str) -> int:
    """Streams: from the end of the first name in the last _MAX characters whose value may
    still be arriving (the value must not flow before it is judged; the name may, the
    stream's context keeps it); else the trailing word, which may be a name arriving."""
    for m in name.finditer(norm, max(0, len(norm) - _MAX)):
        if rest.fullmatch(norm, m.end()):
            return m.end()
    return len(norm.rstrip(ALNUM))


def _last_name(name: re.Pattern[str], text: str, end: int) -> int:
    """Where a candidate ending at `end` starts: the last name within reach (-1: none)."""
    at = -1
    for m in name.finditer(text, max(0, end - _MAX), end):
        at = m.start()
    return at


def _document_hold(norm: str) -> int:
    return _open_after(_DOCUMENT_NAME, _DOCUMENT_OPEN, norm)


def _date_span(norm: str) -> tuple[int, int]:
    m = _DATE_RE.search(norm)
    return (m.start(), len(norm)) if m else (0, len(norm))


def _birth_date(norm: str, orig: str) -> bool:
    """A day and a month that can be a date (a month's name, or numbers of which one is at
    most 12)."""
    m = _DATE_RE.search(norm)
    if m is None:
        return False
    numbers = [int(n) for n in re.findall(r"[0-9]+", m.group())]
    if len(numbers) == 2:  # a month's name, a day and a year
        return 1 <= numbers[0] <= 31
    a, b, c = numbers
    day_month = (a, b) if c >= 1900 else (b, c)
    return min(day_month) >= 1 and min(day_month) <= 12 and max(day_month) <= 31


DOCUMENT_RULES: dict[str, Rule] = {
    "id_document": Rule(
        "pii.id_document",
        Pattern("pii.id_document", _NAMED, _MAX, som=False),
        Severity.HIGH,
        _document_number,
        longest_only=True,
        hold=Named(_document_hold, rf"(^|[^a-z])({_DOCUMENTS})", _MAX, ALNUM),
        start_of=lambda text, end: _last_name(_DOCUMENT_NAME, text, end),
        value=_value_span,
        grow_right_until=",;()\"'\x00.\n",
    ),
    "birth_date": Rule(
        "pii.birth_date",
        Pattern(
            "pii.birth_date",
            _BIRTH + _BIRTH_GIVEN + _DATE,
            _MAX,
            som=False,
        ),
        Severity.MEDIUM,
        _birth_date,
        longest_only=True,
        hold=Named(_birth_hold, rf"(^|[^a-z]){_BIRTH}", _MAX, ALNUM),
        start_of=lambda text, end: _last_name(_BIRTH_NAME, text, end),
        value=_date_span,
    ),
}
