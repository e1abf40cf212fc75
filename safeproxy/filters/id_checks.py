"""Check digits and issuing rules of national identity numbers (written by hand from the
issuers' published rules; python-stdnum is LGPL).

Each check sees only the value's characters (at most 18), never the text around it.
"""

from __future__ import annotations

from safeproxy.filters.validators import digits, luhn

# Spain's DNI and NIE: the letter is the number mod 23 read in this table (Real Decreto
# 1553/2005); I, Ñ, O and U are never used.
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# An NIE's first letter stands for a leading digit.
_NIE_FIRST = {"x": "0", "y": "1", "z": "2"}


def dni(number: str, letter: str) -> bool:
    """Eight digits (a DNI) or X/Y/Z and seven digits (an NIE), and their check letter."""
    first = _NIE_FIRST.get(number[:1].lower())
    if first is not None:
        number = first + number[1:]
    if len(number) != 8 or not number.isdigit() or len(set(number)) == 1:
        return False
    return _DNI_LETTERS[int(number) % 23] == letter.upper()


def _mod11_digit(body: str, weights: range | tuple[int, ...]) -> str:
    rest = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return "0" if rest < 2 else str(11 - rest)


def cpf(text: str) -> bool:
    """Brazil's CPF: eleven digits, the last two mod-11 checks (weights 10..2, then 11..2),
    not one digit repeated (000.000.000-00 and 111.111.111-11 pass the checks)."""
    number = digits(text)
    if len(number) != 11 or len(set(number)) == 1:
        return False
    first = _mod11_digit(number[:9], range(10, 1, -1))
    return number[9] == first and number[10] == _mod11_digit(number[:10], range(11, 1, -1))


_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def cnpj(text: str) -> bool:
    """Brazil's CNPJ (a company's number): fourteen digits, the last two mod-11 checks."""
    number = digits(text)
    if len(number) != 14 or len(set(number)) == 1:
        return False
    first = _mod11_digit(number[:12], _CNPJ_WEIGHTS[1:])
    return number[12] == first and number[13] == _mod11_digit(number[:13], _CNPJ_WEIGHTS)


# Verhoeff's dihedral group D5: its multiplication table and the position permutation (a
# check needs no inverse table: a valid number multiplies out to 0).
_D5 = (
    "0123456789", "1234067895", "2340178956", "3401289567", "4012395678",
    "5987604321", "6598710432", "7659821043", "8765932104", "9876543210",
)  # fmt: skip
_PERM = (
    "0123456789", "1576283094", "5803796142", "8916043527",
    "9453126870", "4286573901", "2793806415", "7046913258",
)  # fmt: skip


def verhoeff(number: str) -> bool:
    """Verhoeff's check: catches every single-digit error and every swap of neighbours."""
    check = 0
    for i, ch in enumerate(reversed(number)):
        check = int(_D5[check][int(_PERM[i % 8][int(ch)])])
    return check == 0


def aadhaar(text: str) -> bool:
    """India's Aadhaar: twelve digits, the first 2-9 (UIDAI never issues 0 or 1 there), the
    last a Verhoeff check; not a number that only repeats a digit or a four-digit group."""
    number = digits(text)
    if len(number) != 12 or number[0] in "01" or number[:4] * 3 == number:
        return False
    return verhoeff(number)


# HMRC's National Insurance numbers (NIM39110): letters never used first or second, and
# prefixes never issued (BG, GB, NK, KN, TN, NT, ZZ; TN is a temporary number's).
_NINO_NOT_FIRST = frozenset("dfiquv")
_NINO_NOT_SECOND = frozenset("dfioquv")
_NINO_NOT_PREFIX = frozenset(("bg", "gb", "kn", "nk", "nt", "tn", "zz"))


def nino_prefix(prefix: str) -> bool:
    """Whether two letters may begin a NINO that HMRC has issued."""
    low = prefix.lower()
    return (
        len(low) == 2
        and low.isalpha()
        and low[0] not in _NINO_NOT_FIRST
        and low[1] not in _NINO_NOT_SECOND
        and low not in _NINO_NOT_PREFIX
    )


# The fourth letter of an Indian PAN says who holds it: Person, Company, HUF, Firm, AOP,
# Trust, BOI, Local authority, Artificial juridical person, Government.
PAN_HOLDERS = "abcfghljpt"


def pan(value: str) -> bool:
    """Five letters (the fourth a holder kind), four digits not all zero, one letter."""
    low = value.lower()
    return (
        len(low) == 10
        and low[:5].isalpha()
        and low[:5].isascii()
        and low[3] in PAN_HOLDERS
        and low[5:9].isdigit()
        and low[5:9] != "0000"
        and low[9].isalpha()
    )


def ca_sin(text: str) -> bool:
    """Canada's Social Insurance Number: nine digits, a Luhn check, not one digit repeated
    (Service Canada's own sample, 046 454 286, passes: a 0 first is not refused)."""
    number = digits(text)
    return len(number) == 9 and len(set(number)) > 1 and luhn(number)


def nl_bsn(text: str) -> bool:
    """The Netherlands' burgerservicenummer: nine digits, the "elfproef" (weights 9..2 on
    the first eight, -1 on the last, sum a multiple of 11), not one digit repeated."""
    number = digits(text)
    if len(number) != 9 or len(set(number)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(number, range(9, 1, -1), strict=False))
    return (total - int(number[8])) % 11 == 0


# Corsica's departments 2A and 2B count as 19 and 18 in the key (INSEE).
_NIR_CORSICA = {"2a": "19", "2b": "18"}


def fr_nir(text: str) -> bool:
    """France's NIR (numéro de sécurité sociale): sex (1 or 2), year, month (01-12, or 20
    and over where the month is unknown), department (two digits, 2A or 2B), commune and
    order (three each), and a key: 97 less the first thirteen digits mod 97."""
    value = "".join(text.lower().split())
    if len(value) != 15 or value[0] not in "12":
        return False
    body = value[:5] + _NIR_CORSICA.get(value[5:7], value[5:7]) + value[7:13]
    month = value[3:5]
    known = "01" <= month <= "12" or month >= "20"
    if not (known and body.isdigit() and value[13:].isdigit()):
        return False
    return 97 - int(body) % 97 == int(value[13:])
