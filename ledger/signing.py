"""Canonical JSON (RFC 8785), SHA-256 and Ed25519: the bytes that are hashed
and signed, and the key files parties keep outside the ledger."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from ledger.errors import BadInput


SAFE_INTEGER = 2**53 - 1  # RFC 8785 numbers are IEEE doubles
ASTRAL = "\U00010000"  # first code point outside the Basic Multilingual Plane
_sorted_compact_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                                        allow_nan=False).encode


def _plain(value: Any) -> bool:
    """True when the standard library's sorted, compact JSON of `value` is
    byte for byte its RFC 8785 form: only str, None, bool, safe integers,
    lists and dicts with keys in the Basic Multilingual Plane (where sorting
    by code point equals RFC 8785's sorting by UTF-16 code unit). The string
    escapes are the same (`"`, `\\`, \\b \\f \\n \\r \\t, other controls as
    lowercase \\u00xx, nothing else)."""
    kind = type(value)
    if kind is dict:
        for key in value:
            if type(key) is not str or (not key.isascii() and max(key) >= ASTRAL):
                return False
        return _plain_items(value.values())
    if kind is list or kind is tuple:
        return _plain_items(value)
    return _plain_items((value,))


def _plain_items(items: Any) -> bool:
    """Scalars are checked inline: this walk runs on every hashed record.
    Floats and anything else are not plain: the reference implementation decides."""
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -SAFE_INTEGER <= item <= SAFE_INTEGER:
                continue
            return False
        if (kind is dict or kind is list or kind is tuple) and _plain(item):
            continue
        return False
    return True


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value. Plain values (all the ledger records)
    take the C encoder of the standard library, ~10x faster than the
    reference implementation and equal to it byte for byte (property-tested
    in tests/test_bench.py); anything else goes to `rfc8785.dumps`."""
    if _plain(value):
        try:
            return _sorted_compact_json(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let the reference implementation name the error
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise BadInput(f"value cannot be written as canonical JSON: {error}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, *, what: str = "value") -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise BadInput(f"{what} is not valid base64") from None


def key_id_of(public_key_raw: bytes) -> str:
    """A key's id: the first 16 hex digits of SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


@functools.lru_cache(maxsize=4096)
def public_key_from_b64(text: str) -> Ed25519PublicKey:
    """The key object of a base64 public key; the few keys of a ledger are
    parsed once (cached) however many signatures they verify."""
    raw = unb64(text, what="public key")
    if len(raw) != 32:
        raise BadInput("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_signature(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    """True when the Ed25519 signature over `message` verifies."""
    try:
        signature = base64.b64decode(signature_b64.encode("ascii"), validate=True)
        public_key_from_b64(public_key_b64).verify(signature, message)
    except (_CryptoInvalidSignature, ValueError, UnicodeEncodeError, BadInput, AttributeError):
        return False
    return True


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key with the party it belongs to."""

    private_key: Ed25519PrivateKey
    actor: str = ""
    role: str = ""

    @classmethod
    def generate(cls, actor: str = "", role: str = "") -> "SigningKey":
        return cls(Ed25519PrivateKey.generate(), actor, role)

    @property
    def public_key_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public_key_b64(self) -> str:
        return b64(self.public_key_raw)

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key_raw)

    def sign(self, message: bytes) -> str:
        return b64(self.private_key.sign(message))

    def sign_raw(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def to_json(self) -> dict[str, str]:
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return {
            "actor": self.actor,
            "role": self.role,
            "key_id": self.key_id,
            "public_key": self.public_key_b64,
            "private_key": b64(seed),
        }

    @classmethod
    def from_json(cls, data: dict[str, str]) -> "SigningKey":
        seed = unb64(data.get("private_key", ""), what="private key")
        if len(seed) != 32:
            raise BadInput("an Ed25519 private key file holds a 32-byte seed")
        return cls(Ed25519PrivateKey.from_private_bytes(seed), data.get("actor", ""), data.get("role", ""))

    def save(self, path: Path) -> None:
        """Writes the key file readable by its owner only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(self.to_json(), handle, indent=2)

    @classmethod
    def load(cls, path: Path) -> "SigningKey":
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as error:
            raise BadInput(f"cannot read key file {path}: {error}") from None
        if not isinstance(data, dict):
            raise BadInput(f"key file {path} is not a JSON object")
        if "private_key_pkcs8" in data:  # passphrase-protected at rest (ledger/key_custody.py)
            from ledger.key_custody import key_from_protected, passphrase_from_environment

            return key_from_protected(data, passphrase_from_environment(f"key file {path}"), str(path))
        return cls.from_json(data)
