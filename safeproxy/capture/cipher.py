"""The capture's encryption: a Fernet key from an environment variable, and the sealer.

Fernet (the `cryptography` package, an optional extra: `pip install 'safeproxy[capture]'`)
authenticates each record (AES-128-CBC with HMAC-SHA256) and stamps it with its time, which
retention and replay read back. The package is imported only when capture is used.
A key is made with `python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Protocol


class CaptureKeyError(Exception):
    """No usable key: the message says which variable and why (never the key)."""


class Sealer(Protocol):
    def seal(self, plain: bytes, at: float) -> bytes: ...

    def open(self, token: bytes) -> bytes:
        """The plaintext; raises CaptureKeyError for a token this key did not seal."""
        ...

    def sealed_at(self, token: bytes) -> float: ...


class _Fernet:
    def __init__(self, key: str) -> None:
        from cryptography.fernet import Fernet

        self._fernet = Fernet(key.encode("ascii", "replace"))

    def seal(self, plain: bytes, at: float) -> bytes:
        return self._fernet.encrypt_at_time(plain, int(at))

    def open(self, token: bytes) -> bytes:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise CaptureKeyError("cannot decrypt: wrong key, or a damaged record") from None

    def sealed_at(self, token: bytes) -> float:
        from cryptography.fernet import InvalidToken

        try:
            return float(self._fernet.extract_timestamp(token))
        except InvalidToken:
            raise CaptureKeyError("cannot decrypt: wrong key, or a damaged record") from None


def key_problem(key_env: str, environ: Mapping[str, str]) -> str | None:
    """Why the capture key cannot be used (None: it can)."""
    try:
        sealer(key_env, environ)
    except CaptureKeyError as exc:
        return str(exc)
    return None


def sealer(key_env: str, environ: Mapping[str, str]) -> Sealer:
    if importlib.util.find_spec("cryptography") is None:
        raise CaptureKeyError("capture needs: pip install 'safeproxy[capture]'")
    key = environ.get(key_env)
    if not key:
        raise CaptureKeyError(f"environment variable {key_env} is not set")
    try:
        return _Fernet(key)
    except ValueError:
        raise CaptureKeyError(
            f"environment variable {key_env} is not a Fernet key (32 bytes, url-safe base64)"
        ) from None
