"""Helpers for the witness tests: an independent reading of C2SP
``cosignature/v1`` written from c2sp.org/tlog-cosignature (hashlib and the
cryptography package only; nothing from ledger/witness), forged checkpoints
signed with the ledger's real key, and ``add-checkpoint`` request bodies."""

from __future__ import annotations

import base64
import hashlib
import struct

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EM_DASH = "\u2014"


def independent_cosignature_check(note: str, witness_name: str, witness_vkey: str) -> int:
    """The timestamp of the witness's cosignature/v1 on ``note`` (a signed
    checkpoint note with its signature lines); raises AssertionError when the
    spec says it does not hold. From the spec alone:

    vkey = name "+" hex(key ID) "+" base64(0x04 || 32-byte Ed25519 key);
    key ID = SHA-256(name || "\\n" || 0x04 || key)[:4];
    line = "— " name " " base64(key ID || u64 BE timestamp || 64-byte signature);
    signed message = "cosignature/v1\\n" "time " decimal(timestamp) "\\n" || note body.
    """
    name, id_hex, key_b64 = witness_vkey.split("+", 2)
    assert name == witness_name
    key_bytes = base64.b64decode(key_b64)
    assert key_bytes[0] == 0x04 and len(key_bytes) == 33, "a cosignature/v1 vkey has algorithm byte 0x04"
    public_key = key_bytes[1:]
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + public_key).digest()[:4]
    assert key_id.hex() == id_hex
    body, signatures = note.split("\n\n", 1)[0] + "\n", note.split("\n\n", 1)[1]
    mine = [line for line in signatures.split("\n") if line.startswith(f"{EM_DASH} {name} ")]
    assert len(mine) == 1, f"expected one line by {name} in {signatures!r}"
    raw = base64.b64decode(mine[0].split(" ")[2], validate=True)
    assert len(raw) == 4 + 8 + 64 and raw[:4] == key_id
    timestamp = struct.unpack(">Q", raw[4:12])[0]
    assert 0 < timestamp < 2**63
    message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode()
    Ed25519PublicKey.from_public_bytes(public_key).verify(raw[12:], message)  # raises InvalidSignature
    return timestamp


def plain_note_signature(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """A C2SP signed-note Ed25519 signature line (type 0x01), as a log signs its checkpoint."""
    public_key = private_key.public_key().public_bytes_raw()
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]
    signature = private_key.sign(body.encode())
    return f"{EM_DASH} {name} {base64.b64encode(key_hash + signature).decode()}\n"


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def request_body(old_size: int, proof: list[bytes], note: str) -> bytes:
    lines = "".join(base64.b64encode(value).decode() + "\n" for value in proof)
    return f"old {old_size}\n{lines}\n{note}".encode()
