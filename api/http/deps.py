"""Dependencies of the routes: the ledger (for a read, the read side's choice
of primary or replica, api/http/read_side.py), the primary, and the caller
proven by a signed read request (api/http/read_auth.py), always checked on
the primary: a revoked key is refused at once and each nonce spent there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from api.http.problems import HttpProblem
from api.http.key_owners import key_owners
from api.http.read_auth import (
    WINDOW_SECONDS,
    check_window,
    parse_signature,
    verify_signature_headers,
)
from api.http.read_nonces import accept_once
from ledger.aggregates.party import Party
from ledger.application import VoucherLedger
from ledger.errors import KeyNotValid


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


def signed_url(request: Request) -> str:
    """The absolute URL the client signed: the Host it sent, the path and query exactly as sent."""
    path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    host = request.headers.get("host", "")
    return f"{request.url.scheme}://{host}{path}" + (f"?{query}" if query else "")


SIGNATURE_INPUT = APIKeyHeader(
    name="Signature-Input", scheme_name="readSignatureInput", auto_error=False,
    description='RFC 9421 HTTP Message Signature of the read, with `Signature`: vledger=("@method" "@authority" '
                '"@path" "@query");created=<unix seconds>;keyid="<your key id>";nonce="<16-64 of A-Za-z0-9_-, new '
                'each request>";alg="ed25519";tag="vledger-read". Ed25519 by the party\'s currently valid key; '
                "created within ±5 minutes; each nonce once (docs/decisions/0049).")
SIGNATURE = APIKeyHeader(name="Signature", scheme_name="readSignature", auto_error=False,
                         description="RFC 9421: vledger=:<base64 Ed25519 signature of the signature base>:, "
                                     "sent with `Signature-Input`")


def get_caller(request: Request, ledger: PrimaryDep,
               signature_input: Annotated[str | None, Security(SIGNATURE_INPUT)] = None,
               signature: Annotated[str | None, Security(SIGNATURE)] = None) -> Caller:
    if not signature_input and not signature:
        raise HttpProblem("not-authenticated", "this read needs Signature-Input and Signature headers "
                          "(RFC 9421) signed by a registered party's key (see the API description)")
    signed = parse_signature({name: value for name, value in request.headers.items()})
    now = ledger.clock()
    check_window(signed, now)
    party = _holder(ledger, signed.key_id)
    verify_signature_headers(request.method, signed_url(request), request.headers.items(), signed,
                             party.keys[signed.key_id]["public_key"])
    if party.erased:
        raise KeyNotValid(f"party {party.id} was erased and can no longer read")
    accept_once(ledger.engine, str(party.id), signed.nonce, signed.created,
                oldest_kept=int(now.timestamp()) - WINDOW_SECONDS)
    return Caller(party)


def _holder(ledger: VoucherLedger, key_id: str) -> Party:
    """The one party whose currently valid key is `key_id`."""
    holders = [party for party in (ledger.find(party_id) for party_id in key_owners(ledger).parties(key_id))
               if isinstance(party, Party) and party.key_is_valid(key_id)]
    if not holders:
        raise KeyNotValid(f"key {key_id} is not a currently valid key of a registered party")
    if len(holders) > 1:
        raise KeyNotValid(f"key {key_id} is registered for more than one party; it cannot say who reads")
    return holders[0]


CallerDep = Annotated[Caller, Depends(get_caller)]

