"""Who is reading, proven by an RFC 9421 HTTP Message Signature
(docs/decisions/0006, 0023 and 0049).

A signed read carries two headers, made by any RFC 9421 library or by hand:

    Signature-Input: vledger=("@method" "@authority" "@path" "@query");created=1700000000;
        keyid="3f9a1c0d5e7b2a41";nonce="<16-64 of A-Za-z0-9_->";alg="ed25519";tag="vledger-read"
    Signature: vledger=:<base64 Ed25519 signature of the signature base>:

`keyid` is the key id of the reading party's currently valid key (the server
finds the party from it); `created` must be within five minutes of the
server's clock; each nonce is accepted once (api/http/read_nonces.py). The
signing and checking use the `http-message-signatures` library; no web
framework here: the client signs and the server checks with these functions."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

import http_sf
import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures import InvalidSignature as LibraryInvalidSignature

from ledger.errors import BadInput, InvalidSignature
from ledger.signing import SigningKey, public_key_from_b64

LABEL = "vledger"
TAG = "vledger-read"
ALGORITHM = "ed25519"
COMPONENTS = ("@method", "@authority", "@path", "@query")
WINDOW_SECONDS = 300
MAX_HEADER_CHARACTERS = 512
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
HOW = (f'sign the read as RFC 9421: Signature-Input: {LABEL}=("@method" "@authority" "@path" "@query");'
       f'created=<unix seconds>;keyid="<your key id>";nonce="<16-64 of A-Za-z0-9_->";alg="{ALGORITHM}";'
       f'tag="{TAG}" and Signature: {LABEL}=:<base64 Ed25519>:')


@dataclass(frozen=True)
class ReadSignature:
    """The signed parameters of a read whose headers are well formed."""

    key_id: str
    created: int
    nonce: str


@dataclass
class _Message:
    """The request as the library reads it: method, absolute URL, header lines."""

    method: str
    url: str
    headers: Any


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, private_key: Ed25519PrivateKey | None = None, public_key: Any = None) -> None:
        self.private_key, self.public_key = private_key, public_key

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        assert self.private_key is not None
        return self.private_key

    def resolve_public_key(self, key_id: str) -> Any:
        return self.public_key


class _Verifier(HTTPMessageVerifier):
    """The library's verifier; `created` is checked against the ledger's
    clock in `check_window` (the ledger may run on a simulated clock)."""

    def validate_created_and_expires(self, sig_input, max_age=None):
        if "created" not in sig_input.params or "expires" in sig_input.params:
            raise LibraryInvalidSignature('a read signature has "created" and no "expires"')


def signature_headers(key: SigningKey, method: str, url: str, now: datetime, nonce: str | None = None
                      ) -> dict[str, str]:
    """`Signature-Input` and `Signature` for one request to the absolute `url`;
    a new random nonce unless one is given."""
    message = _Message(method.upper(), url, {})
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_OneKey(key.private_key))
    signer.sign(message, key_id=key.key_id, created=now, nonce=nonce or secrets.token_urlsafe(18), label=LABEL,
                tag=TAG, covered_component_ids=COMPONENTS)
    return dict(message.headers)


class ReadSigner(httpx.Auth):
    """Signs every request it is given (httpx: `client.get(url, auth=ReadSigner(key))`)."""

    def __init__(self, key: SigningKey, clock: Callable[[], datetime]) -> None:
        self.key, self.clock = key, clock

    def auth_flow(self, request: httpx.Request):
        request.headers.update(signature_headers(self.key, request.method, str(request.url), self.clock()))
        yield request


def parse_signature(headers: dict[str, str]) -> ReadSignature:
    """The signed parameters of `Signature-Input`; BadInput says what is malformed."""
    value = headers.get("signature-input")
    if value is None or "signature" not in headers:
        raise BadInput(f"a signed read carries Signature-Input and Signature; {HOW}")
    if len(value) > MAX_HEADER_CHARACTERS or len(headers["signature"]) > MAX_HEADER_CHARACTERS:
        raise BadInput(f"Signature-Input and Signature are each at most {MAX_HEADER_CHARACTERS} characters")
    try:
        parsed = http_sf.parse(value.encode("latin-1"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError):
        raise BadInput(f"Signature-Input is not an RFC 8941 dictionary; {HOW}") from None
    if list(parsed) != [LABEL]:
        raise BadInput(f"Signature-Input must hold one signature labelled {LABEL}; {HOW}")
    components, params = parsed[LABEL]
    if not isinstance(components, list) or [item for item, _ in components] != list(COMPONENTS) \
            or any(item_params for _, item_params in components):
        raise BadInput(f"a read signature covers exactly {' '.join(COMPONENTS)}, in that order; {HOW}")
    missing = [name for name in ("created", "keyid", "nonce", "alg", "tag") if name not in params]
    if missing:
        raise BadInput(f"Signature-Input is missing: {', '.join(missing)}; {HOW}")
    if set(params) != {"created", "keyid", "nonce", "alg", "tag"}:
        raise BadInput(f"Signature-Input has parameters a read signature does not use; {HOW}")
    if params["alg"] != ALGORITHM or params["tag"] != TAG:
        raise BadInput(f'a read signature has alg="{ALGORITHM}" and tag="{TAG}"')
    if type(params["created"]) is not int or not 0 <= params["created"] < 10**12:
        raise BadInput("created must be the signing time in whole Unix seconds")
    if not isinstance(params["keyid"], str) or not _KEY_ID.fullmatch(params["keyid"]):
        raise BadInput("keyid must be the 16 hex digits of your key id")
    if not isinstance(params["nonce"], str) or not _NONCE.fullmatch(params["nonce"]):
        raise BadInput("nonce must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -, new for every request")
    return ReadSignature(params["keyid"], params["created"], params["nonce"])


def check_window(signed: ReadSignature, now: datetime) -> None:
    skew_seconds = abs(now.timestamp() - signed.created)
    if skew_seconds > WINDOW_SECONDS:
        raise InvalidSignature(f"the read signature was made {int(skew_seconds)} s away from the server's clock; "
                               f"sign each request afresh (window ±{WINDOW_SECONDS} s)")


def verify_signature_headers(method: str, url: str, header_lines: Iterable[tuple[str, str]],
                             signed: ReadSignature, public_key_b64: str) -> None:
    """InvalidSignature unless the request's signature verifies with the key."""
    message = _Message(method.upper(), url, _Lines(list(header_lines)))
    verifier = _Verifier(signature_algorithm=algorithms.ED25519,
                         key_resolver=_OneKey(public_key=public_key_from_b64(public_key_b64)))
    try:
        verifier.verify(message, max_age=None, require_components=COMPONENTS)
    except (LibraryInvalidSignature, HTTPMessageSignaturesException):
        raise InvalidSignature(f"the read signature does not verify with key {signed.key_id}; sign the method, "
                               "authority, path and query exactly as sent; " + HOW) from None


class _Lines:
    def __init__(self, lines: list[tuple[str, str]]) -> None:
        self.lines = lines

    def items(self):
        return self.lines

    def __iter__(self):
        return iter(dict.fromkeys(name for name, _ in self.lines))

    def __contains__(self, name: str) -> bool:
        return any(field.lower() == name.lower() for field, _ in self.lines)
