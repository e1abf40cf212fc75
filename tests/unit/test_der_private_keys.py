"""Private keys without their PEM armour (decoded_keys.py, read by the base64 view): the
base64 body of every key type and encoding the `cryptography` package writes and its
OpenSSH body, wrapped or on one line, in prose, a JSON field or an environment variable.
Public keys, certificates, CSRs and encrypted keys, whose DER opens with a nested SEQUENCE
or a modulus instead of a version, pass; so does other base64 and a word that starts like a
prefix."""

from __future__ import annotations

import base64
import functools
import random

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from safeproxy.filters.chain import run_stage
from safeproxy.filters.decoded_keys import private_der
from tests.property.test_stream_filter_split import REDACTING, _cut, _text_of, _through_hook, _wire

Enc = serialization.Encoding
Fmt = serialization.PrivateFormat


def found(text: str) -> list[str]:
    """The parts of `text` the secrets filter found (on the text and its decoded views)."""
    result = run_stage(REDACTING.output, [text])
    assert result.found is not None
    # (a value after a key's name may also be another rule's: one span, redacted once)
    spans = sorted({(f.start, f.end) for f in result.found[0] if f.filter == "secrets"})
    return [text[a:b] for a, b in spans]


def _body(pem: bytes) -> str:
    """The lines between the armour."""
    return "\n".join(line for line in pem.decode().splitlines() if not line.startswith("-----"))


@functools.cache
def _keys() -> list[tuple[str, object]]:
    return [
        ("rsa1024", rsa.generate_private_key(65537, 1024)),
        ("rsa2048", rsa.generate_private_key(65537, 2048)),
        ("p256", ec.generate_private_key(ec.SECP256R1())),
        ("p384", ec.generate_private_key(ec.SECP384R1())),
        ("p521", ec.generate_private_key(ec.SECP521R1())),
        ("ed25519", ed25519.Ed25519PrivateKey.generate()),
    ]


def _private_bodies() -> list[tuple[str, str]]:
    out = []
    for name, key in _keys():
        formats = [Fmt.PKCS8, Fmt.OpenSSH]
        if name.startswith("rsa") or name.startswith("p"):
            formats.append(Fmt.TraditionalOpenSSL)  # PKCS#1 RSA, SEC1 EC
        for fmt in formats:
            pem = key.private_bytes(Enc.PEM, fmt, serialization.NoEncryption())  # type: ignore[attr-defined]
            out.append((f"{name}-{fmt}", _body(pem)))
    return out


def _public_bodies() -> list[str]:
    out = []
    for _name, key in _keys():
        public = key.public_key()  # type: ignore[attr-defined]
        for fmt in (serialization.PublicFormat.SubjectPublicKeyInfo,):
            out.append(_body(public.public_bytes(Enc.PEM, fmt)))
    key = _keys()[1][1]
    assert isinstance(key, rsa.RSAPrivateKey)
    out.append(_body(key.public_key().public_bytes(Enc.PEM, serialization.PublicFormat.PKCS1)))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.test")])
    import datetime

    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1234567)
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    out.append(_body(cert.public_bytes(Enc.PEM)))
    return out


@pytest.mark.parametrize(
    ("kind", "body"), _private_bodies(), ids=lambda x: x if len(x) < 30 else ""
)
def test_a_private_key_body_without_armour_is_cut_whole(kind: str, body: str) -> None:
    text = f"the key body (I stripped the header):\n{body}\n\nwhat type of key is it?"
    assert found(text) == [body]


@pytest.mark.parametrize("body", _public_bodies())
def test_public_keys_and_certificates_pass(body: str) -> None:
    assert found(f"our public material:\n{body}\nthanks") == []


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=48, max_size=600))
def test_other_base64_passes(data: bytes) -> None:
    # (bytes that open as a private key's DER would are one in billions)
    assert found("attachment: " + base64.b64encode(data).decode()) == []


@pytest.mark.parametrize(
    "text",
    [
        "MIIEvQ is not a key, nor is MHcCAQEE by itself",
        "Mission: MIIT and MIGHT and MC4CAQAw are words",
    ],
)
def test_short_look_alikes_pass(text: str) -> None:
    assert found(text) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(_private_bodies()) - 1), st.lists(st.integers(0, 4000), max_size=20))
def test_a_streamed_body_never_shows_a_line_whatever_the_split(
    which: int, text_cuts: list[int]
) -> None:
    _kind, body = _private_bodies()[which]
    text = f"key:\n{body}\nthat was it"
    whole = run_stage(REDACTING.output, [text]).texts[0]
    assert whole is not None
    assert all(line not in whole for line in body.splitlines())
    rnd = random.Random(which)
    byte_cuts = [rnd.randint(0, 6000) for _ in range(10)]
    events = _through_hook(REDACTING, _wire(_cut(text, text_cuts)), byte_cuts)
    received, _finishes = _text_of(events)
    assert received == whole


def _der_b64(key: object, fmt: serialization.PrivateFormat) -> str:
    der = key.private_bytes(Enc.DER, fmt, serialization.NoEncryption())  # type: ignore[attr-defined]
    return base64.b64encode(der).decode()


@pytest.mark.parametrize("fmt", [Fmt.PKCS8, Fmt.TraditionalOpenSSL])
@pytest.mark.parametrize("which", [0, 2, 3])
def test_a_body_in_a_json_field_or_an_env_var_is_cut(which: int, fmt: Fmt) -> None:
    one_line = _der_b64(_keys()[which][1], fmt)
    assert found(f'{{"service_account": "svc", "signing_key": "{one_line}"}}') == [one_line]
    assert found(f"export SIGNER_PK={one_line}\n") == [one_line]
    # A JSON string of a PEM body with its line breaks written as `\n`: the string whole.
    escaped = _body(
        _keys()[which][1].private_bytes(Enc.PEM, fmt, serialization.NoEncryption())  # type: ignore[attr-defined]
    ).replace("\n", "\\n")
    assert found(f'{{"pk": "{escaped}"}}') == [escaped]


def test_csrs_encrypted_keys_and_one_line_certificates_pass() -> None:
    key = _keys()[2][1]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop.example")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    assert found(f"CSR: {_body(csr.public_bytes(Enc.PEM))}") == []
    enc = key.private_bytes(
        Enc.DER, Fmt.PKCS8, serialization.BestAvailableEncryption(b"correct horse")
    )
    # An encrypted key opens with a nested SEQUENCE (its algorithm), as a certificate does.
    assert found("encrypted: " + base64.b64encode(enc).decode()) == []
    cert = _public_bodies()[-1].replace("\n", "")
    assert found(f'{{"x5c": ["{cert}"]}}') == []
    spki = _public_bodies()[1].replace("\n", "")
    assert found(f"the server's public half: {spki}") == []


@pytest.mark.parametrize(
    "head",
    [
        bytes.fromhex("3082025c020100028181"),  # PKCS#1 RSA
        bytes.fromhex("308204bd020100300d06092a864886f70d"),  # PKCS#8 RSA
        bytes.fromhex("307702010104204f"),  # SEC1 P-256
        bytes.fromhex("302e020100300506032b6570"),  # PKCS#8 Ed25519
    ],
)
def test_der_that_opens_as_a_private_key(head: bytes) -> None:
    assert private_der(head + bytes(24))


@pytest.mark.parametrize(
    "head",
    [
        bytes.fromhex("308203b830820220a003020102"),  # certificate: SEQUENCE{SEQUENCE{[0]
        bytes.fromhex("30820122300d06092a864886f70d"),  # SubjectPublicKeyInfo
        bytes.fromhex("3082010a0282010100"),  # PKCS#1 public key: the modulus first
        bytes.fromhex("3081f3308199020100"),  # CSR: SEQUENCE{SEQUENCE{INTEGER 0
        bytes.fromhex("30820522020102"),  # version 2: no key's
        bytes.fromhex("300c020100"),  # too short to hold a key
        bytes.fromhex("3077020101020101"),  # SEC1 version with an INTEGER after it
    ],
)
def test_der_of_other_things_is_no_private_key(head: bytes) -> None:
    assert not private_der(head + bytes(24))
