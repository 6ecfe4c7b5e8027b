"""Verified reads (issue 16, item 2): the client checks every voucher read
against the bundle's signed checkpoint, inclusion proofs, event signatures
and chain, and the consistency of each checkpoint with the one it trusted
before. Responses are tampered on the wire (an httpx transport in front of
the real app), and the log is rewritten in the real database between reads,
as an insider holding the ledger key would."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest
from sqlalchemy import create_engine

from api.client import LedgerClient
from api.verified_client import (
    BadEvent, BadSignature, ContentMismatch, LogRewritten, ProofMismatch, VerificationFailed, VerifiedClient)
from ledger.application import VoucherLedger
from ledger.errors import BadInput
from ledger.note import verifier_key
from ledger.signing import SigningKey, unb64
from ledger.transparency import record_checkpoint
from ledger.transparency.checkpoints import log_identity
from tests.http_support import http_client
from tests.tampering import Insider
from tests.world import World

Tamper = Callable[[httpx.Request, Any], Any]


class TamperingTransport(httpx.BaseTransport):
    """Passes requests to the real app; `tamper(request, json)` may change a JSON answer on its way back."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.tamper: Tamper | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.tamper is None or response.status_code != 200:
            return response
        response.read()
        body = self.tamper(request, json.loads(response.content))
        return httpx.Response(200, json=body)


def wire(world: World, ledger: VoucherLedger | None = None) -> TamperingTransport:
    app_client = http_client(world) if ledger is None else _app_client(ledger)
    return TamperingTransport(app_client._transport)


def _app_client(ledger: VoucherLedger):
    from fastapi.testclient import TestClient

    from api.http.app import create_app

    return TestClient(create_app(ledger=ledger), raise_server_exceptions=False)


def verified(world: World, transport: httpx.BaseTransport, key: SigningKey, state_file: Path | None = None,
             vkey: str | None = None) -> VerifiedClient:
    http = httpx.Client(base_url="http://testserver", transport=transport)
    return VerifiedClient(LedgerClient(None, key, http=http, clock=world.clock),
                          vkey or log_identity(world.ledger).vkey(), state_file=state_file)


def test_verified_reads_of_each_aspect_pass_and_the_trusted_checkpoint_follows_the_log(world: World,
                                                                                       tmp_path: Path) -> None:
    voucher = world.paid_voucher()
    state = tmp_path / "trusted.json"
    client = verified(world, wire(world), world.institution, state)
    served = client.get(f"/v1/vouchers/{voucher}")
    assert served["status"] == "paid" and served["paid_fen"] > 0
    first = client.trusted
    for aspect in ("history", "payments", "learning-records", "bundle"):
        client.get(f"/v1/vouchers/{voucher}/{aspect}")
    world.trainee()
    later = record_checkpoint(world.ledger)
    client.get(f"/v1/vouchers/{voucher}/history")
    assert first is not None and client.trusted == later and later.tree_size > first.tree_size
    assert json.loads(state.read_text())["checkpoint"]["tree_size"] == later.tree_size
    again = verified(world, wire(world), world.institution, state)  # a new process, from the state file
    assert again.trusted == later
    assert again.bundle(str(voucher), at=first.tree_size)["checkpoint"]["tree_size"] == first.tree_size
    assert again.trusted == later  # an older checkpoint is checked against the trusted one, not trusted instead


def test_a_served_inclusion_proof_that_does_not_match_is_caught(world: World) -> None:
    voucher = world.paid_voucher()
    transport = wire(world)
    client = verified(world, transport, world.bureau)

    def bend_a_proof(request: httpx.Request, body: Any) -> Any:
        if request.url.path.endswith("/bundle"):
            body["events"][-1]["audit_path"][0] = "00" * 32
        return body

    transport.tamper = bend_a_proof
    with pytest.raises(ProofMismatch, match="inclusion proof does not lead to the root"):
        client.get(f"/v1/vouchers/{voucher}")
    assert client.trusted is None


def test_a_served_voucher_that_its_events_do_not_give_is_caught(world: World) -> None:
    voucher = world.paid_voucher()
    transport = wire(world)
    client = verified(world, transport, world.institution)

    def inflate(request: httpx.Request, body: Any) -> Any:
        if request.url.path == f"/v1/vouchers/{voucher}/payments":
            body["paid_fen"] += 100_00
        return body

    transport.tamper = inflate
    with pytest.raises(ContentMismatch, match="paid_fen"):
        client.get(f"/v1/vouchers/{voucher}/payments")
    client.get(f"/v1/vouchers/{voucher}")  # the voucher itself was not touched


def test_a_history_row_or_an_event_altered_on_the_wire_is_caught(world: World) -> None:
    voucher = world.paid_voucher()
    transport = wire(world)
    client = verified(world, transport, world.bureau)

    def other_actor(request: httpx.Request, body: Any) -> Any:
        if request.url.path.endswith("/history"):
            body["items"][1]["actor"] = str(uuid.uuid4())
        return body

    transport.tamper = other_actor
    with pytest.raises(ContentMismatch, match="differs from its verified event"):
        client.get(f"/v1/vouchers/{voucher}/history")

    def richer_facts(request: httpx.Request, body: Any) -> Any:  # the proofs still hold: the hash is unchanged
        if request.url.path.endswith("/bundle"):
            paid = next(item for item in body["events"] if item["topic"].endswith("Voucher.Paid"))
            paid["state"]["facts"]["amount_fen"] += 1
        return body

    transport.tamper = richer_facts
    with pytest.raises(BadEvent, match="hash"):
        client.get(f"/v1/vouchers/{voucher}/bundle")


def test_a_checkpoint_not_signed_by_the_given_ledger_key_is_refused(world: World) -> None:
    voucher = world.paid_voucher()
    identity = log_identity(world.ledger)
    stranger = verifier_key(identity.origin, unb64(SigningKey.generate().public_key_b64))
    with pytest.raises(BadSignature, match="does not verify with the ledger key this client was given"):
        verified(world, wire(world), world.institution, vkey=stranger).get(f"/v1/vouchers/{voucher}")
    with pytest.raises(BadInput, match="verifier key"):
        verified(world, wire(world), world.institution, vkey="not a key")


class LiveInsider(Insider):
    """The insider on the live database itself (not on a copy)."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = create_engine(database_url)


def rewrite_history(world: World, voucher: uuid.UUID) -> VoucherLedger:
    """Lowers the voucher's issued standard in its first event, rehashes and relinks its chain, rebuilds the
    Merkle leaves and signs a new checkpoint with the ledger key: every check that looks at the new log alone
    passes. Returns the ledger as a restarted server opens it."""
    insider = LiveInsider(world.ledger.database_url)
    stored_id = voucher.bytes if insider.url.startswith("sqlite") else str(voucher)
    issued = insider.rows("originator_id = :voucher and originator_version = 1", voucher=stored_id)[0]
    state = json.loads(issued.state)
    state["facts"]["valid_until"] = "2099-12-31"
    from tests.tampering import stored_bytes

    insider.set_state(issued.id, stored_bytes(state))
    insider.rehash(issued.id)
    insider.execute("delete from vledger_merkle_leaves")
    insider.execute("delete from vledger_checkpoints")
    insider.engine.dispose()
    restarted = VoucherLedger(world.ledger.database_url, keys=world.ledger.keys_dir, clock=world.clock)
    world.trainee()  # the log goes on
    record_checkpoint(restarted)
    return restarted


def test_a_log_rewritten_between_two_reads_is_caught(world: World, tmp_path: Path) -> None:
    voucher = world.paid_voucher()
    state = tmp_path / "trusted.json"
    before = verified(world, wire(world), world.bureau, state)
    assert before.get(f"/v1/vouchers/{voucher}")["valid_until"] != "2099-12-31"
    trusted = before.trusted
    restarted = rewrite_history(world, voucher)
    fresh = verified(world, wire(world, restarted), world.inspector)  # a client that never read before
    assert fresh.get(f"/v1/vouchers/{voucher}")["valid_until"] == "2099-12-31"  # on its own, the forgery holds
    after = verified(world, wire(world, restarted), world.bureau, state)
    with pytest.raises(LogRewritten, match="is not a consistent extension of the one trusted at tree size"):
        after.get(f"/v1/vouchers/{voucher}")
    assert after.trusted == trusted and json.loads(state.read_text())["checkpoint"] == trusted.to_json()
    restarted.close()


def test_every_verification_failure_names_what_failed_and_exits_1() -> None:
    from api.cli.failures import failure_of

    for failure in (BadSignature, ProofMismatch, BadEvent, LogRewritten, ContentMismatch):
        assert issubclass(failure, VerificationFailed)
        assert str(failure("detail")) == f"{failure.what}: detail"
        shown = failure_of(failure("detail"), "sqlite:///x.db")
        assert shown is not None and shown.exit_code == 1
        assert shown.to_text() == f"verification failed: {failure.what}: detail"


def test_an_older_answer_replayed_after_a_newer_one_is_caught(world: World) -> None:
    voucher = world.paid_voucher()
    transport = wire(world)
    client = verified(world, transport, world.institution)
    kept: dict[str, Any] = {}

    def keep(request: httpx.Request, body: Any) -> Any:
        kept.setdefault(request.url.path, body)
        return body

    transport.tamper = keep
    client.get(f"/v1/vouchers/{voucher}")
    world.trainee()
    first = client.trusted
    newer = record_checkpoint(world.ledger).tree_size
    transport.tamper = None
    client.get(f"/v1/vouchers/{voucher}/bundle")
    assert first is not None and first.tree_size < newer
    transport.tamper = lambda request, body: kept.get(request.url.path, body)  # the first answers, again
    with pytest.raises(LogRewritten, match="older than the one trusted"):
        client.get(f"/v1/vouchers/{voucher}")
    assert client.trusted is not None and client.trusted.tree_size == newer


def test_a_history_page_with_a_hidden_event_is_caught(world: World) -> None:
    voucher = world.paid_voucher()
    transport = wire(world)
    client = verified(world, transport, world.bureau)

    def hide_the_review(request: httpx.Request, body: Any) -> Any:
        if request.url.path.endswith("/history"):
            body["items"] = [row for row in body["items"] if row["event"] != "Reviewed"]
        return body

    transport.tamper = hide_the_review
    with pytest.raises(ContentMismatch, match="skips events"):
        client.get(f"/v1/vouchers/{voucher}/history")
