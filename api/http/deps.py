"""Dependencies of the routes: the ledger (for a read, the read side's choice
of primary or replica, api/http/read_side.py), the primary, and the caller
proven by a signed read request (api/http/read_auth.py), always checked on
the primary: a revoked key is refused at once and each nonce spent there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from api.http.problems import HttpProblem
from api.http.read_auth import WINDOW_SECONDS, check_window, parse_authorization, string_to_sign
from api.http.read_nonces import accept_once
from ledger.aggregates.party import Party
from ledger.application import VoucherLedger
from ledger.errors import InvalidSignature, KeyNotValid
from ledger.signing import verify_signature


def get_ledger(request: Request) -> VoucherLedger:
    read_side = getattr(request.app.state, "read_side", None)
    if read_side is not None and read_side.replica is not None:
        return read_side.ledger_for(request)
    return request.app.state.ledger


def get_primary(request: Request) -> VoucherLedger:
    return request.app.state.ledger


LedgerDep = Annotated[VoucherLedger, Depends(get_ledger)]
PrimaryDep = Annotated[VoucherLedger, Depends(get_primary)]


@dataclass(frozen=True)
class Caller:
    """A party whose signed read request verified."""

    party: Party

    @property
    def id(self) -> str:
        return str(self.party.id)

    @property
    def role(self) -> str:
        return self.party.role

    @property
    def region(self) -> str:
        return self.party.region


def path_and_query(request: Request) -> str:
    """The request target exactly as the client sent and signed it."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    return (path + (b"?" + query if query else b"")).decode("latin-1")


def get_caller(request: Request, ledger: PrimaryDep,
               authorization: Annotated[str | None, Header(
                   description='Signature keyId="<key id>",actor="<party id>",created="<unix seconds>",'
                               'nonce="<16-64 random characters, new each request>",'
                               'signature="<base64 Ed25519 over the read string>"; see docs/decisions/0006 and 0023',
                   max_length=512)] = None) -> Caller:
    if not authorization:
        raise HttpProblem("not-authenticated", "this read needs an Authorization: Signature header "
                          "signed by a registered party's key (see the API description)")
    signed = parse_authorization(authorization)
    now = ledger.clock()
    check_window(signed, now)
    party = ledger.find(signed.actor) if _is_uuid(signed.actor) else None
    if not isinstance(party, Party):
        raise KeyNotValid(f"actor {signed.actor} is not a registered party")
    key = party.keys.get(signed.key_id)
    if key is None or key["valid_until"] is not None:
        raise KeyNotValid(f"key {signed.key_id} is not a currently valid key of party {signed.actor}")
    message = string_to_sign(request.method, path_and_query(request), signed.created, signed.nonce, signed.actor,
                             signed.key_id)
    if not verify_signature(key["public_key"], message, signed.signature):
        raise InvalidSignature(f"the read signature does not verify with key {signed.key_id}; sign the method, "
                               "the path with its query exactly as sent, created, nonce, actor and key id")
    if party.erased:
        raise KeyNotValid(f"party {signed.actor} was erased and can no longer read")
    accept_once(ledger.engine, signed.actor, signed.nonce, signed.created,
                oldest_kept=int(now.timestamp()) - WINDOW_SECONDS)
    return Caller(party)


CallerDep = Annotated[Caller, Depends(get_caller)]


def _is_uuid(text: str) -> bool:
    from uuid import UUID

    try:
        return str(UUID(text)) == text
    except ValueError:
        return False
