"""C2SP ``cosignature/v1`` with Ed25519 (c2sp.org/tlog-cosignature), byte for byte:

- The key ID is ``SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]``
  (0x04 names the cosignature/v1 algorithm, not plain Ed25519's 0x01).
- The verifier key is ``<name>+<8 hex digits of the key ID>+<base64(0x04 || public key)>``.
- The signed message is ``cosignature/v1\\ntime <POSIX seconds>\\n`` followed by
  the whole checkpoint body (its final newline included, no signature line).
- The signature line is ``— <name> base64(key ID || u64 big-endian timestamp ||
  64-byte Ed25519 signature)``.

Pure functions; the only secret used is the SigningKey passed in.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct

from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.note import SIGNATURE_LINE_PREFIX, is_valid_key_name, split_verifier_key
from ledger.signing import SigningKey

COSIGNATURE_V1_TYPE = b"\x04"
HEADER = "cosignature/v1\n"
KEY_ID_SIZE_BYTES = 4
TIMESTAMP_SIZE_BYTES = 8
SIGNATURE_SIZE_BYTES = 64
PUBLIC_KEY_SIZE_BYTES = 32
MAX_TIMESTAMP = 2**63 - 1


def key_id(name: str, public_key_raw: bytes) -> bytes:
    """``SHA-256(name || 0x0A || 0x04 || public key)[:4]``."""
    if not is_valid_key_name(name):
        raise ValueError(f"cosigner name {name!r} is empty or holds a space, plus sign or control character")
    if not isinstance(public_key_raw, bytes) or len(public_key_raw) != PUBLIC_KEY_SIZE_BYTES:
        raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE_BYTES} raw bytes")
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + COSIGNATURE_V1_TYPE + public_key_raw).digest()
    return digest[:KEY_ID_SIZE_BYTES]


def verifier_key(name: str, public_key_raw: bytes) -> str:
    encoded = base64.b64encode(COSIGNATURE_V1_TYPE + public_key_raw).decode("ascii")
    return f"{name}+{key_id(name, public_key_raw).hex()}+{encoded}"


def parse_verifier_key(text: str) -> tuple[str, bytes, bytes]:
    """``(name, key ID, public key)`` of a cosignature/v1 verifier key; refuses
    any other algorithm byte and a key ID that is not the name's and key's."""
    name, id_hex, encoded = split_verifier_key(text)
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise ValueError("verifier key ID must be 8 lowercase hexadecimal digits")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError("verifier key is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != encoded:
        raise ValueError("verifier key is not canonical base64")
    if raw[:1] != COSIGNATURE_V1_TYPE or len(raw) != 1 + PUBLIC_KEY_SIZE_BYTES:
        raise ValueError("a cosignature/v1 verifier key is 0x04 followed by a 32-byte Ed25519 public key")
    public_key_raw = raw[1:]
    if bytes.fromhex(id_hex) != key_id(name, public_key_raw):
        raise ValueError("verifier key ID does not match its name and key")
    return name, bytes.fromhex(id_hex), public_key_raw


def signed_message(checkpoint_body: str, timestamp: int) -> bytes:
    """``cosignature/v1\\ntime <timestamp>\\n`` + the checkpoint body."""
    _check_timestamp(timestamp)
    return f"{HEADER}time {timestamp}\n{checkpoint_body}".encode("utf-8")


def cosign(checkpoint_body: str, name: str, key: SigningKey, timestamp: int) -> str:
    """The signature line (ending in a newline) by which ``name`` cosigns the body at ``timestamp``."""
    signature = key.sign_raw(signed_message(checkpoint_body, timestamp))
    payload = key_id(name, key.public_key_raw) + struct.pack(">Q", timestamp) + signature
    return f"{SIGNATURE_LINE_PREFIX}{name} {base64.b64encode(payload).decode('ascii')}\n"


def verified_timestamp(checkpoint_body: str, line: str, vkey: str) -> int | None:
    """The timestamp of ``line`` when it is a valid cosignature/v1 of the body
    by ``vkey``; None when the line is by another key (to be ignored, as C2SP
    says). Raises ValueError for a malformed line or a bad signature by this key."""
    name, expected_id, public_key_raw = parse_verifier_key(vkey)
    text = line[:-1] if line.endswith("\n") else line
    if not text.startswith(SIGNATURE_LINE_PREFIX) or "\n" in text:
        raise ValueError("a cosignature line starts with an em dash and a space and is one line")
    line_name, _, encoded = text[len(SIGNATURE_LINE_PREFIX):].partition(" ")
    try:
        payload = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError("the cosignature is not valid base64") from None
    if line_name != name or payload[:KEY_ID_SIZE_BYTES] != expected_id:
        return None
    if len(payload) != KEY_ID_SIZE_BYTES + TIMESTAMP_SIZE_BYTES + SIGNATURE_SIZE_BYTES:
        raise ValueError(f"a cosignature/v1 by {name} is {KEY_ID_SIZE_BYTES + TIMESTAMP_SIZE_BYTES + 64} bytes")
    (timestamp,) = struct.unpack(">Q", payload[KEY_ID_SIZE_BYTES:KEY_ID_SIZE_BYTES + TIMESTAMP_SIZE_BYTES])
    _check_timestamp(timestamp)
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(
            payload[KEY_ID_SIZE_BYTES + TIMESTAMP_SIZE_BYTES:], signed_message(checkpoint_body, timestamp))
    except _CryptoInvalidSignature:
        raise ValueError(f"the cosignature by {name} does not verify") from None
    return timestamp


def _check_timestamp(timestamp: int) -> None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 1 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"a cosignature timestamp is POSIX seconds from 1 to {MAX_TIMESTAMP} (never zero)")
