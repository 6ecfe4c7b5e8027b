"""Who is reading, proven by a signature (docs/decisions/0006 and 0023).

A read request carries `Authorization: Signature keyId="<16 hex>",actor="<party uuid>",
created="<unix seconds>",nonce="<random>",signature="<base64>"` (one line)
where the signature is Ed25519, by the party's currently valid key, over the
lines `vledger-read-v2`, method, path with query exactly as sent, created,
nonce, actor and key id. The server accepts `created` within five minutes of
its own clock, and each nonce once (api/http/read_nonces.py, issue 13). No web
framework here: the client signs and the server checks with the same functions."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from ledger.errors import BadInput, InvalidSignature
from ledger.signing import SigningKey

SCHEME = "Signature"
VERSION_LINE = "vledger-read-v2"
WINDOW_SECONDS = 300
MAX_HEADER_CHARACTERS = 512
_PAIR = re.compile(r'(\w+)="([^"]*)"')
_FIELDS = ("keyId", "actor", "created", "nonce", "signature")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class ReadSignature:
    key_id: str
    actor: str
    created: int
    nonce: str
    signature: str


def string_to_sign(method: str, path_and_query: str, created: int, nonce: str, actor: str, key_id: str) -> bytes:
    return "\n".join((VERSION_LINE, method.upper(), path_and_query, str(created), nonce, actor, key_id)
                     ).encode("utf-8")


def authorization_header(key: SigningKey, method: str, path_and_query: str, now: datetime,
                         nonce: str | None = None) -> str:
    """A fresh header for one request; a new random nonce unless one is given."""
    created = int(now.timestamp())
    nonce = nonce or secrets.token_urlsafe(18)
    signature = key.sign(string_to_sign(method, path_and_query, created, nonce, key.actor, key.key_id))
    return (f'{SCHEME} keyId="{key.key_id}",actor="{key.actor}",created="{created}",nonce="{nonce}",'
            f'signature="{signature}"')


def parse_authorization(header: str) -> ReadSignature:
    """The fields of a Signature header; BadInput says what is malformed."""
    if len(header) > MAX_HEADER_CHARACTERS or not header.startswith(SCHEME + " "):
        raise BadInput(f'Authorization must be: {SCHEME} keyId="...",actor="...",created="...",nonce="...",'
                       'signature="..."')
    fields = dict(_PAIR.findall(header[len(SCHEME) + 1:]))
    missing = [name for name in _FIELDS if name not in fields]
    if missing:
        raise BadInput(f"the Signature header is missing: {', '.join(missing)}")
    if not fields["created"].isdigit() or len(fields["created"]) > 12:
        raise BadInput("created must be the signing time in whole Unix seconds")
    if not _NONCE.fullmatch(fields["nonce"]):
        raise BadInput("nonce must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -, new for every request")
    return ReadSignature(fields["keyId"], fields["actor"], int(fields["created"]), fields["nonce"],
                         fields["signature"])


def check_window(signed: ReadSignature, now: datetime) -> None:
    skew_seconds = abs(now.timestamp() - signed.created)
    if skew_seconds > WINDOW_SECONDS:
        raise InvalidSignature(f"the read signature was made {int(skew_seconds)} s away from the server's clock; "
                               f"sign each request afresh (window ±{WINDOW_SECONDS} s)")
