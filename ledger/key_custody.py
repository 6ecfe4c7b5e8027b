"""Keeping the keys folder for years (decision 0028): passphrase protection at
rest for the trust root and the ledger key, and an encrypted backup of the
whole folder.

At rest, a protected key file keeps its public fields and replaces
`private_key` by `private_key_pkcs8`: the Ed25519 key as PKCS#8 PEM encrypted
under the passphrase with `BestAvailableEncryption` (cryptography's strongest
PKCS#8 scheme). The passphrase comes from `VLEDGER_KEY_PASSPHRASE_FILE` (a
file holding it) or `VLEDGER_KEY_PASSPHRASE`; never from the command line,
where `ps` would show it.

A keys backup is one JSON file: every Ed25519 key file as encrypted PKCS#8,
every other file (the matching key) sealed with AES-256-GCM under a key
derived from the passphrase with scrypt. Losing the passphrase loses the
backup; that is the point."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption, Encoding, PrivateFormat, load_pem_private_key)

from ledger.errors import BadInput
from ledger.signing import SigningKey, b64, unb64

PASSPHRASE_ENV = "VLEDGER_KEY_PASSPHRASE"
PASSPHRASE_FILE_ENV = "VLEDGER_KEY_PASSPHRASE_FILE"
BACKUP_FORMAT = "vledger-keys-backup-v1"
MIN_PASSPHRASE_CHARACTERS = 12
MAX_BACKUP_FILE_BYTES = 10_000_000
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def passphrase_from_environment(what: str) -> bytes:
    """The passphrase from VLEDGER_KEY_PASSPHRASE_FILE or VLEDGER_KEY_PASSPHRASE."""
    if os.environ.get(PASSPHRASE_FILE_ENV):
        path = Path(os.environ[PASSPHRASE_FILE_ENV])
        try:
            text = path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise BadInput(f"{PASSPHRASE_FILE_ENV} names {path}, which cannot be read: {error.strerror}") from None
    else:
        text = os.environ.get(PASSPHRASE_ENV, "")
    if not text:
        raise BadInput(f"{what} needs a passphrase: set {PASSPHRASE_FILE_ENV} to a file holding it "
                       f"(or {PASSPHRASE_ENV})")
    return checked_passphrase(text)


def checked_passphrase(text: str) -> bytes:
    if len(text) < MIN_PASSPHRASE_CHARACTERS:
        raise BadInput(f"a passphrase has at least {MIN_PASSPHRASE_CHARACTERS} characters")
    return text.encode("utf-8")


# -- one key file at rest ---------------------------------------------------


def protected_json(key: SigningKey, passphrase: bytes) -> dict[str, str]:
    plain = key.to_json()
    del plain["private_key"]
    pem = key.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase))
    return {**plain, "private_key_pkcs8": pem.decode("ascii")}


def key_from_protected(data: dict[str, Any], passphrase: bytes, where: str) -> SigningKey:
    try:
        private_key = load_pem_private_key(str(data["private_key_pkcs8"]).encode("ascii"), password=passphrase)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise BadInput(f"{where}: the passphrase does not open this key (or the key is damaged)") from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise BadInput(f"{where} does not hold an Ed25519 key")
    return SigningKey(private_key, data.get("actor", ""), data.get("role", ""))


def is_protected(path: Path) -> bool:
    try:
        return "private_key_pkcs8" in json.loads(path.read_text())
    except (OSError, ValueError, TypeError):
        return False


def protect_key_file(path: Path, passphrase: bytes) -> None:
    """Rewrites a plain key file as a passphrase-protected one (same key, same id)."""
    key = SigningKey.load(path)
    write_private_json(path, protected_json(key, passphrase))


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Readable by its owner only; written beside and renamed, so a crash leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".writing")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(data, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


# -- the whole folder, backed up --------------------------------------------


def _derived_key(passphrase: bytes, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase)


def backup_keys(folder: Path, passphrase: bytes) -> dict[str, Any]:
    """Every file under `folder` (the trust root, the ledger key, the matching
    key, the demo's keys), encrypted. Protected key files are opened with the
    same passphrase."""
    salt = os.urandom(16)
    sealing_key = AESGCM(_derived_key(passphrase, salt))
    files: dict[str, Any] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".writing")):
        name = path.relative_to(folder).as_posix()
        key = _as_signing_key(path, passphrase)
        if key is not None:
            files[name] = {"kind": "ed25519", **protected_json(key, passphrase)}
        else:
            nonce = os.urandom(12)
            files[name] = {"kind": "sealed",
                           "data": b64(nonce + sealing_key.encrypt(nonce, path.read_bytes(), name.encode()))}
    return {"format": BACKUP_FORMAT, "kdf": {"name": "scrypt", "salt": b64(salt), "n": SCRYPT_N, "r": SCRYPT_R,
                                             "p": SCRYPT_P}, "files": files}


def _as_signing_key(path: Path, passphrase: bytes) -> SigningKey | None:
    if path.suffix != ".json":
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if "private_key_pkcs8" in data:
        return key_from_protected(data, passphrase, str(path))
    return SigningKey.from_json(data) if "private_key" in data else None


def restore_keys(archive: Any, folder: Path, passphrase: bytes) -> list[str]:
    """Writes the backed-up files into `folder` as plain key files (protect
    them again with `vledger keys protect`); refuses to overwrite any file."""
    if not isinstance(archive, dict) or archive.get("format") != BACKUP_FORMAT:
        raise BadInput(f"not a keys backup: the file's format is not {BACKUP_FORMAT}")
    try:
        kdf = archive["kdf"]
        if (kdf["n"], kdf["r"], kdf["p"]) != (SCRYPT_N, SCRYPT_R, SCRYPT_P):
            raise BadInput("the keys backup names scrypt settings this version does not use")
        sealing_key = AESGCM(_derived_key(passphrase, unb64(kdf["salt"], what="salt")))
        files = dict(archive["files"])
    except (KeyError, TypeError):
        raise BadInput("the keys backup is malformed: it needs kdf and files") from None
    opened: dict[Path, bytes] = {}
    for name, entry in files.items():
        target = (folder / name).resolve()
        if folder.resolve() not in target.parents or not isinstance(entry, dict):
            raise BadInput(f"the keys backup names a file outside the keys folder: {name!r}")
        if target.exists():
            raise BadInput(f"{target} already exists; restore the keys into an empty folder")
        opened[target] = _open_entry(name, entry, sealing_key, passphrase)
    for target, content in opened.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
    return sorted(files)


def _open_entry(name: str, entry: dict[str, Any], sealing_key: AESGCM, passphrase: bytes) -> bytes:
    if entry.get("kind") == "ed25519":
        key = key_from_protected(entry, passphrase, f"keys backup entry {name}")
        return json.dumps(key.to_json(), indent=2).encode()
    raw = unb64(str(entry.get("data", "")), what=f"keys backup entry {name}")
    try:
        return sealing_key.decrypt(raw[:12], raw[12:], name.encode())
    except (InvalidTag, ValueError):
        raise BadInput(f"the passphrase does not open the keys backup (entry {name})") from None
