"""C2SP signed notes and tlog-checkpoints: the ledger's checkpoints in the
transparency ecosystem's own format, so that tools nobody here wrote
(Go's golang.org/x/mod/sumdb/note, transparency-dev witnesses) check them
unchanged.

Formats, byte for byte (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):

- A checkpoint body is ``<origin>\\n<tree size>\\n<base64 root hash>\\n``.
- A signed note is the body (ending in a newline), one blank line, then one
  line per signature: em dash U+2014, space, key name, space,
  ``base64(4-byte key hash || Ed25519 signature over the body bytes)``, newline.
- The key hash is ``SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]``
  (0x01 names the Ed25519 signature type).
- A verifier key is ``<name>+<8 hex digits of the key hash>+<base64(0x01 || public key)>``.

Reading a note follows note.go's ``Open``: valid UTF-8, no ASCII control
character other than newline, the signatures after the last blank line, at
most 100 signature lines; signatures by unknown keys are ignored, a bad
signature by a known key refuses the whole note, and so does a note no known
key signed. Every refusal here is a ValueError saying what is wrong.

Pure functions; the only secret used is the SigningKey passed in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.signing import SigningKey

ED25519_SIGNATURE_TYPE = b"\x01"
KEY_HASH_SIZE_BYTES = 4
PUBLIC_KEY_SIZE_BYTES = 32
ROOT_HASH_SIZE_BYTES = 32
SIGNATURE_LINE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100  # note.go refuses a note with more signature lines
MAX_NOTE_SIZE_BYTES = 1_048_576  # ample for 16 post-quantum cosignatures
MAX_TREE_SIZE = 2**63 - 1  # tree sizes are int64 in golang.org/x/mod/sumdb/tlog

_TREE_SIZE_PATTERN = re.compile(r"0|[1-9][0-9]*")


# --- keys ---


def is_valid_key_name(name: str) -> bool:
    """A key name is non-empty UTF-8 with no Unicode space, no plus sign
    (c2sp.org/signed-note) and, since it must fit on a note line, no control
    character."""
    return (
        isinstance(name, str)
        and name != ""
        and _is_utf8(name)
        and not any(ch.isspace() or ch == "+" or ord(ch) < 0x20 for ch in name)
    )


def origin_problem(origin: str, max_characters: int = 200) -> str | None:
    """Why ``origin`` cannot name a log, or None. c2sp.org/tlog-checkpoint: the
    origin is non-empty and SHOULD be a schema-less URL with neither Unicode
    spaces nor plus signs (e.g. ``vledger.example.gov.cn/liaoning``); the log
    signs under it as its key name, so it must also be a valid key name."""
    if not isinstance(origin, str) or not 1 <= len(origin) <= max_characters:
        return f"an origin is 1 to {max_characters} characters"
    if not is_valid_key_name(origin):
        return f"origin {origin!r} holds a space, plus sign or control character"
    if "://" in origin or origin.startswith("/"):
        return f"origin {origin!r} must be a schema-less URL such as vledger.example.gov.cn/liaoning"
    return None


def key_hash(name: str, public_key_raw: bytes) -> bytes:
    """The 4-byte key hash (key ID) of an Ed25519 note key:
    SHA-256(name || 0x0A || 0x01 || public key)[:4] (c2sp.org/signed-note)."""
    _check_key_name(name)
    _check_public_key(public_key_raw)
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_SIGNATURE_TYPE + public_key_raw).digest()
    return digest[:KEY_HASH_SIZE_BYTES]


def verifier_key(name: str, public_key_raw: bytes) -> str:
    """The verifier key other tools are given:
    ``<name>+<hex key hash>+<base64(0x01 || public key)>``."""
    hash_hex = key_hash(name, public_key_raw).hex()
    encoded_key = base64.b64encode(ED25519_SIGNATURE_TYPE + public_key_raw).decode("ascii")
    return f"{name}+{hash_hex}+{encoded_key}"


def split_verifier_key(text: str) -> tuple[str, str, str]:
    """``(name, hash or key ID in hex, base64 key)`` of ``<name>+<hex>+<base64>``,
    the shape every verifier key has (signed notes and cosignature/v1 alike)."""
    if not isinstance(text, str):
        raise ValueError("a verifier key is text")
    name, _, rest = text.partition("+")
    hash_hex, _, key_base64 = rest.partition("+")
    if not is_valid_key_name(name):
        raise ValueError(f"verifier key name {name!r} is empty or holds a space, plus sign or control character")
    return name, hash_hex, key_base64


def parse_verifier_key(text: str) -> tuple[str, bytes, bytes]:
    """``(name, 4-byte key hash, 32-byte public key)`` of a verifier key, as
    note.go's NewVerifier reads it: the hash must be 8 hex digits and must
    equal the hash of the name and key; only Ed25519 (type 0x01) is known."""
    name, hash_hex, key_base64 = split_verifier_key(text)
    if not re.fullmatch(r"[0-9a-fA-F]{8}", hash_hex):
        raise ValueError("verifier key hash must be 8 hexadecimal digits")
    key_bytes = _decode_base64(key_base64, what="verifier key")
    if not key_bytes:
        raise ValueError("verifier key holds no key")
    if key_bytes[:1] != ED25519_SIGNATURE_TYPE:
        raise ValueError(f"verifier key type {key_bytes[0]:#04x} is unknown; only 0x01 (Ed25519) is supported")
    public_key_raw = key_bytes[1:]
    if len(public_key_raw) != PUBLIC_KEY_SIZE_BYTES:
        raise ValueError(f"an Ed25519 verifier key is {PUBLIC_KEY_SIZE_BYTES} bytes, not {len(public_key_raw)}")
    stated_hash = bytes.fromhex(hash_hex)
    if stated_hash != key_hash(name, public_key_raw):
        raise ValueError("verifier key hash does not match its name and key")
    return name, stated_hash, public_key_raw


# --- checkpoint bodies (c2sp.org/tlog-checkpoint) ---


def checkpoint_body(origin: str, tree_size: int, root_hash: bytes) -> str:
    """``<origin>\\n<tree size>\\n<base64 root hash>\\n``: the note text of a
    checkpoint, with no extension lines."""
    if not isinstance(origin, str) or origin == "" or not _is_utf8(origin) or _has_control_character(origin):
        raise ValueError("a checkpoint origin is a non-empty line of text with no control character")
    if isinstance(tree_size, bool) or not isinstance(tree_size, int) or not 0 <= tree_size <= MAX_TREE_SIZE:
        raise ValueError(f"a checkpoint tree size is an integer from 0 to {MAX_TREE_SIZE}")
    if not isinstance(root_hash, bytes) or len(root_hash) != ROOT_HASH_SIZE_BYTES:
        raise ValueError(f"a checkpoint root hash is {ROOT_HASH_SIZE_BYTES} bytes")
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode('ascii')}\n"


def parse_checkpoint_body(body: str) -> tuple[str, int, bytes]:
    """``(origin, tree size, 32-byte root hash)`` of a checkpoint body.

    At least three non-empty lines, each ending in a newline; the size is
    decimal with no leading zero; the root is canonical base64 of 32 bytes.
    Extension lines after the root are allowed by the format, covered by the
    signatures, and ignored here.
    """
    if not isinstance(body, str) or not body.endswith("\n"):
        raise ValueError("a checkpoint body ends with a newline")
    if len(body) > MAX_NOTE_SIZE_BYTES or not _is_utf8(body):
        raise ValueError("a checkpoint body is UTF-8 text of at most 1 MiB")
    lines = body[:-1].split("\n")
    if len(lines) < 3 or any(line == "" for line in lines):
        raise ValueError("a checkpoint body has at least three lines and no empty line")
    if any(_has_control_character(line) for line in lines):
        raise ValueError("a checkpoint body holds no control character")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not _TREE_SIZE_PATTERN.fullmatch(size_text) or len(size_text) > len(str(MAX_TREE_SIZE)):
        raise ValueError(f"checkpoint tree size {size_text!r} is not a decimal number without leading zeros")
    tree_size = int(size_text)
    if tree_size > MAX_TREE_SIZE:
        raise ValueError(f"checkpoint tree size {tree_size} is above {MAX_TREE_SIZE}")
    root_hash = _decode_base64(root_text, what="checkpoint root hash")
    if len(root_hash) != ROOT_HASH_SIZE_BYTES or base64.b64encode(root_hash).decode("ascii") != root_text:
        raise ValueError(f"checkpoint root hash is not the canonical base64 of {ROOT_HASH_SIZE_BYTES} bytes")
    return origin, tree_size, root_hash


# --- signing ---


def sign_note(body: str, signers: Sequence[tuple[str, SigningKey]]) -> str:
    """The signed note: ``body``, a blank line, then one signature line per
    ``(key name, key)`` in the order given (the log first, then witnesses)."""
    _check_note_body(body)
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    if len(signers) > MAX_SIGNATURES:
        raise ValueError(f"a note holds at most {MAX_SIGNATURES} signatures")
    lines: list[str] = []
    seen: set[tuple[str, bytes]] = set()
    for name, key in signers:
        identity = (name, key_hash(name, key.public_key_raw))
        if identity in seen:
            raise ValueError(f"key {name}+{identity[1].hex()} is listed twice")
        seen.add(identity)
        lines.append(_signature_line(body, name, key))
    return body + "\n" + "".join(lines)


def add_signature(note_text: str, name: str, key: SigningKey) -> str:
    """``note_text`` with one more signature line, by ``key`` under ``name``,
    appended after the existing ones (a witness cosigning a checkpoint).

    As note.go's Sign, an existing signature by the same name and key hash is
    replaced. This does not check the existing signatures: a witness should
    ``open_note`` first and cosign only what it verified.
    """
    body, signatures = _split_note(note_text)
    new_hash = key_hash(name, key.public_key_raw)
    kept = [line for (line_name, line_hash, _signature, line) in signatures if (line_name, line_hash) != (name, new_hash)]
    if len(kept) + 1 > MAX_SIGNATURES:
        raise ValueError(f"a note holds at most {MAX_SIGNATURES} signatures")
    return body + "\n" + "".join(line + "\n" for line in kept) + _signature_line(body, name, key)


def _signature_line(body: str, name: str, key: SigningKey) -> str:
    signature = key.sign_raw(body.encode("utf-8"))
    encoded = base64.b64encode(key_hash(name, key.public_key_raw) + signature).decode("ascii")
    return f"{SIGNATURE_LINE_PREFIX}{name} {encoded}\n"


# --- opening ---


def open_note(note_text: str, verifier_keys: Sequence[str]) -> tuple[str, list[str]]:
    """``(body, names of the known keys whose signatures verified)``, as
    note.go's Open: signatures by keys not in ``verifier_keys`` (matched on
    name and key hash) are ignored; a repeated signature by one key is looked
    at once; a known key's bad signature refuses the note; so does a note no
    known key signed. Names are listed once each, in note order.

    A name and key hash listed more than once among ``verifier_keys`` (even
    the same key twice) is ambiguous, as Go's ``note.VerifierList``: a note
    signed by it is refused with "ambiguous key", whichever key it is.

    Raises ValueError for a malformed note, a bad signature by a known key,
    no verified signature, or a malformed or ambiguous verifier key.
    """
    known = _known_keys(verifier_keys)
    body, signatures = _split_note(note_text)
    message = body.encode("utf-8")
    verified_names: list[str] = []
    seen: set[tuple[str, bytes]] = set()
    for name, stated_hash, signature, _line in signatures:
        candidates = known.get((name, stated_hash), [])
        if len(candidates) > 1:
            raise ValueError(f"ambiguous key {name}+{stated_hash.hex()}: "
                             f"the verifier keys list it {len(candidates)} times")
        if not candidates or (name, stated_hash) in seen:
            continue
        seen.add((name, stated_hash))
        if not _ed25519_verifies(candidates[0], message, signature):
            raise ValueError(f"invalid signature for key {name}+{stated_hash.hex()}")
        if name not in verified_names:
            verified_names.append(name)
    if not verified_names:
        raise ValueError("note has no verifiable signatures")
    return body, verified_names


def _known_keys(verifier_keys: Sequence[str]) -> dict[tuple[str, bytes], list[bytes]]:
    """Every listed key under its name and key hash; duplicates kept, so that
    a lookup of a duplicated name and hash is refused (see ``open_note``)."""
    if isinstance(verifier_keys, str):
        raise ValueError("verifier keys are a list of keys, not one string")
    known: dict[tuple[str, bytes], list[bytes]] = {}
    for text in verifier_keys:
        name, hash_bytes, public_key_raw = parse_verifier_key(text)
        known.setdefault((name, hash_bytes), []).append(public_key_raw)
    return known


def _split_note(note_text: str) -> tuple[str, list[tuple[str, bytes, bytes, str]]]:
    """Body and ``(name, key hash, signature, line)`` of each signature line,
    checked for form only (note.go's Open, before any verification)."""
    if not isinstance(note_text, str) or not _is_utf8(note_text):
        raise ValueError("malformed note: not UTF-8 text")
    if len(note_text.encode("utf-8")) > MAX_NOTE_SIZE_BYTES:
        raise ValueError(f"malformed note: larger than {MAX_NOTE_SIZE_BYTES} bytes")
    if _has_control_character(note_text.replace("\n", "")):
        raise ValueError("malformed note: holds an ASCII control character other than newline")
    split = note_text.rfind("\n\n")
    if split < 0:
        raise ValueError("malformed note: no blank line before the signatures")
    body, signature_block = note_text[: split + 1], note_text[split + 2 :]
    if signature_block == "" or not signature_block.endswith("\n"):
        raise ValueError("malformed note: the signatures must end with a newline")
    lines = signature_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ValueError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    signatures: list[tuple[str, bytes, bytes, str]] = []
    for line in lines:
        if not line.startswith(SIGNATURE_LINE_PREFIX):
            raise ValueError(f"malformed note: signature line {line[:40]!r} does not start with an em dash and space")
        name, _, encoded = line[len(SIGNATURE_LINE_PREFIX) :].partition(" ")
        if not is_valid_key_name(name) or encoded == "":
            raise ValueError(f"malformed note: signature line {line[:40]!r} has no valid key name and signature")
        raw = _decode_base64(encoded, what="malformed note: signature")
        if len(raw) < KEY_HASH_SIZE_BYTES + 1:
            raise ValueError("malformed note: a signature is shorter than 5 bytes")
        signatures.append((name, raw[:KEY_HASH_SIZE_BYTES], raw[KEY_HASH_SIZE_BYTES:], line))
    return body, signatures


def _check_note_body(body: str) -> None:
    if not isinstance(body, str) or not body.endswith("\n"):
        raise ValueError("a note body ends with a newline")
    if not _is_utf8(body) or _has_control_character(body.replace("\n", "")):
        raise ValueError("a note body is UTF-8 text with no control character other than newline")
    if len(body.encode("utf-8")) > MAX_NOTE_SIZE_BYTES:
        raise ValueError(f"a note body is at most {MAX_NOTE_SIZE_BYTES} bytes")


def _check_key_name(name: str) -> None:
    if not is_valid_key_name(name):
        raise ValueError(f"key name {name!r} is empty or holds a space, plus sign or control character")


def _check_public_key(public_key_raw: bytes) -> None:
    if not isinstance(public_key_raw, bytes) or len(public_key_raw) != PUBLIC_KEY_SIZE_BYTES:
        raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE_BYTES} raw bytes")


def _ed25519_verifies(public_key_raw: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(signature, message)
    except (_CryptoInvalidSignature, ValueError):
        return False
    return True


def _decode_base64(text: str, *, what: str) -> bytes:
    """Standard base64 with padding (RFC 4648 section 4), nothing else
    allowed: as Go's base64.StdEncoding, the length is a multiple of 4."""
    try:
        if len(text) % 4 != 0:
            raise binascii.Error("length is not a multiple of 4")
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError(f"{what} is not valid base64") from None


def _has_control_character(text: str) -> bool:
    return any(ord(ch) < 0x20 for ch in text)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
