"""Checksums and plausibility tests that turn pattern candidates into findings.

Each validator sees only a matched span (at most a few hundred characters), never the whole
text; the refiners that find values inside a whole run are in refiners.py.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from itertools import pairwise

import phonenumbers

from safeproxy.filters.phones import PhoneRegions, cuts, national_phone
from safeproxy.filters.work import (
    PHONE_CALL_UNITS,
    PHONE_PARSE_UNITS,
    Work,
)

# RFC 2606 / 6761 names that documentation uses on purpose.
RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "example", "test", "invalid",
                    "localhost")  # fmt: skip

# IBAN lengths per country (ISO 13616 registry, the common ones; others fall back to mod-97).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "TR": 26,
}  # fmt: skip

# Values documentation uses instead of a secret: matched as the whole value, or as its start.
PLACEHOLDERS = frozenset({"changeme", "password", "example", "secret", "dummy", "placeholder",
                          "redacted", "none", "null", "true", "false", "undefined", "required",
                          "optional", "string", "test", "xxx", "todo", "tbd",
                          "hidden"})  # fmt: skip
PLACEHOLDER_PREFIXES = ("<", "${", "{{", "$", "%", "your_", "your-", "my_", "my-", "process.env",
                        "os.environ", "os.getenv", "env.", "env(", "getenv", "xxxx", "****",
                        "....", "[redacted", "redacted")  # fmt: skip


_TWO_DIGITS = re.compile(r"\d\d")
# A quantity as the SI, and most of Europe, groups it: "331 449 281", "12 345 678".
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?: \d{3}){2,}")
_ASCII_NON_DIGITS = dict.fromkeys(c for c in range(128) if not chr(c).isdigit())


def digits(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_NON_DIGITS)
    return "".join(c for c in text if c.isdigit())


def one_by_one(text: str) -> bool:
    """Whether the digits of a value are written one by one ("4 1 5 5 5 5"): no two
    digits side by side."""
    return _TWO_DIGITS.search(text) is None


def nanp_local(text: str) -> bool:
    """A seven-digit local number of the North American plan, written as it dials: an
    exchange (2-9 first), a dash or dot, four digits ("867-5309"). A phone only after a
    context word (spans.bare), and not a round range: "reach 250-1000 users" and
    "300-1500" are quantities. Nor the 555 exchange, kept for fiction ("phone 555-1234"):
    with no area code, no one's number."""
    if len(text) != 8 or text[3] not in "-." or not (text[:3] + text[4:]).isdigit():
        return False
    exchange, line = text[:3], text[4:]
    return (
        exchange[0] in "23456789"
        and exchange[2] != "0"
        and exchange != "555"
        and not line.endswith("00")
    )


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# Maestro's and Laser's ranges (12 to 19 digits) that no other issuer's prefix covers.
_MAESTRO = frozenset(("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"))


def card_number(span: str) -> bool:
    """13-19 digits, a known issuer prefix, not one repeated digit, and Luhn."""
    number = digits(span)
    if not 13 <= len(number) <= 19 or len(set(number)) == 1:
        return False
    issuer = (
        number[0] == "4"
        or 51 <= int(number[:2]) <= 55
        or 2221 <= int(number[:4]) <= 2720
        or number[:2] in ("34", "37", "35", "36", "38", "39", "62", "65")
        or number[:4] == "6011"
        or 300 <= int(number[:3]) <= 305
        or number[:4] in _MAESTRO
    )
    return issuer and luhn(number)


def us_ssn(span: str) -> bool:
    """Area 001-899 except 666, group 01-99, serial 0001-9999 (SSA rules)."""
    number = digits(span)
    if len(number) != 9:
        return False
    area, group, serial = int(number[:3]), int(number[3:5]), int(number[5:])
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


def iban(span: str) -> bool:
    """ISO 13616: grouped by spaces, or by single dashes or dots throughout
    ("GB82-WEST-1234-...", "NL91.ABNA.0417...")."""
    for sep in "-.":
        if sep in span:
            if " " in span or sep * 2 in span or ("-" in span and "." in span):
                return False
            code = span.replace(sep, "").upper()
            break
    else:
        code = "".join(span.split()).upper()
    if not (code[:2].isalpha() and code[2:4].isdigit() and code.isalnum()):
        return False
    expected = IBAN_LENGTHS.get(code[:2])
    if expected is not None and len(code) != expected:
        return False
    if not 15 <= len(code) <= 34:
        return False
    rearranged = code[4:] + code[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


# Last labels that are file extensions and no top-level domain: an at-sign in a file name is a
# scale or a version ("icon@2x.png", "logo@3x.webp", "bundle@1.4.0.js"), not an address. Not
# the extensions that are also domains (.ai, .py, .md, .sh, .zip, .mov).
_FILE_EXTENSIONS = frozenset({
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "heic", "avif",
    "pdf", "css", "scss", "js", "mjs", "cjs", "ts", "tsx", "jsx", "json", "html", "htm", "txt",
    "xml", "yaml", "yml", "csv", "gz", "tgz", "tar", "mp3", "mp4", "wav", "psd", "woff",
    "woff2", "ttf", "otf", "map", "lock",
})  # fmt: skip


def email(span: str) -> bool:
    domain = span.rsplit("@", 1)[-1].lower().rstrip(".")
    if domain.rsplit(".", 1)[-1] in _FILE_EXTENSIONS:
        return False
    return not any(domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def secret_value(value: str) -> bool:
    """A credential-looking value after a keyword: long enough, mixed, not a placeholder,
    and not code (`os.environ["X"]`, `req.body.password`, `getPassword()`)."""
    low = value.lower().rstrip(".,;")
    if len(low) < 6 or low in PLACEHOLDERS or low.startswith(PLACEHOLDER_PREFIXES):
        return False
    if any(c in value for c in "()[]{}") or _dotted_identifier(value) or _yaml_tag(value):
        return False
    if len(set(low)) <= 2 or _counting(low):  # "aaaaaaaa", "abcdef.0123456789abcdef"
        return False
    # A comma or full stop after the value ends the sentence ("credentials: locked, ..."):
    # not a symbol of the value's own.
    body = value.rstrip(".,;")
    classes = sum(
        (any(c.islower() for c in body), any(c.isupper() for c in body),
         any(c.isdigit() for c in body), any(not c.isalnum() for c in body))
    )  # fmt: skip
    if classes < 2:
        return False
    # Human passwords (Welcome1, P@ssw0rd) are short and repetitive: the bar is lower than
    # for generated tokens, since a keyword already says what the value is.
    return entropy(value) >= 2.5


def _yaml_tag(value: str) -> bool:
    """`password: !vault |`, `!!binary`, `!Ref DbPassword`: a YAML tag says how the value
    that follows is stored (encrypted, encoded, looked up); it is no value itself. A tag is
    `!` or `!!` and a name of letters, `_` and `-` (a password with `!` has digits or more
    symbols: `!Qaz2wsx`)."""
    name = value[2:] if value.startswith("!!") else value[1:] if value.startswith("!") else ""
    return name.replace("_", "").replace("-", "").isalpha()


def _dotted_identifier(value: str) -> bool:
    """settings.db_password, self.api_key: a reference, not a value. Not a generated token
    written in dotted parts (a Kubernetes bootstrap token, `ud26t8.8ceyhlbtscs6r69p`): a
    part that opens with a digit is no name, nor one where letters and digits alternate
    three times or more (`db2`, `utf8`, `sha256sum` alternate once or twice)."""
    parts = value.rstrip(".,;").split(".")
    return len(parts) > 1 and all(
        p
        and (
            p.replace("_", "").isalpha()
            or (p.islower() and p.isidentifier() and _alternations(p) < 3)
        )
        for p in parts
    )


def _counting(value: str) -> bool:
    """A long value written by counting up (documentation's `abcdef.0123456789abcdef`): most
    neighbouring characters in a row of the alphabet or the digits. A generated one has such
    a pair once in about 36."""
    chars = [c for c in value if c.isalnum()]
    pairs = len(chars) - 1
    return pairs >= 11 and sum(ord(b) == ord(a) + 1 for a, b in pairwise(chars)) * 2 > pairs


def _alternations(word: str) -> int:
    """How many times a word turns from letters to digits or back."""
    return sum(a.isdigit() != b.isdigit() for a, b in pairwise(word))


def url_password(value: str, user: str = "") -> bool:
    """The password of `scheme://user:password@host` (not a template or an empty one, nor
    a well-known default that repeats the user's name: `guest:guest`, `postgres:postgres`)."""
    low = value.lower()
    return (
        len(value) >= 3
        and not (low == user.lower() and low.isalpha())
        and low not in PLACEHOLDERS
        and low not in ("pass", "pwd", "***", "****")
        and not low.startswith(PLACEHOLDER_PREFIXES)
    )


def bearer_value(value: str) -> bool:
    """An opaque token after Bearer/Basic: long, with letters and digits, and random."""
    body = value.rstrip("=")
    return (
        len(body) >= 16
        and any(c.isalpha() for c in body)
        and any(c.isdigit() for c in body)
        and entropy(body) >= 3.0
        and not body.lower().startswith(PLACEHOLDER_PREFIXES)
    )


def random_token(value: str, min_len: int) -> bool:
    """A generated key: long enough, with lower case, upper case and digits, and random.

    Words joined by dashes (`sk-learn-contrib-...`) have one case and no digits.
    """
    return (
        len(value) >= min_len
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and any(c.isdigit() for c in value)
        and entropy(value) >= 3.5
    )


def phone_number(
    span: str,
    default_region: str = "US",
    work: Work | None = None,
    regions: PhoneRegions | None = None,
    possible: bool = False,
) -> bool:
    """E.164 (+CC ...) or a national number of `default_region` (tried first), or else of
    one of `regions` (see phones.py), valid per libphonenumber (`possible`: for `regions`,
    possible will do).

    (Whether a bare run of digits may be a phone at all is decided by its context; see
    detect.py.)
    """
    text = span.strip()
    count = len(digits(text))
    if not 7 <= count <= 15:
        return False
    if work is not None and not work.take(PHONE_CALL_UNITS):
        return False  # the caller sees the allowance spent: unchecked, not valid
    opened = text.rfind("(")
    if opened > text.rfind(")") and any(c.isdigit() for c in text[:opened]):
        # An opening parenthesis after digits that nothing closes is the prose's: "8 336 817
        # (2023 census)", "2 450 000 (15 %)". A number's own are closed ("(415) 555-2671"),
        # or open it, closed after the number: "(415 555-2671, evenings)".
        return False
    if text.startswith("00"):
        text = "+" + text[2:].lstrip()
    international = text.startswith("+")
    if international:
        text = text.replace("(0)", "")  # the trunk-prefix notation: +44 (0)20 ...
    groups = "".join(c if c.isdigit() else " " for c in text).split()
    # Phone numbers come in groups of two or more digits; version strings and dotted lists
    # ("1.2.3.4.5") do not. International numbers may have one (+33 1 42 ...).
    # Digits one by one ("4 1 5 5 5 5 2 6 7 1") are another disguise of a number: the
    # detector takes them only as a whole run and after a context word (spans.bare).
    if not international and any(len(g) == 1 for g in groups[1:]) and not one_by_one(text):
        return False
    if international or not (
        default_region == "US" and not (count == 10 or (count == 11 and text[0] == "1"))
    ):  # the US test is cheap: most digit runs end there, before libphonenumber's ~25 µs
        if work is not None and not work.take(PHONE_PARSE_UNITS):
            return False  # the caller sees the allowance spent: unchecked, not valid
        if _default_phone(text, groups, international, default_region):
            return True
    if default_region == "US" and nanp_local(text):
        return True  # (the detector takes it only after a context word: spans.bare)
    if international or regions is None:
        return False
    if len(groups) == 2 and "-" in text and max(map(len, groups)) <= 4:
        return False  # a range (1990-2024, pages 6120-6189), not "02-7111234"
    if "." in text and len(groups) <= 4 and max(map(len, groups)) <= 3:
        return False  # an address or a version (20.10.10.10), not "06.12.34.56.78"
    if not possible and _THOUSANDS.fullmatch(text):
        # Grouped as a quantity is ("population 331 449 281", "scored 612 345 678 points"),
        # which is also how some regions write a mobile (Spain's "612 345 678"): another
        # region's number so written is a phone only where a context word says so
        # (`possible`, asked by refine_said).
        return False
    return national_phone("".join(groups), groups, regions, work, possible)


def _default_phone(text: str, groups: list[str], international: bool, region: str) -> bool:
    try:
        number = phonenumbers.parse(text, None if international else region)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number):
        return _nanp_written(number, groups)
    if international or len(groups) == len(digits(text)):
        # "+CC" already says "phone number"; groupings vary by habit. Digits one by one
        # have no grouping to fit (the detector takes them after a context word only).
        return True
    # A national number's digit groups as written must fit its format (groups may merge):
    # "(415) 555-2671" and "1-415-555-2671" do, "87 92 88 76 91" (a list of scores) does not.
    style = phonenumbers.PhoneNumberFormat
    written = cuts(groups)
    for form in (style.NATIONAL, style.INTERNATIONAL):
        shown = phonenumbers.format_number(number, form)
        if written <= cuts("".join(c if c.isdigit() else " " for c in shown).split()):
            return True
    return False


def _nanp_written(number: phonenumbers.PhoneNumber, groups: list[str]) -> bool:
    """A number of the North American plan's shape (area code 2-9, ten digits), grouped
    as the plan writes it ("555-123-4567", "(555) 234-5678", "+1 555 123 4567"), with an
    area code or exchange no carrier has: 555, the films' and test data's, or one not yet
    assigned. libphonenumber calls it invalid; a reader (and a model) reads a phone
    number, and made-up PII is written so. "123-456-7890" (no area code starts with 1),
    one digit repeated and other groupings stay text."""
    nsn = str(number.national_number)
    if number.country_code != 1 or len(nsn) != 10 or len(set(nsn)) == 1:
        return False
    return nsn[0] not in "01" and [len(g) for g in groups] in ([3, 3, 4], [1, 3, 3, 4])


def ipv4(span: str) -> bool:
    """Four dotted octets 0-255 without leading zeros; not a version-like 0.x or x.0.0.0."""
    parts = span.split(".")
    if len(parts) != 4 or any(len(p) > 1 and p[0] == "0" for p in parts):
        return False
    try:
        address = ipaddress.IPv4Address(span)
    except ValueError:
        return False
    return not (address.is_unspecified or parts[0] == "0")


def ipv6(span: str) -> bool:
    """A full or compressed IPv6 address with at least three groups (not a clock time)."""
    if span.count(":") < 2 or span.strip(":") == "":
        return False
    try:
        ipaddress.IPv6Address(span)
    except ValueError:
        return False
    return sum(1 for g in span.split(":") if g) >= 3
