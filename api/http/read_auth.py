"""Who is reading, proven by a signature (docs/decisions/0006).

A read request carries
`Authorization: Signature keyId="<16 hex>",actor="<party uuid>",created="<unix seconds>",signature="<base64>"`
where the signature is Ed25519, by the party's currently valid key, over the
lines `vledger-read-v1`, method, path with query exactly as sent, created,
actor and key id. The server accepts `created` within five minutes of its own
clock. No web framework here: the client signs and the server checks with the
same functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ledger.errors import BadInput, InvalidSignature
from ledger.signing import SigningKey

SCHEME = "Signature"
VERSION_LINE = "vledger-read-v1"
WINDOW_SECONDS = 300
MAX_HEADER_CHARACTERS = 512
_PAIR = re.compile(r'(\w+)="([^"]*)"')
_FIELDS = ("keyId", "actor", "created", "signature")


@dataclass(frozen=True)
class ReadSignature:
    key_id: str
    actor: str
    created: int
    signature: str


def string_to_sign(method: str, path_and_query: str, created: int, actor: str, key_id: str) -> bytes:
    return "\n".join((VERSION_LINE, method.upper(), path_and_query, str(created), actor, key_id)).encode("utf-8")


def authorization_header(key: SigningKey, method: str, path_and_query: str, now: datetime) -> str:
    created = int(now.timestamp())
    signature = key.sign(string_to_sign(method, path_and_query, created, key.actor, key.key_id))
    return f'{SCHEME} keyId="{key.key_id}",actor="{key.actor}",created="{created}",signature="{signature}"'


def parse_authorization(header: str) -> ReadSignature:
    """The fields of a Signature header; BadInput says what is malformed."""
    if len(header) > MAX_HEADER_CHARACTERS or not header.startswith(SCHEME + " "):
        raise BadInput(f'Authorization must be: {SCHEME} keyId="...",actor="...",created="...",signature="..."')
    fields = dict(_PAIR.findall(header[len(SCHEME) + 1:]))
    missing = [name for name in _FIELDS if name not in fields]
    if missing:
        raise BadInput(f"the Signature header is missing: {', '.join(missing)}")
    if not fields["created"].isdigit() or len(fields["created"]) > 12:
        raise BadInput("created must be the signing time in whole Unix seconds")
    return ReadSignature(fields["keyId"], fields["actor"], int(fields["created"]), fields["signature"])


def check_window(signed: ReadSignature, now: datetime) -> None:
    skew_seconds = abs(now.timestamp() - signed.created)
    if skew_seconds > WINDOW_SECONDS:
        raise InvalidSignature(f"the read signature was made {int(skew_seconds)} s away from the server's clock; "
                               f"sign each request afresh (window ±{WINDOW_SECONDS} s)")
