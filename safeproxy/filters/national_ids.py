"""National identity numbers: UK National Insurance, Spanish DNI/NIE, Brazilian CPF and
CNPJ, Indian Aadhaar and PAN, Canadian SIN, Dutch BSN and French NIR.

Each is a shape and its issuer's check (id_checks.py). A shape with a check digit or letter
is taken wherever it stands in its written form (`529.982.247-25`, `12345678-Z`); a bare run
of digits only after a word that names it (an eleven-digit run is an order number as often
as a CPF), and so is a shape that other numbers share (an Aadhaar's 4-4-4 groups are a
FedEx tracking number's too) or that has no check at all (a PAN, a NINO: product codes).

Patterns run on the normalised view (lower case, full-width digits and every dash folded),
without start tracking: a value's start is found from its end (`start_of`), which its fixed
shape allows.
"""

from __future__ import annotations

from collections.abc import Callable

from safeproxy.filters import id_checks
from safeproxy.filters.api import Severity
from safeproxy.filters.rules import ALNUM, DIGITS, Rule, Validator, on_norm, visible
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.validators import card_number

_SEPS = " -"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def id_tail(norm: str) -> int:
    """Streams: where a value with letters and inner spaces (`AB 12 34 56 C`,
    `12345678 Z`, `X-1234567-L`) could still begin: the last word, the digit groups and
    separators before it, and a word of one or two letters before those (a NINO's prefix,
    an NIE's X). Read over the last 16 characters only (no value is longer)."""
    base = max(0, len(norm) - 16)
    tail = norm[base:]
    a = len(tail.rstrip(ALNUM))
    b = len(tail[:a].rstrip(DIGITS + " -."))
    c = len(tail[:b].rstrip(_LETTERS))
    if 0 < b - c <= 2 and (c == 0 or not tail[c - 1].isalnum()):
        return base + c
    return base + (b if tail[b:a].strip(" -.") else a)


# --- Spain: DNI (eight digits) and NIE (X, Y or Z and seven digits), then a check letter ---


def _dni_start(text: str, end: int) -> int:
    """Back from the letter over the separator, then the body: `12.345.678`, or eight
    characters (`12345678`, `x1234567`), or nine (`x-1234567`). The validator judges what
    stands there (the engine matched only the last seven digits)."""
    j = end - 1  # the letter
    if text[j - 1 : j] in ("-", " "):
        j -= 1
    dotted = text[j - 4 : j - 3] == "."  # 12.345.678
    start = j - 10 if dotted else j - 9 if text[j - 8 : j - 7] == "-" else j - 8
    return start if start >= 0 else -1


def _dni(norm: str, orig: str) -> bool:
    letter, body = norm[-1], norm[:-1]
    separated = body[-1] in _SEPS
    if separated:
        body = body[:-1]
        # A letter apart from the number is one only in capitals: "20000000 a year",
        # "12345678 y 23456789" (Spanish "and") are prose.
        if not visible(orig).rstrip()[-1:].isupper():
            return False
    if "." in body:
        parts = body.split(".")
        if [len(p) for p in parts] != [2, 3, 3]:
            return False
        body = "".join(parts)
    elif body[1:2] == "-":
        body = body[0] + body[2:]  # x-1234567
    return body[1:].isdigit() and id_checks.dni(body, letter)


ES_DNI = Rule(
    "pii.es_dni",
    # Only the digits and the letter: a pattern that begins with letters ([xyz] of an NIE)
    # keeps the engine busy over every word of prose (~4 % of a clean scan each).
    Pattern("pii.es_dni", r"(?:\d{7}|\d\.\d{3}\.\d{3})[ -]?[a-z]", 12, som=False),
    Severity.HIGH,
    _dni,
    joiners="-.",  # INV-12345678B and 12345678A.pdf are names
    start_of=_dni_start,
    hold=id_tail,
)

# --- UK: National Insurance number, two letters, three pairs of digits, A-D ----------------

_NINO_WORDS = ("national insurance", "nino", "ni", "nin")


def _nino_start(text: str, end: int) -> int:
    """Back from the suffix over the digit pairs and separators, then two characters (the
    engine matched from the digits on; the validator judges the prefix)."""
    j = end - 1  # the suffix letter
    for _ in range(3):
        j -= 1 if text[j - 1 : j] in ("-", " ") else 0
        j -= 2
    j -= 1 if text[j - 1 : j] in ("-", " ") else 0
    return j - 2 if j >= 2 else -1


# Where a NINO's separators may stand: none, all four (HMRC's `AB 12 34 56 C`), around the
# digits (`AB 123456 C`) or before the suffix only (`AB123456 C`).
_NINO_LAYOUTS = ((), (2, 5, 8, 11), (2, 9), (8,))


def _nino_grouped(norm: str, seps: str) -> str | None:
    """The nine characters, if written in one of the layouts with one of `seps` throughout."""
    at = tuple(i for i, c in enumerate(norm) if c in _SEPS)
    if at not in _NINO_LAYOUTS or len({norm[i] for i in at}) > 1:
        return None
    if at and norm[at[0]] not in seps:
        return None
    return norm.replace(norm[at[0]], "") if at else norm


def _nino_said(norm: str, _orig: str) -> bool:
    """After "national insurance", "NINO" or "NI": the shape alone (HMRC's documents
    print QQ 12 34 56 C, a prefix never issued, as the example people copy)."""
    compact = _nino_grouped(norm, _SEPS)
    return compact is not None and compact[:2].isascii() and compact[:2].isalpha()


# The context word opens the pattern: a NINO has no check, and its shape alone is a product
# code's (`AB123456C`); and a pattern that begins with a literal costs prose nothing, where
# digit pairs with separators kept the engine busy over every run of digits and dashes.
UK_NINO = Rule(
    "pii.uk_nino",
    Pattern(
        "pii.uk_nino",
        # "NI" only with what says it is a number ("NI number", "NI no.", "NI#", "NI:"):
        # "ni" and any separator, as in "mini " or "alumni,", made the engine stop so often
        # that it cost 1.2 % of a clean scan.
        r"(?:insurance|nino?|ni(?: ?(?:no|number|num|#)|:))[^a-z0-9]"
        r".{0,32}\d\d(?:[ -]?\d\d){2}[ -]?[a-d]",
        13,
        som=False,
    ),
    Severity.HIGH,
    _nino_said,
    joiners="-.",
    start_of=_nino_start,
    hold=id_tail,
    context=_NINO_WORDS,  # (whole words: "nino" of "Bambino" opened the pattern)
)

# --- India: PAN (only after a word that names it) and Aadhaar --------------------------------

_PAN_WORDS = ("pan", "permanent account number", "income tax")

IN_PAN = Rule(
    "pii.in_pan",
    # Opened by the context word (see UK_NINO): four digits and a letter alone are in every
    # hex dump. The five letters before are the validator's to judge.
    Pattern(
        "pii.in_pan", r"(?:pan|account number|income.tax)[^a-z0-9].{0,32}\d{4}[a-z]", 10, som=False
    ),
    Severity.HIGH,
    on_norm(id_checks.pan),
    joiners="-.",
    start_of=lambda _text, end: end - 10,
    alphabet=ALNUM,
    context=_PAN_WORDS,
)

# Twelve digits in groups of four are as often a FedEx tracking number, a gift card's or a
# meeting's; the check digit alone (one number in ten passes) does not tell them apart.
_AADHAAR_WORDS = ("aadhaar", "aadhar", "adhaar", "adhar", "uid", "uidai", "आधार")


def _aadhaar_grouped_spans(run: str, _work: object) -> list[tuple[int, int]]:
    """Three groups of four, apart by one space or dash, that open the run (it reaches
    back at most three characters before them: a group before is a card's, a country code
    a phone's) and end it, or are followed by one separator and a group of another length
    ("aadhaar 2000 0000 0009 00000000"), or by a fourth group of four that makes no card
    (where it does, the card's rule cuts all sixteen)."""
    if len(run) < 14:  # twelve digits in one run: the bare rule's, after its word
        return []
    head = len(run) - len(run.lstrip(_SEPS))
    if head > 2:
        return []
    value, rest = run[head : head + 14], run[head + 14 :]
    if len(value) < 14 or value[4] != value[9] or value[4] not in _SEPS:
        return []
    number = value[:4] + value[5:9] + value[10:]
    if rest:  # a separator, then a group that is not a card's fourth
        after = rest[1:]
        group = len(after) - len(after.lstrip(DIGITS))
        card = group == 4 and card_number(number + after[:4])
        if rest[0] not in _SEPS or group == 0 or card or after[group:].strip(_SEPS):
            return []
    if not (number.isdigit() and id_checks.aadhaar(number)):
        return []
    return [(head, head + 14)]


IN_AADHAAR = Rule(
    "pii.in_aadhaar",
    # The separators optional (the refiner wants them): a class that every match must
    # hold, of two characters one of which is the space, made the engine stop at every
    # space of prose (~3 % of a clean scan).
    Pattern("pii.in_aadhaar", r"\d{4}[ -]?\d{4}[ -]?\d{4}(?:[^0-9a-z_]|$)", 17, som=False),
    Severity.HIGH,
    refine=_aadhaar_grouped_spans,
    alphabet=DIGITS + _SEPS,
    trailing=DIGITS,
    joiners="-.",
    context=_AADHAAR_WORDS,
)


def _bare(length: int, check: Callable[[str], bool], name: str, words: tuple[str, ...]) -> Rule:
    """A run of exactly `length` digits that passes its check, after one of `words`."""

    def spans(run: str, _work: object) -> list[tuple[int, int]]:
        return [(0, length)] if len(run) == length and run.isdigit() and check(run) else []

    return Rule(
        f"pii.{name}",
        Pattern(f"pii.{name}.bare", rf"\d{{{length}}}(?:[^0-9a-z_]|$)", length + 1, som=False),
        Severity.HIGH,
        refine=spans,
        alphabet=DIGITS,
        trailing=DIGITS,
        joiners="-.",
        bare_context=words,
    )


# (A bare run's words are read inside longer words too, as the SSN's: not "uid", which
# "fluid" and "uuid" hold.)
IN_AADHAAR_BARE = _bare(
    12, id_checks.aadhaar, "in_aadhaar", _AADHAAR_WORDS[:4] + _AADHAAR_WORDS[5:]
)

# --- Brazil: CPF (a person's) and CNPJ (a company's) ------------------------------------------

BR_CPF = Rule(
    "pii.br_cpf",
    Pattern("pii.br_cpf", r"\d{3}\.\d{3}\.\d{3}-\d\d", 14, som=False),
    Severity.HIGH,
    on_norm(id_checks.cpf),
    joiners="-.",
    start_of=lambda _text, end: end - 14,
    alphabet=DIGITS + ".-",
)
BR_CPF_BARE = _bare(11, id_checks.cpf, "br_cpf", ("cpf", "c.p.f"))

BR_CNPJ = Rule(
    "pii.br_cnpj",
    Pattern("pii.br_cnpj", r"\d\d\.\d{3}\.\d{3}/\d{4}-\d\d", 18, som=False),
    Severity.HIGH,
    on_norm(id_checks.cnpj),
    joiners="-./",
    start_of=lambda _text, end: end - 18,
    alphabet=DIGITS + ".-/",
)
BR_CNPJ_BARE = _bare(14, id_checks.cnpj, "br_cnpj", ("cnpj", "c.n.p.j"))

# --- Canada's SIN, the Netherlands' BSN, France's NIR: only after a word that names them -------
# Nine digits with a Luhn or mod-11 check are one number in ten or eleven of any nine
# digits, and a NIR's groups are a phone's in some regions: each opens with its word, as
# the NINO does, so prose and tables of numbers cost the engine nothing.


def _groups_back(sizes: tuple[int, ...], seps: str) -> Callable[[str, int], int]:
    """start_of for digit groups of these sizes, last to first, with at most one of `seps`
    between two groups: back from the end over each group and the separator before it. The
    validator judges what stands there."""

    def start(text: str, end: int) -> int:
        j = end
        for k, size in enumerate(reversed(sizes)):
            j -= size
            if k < len(sizes) - 1 and text[j - 1 : j] in tuple(seps):
                j -= 1
        return j if j >= 0 else -1

    return start


def _whole_groups(sizes: tuple[int, ...], seps: str, check: Callable[[str], bool]) -> Validator:
    """The value written all run together or in its groups, one separator kind throughout,
    and its check."""

    def valid(norm: str, _orig: str) -> bool:
        kinds = {c for c in norm if c in seps}
        if len(kinds) > 1:
            return False
        parts = norm.split(kinds.pop()) if kinds else [norm]
        if len(parts) > 1 and tuple(map(len, parts)) != sizes:
            return False
        return check("".join(parts))

    return valid


def _named_groups(
    name: str,
    regex: str,
    sizes: tuple[int, ...],
    seps: str,
    check: Callable[[str], bool],
    words: tuple[str, ...],
    letters: str = "",
) -> Rule:
    """A number in digit groups of these sizes (`letters` too, where a group may hold
    them), bare or apart by one of `seps`, after one of `words`: `regex` reads the word,
    then the value, and the value alone is the finding."""
    return Rule(
        f"pii.{name}",
        Pattern(f"pii.{name}", regex, sum(sizes) + len(sizes) - 1, som=False),
        Severity.HIGH,
        _whole_groups(sizes, seps, check),
        joiners="-.",
        start_of=_groups_back(sizes, seps),
        alphabet=DIGITS + seps + letters,
        context=words,  # whole words: "my cousin 046 454 286" is no SIN
    )


# "SIN" and "NAS" only with what says they name a number: Spanish "sin" (without) and
# Portuguese "nas" (in the) stand before nine-digit phone and tax numbers, one in ten of
# which passes Luhn ("llámame sin falta al 612 345 678"); and "insurance" only as social
# insurance (a car insurance number is a policy's). "SIN" alone only right before the
# number ("SIN 046 454 286"; the pattern holds that), which Spanish seldom writes.
_SIN_WORDS = (
    "sin", "social insurance", "assurance sociale", "sin number", "sin no", "sin num", "sin #",
    "sin:", "sin :", "sin is", "sin was", "my sin", "your sin", "his sin", "her sin",
    "their sin", "nas:", "nas :",
)  # fmt: skip
_SIN_GROUPS = (3, 3, 3)

CA_SIN = _named_groups(
    "ca_sin",
    r"(?:(?:insurance|sociale|sin ?(?:no|number|num|#|is|was|:)|(?:my|your|his|her|their)"
    r" sin|nas ?:)(?:[^a-z0-9].{0,32})?|sin[ #:.-]{1,3})\d{3}[ -]?\d{3}[ -]?\d{3}",
    _SIN_GROUPS,
    " -",
    id_checks.ca_sin,
    _SIN_WORDS,
)

_BSN_WORDS = (
    "bsn", "burgerservicenummer", "sofinummer", "sofi-nummer", "sofi nummer",
    "citizen service number",
)  # fmt: skip
_BSN_GROUPS = (4, 2, 3)  # 1234.56.782, as the Dutch government prints it

NL_BSN = _named_groups(
    "nl_bsn",
    r"(?:bsn|burgerservicenummer|sofi.?nummer|service number)[^a-z0-9].{0,32}"
    r"\d{4}[ .]?\d\d[ .]?\d{3}",
    _BSN_GROUPS,
    " .",
    id_checks.nl_bsn,
    _BSN_WORDS,
)

# The normalised view keeps accents: the words in both spellings, the pattern with a dot
# for the accented letter (an ASCII pattern keeps the scan on the projection: scanner.py).
_NIR_WORDS = (
    "nir", "insee", "securite sociale", "sécurité sociale", "secu", "sécu", "social security",
)  # fmt: skip
_NIR_GROUPS = (1, 2, 2, 2, 3, 3, 2)  # sex, year, month, department, commune, order, key

FR_NIR = _named_groups(
    "fr_nir",
    r"(?:nir|insee|s.curit. sociale|s.cu|social security)[^a-z0-9].{0,32}"
    r"[12][ .-]?\d\d[ .-]?\d\d[ .-]?(?:\d\d|2[ab])[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d\d",
    _NIR_GROUPS,
    " .-",
    id_checks.fr_nir,
    _NIR_WORDS,
    letters="ab",  # Corsica's 2A and 2B
)

NATIONAL_ID_RULES: dict[str, Rule] = {
    "uk_nino": UK_NINO,
    "es_dni": ES_DNI,
    "br_cpf": BR_CPF,
    "br_cnpj": BR_CNPJ,
    "in_aadhaar": IN_AADHAAR,
    "in_pan": IN_PAN,
    "ca_sin": CA_SIN,
    "nl_bsn": NL_BSN,
    "fr_nir": FR_NIR,
}
# Forms an entity brings besides its main rule: the context-only ones.
NATIONAL_ID_COMPANIONS: dict[str, tuple[Rule, ...]] = {
    "br_cpf": (BR_CPF_BARE,),
    "br_cnpj": (BR_CNPJ_BARE,),
    "in_aadhaar": (IN_AADHAAR_BARE,),
}
