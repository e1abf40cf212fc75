"""Built-in detectors: table-driven hits, obfuscated hits, and look-alikes that must pass."""

from __future__ import annotations

import pytest

from safeproxy.filters.detect import Detector
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.pii import PII_RULES
from safeproxy.filters.secrets import SECRET_RULES
from safeproxy.filters.validators import entropy, iban, luhn, us_ssn

PII = Detector("pii", list(PII_RULES.values()), Normalizer())
# IP addresses are opt-in: the default PII set leaves them out.
PII_DEFAULT = Detector(
    "pii", [r for k, r in PII_RULES.items() if k not in ("ipv4", "ipv6")], Normalizer()
)
SECRETS = Detector("secrets", list(SECRET_RULES.values()), Normalizer())


def found(detector: Detector, text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in detector.find(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("write to jane.doe+work@acme-corp.io today", "pii.email", "jane.doe+work@acme-corp.io"),
        ("card 4111 1111 1111 1111 exp", "pii.credit_card", "4111 1111 1111 1111"),
        ("card 5500-0000-0000-0004.", "pii.credit_card", "5500-0000-0000-0004"),
        ("amex 378282246310005", "pii.credit_card", "378282246310005"),
        ("ssn 123-45-6789 on file", "pii.ssn", "123-45-6789"),
        ("iban GB82 WEST 1234 5698 7654 32 ok", "pii.iban", "GB82 WEST 1234 5698 7654 32"),
        ("iban DE89370400440532013000.", "pii.iban", "DE89370400440532013000"),
        ("call +1 (415) 867-5309 now", "pii.phone", "+1 (415) 867-5309"),
        ("call 415.867.5309 now", "pii.phone", "415.867.5309"),
        ("ruf +49 30 901820 an", "pii.phone", "+49 30 901820"),
        # Obfuscated: full-width digits, zero-width characters inside the value.
        (
            "card ４１１１ １１１１ １１１１ １１１１",
            "pii.credit_card",
            "４１１１ １１１１ １１１１ １１１１",
        ),
        ("mail jane\u200b.doe@acme\u200d.io now", "pii.email", "jane\u200b.doe@acme\u200d.io"),
        ("ssn １２３-４５-６７８９", "pii.ssn", "１２３-４５-６７８９"),
    ],
)
def test_pii_hits_map_back_to_the_original_span(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(PII, text)


@pytest.mark.parametrize(
    "text",
    [
        "see user@example.com in the docs, or admin@mail.example.org",
        "order 4111 1111 1111 1112 is not a card (Luhn fails)",
        "tracking 1234567890123456 shipped",
        "ISBN 978-3-16-148410-0 and 9780306406157",
        "call 000-12-3456 or 666-12-3456 or 123-00-4567 (invalid SSNs)",
        "version 1.2.3.4.5.6.7.8.9.10.11.12.13",
        "GB00 WEST 1234 5698 7654 32 has a bad checksum",
        "phone extension 4111-1111",
        "released 2024-01-15, build 1234567",
    ],
)
def test_pii_look_alikes_pass_untouched(text: str) -> None:
    assert found(PII_DEFAULT, text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("key AKIAIOSFODNN7EXAMPLE in env", "secret.aws_access_key"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here", "secret.github_token"),
        ("slack xoxb-123456789012-abcdefABCDEF ok", "secret.slack_token"),
        ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "secret.stripe_key"),
        ("google AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "secret.google_api_key"),
        ("openai sk-proj-Zq8xT2vLm9Kp4Rw7Yb3Nc6Hd1Fg5Js0A", "secret.openai_key"),
        (
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9P",
            "secret.jwt",
        ),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA", "secret.private_key"),
        ("config: api_key = 'f9K2mQ7xL4pR8vZ1wT6y'", "secret.keyword_value"),
        # Obfuscated: zero-width space inside an AWS key id, full-width prefix.
        ("key AKIA\u200bIOSFODNN7EXAMPLE", "secret.aws_access_key"),
        ("key ＡＫＩＡIOSFODNN7EXAMPLE", "secret.aws_access_key"),
    ],
)
def test_secret_hits(text: str, kind: str) -> None:
    assert kind in [k for k, _ in found(SECRETS, text)]


@pytest.mark.parametrize(
    "text",
    [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A",
        "password = 'changeme'",
        "api_key: <your-api-key-here>",
        "password: ${DB_PASSWORD}",
        "install sk-learn-contrib-package-for-tutorials",
        "akiaiosfodnn7example in lower case is not an AWS key id",
        "def secret_key_function(): pass",
    ],
)
def test_secret_look_alikes_pass_untouched(text: str) -> None:
    assert found(SECRETS, text) == []


def test_validators_on_their_boundaries() -> None:
    assert luhn("79927398713") and not luhn("79927398710")
    assert us_ssn("001-01-0001") and not us_ssn("900-01-0001") and not us_ssn("123-45-0000")
    assert iban("GB82WEST12345698765432") and not iban("GB82WEST12345698765433")
    assert entropy("aaaa") == 0.0 and entropy("abcd") == 2.0


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("server 10.20.30.40 is down", "pii.ipv4", "10.20.30.40"),
        ("peer 2001:db8:85a3::8a2e:370:7334 ok", "pii.ipv6", "2001:db8:85a3::8a2e:370:7334"),
        ("router fe80::1ff:fe23:4567:890a.", "pii.ipv6", "fe80::1ff:fe23:4567:890a"),
    ],
)
def test_ip_addresses_when_opted_in(text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(PII, text)


@pytest.mark.parametrize(
    "text",
    ["version 1.2.3.4.5 shipped", "at 12:30:45 sharp", "ratio 0.0.0.0 unset", "see 010.1.1.1"],
)
def test_ip_look_alikes_pass(text: str) -> None:
    assert found(PII, text) == []


def test_only_the_value_after_a_keyword_is_the_finding() -> None:
    text = 'db password: "Xq7#mP2!vL9@kR4z" set'
    assert found(SECRETS, text) == [("secret.keyword_value", "Xq7#mP2!vL9@kR4z")]
    text = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert ("secret.aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") in found(
        SECRETS, text
    )


def test_a_pem_block_is_cut_to_its_end_line_or_to_the_end_of_text() -> None:
    block = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0B\n-----END PRIVATE KEY-----"
    assert found(SECRETS, f"key:\n{block}\nthanks") == [("secret.private_key", block)]
    open_block = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk"
    assert found(SECRETS, f"x {open_block}") == [("secret.private_key", open_block)]
