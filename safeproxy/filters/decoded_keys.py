"""Private key bodies without their PEM armour, told by the base64 decoder (decoded.py).

People strip `-----BEGIN ... PRIVATE KEY-----` or paste the body alone (a JSON field, an
environment variable), and the PEM rule has nothing to anchor on. The body still says what
it is in its first bytes, and the base64 view decodes every run anyway: a private key's DER
opens with a SEQUENCE and its version INTEGER (PKCS#8, PKCS#1 RSA, SEC1 EC), which no
certificate, CSR, public key or encrypted key does (theirs opens with a nested SEQUENCE or
the modulus); an OpenSSH body opens with `openssh-key-v1`.

Such a run becomes a piece that reads as an armoured key (`KEY_PIECE`), spanning the whole
body: the run, and each next run of base64 on the following lines while the one before it
was a full line (64 or 76 characters in a wrapped body; the last is shorter). The PEM rule
(secrets.py) reads it on the decoded view, so the finding, its type and its redaction are
the PEM rule's, over the body's original characters.
"""

from __future__ import annotations

import re

# What the piece of a key body reads as: the PEM rule's markers, begin and end.
KEY_PIECE = "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----"
# Bytes that open an OpenSSH private key (`openssh-key-v1` and its NUL).
_OPENSSH = b"openssh-key-v1\x00"
# Bytes judged of a run's start: the outer header, the version and the next element's header.
HEAD_BYTES = 24
# The shortest body: an Ed25519 PKCS#8 key is 64 characters of base64 (48 bytes).
MIN_BYTES = 45
# A full line of a wrapped body (64 in PEM, 76 in MIME); shorter ends the block.
_FULL_LINE = 60
# The longest block: an RSA 4096 PKCS#8 body is about 3,300 characters with line breaks.
MAX_BLOCK = 8192
# Between two lines: a line break (maybe written `\\n` in a JSON string or an env file) and
# the next line's indentation.
_BREAK = re.compile(r"(?:\r?\n|(?:\\r)?\\n)[ \t]{0,16}")
_LINE = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def _header(der: bytes, at: int) -> tuple[int, int, int] | None:
    """The tag, content length and content offset of the DER element at `at` (None when
    the bytes do not hold a header: a length of more than two bytes is no key's)."""
    if at + 2 > len(der):
        return None
    tag, first = der[at], der[at + 1]
    if first < 0x80:
        return tag, first, at + 2
    size = first & 0x7F
    if not 1 <= size <= 2 or at + 2 + size > len(der):
        return None
    return tag, int.from_bytes(der[at + 2 : at + 2 + size], "big"), at + 2 + size


def private_der(head: bytes) -> bool:
    """Whether DER bytes open as a private key: SEQUENCE { INTEGER version, ... } with
    PKCS#8 (version 0 or 1, then the algorithm's SEQUENCE { OID }), PKCS#1 RSA (version 0,
    then the modulus INTEGER) or SEC1 EC (version 1, then the key's OCTET STRING).

    A certificate, a CSR, a public key (SubjectPublicKeyInfo) and an encrypted key open
    with a nested SEQUENCE where the version would stand, and PKCS#1 public keys with the
    modulus: none of them passes.
    """
    outer = _header(head, 0)
    if outer is None or outer[0] != 0x30 or outer[1] < 32:
        return False
    at = outer[2]
    if head[at : at + 2] != b"\x02\x01" or at + 3 > len(head):
        return False
    version, at = head[at + 2], at + 3
    following = _header(head, at)
    if version not in (0, 1) or following is None:
        return False
    tag, length, content = following
    if tag == 0x30:  # PKCS#8: the algorithm's SEQUENCE opens with its OID
        return head[content : content + 1] == b"\x06" and length >= 5
    if tag == 0x02:  # PKCS#1 RSA: a modulus of 512 bits or more
        return version == 0 and length >= 64
    if tag == 0x04:  # SEC1 EC: the private scalar, 20 to 66 bytes
        return version == 1 and 20 <= length <= 66
    return False


def private_key(data: bytes) -> bool:
    """Whether decoded bytes open as a private key (DER or OpenSSH)."""
    return len(data) >= MIN_BYTES and (private_der(data[:HEAD_BYTES]) or data.startswith(_OPENSSH))


def block_end(text: str, start: int, stop: int) -> tuple[int, int]:
    """Where a key body whose first run is text[start:stop] ends, and its number of lines:
    each next line of base64 belongs to it while the one before it was a full line (at
    most MAX_BLOCK on)."""
    limit = min(len(text), start + MAX_BLOCK)
    end = stop
    line = stop - start
    lines = 1
    while line >= _FULL_LINE and end < limit:
        gap = _BREAK.match(text, end, limit)
        if gap is None:
            break
        run = _LINE.match(text, gap.end(), limit)
        if run is None:
            break
        line = run.end() - run.start()
        end = run.end()
        lines += 1
    return end, lines
