"""Built-in PII rules: email, phone, payment card, US SSN, IBAN, IP addresses (and the
national identity numbers of national_ids.py, the documents' numbers and dates of birth of
id_documents.py).

Patterns run on the normalised view (full-width digits, zero-width characters and
homoglyphs fold away); validators (libphonenumber, Luhn, SSA rules, mod-97) cut the false
positives; refiners find the values hidden inside longer digit or word runs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from safeproxy.filters import refiners
from safeproxy.filters import validators as v
from safeproxy.filters.api import Severity
from safeproxy.filters.holds import Named
from safeproxy.filters.id_documents import DOCUMENT_RULES
from safeproxy.filters.national_ids import NATIONAL_ID_COMPANIONS, NATIONAL_ID_RULES
from safeproxy.filters.phones import phone_regions
from safeproxy.filters.rules import ALNUM, DIGITS, Rule, on_norm
from safeproxy.filters.scanner import Pattern
from safeproxy.filters.spelled_email import SPELLED_EMAILS, SPELLED_EMAILS_ANY_DOMAIN
from safeproxy.filters.spelled_email_words import (
    FOREIGN_SPELLED_EMAILS,
    FOREIGN_SPELLED_EMAILS_ANY_DOMAIN,
)

_DIGIT = re.compile(f"[{DIGITS}]")


# What opens an IBAN's hold (holds.Named): two letters that begin a word, before a digit.
# Without one, what may still be an IBAN is a last word of one or two letters that the
# digits have not reached yet: the hold keeps the last two letters of the trailing run.
_IBAN_OPENS = r"(^|[^a-z0-9])[a-z]{2}[0-9]"
_IBAN_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _iban_hold(norm: str) -> int:
    """Where an IBAN could still begin: a word start whose rest fits the IBAN shape so far.

    A start is two letters before a digit (the check digits), or, at the very end, a last
    word of one or two letters that the digits have not reached yet. Only those positions
    are tried: a stream calls this on every event.
    """
    tail_from = max(0, len(norm) - 41)
    starts: set[int] = set()
    for digit in _DIGIT.finditer(norm, tail_from + 2):  # (prose has few near its end)
        q = digit.start()
        p = q - 2
        # ASCII letters, as the pattern's (and the gate's) `[a-z]` read them.
        letters = norm[p:q]
        if letters.isascii() and letters.isalpha() and (p == 0 or not norm[p - 1].isalnum()):
            starts.add(p)
    for p in sorted(starts):
        if _iban_prefix(norm, p):
            return p
    word = len(norm.rstrip(ALNUM))
    last = norm[word:]
    return word if 0 < len(last) <= 2 and last.isalpha() else len(norm)


def _iban_prefix(norm: str, p: int) -> bool:
    tail = norm[p:]
    head = tail[:4]
    if not (head[:2].isalpha() and (head[2:].isdigit() or not head[2:])):
        return False
    rest = tail[4:]
    sep = "-" if "-" in rest else "." if "." in rest else " "  # (as refiners.iban_spans)
    return (rest.replace(sep, "").isalnum() or not rest.strip(sep)) and sep * 2 not in rest


# What may stand between the digit groups of a card number or an SSN, up to three of them
# ("4111 - 1111", "123 | 45 | 6789", "4111**1111"): written the same way throughout the
# value (refiners.same_separators), so a table's column bars and a list's mixed
# punctuation do not join numbers into one. Not the comma (lists of numbers).
_GROUP_SEPARATORS = " ./_|*~+:\\-"
_SEP = r"[ ./_|*~+:\\-]"
# Phones keep their own separators (dates and times would read as numbers of some region
# with `/` or `:`), up to three of them ("415 - 555 - 2671"), bars and stars besides.
_PHONE_SEP = r"[ ().|*~\\-]{0,3}"

# Each at the start of a word, where words are spaced (spans.said): "tel" in "hotel" and
# "call" in "recall" say nothing. In the languages the other phone regions write, too: a
# national number after "Handy", "رقمي" or "电话" is as much a phone as after "phone".
# Written as normalised (no accents: "número" is "numero"). Not "llama" (the model).
_PHONE_WORDS = ("call", "phone", "iphone", "smartphone", "tel ", "tel.", "tel:", "telef",
                "teleph", "telf", "mobile", "cell", "fax",
                "contact", "text me", "reach", "ring me", "dial", "whatsapp", "sms", "number",
                "handy", "nummer", "ruf", "portable", "numero", "appel", "joindre", "celular",
                "movil", "llamame", "llamar", "chiama", "ligue", "mobiel", "bel me", "numara",
                "mobil", "numer ", "numer:", "numar ", "komork", "cislo", "tfno", "tlf",
                "mob.", "mob:", "cel.", "cel:",
                "телеф", "тел.", "тел:", "тел ", "номер", "мобил", "звон",
                "τηλ", "κινητ", "رقم", "هاتف", "جوال", "موبايل", "اتصل", "واتس", "טלפון",
                "נייד", "फोन", "नंबर", "मोबाइल", "电话", "電話", "手机", "手機", "号码",
                "號碼", "携帯", "番号", "전화", "번호", "핸드폰", "휴대폰", "dien thoai",
                "sdt", "nomor", "โทร", "เบอร์")  # fmt: skip
# Not "#" nor "no.": "Order #2022000000" and "Invoice no. 4155550123" are order ids; nor
# a context word right after one of these, or with one of them between it and the digits:
# "order number 0612345678", "номер заказа 89161234567" and "number of tokens: 138123..."
# are not phones.
_NUMBER_OWNERS = ("order", "tracking", "account", "invoice", "reference", "ref", "serial",
                  "case", "ticket", "booking", "confirmation", "transaction", "customer",
                  "member", "policy", "part", "model", "routing", "card", "item", "product",
                  "batch", "lot", "registration", "license", "licence", "shipment", "parcel",
                  "container", "claim", "contract", "employee", "student", "patient", "id",
                  "of", "commande", "facture", "compte", "pedido", "factura", "cuenta",
                  "ordine", "fattura", "conto", "bestellung", "rechnung", "konto", "заказ",
                  "заказа", "счет", "счета", "طلب", "الطلب", "فاتورة", "الفاتورة", "حساب",
                  "siparis", "hesap")  # fmt: skip

# Things whose numbers are written like phones: a number right after one is its identifier
# ("the order 046 454 286 shipped", "part no. 0612-345-678"). Not a person's (a customer's
# or a patient's number may well be a phone), nor "case" and "id" ("in case 06 12 ... is
# busy", "my whatsapp id is ...").
_ID_OWNERS = ("order", "tracking", "account", "invoice", "reference", "ref", "serial",
              "ticket", "booking", "confirmation", "transaction", "policy", "part", "model",
              "item", "product", "sku", "batch", "lot", "shipment", "parcel", "package",
              "container", "claim", "contract", "receipt", "voucher", "coupon", "patent",
              "commande", "facture", "compte", "dossier", "colis", "pedido", "factura",
              "cuenta", "referencia", "ordine", "fattura", "conto", "bestellung", "rechnung",
              "konto", "auftrag", "sendung", "заказ", "заказа", "счет", "счета", "طلب", "الطلب",
              "فاتورة", "الفاتورة", "siparis", "fatura")  # fmt: skip

# Nine digits with no separators are an SSN only after one of these (within 32 characters):
# "SSN 123456789" is one, "order 123456789" and "message id 123456789" are not. " ssa" has
# its space: "necessary" and "message" hold "ssa".
_SSN_WORDS = ("ssn", "social security", " ssa", "ss#", "ss #", "ss no", "seguro social",
              "segurança social", "seguridad social", "sozialversicherung")  # fmt: skip


def _ssn_bare_spans(run: str, _work: object) -> list[tuple[int, int]]:
    """The run itself when it is exactly nine digits that pass the SSA rules (the detector
    has trimmed runs glued to longer numbers or words to nothing)."""
    return [(0, 9)] if len(run) == 9 and run.isdigit() and v.us_ssn(run) else []


SSN_BARE = Rule(
    "pii.ssn",
    # Like the card pattern: one report per run (at its end), the next character given back.
    Pattern("pii.ssn.bare", r"\d{9}(?:[^0-9a-z_]|$)", 10, som=False),
    Severity.HIGH,
    refine=_ssn_bare_spans,
    alphabet=DIGITS,
    trailing=DIGITS,
    joiners="-.",  # 123456789.5 and INV-123456789 are other things
    bare_context=_SSN_WORDS,
)


def _ssn_spaced_spans(run: str, _work: object) -> list[tuple[int, int]]:
    """Nine digits one by one, apart the same way throughout ("1 2 3 4 5 6 7 8 9"), or in
    the SSN's 3-2-4 groups ("0 7 8 - 0 5 - 1 1 2 0"), that pass the SSA rules: a whole
    stretch only (refiners.one_by_one_stretches, one_by_one_groups)."""
    grouped = refiners.one_by_one_groups(run)
    if grouped is not None and [len(g) for g in grouped[2]] == [3, 2, 4]:
        a, b, groups = grouped
        return [(a, b)] if v.us_ssn("-".join(groups)) else []
    return [
        (a, b)
        for a, b, count in refiners.one_by_one_stretches(run)
        if count == 9 and v.us_ssn(run[a:b])
    ]


def _comma_card_spans(run: str, _work: object) -> list[tuple[int, int]]:
    """Four groups of four digits joined by commas, and nothing more of a list around them:
    a card number that passes Luhn with a card's issuer prefix."""
    groups = run.split(",")
    whole = len(groups) == 4 and all(len(g) == 4 and g.isdigit() for g in groups)
    return [(0, len(run))] if whole and v.card_number(run) else []


# A card written with commas between its groups ("4111,1111,1111,1111"): the comma is no
# card separator of the main rule (lists of numbers), so only four groups of four that
# stand alone (the run read back over digits and commas holds nothing else: a longer row
# of a CSV is no card) and pass the card's checks.
CARD_COMMAS = Rule(
    "pii.credit_card",
    Pattern("pii.credit_card.commas", r"\d{4},\d{4},\d{4},\d{4}(?:[^0-9a-z_,]|$)", 21, som=False),
    Severity.HIGH,
    refine=_comma_card_spans,
    alphabet=DIGITS + ",",
    trailing=DIGITS,
)


# Nine digits one by one, after a context word ("SSN: 1 2 3 4 5 6 7 8 9"; spans.bare).
SSN_SPACED = Rule(
    "pii.ssn",
    Pattern("pii.ssn.spaced", rf"\d(?:{_SEP}{{1,3}}\d){{8}}(?:[^0-9a-z_]|$)", 34, som=False),
    Severity.HIGH,
    refine=_ssn_spaced_spans,
    alphabet=DIGITS + _GROUP_SEPARATORS,
    trailing=DIGITS,
    joiners="-.",
    bare_context=_SSN_WORDS,
)

PII_RULES: dict[str, Rule] = {
    "email": Rule(
        "pii.email",
        Pattern("pii.email", r"@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,24}", 254, som=False),
        Severity.MEDIUM,
        # Drops addresses at reserved documentation domains (example.com, .test, ...):
        # the filter's `exempt_reserved_domains` (on by default) picks EMAIL_ANY_DOMAIN instead.
        on_norm(v.email),
        alphabet=ALNUM + "._%+-@",
        grow_left=ALNUM + "._%+-",
        anchor="@",
        # git@github.com:org/repo is a remote, not an address; and a shorter domain inside a
        # longer host name (acme.io.internal) is no address either.
        end_joiners=":.",
        not_after="://",
    ),
    "credit_card": Rule(
        "pii.credit_card",
        # `(?:[^0-9a-z_]|$)`: only a run's last digit ends a match (one report per run, not
        # one per digit); the character after it is given back by the detector (`trailing`).
        # A run glued to a word ("f0123456789a" in hex) is no value and is not reported at
        # all: a hex dump made one report per digit run.
        # Groups apart by up to three separators (middle dots and bullets read as dots:
        # normalize._DOTS; dashes of every width as "-").
        Pattern(
            "pii.credit_card", rf"\d(?:{_SEP}{{0,3}}\d){{12,18}}(?:[^0-9a-z_]|$)", 74, som=False
        ),
        Severity.HIGH,
        refine=refiners.card_spans,
        alphabet=DIGITS + _GROUP_SEPARATORS,
        trailing=DIGITS,
    ),
    "ssn": Rule(
        "pii.ssn",
        # The same separator twice: judged by the validator (Hyperscan has no
        # back-references).
        Pattern("pii.ssn", rf"\d{{3}}{_SEP}{{1,3}}\d{{2}}{_SEP}{{1,3}}\d{{4}}", 15),
        Severity.HIGH,
        on_norm(lambda span: refiners.same_separators(span) and v.us_ssn(span)),
        alphabet=DIGITS + _GROUP_SEPARATORS,
        joiners="-.",
    ),
    "phone": Rule(
        "pii.phone",
        Pattern("pii.phone", rf"\+?\(?\d(?:{_PHONE_SEP}\d){{6,}}(?:[^0-9a-z_]|$)", 40, som=False),
        Severity.MEDIUM,
        refine=refiners.phone_spans,
        alphabet=DIGITS + " ().+|*~\\-",
        trailing=DIGITS,
        joiners="-.",  # INV-2024-000123 and v1.415... are identifiers
        continues_ids=True,  # and so are the groups after `AA1 ` (UPS: 1Z 999 AA1 01 2345 6784)
        bare_context=_PHONE_WORDS,
        bare_others=_NUMBER_OWNERS,
        owners=_ID_OWNERS,
    ),
    "iban": Rule(
        "pii.iban",
        Pattern(
            "pii.iban",
            r"[a-z]{2}\d{2}(?:[ .-]?[a-z0-9]{4}){2,7}(?:[ .-]?[a-z0-9]{1,4})?(?:[^a-z0-9]|$)",
            43,
            som=False,
        ),
        Severity.HIGH,
        refine=refiners.iban_spans,
        hold=Named(_iban_hold, _IBAN_OPENS, 41, _IBAN_LETTERS, 3),
        alphabet=ALNUM + " .-",
        trailing=ALNUM,
    ),
    "ipv4": Rule(
        "pii.ipv4",
        Pattern("pii.ipv4", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}", 15),
        Severity.LOW,
        on_norm(v.ipv4),
        alphabet=DIGITS + ".",
        joiners=".",
    ),
    "ipv6": Rule(
        "pii.ipv6",
        Pattern("pii.ipv6", r"[0-9a-f:]*:[0-9a-f:]*:[0-9a-f.:]+", 45),
        Severity.LOW,
        on_norm(v.ipv6),
        alphabet="0123456789abcdef:.",
        joiners=":.",
    ),
    **NATIONAL_ID_RULES,
    **DOCUMENT_RULES,
}


# Rules an entity brings besides its main one: addresses spelt out ("jane (at) acme dot io",
# "laura arroba gmail punto com"). And SSNs without separators, or one digit at a time,
# after a context word.
PII_COMPANIONS: dict[str, tuple[Rule, ...]] = {
    "email": (*SPELLED_EMAILS, *FOREIGN_SPELLED_EMAILS),
    "ssn": (SSN_BARE, SSN_SPACED),
    "credit_card": (CARD_COMMAS,),
    **NATIONAL_ID_COMPANIONS,
}

# With `exempt_reserved_domains: false`: every address is a finding, example.com's too.
EMAIL_ANY_DOMAIN = dataclasses.replace(PII_RULES["email"], validate=None)
PII_COMPANIONS_ANY_DOMAIN: dict[str, tuple[Rule, ...]] = {
    "email": (*SPELLED_EMAILS_ANY_DOMAIN, *FOREIGN_SPELLED_EMAILS_ANY_DOMAIN),
    "ssn": (SSN_BARE, SSN_SPACED),
    "credit_card": (CARD_COMMAS,),
    **NATIONAL_ID_COMPANIONS,
}


def phone_rule(region: str, regions: Sequence[str]) -> Rule:
    """The phone rule for a default region and the further regions of national numbers."""
    rule = PII_RULES["phone"]
    if region == "US" and not regions:
        return rule
    shapes = phone_regions(region, tuple(regions))  # read once per policy, not per candidate
    return dataclasses.replace(
        rule,
        refine=lambda run, work: refiners.phone_spans(run, work, region, shapes),
        # After a context word, the other regions' numbers of their shape need not be valid
        # (allocated) too: an address book's "07911 482630" is no less a phone.
        refine_said=lambda run, work: refiners.phone_spans(run, work, region, shapes, True),
    )
