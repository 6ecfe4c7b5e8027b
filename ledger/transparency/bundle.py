"""A trainee's verifiable record (S6): `vledger bundle --voucher ID --out FILE`
writes one JSON file that proves, offline and without trusting the server,
every event of a voucher, who signed each, and that each was in the ledger at
a signed checkpoint.

The file holds the checkpoint, and events each with its RFC 9162 inclusion
proof against it: the voucher's events, and every event of each party whose
key signed one of them (transitively, up to the trust root's genesis event at
leaf 0, which names the ledger's checkpoint key). `verify_bundle` replays
these through the same `ChainVerifier` as `vledger verify`, so keys count only
when registered, and not rotated or revoked, before they signed.

Limit: a bundle cannot prove a negative about events it leaves out, e.g. a
revocation recorded in another party's history; only a full `vledger verify`
can.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from ledger.errors import BadInput, NotFound, TamperDetected
from ledger.event_types import read_facts
from ledger.merkle import leaf_hash, verify_inclusion
from ledger.transparency.checkpoints import (
    Checkpoint, checkpoint_at, latest_checkpoint, log_identity, record_checkpoint, signature_problem)
from ledger.transparency.export import ExportedEvent, stored_state
from ledger.transparency.log_reads import aggregate_events
from ledger.transparency.tree_store import ensure_tree, leaves_table

FORMAT = "vledger-bundle/1"


def make_bundle(ledger, voucher_id: UUID, at: int | None = None) -> dict[str, Any]:
    """The bundle of a voucher against the latest checkpoint (one is recorded
    first when the latest does not hold every event of the voucher yet), or
    against the stored checkpoint of tree size `at` (the voucher's events up
    to it)."""
    from ledger.application import ROOT_ID

    log_tree = ensure_tree(ledger)
    checkpoint = latest_checkpoint(ledger) if at is None else checkpoint_at(ledger, at)
    voucher_rows = aggregate_events(ledger, voucher_id, ledger.max_notification_id())
    if not voucher_rows or not voucher_rows[0].topic.endswith(":Voucher.Issued"):
        raise NotFound(f"no voucher {voucher_id}")
    indexes = _leaf_indexes(ledger, [row.id for row in voucher_rows])
    if at is not None:
        if checkpoint is None:
            raise NotFound(f"no checkpoint of tree size {at} was recorded; GET /v1/checkpoints/latest names the "
                           "latest")
        if checkpoint.tree_size <= indexes[voucher_rows[0].id]:
            raise NotFound(f"voucher {voucher_id} was issued after the checkpoint of tree size {at}")
    elif checkpoint is None or checkpoint.tree_size <= max(indexes.values()):
        checkpoint = record_checkpoint(ledger)
    stop = ledger.max_notification_id()
    rows = {row.id: row for row in voucher_rows}
    trainee = read_facts(voucher_rows[0].topic, json.loads(voucher_rows[0].state)).get("trainee")
    parties_to_add = {str(ROOT_ID), *([trainee] if trainee else []),
                      *(c["party"] for c in checkpoint.cosignatures)}
    parties_done: set[str] = set()
    while parties_to_add:
        party = parties_to_add.pop()
        parties_done.add(party)
        for row in aggregate_events(ledger, party, stop):
            rows[row.id] = row
        for row in list(rows.values()):  # the signers of everything included, transitively
            actor = json.loads(row.state)["seal"]["envelope"].get("actor", "")
            if actor and actor not in parties_done:
                parties_to_add.add(actor)
    indexes = _leaf_indexes(ledger, list(rows))
    events = []
    for notification_id in sorted(rows, key=lambda n: indexes[n]):
        index = indexes[notification_id]
        if index >= checkpoint.tree_size:
            continue
        row = rows[notification_id]
        events.append({"notification_id": notification_id, "leaf_index": index,
                       "originator_id": str(row.originator_id), "originator_version": row.originator_version,
                       "topic": row.topic, "state": json.loads(row.state),
                       "audit_path": [h.hex() for h in log_tree.tree.inclusion_proof(index, checkpoint.tree_size)]})
    identity = log_identity(ledger)
    return {"format": FORMAT, "voucher": str(voucher_id), "checkpoint": checkpoint.to_json(),
            "keys": {"origin": identity.origin, "trust_root_public_key": identity.trust_root_public_key,
                     "ledger_public_key": identity.ledger_public_key, "note_verifier_key": identity.vkey()},
            "events": events}


def _leaf_indexes(ledger, notification_ids: list[int]) -> dict[int, int]:
    from sqlalchemy import select

    with ledger.engine.connect() as connection:
        rows = connection.execute(select(leaves_table.c.notification_id, leaves_table.c.leaf_index)
                                  .where(leaves_table.c.notification_id.in_(notification_ids)))
        return {notification_id: index for notification_id, index in rows}


def verify_bundle(bundle: Any, trust_root_public_key: str | None = None) -> dict[str, Any]:
    """Checks a bundle offline; a summary when it holds, else TamperDetected
    naming the first bad event or the checkpoint."""
    from ledger.verify import ChainVerifier, content_problem

    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT or not isinstance(bundle.get("events"), list):
        raise BadInput(f"not a voucher bundle ({FORMAT}) as `vledger bundle` writes")
    checkpoint = Checkpoint.from_json(bundle.get("checkpoint"))
    root = bytes.fromhex(checkpoint.root_hash)
    keys = bundle.get("keys", {})
    if not isinstance(keys, dict):
        raise BadInput(f"the bundle's keys must be a JSON object as `vledger bundle` writes, not {type(keys).__name__}")
    pin = trust_root_public_key or keys.get("trust_root_public_key")
    verifier = ChainVerifier(trust_root_public_key=pin, partial_log=True)
    if not bundle["events"] or not isinstance(bundle["events"][0], dict) or bundle["events"][0].get("leaf_index") != 0:
        raise TamperDetected("the bundle does not start with the genesis event at leaf 0")
    previous_index = -1
    for item in bundle["events"]:
        try:
            index, path = item["leaf_index"], [bytes.fromhex(h) for h in item["audit_path"]]
            event = ExportedEvent(item["notification_id"], item["originator_id"], item["originator_version"],
                                  item["topic"], stored_state(item["state"]))
            claimed = bytes.fromhex(item["state"]["seal"]["event_hash"])
            assert isinstance(index, int) and index > previous_index
        except (KeyError, TypeError, ValueError, AssertionError):
            raise TamperDetected(f"bundle event {item.get('notification_id') if isinstance(item, dict) else '?'} "
                                 "is malformed or out of order") from None
        previous_index = index
        if not (index < checkpoint.tree_size
                and verify_inclusion(index, checkpoint.tree_size, leaf_hash(claimed), path, root)):
            raise TamperDetected(f"event #{event.id}: its inclusion proof does not lead to the checkpoint's root")
        job = verifier.admit(event)
        message = content_problem(job) if job is not None else None
        if job is None or message is not None:
            raise TamperDetected(str(verifier.first_problem) if job is None else f"event #{event.id}: {message}")
    if verifier.events_admitted == 0 or not verifier.ledger_public_key:
        raise TamperDetected("the bundle does not start with the genesis event at leaf 0")
    problem = signature_problem(checkpoint, verifier.ledger_public_key)
    if problem is None and checkpoint.origin != verifier.origin:
        problem = f"it is for log {checkpoint.origin!r}, not {verifier.origin!r}"
    if problem is not None:
        raise TamperDetected(f"the bundle's checkpoint at tree size {checkpoint.tree_size}: {problem}")
    cosigned_by, cosigner_problem = verifier.cosigners(checkpoint)
    if cosigner_problem is not None:
        raise TamperDetected(f"the bundle's checkpoint at tree size {checkpoint.tree_size}: {cosigner_problem}")
    voucher_events = [e for e in bundle["events"] if e["originator_id"] == bundle.get("voucher")]
    return {"intact": True, "voucher": bundle.get("voucher"), "voucher_events": len(voucher_events),
            "events_checked": verifier.events_admitted, "checkpoint_tree_size": checkpoint.tree_size,
            "checkpoint_root_hash": checkpoint.root_hash, "cosigned_by": cosigned_by}
