"""Verified reads (issue 16, item 2; docs/decisions/0043), like immudb's
client: a `LedgerClient` that trusts nothing the server says without proof.

    client = VerifiedClient(LedgerClient.from_key_file(url, "school.json"), ledger_vkey,
                            state_file=Path("school.trusted.json"))
    client.get(f"/v1/vouchers/{voucher_id}")  # or raises a VerificationFailed

It is given the ledger's note verifier key (`vledger checkpoint --vkey`) out
of band and keeps the last checkpoint it trusted (in memory, and in
`state_file` when given). Each read of a voucher also fetches the voucher's
bundle (`GET /v1/vouchers/{id}/bundle`) and checks, in this order:

1. the bundle's checkpoint is signed by the pinned ledger key, for its origin
   (`BadSignature`);
2. every event's RFC 9162 inclusion proof leads to that checkpoint's root
   (`ProofMismatch`);
3. every event's hash, chain link and signature, by a key registered before
   it, from the genesis event on (`BadEvent`, `ledger/transparency/bundle.py`);
4. the checkpoint and the one trusted before are consistent: equal roots at
   equal sizes, else an RFC 9162 consistency proof from
   `GET /v1/proofs/consistency` between them (`LogRewritten`);
5. what the read served is what those events give (`ContentMismatch`,
   `api/verified_reads.py`).

Only then does the larger of the two checkpoints become the trusted one.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from api.client import LedgerClient
from api.verification_errors import (  # noqa: F401 - VerificationFailed for callers
    BadEvent, BadSignature, ContentMismatch, LogRewritten, ProofMismatch, VerificationFailed)
from api.verified_reads import check_read, voucher_path
from ledger.errors import BadInput, TamperDetected
from ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from ledger.note import parse_verifier_key
from ledger.signing import b64
from ledger.transparency.bundle import verify_bundle
from ledger.transparency.checkpoints import Checkpoint, signature_problem

STATE_FORMAT = "vledger-trusted-checkpoint/1"


class VerifiedClient:
    def __init__(self, client: LedgerClient, ledger_vkey: str, *, state_file: Path | None = None) -> None:
        try:
            self.origin, _, public_key_raw = parse_verifier_key(ledger_vkey)
        except ValueError as error:
            raise BadInput(f"the ledger's verifier key (from `vledger checkpoint --vkey`) is malformed: {error}"
                           ) from None
        self.ledger_public_key = b64(public_key_raw)
        self.ledger_vkey = ledger_vkey
        self.client = client
        self.state_file = state_file
        self.trusted: Checkpoint | None = self._load_state() if state_file is not None else None

    # -- reads -----------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A signed read of a voucher, its history, learning records, payments
        or bundle, returned only once it verified."""
        voucher_id, aspect = voucher_path(path)
        served = self.client.get(path, params)
        bundle = served if aspect == "bundle" else self.client.get(f"/v1/vouchers/{voucher_id}/bundle")
        trusted = self.trusted
        checkpoint = self.verify_bundle(bundle, voucher_id)
        if trusted is not None and checkpoint.tree_size < trusted.tree_size:
            raise LogRewritten(f"the server answered with its checkpoint at tree size {checkpoint.tree_size}, older "
                               f"than the one trusted at tree size {trusted.tree_size}: a rolled-back or replayed "
                               "answer hides what came since")
        check_read(aspect, served, bundle, ContentMismatch)
        return served

    def bundle(self, voucher_id: str, at: int | None = None) -> dict[str, Any]:
        """The voucher's bundle at the latest checkpoint (or tree size `at`), verified."""
        bundle = self.client.get(f"/v1/vouchers/{voucher_id}/bundle", {"at": at} if at is not None else None)
        self.verify_bundle(bundle, voucher_id)
        return bundle

    # -- checks ------------------------------------------------------------------

    def verify_bundle(self, bundle: Any, voucher_id: str) -> Checkpoint:
        if not isinstance(bundle, dict) or bundle.get("voucher") != voucher_id:
            raise ContentMismatch(f"the server did not serve the bundle of voucher {voucher_id}")
        try:
            checkpoint = Checkpoint.from_json(bundle.get("checkpoint"))
        except BadInput as error:
            raise BadSignature(f"the served checkpoint is malformed: {error.message}") from None
        self._check_signed(checkpoint)
        keys = bundle.get("keys")
        if not isinstance(keys, dict) or keys.get("ledger_public_key") != self.ledger_public_key:
            raise BadSignature("the bundle names another ledger key than the one this client was given")
        self._check_inclusion(bundle, checkpoint)
        try:
            verify_bundle(bundle)
        except (TamperDetected, BadInput) as error:
            raise BadEvent(error.message) from None
        self._check_consistent(checkpoint)
        return checkpoint

    def _check_signed(self, checkpoint: Checkpoint) -> None:
        if checkpoint.origin != self.origin:
            raise BadSignature(f"the checkpoint is for log {checkpoint.origin!r}, not {self.origin!r}")
        problem = signature_problem(checkpoint, self.ledger_public_key)
        if problem is not None:
            raise BadSignature(f"checkpoint at tree size {checkpoint.tree_size}: {problem} with the ledger key "
                               "this client was given")

    def _check_inclusion(self, bundle: dict[str, Any], checkpoint: Checkpoint) -> None:
        root = bytes.fromhex(checkpoint.root_hash)
        events = bundle.get("events")
        if not isinstance(events, list) or not events:
            raise ProofMismatch("the bundle holds no events")
        for item in events:
            try:
                index, path = item["leaf_index"], [bytes.fromhex(h) for h in item["audit_path"]]
                claimed = bytes.fromhex(item["state"]["seal"]["event_hash"])
                holds = (isinstance(index, int) and 0 <= index < checkpoint.tree_size
                         and verify_inclusion(index, checkpoint.tree_size, leaf_hash(claimed), path, root))
            except (KeyError, TypeError, ValueError):
                holds = False
            if not holds:
                where = item.get("notification_id") if isinstance(item, dict) else "?"
                raise ProofMismatch(f"event #{where}: its inclusion proof does not lead to the root of the signed "
                                    f"checkpoint at tree size {checkpoint.tree_size}")

    def _check_consistent(self, checkpoint: Checkpoint) -> None:
        trusted = self.trusted
        if trusted is not None and trusted.origin != checkpoint.origin:
            raise LogRewritten(f"the trusted checkpoint is for log {trusted.origin!r}, this one for "
                               f"{checkpoint.origin!r}")
        if trusted is None:
            self._trust(checkpoint)
            return
        older, newer = sorted((trusted, checkpoint), key=lambda c: c.tree_size)
        if older.tree_size == newer.tree_size:
            if older.root_hash != newer.root_hash:
                raise LogRewritten(f"two signed checkpoints of tree size {older.tree_size} have different roots "
                                   f"({trusted.root_hash[:16]}... trusted, {checkpoint.root_hash[:16]}... now)")
            return
        proof = self.client.get("/v1/proofs/consistency", {"first": older.tree_size, "second": newer.tree_size},
                                signed=False)
        if not _consistency_holds(proof, older, newer):
            raise LogRewritten(f"the checkpoint at tree size {checkpoint.tree_size} is not a consistent "
                               f"{'extension' if checkpoint is newer else 'prefix'} of the one trusted at tree "
                               f"size {trusted.tree_size}: the server's consistency proof does not hold between "
                               "their roots")
        if newer is checkpoint:
            self._trust(checkpoint)

    # -- the trusted checkpoint ---------------------------------------------------

    def _trust(self, checkpoint: Checkpoint) -> None:
        self.trusted = checkpoint
        if self.state_file is not None:
            state = {"format": STATE_FORMAT, "vkey": self.ledger_vkey, "checkpoint": checkpoint.to_json()}
            temporary = self.state_file.with_name(self.state_file.name + ".tmp")
            temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
            os.replace(temporary, self.state_file)

    def _load_state(self) -> Checkpoint | None:
        assert self.state_file is not None
        if not self.state_file.exists():
            return None
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
            assert isinstance(state, dict) and state.get("format") == STATE_FORMAT
        except (OSError, ValueError, AssertionError):
            raise BadInput(f"{self.state_file} is not a trusted-checkpoint file ({STATE_FORMAT}) this client "
                           "wrote") from None
        if state.get("vkey") != self.ledger_vkey:
            raise BadInput(f"{self.state_file} holds a checkpoint of another ledger key; give that key or another "
                           "state file")
        checkpoint = Checkpoint.from_json(state.get("checkpoint"))
        self._check_signed(checkpoint)
        return checkpoint


def _consistency_holds(proof: Any, older: Checkpoint, newer: Checkpoint) -> bool:
    try:
        return (proof["first"] == older.tree_size and proof["second"] == newer.tree_size
                and verify_consistency(older.tree_size, newer.tree_size, bytes.fromhex(older.root_hash),
                                       bytes.fromhex(newer.root_hash),
                                       [bytes.fromhex(h) for h in proof["consistency_path"]]))
    except (KeyError, TypeError, ValueError):
        return False


def vkey_of_state_file(path: Path) -> str | None:
    """The ledger verifier key a state file was written for, if it exists and names one."""
    try:
        vkey = json.loads(path.read_text(encoding="utf-8")).get("vkey")
    except (OSError, ValueError, AttributeError):
        return None
    return vkey if isinstance(vkey, str) and re.fullmatch(r"\S{1,512}", vkey) else None
