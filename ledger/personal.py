"""Personal data (name, national ID) never sits in the clear in the log.

The log holds a keyed hash of the national ID (HMAC-SHA256 under the ledger's
matching key, for finding the same person twice) and the name and ID encrypted
(AES-256-GCM) under a per-trainee key. Those keys live in a table outside the
event log, written and deleted in the same transaction as the events that
register and erase the person; deleting a row erases the person
(crypto-shredding) while the hash chain still verifies."""

from __future__ import annotations

import hashlib
import json
import hmac
import os
import re
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, delete, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ledger.errors import BadInput, NotFound, TamperDetected
from ledger.signing import b64, canonical_json, sha256_hex, unb64
from ledger.side_tables import create_once

NATIONAL_ID_PATTERN = re.compile(r"^[1-9]\d{16}[\dX]$")
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

metadata = MetaData()
personal_keys = Table(
    "vledger_personal_keys",
    metadata,
    Column("trainee", String(36), primary_key=True),
    Column("key", LargeBinary, nullable=False),
)


def national_id_check_character(first_17_digits: str) -> str:
    """GB 11643 check character of a resident identity number."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, CHECK_WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def check_personal(personal: Any) -> dict[str, str]:
    """Validates `{name, national_id, nonce}` sent beside a trainee registration."""
    if not isinstance(personal, dict) or set(personal) != {"name", "national_id", "nonce"}:
        raise BadInput("personal data is {name, national_id, nonce} and nothing else")
    name, national_id, nonce = personal["name"], personal["national_id"], personal["nonce"]
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
        raise BadInput("name must be 1 to 100 characters")
    if not isinstance(national_id, str) or not NATIONAL_ID_PATTERN.match(national_id):
        raise BadInput("national_id must be 18 characters: 17 digits and a digit or X (N1 real name)")
    if national_id_check_character(national_id[:17]) != national_id[17]:
        raise BadInput("national_id has a wrong check character (GB 11643); check the number")
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 64:
        raise BadInput("nonce must be 16 to 64 random characters, so the commitment cannot be guessed")
    return {"name": name.strip(), "national_id": national_id, "nonce": nonce}


def commitment(personal: dict[str, str]) -> str:
    """What the bureau signs instead of the clear data: SHA-256 of the canonical
    `{name, national_id, nonce}`. The nonce makes it unguessable."""
    return sha256_hex(canonical_json(personal))


class PersonalData:
    def __init__(self, engine: Engine, matching_key_path: Path) -> None:
        self.engine = engine
        self.matching_key_path = matching_key_path
        self._matching_key: bytes | None = None

    def create_tables(self) -> None:
        create_once(metadata, self.engine)

    @property
    def matching_key(self) -> bytes:
        if self._matching_key is None:
            try:
                self._matching_key = unb64(self.matching_key_path.read_text().strip(), what="matching key")
            except OSError:
                raise NotFound(f"matching key {self.matching_key_path} is missing; run `vledger init`") from None
        return self._matching_key

    @staticmethod
    def new_matching_key(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(b64(os.urandom(32)))

    def national_id_hash(self, national_id: str) -> str:
        return hmac.new(self.matching_key, national_id.encode("ascii"), hashlib.sha256).hexdigest()

    @staticmethod
    def seal_personal(trainee: str, personal: dict[str, str]) -> tuple[bytes, str]:
        """Encrypts under a new per-trainee key: the key (for `store_key`, beside
        the log) and the sealed data (for the log)."""
        key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, canonical_json(personal), trainee.encode("ascii"))
        return key, b64(nonce + ciphertext)

    @staticmethod
    def store_key(session: Session, trainee: str, key: bytes) -> None:
        """Inside the transaction that records the registration. An existing row
        is never replaced: the insert fails and so does the whole command."""
        session.execute(insert(personal_keys).values(trainee=trainee, key=key))

    @staticmethod
    def delete_key(session: Session, trainee: str) -> None:
        """Inside the transaction that records the erasure (crypto-shredding)."""
        session.execute(delete(personal_keys).where(personal_keys.c.trainee == trainee))

    def open_personal(self, trainee: str, sealed: str) -> dict[str, str] | None:
        """The clear name and ID, or None once the key was destroyed."""
        with self.engine.connect() as connection:
            key = connection.execute(select(personal_keys.c.key).where(personal_keys.c.trainee == trainee)).scalar()
        if key is None:
            return None
        raw = unb64(sealed, what="sealed personal data")
        try:
            plain = AESGCM(bytes(key)).decrypt(raw[:12], raw[12:], trainee.encode("ascii"))
        except InvalidTag:
            raise TamperDetected(f"the sealed personal data of trainee {trainee} was altered") from None
        return json.loads(plain)
