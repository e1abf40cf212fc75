"""Checksums and plausibility tests that turn pattern candidates into findings.

Each validator sees only a matched span (at most a few hundred characters), never the whole
text; refiners see a whole run, and pay for each window they try from the scan's allowance
(work.py), so a text made of look-alikes cannot make them slow.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable

import phonenumbers

from safeproxy.filters.phones import PhoneRegions, cuts, national_phone
from safeproxy.filters.work import (
    CARD_CHECK_UNITS,
    CARD_START_UNITS,
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


_ASCII_NON_DIGITS = dict.fromkeys(c for c in range(128) if not chr(c).isdigit())


def digits(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_NON_DIGITS)
    return "".join(c for c in text if c.isdigit())


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


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


def email(span: str) -> bool:
    domain = span.rsplit("@", 1)[-1].lower().rstrip(".")
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
    if any(c in value for c in "()[]{}") or _dotted_identifier(value):
        return False
    if len(set(low)) <= 2:  # "aaaaaaaa", "--------"
        return False
    classes = sum(
        (any(c.islower() for c in value), any(c.isupper() for c in value),
         any(c.isdigit() for c in value), any(not c.isalnum() for c in value))
    )  # fmt: skip
    if classes < 2:
        return False
    # Human passwords (Welcome1, P@ssw0rd) are short and repetitive: the bar is lower than
    # for generated tokens, since a keyword already says what the value is.
    return entropy(value) >= 2.5


def _dotted_identifier(value: str) -> bool:
    """settings.db_password, self.api_key: a reference, not a value."""
    parts = value.rstrip(".,;").split(".")
    return len(parts) > 1 and all(
        p and (p.replace("_", "").isalpha() or (p.islower() and p.replace("_", "").isalnum()))
        for p in parts
    )


def url_password(value: str) -> bool:
    """The password of `scheme://user:password@host` (not a template or an empty one)."""
    low = value.lower()
    return (
        len(value) >= 3
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
) -> bool:
    """E.164 (+CC ...) or a national number of `default_region` (tried first), or else of
    one of `regions` (see phones.py), valid per libphonenumber.

    (Whether a bare run of digits may be a phone at all is decided by its context; see
    detect.py.)
    """
    text = span.strip()
    count = len(digits(text))
    if not 7 <= count <= 15:
        return False
    if text.startswith("00"):
        text = "+" + text[2:].lstrip()
    international = text.startswith("+")
    if international:
        text = text.replace("(0)", "")  # the trunk-prefix notation: +44 (0)20 ...
    groups = "".join(c if c.isdigit() else " " for c in text).split()
    # Phone numbers come in groups of two or more digits; version strings and dotted lists
    # ("1.2.3.4.5") do not. International numbers may have one (+33 1 42 ...).
    if not international and any(len(g) == 1 for g in groups[1:]):
        return False
    if international or not (
        default_region == "US" and not (count == 10 or (count == 11 and text[0] == "1"))
    ):  # the US test is cheap: most digit runs end there, before libphonenumber's ~25 µs
        if work is not None and not work.take(PHONE_PARSE_UNITS):
            return False  # the caller sees the allowance spent: unchecked, not valid
        if _default_phone(text, groups, international, default_region):
            return True
    if international or regions is None:
        return False
    if len(groups) == 2 and "-" in text and max(map(len, groups)) <= 4:
        return False  # a range (1990-2024, pages 6120-6189), not "02-7111234"
    if "." in text and len(groups) <= 4 and max(map(len, groups)) <= 3:
        return False  # an address or a version (20.10.10.10), not "06.12.34.56.78"
    return national_phone("".join(groups), groups, regions, work)


def _default_phone(text: str, groups: list[str], international: bool, region: str) -> bool:
    try:
        number = phonenumbers.parse(text, None if international else region)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number):
        return False
    if international:
        return True  # "+CC" already says "phone number"; groupings vary by habit
    # A national number's digit groups as written must fit its format (groups may merge):
    # "(415) 555-2671" and "1-415-555-2671" do, "87 92 88 76 91" (a list of scores) does not.
    style = phonenumbers.PhoneNumberFormat
    written = cuts(groups)
    for form in (style.NATIONAL, style.INTERNATIONAL):
        shown = phonenumbers.format_number(number, form)
        if written <= cuts("".join(c if c.isdigit() else " " for c in shown).split()):
            return True
    return False


def card_spans(run: str, work: Work) -> list[tuple[int, int]]:
    """Card numbers inside a run of digit groups ("0 4111 1111 1111 1111 22").

    Pattern engines report one (leftmost) start per match end, so a card preceded or
    followed by other digits hides inside a longer run. Cards start at a group boundary:
    try every group as a start, take the longest valid number from there, then go on
    after it. Each start costs `work`; once it is spent, the run is cut there.
    """
    starts = [i for i, c in enumerate(run) if c.isdigit() and (i == 0 or not run[i - 1].isdigit())]
    last = len(run.rstrip(_NOT_DIGITS))
    found: list[tuple[int, int]] = []
    after = 0
    for a in starts:
        if a < after:
            continue
        if not work.take(CARD_START_UNITS):
            work.cut = a
            return found
        best = None
        count = 0
        for b in range(a, len(run)):
            if run[b].isdigit():
                count += 1
                end = b + 1
                at_group_end = end == len(run) or not run[end].isdigit()
                if count > 19:
                    break
                if at_group_end and count >= 13:
                    if not work.take(CARD_CHECK_UNITS):
                        work.cut = a
                        return found
                    whole = a == starts[0] and end == last
                    if _card_groups(run[a:end], whole):
                        best = end
        if best is not None:
            found.append((a, best))
            after = best
    return found


def _card_groups(span: str, whole: bool = True) -> bool:
    """Printed cards group digits in threes to sixes (4-4-4-4, 4-6-5) or not at all; an
    obfuscated one may set every digit apart ("4 1 1 1 ..."), but only as a whole run
    (`whole`: inside a longer run of single digits, some window passes Luhn by chance, as
    in the digits of pi). Groups apart by more than one plain separator (" - ", "|") are
    apart the same way throughout."""
    groups = "".join(c if c.isdigit() else " " for c in span).split()
    if len(groups) > 1:
        sizes = set(map(len, groups))
        if min(sizes) < 3 and (sizes != {1} or not whole):
            return False
        if (sizes == {1} or not _plain_separators(span)) and not same_separators(span):
            return False
    return card_number(span)


# Separators printed cards mix freely ("4111 1111-1111 1111"), one at a time.
_PLAIN = frozenset(" ./_-")
_NON_DIGITS = re.compile(r"[^0-9]+")
_NOT_DIGITS = " ./_|*~+:\\-()"


def _separators(span: str) -> list[str]:
    """What stands between the digit groups of a span (a matched value: short)."""
    return _NON_DIGITS.findall(span)


def _plain_separators(span: str) -> bool:
    return all(sep in _PLAIN for sep in _separators(span))


def same_separators(span: str) -> bool:
    """Whether every gap between the span's digit groups is written the same way."""
    return len(set(_separators(span))) <= 1


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


def _best_spans(
    run: str,
    starts: list[int],
    ends: list[int],
    valid: Callable[[str], bool],
    max_len: int,
    work: Work,
) -> list[tuple[int, int]]:
    """From each start, the longest valid span ending at one of `ends`; then go on after it.

    Pattern engines report one (leftmost) start per match end, so a value preceded by
    look-alike text ("bb00 GB82 WEST ...", "12 415-555-2671") hides inside a longer match.
    Each window costs `work` (`valid` may take more); once it is spent, the run is cut at
    the start being tried.
    """
    found: list[tuple[int, int]] = []
    after = lo = hi = 0
    for a in starts:
        if a < after:
            continue
        # Only the ends within max_len of the start, found by two cursors that only move
        # forward: walking every end of a long run from its far end, for every start, was
        # O(run²) (one 160 KB digit run held the loop for 25 s).
        while lo < len(ends) and ends[lo] <= a:
            lo += 1
        hi = max(hi, lo)
        while hi < len(ends) and ends[hi] <= a + max_len:
            hi += 1
        for i in range(hi - 1, lo - 1, -1):
            b = ends[i]
            ok = work.take() and valid(run[a:b])
            if work.exhausted:
                work.cut = a
                return found
            if ok:
                found.append((a, b))
                after = b
                break
    return found


def phone_spans(
    run: str, work: Work, region: str = "US", regions: PhoneRegions | None = None
) -> list[tuple[int, int]]:
    """Phone numbers inside a run of digit groups, separators, `+` and parentheses."""
    starts = [
        i
        for i, c in enumerate(run)
        if c in "+(" or (c.isdigit() and (i == 0 or run[i - 1] not in "0123456789+("))
    ]
    ends = [i + 1 for i, c in enumerate(run) if c.isdigit() and not run[i + 1 : i + 2].isdigit()]
    # Other regions' national numbers count only as a whole run: inside a longer run of
    # groups ("Tracking number 9400 1000 0000 0000 0000 00") some window is always a valid
    # number of some region in its groups.
    whole = len(digits(run))

    def valid(span: str) -> bool:
        others = regions if regions is not None and len(digits(span)) == whole else None
        return phone_number(span, region, work, others)

    return _best_spans(run, starts, ends, valid, 24, work)


def iban_spans(run: str, work: Work) -> list[tuple[int, int]]:
    """IBANs inside a run of alphanumeric groups: they start with two letters, two digits."""
    if run.isascii() and run.replace(" ", "").isalnum():
        # The detector's runs (ASCII letters, digits and spaces): one step per group, not
        # per character (a long base64 text is one run after another).
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        for group in run.split(" "):
            if group:
                if len(group) >= 4 and group[:2].isalpha() and group[2:4].isdigit():
                    starts.append(at)
                ends.append(at + len(group))
            at += len(group) + 1
        return _best_spans(run, starts, ends, iban, 42, work)
    starts = [
        i
        for i in range(len(run) - 3)
        if (i == 0 or not run[i - 1].isalnum())
        and run[i : i + 2].isalpha()
        and run[i + 2 : i + 4].isdigit()
    ]
    ends = [i + 1 for i, c in enumerate(run) if c.isalnum() and not run[i + 1 : i + 2].isalnum()]
    return _best_spans(run, starts, ends, iban, 42, work)
