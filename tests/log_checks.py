"""Checks the concurrency, crash and load tests share: what was acknowledged
is in the log exactly once, nothing else was added, the log reads in one
gap-free order, the chain verifies and the Merkle tree of an earlier size is
consistent with the tree after."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any, Iterable

from ledger.aggregates.indexes import Receipt
from ledger.application import VoucherLedger
from ledger.merkle import MerkleTree, leaf_hash, verify_consistency
from ledger.verify import verify_notifications


def log_hashes(ledger: VoucherLedger) -> list[str]:
    """Every event's own hash, in global (notification) order."""
    return [json.loads(n.state)["seal"]["event_hash"] for n in ledger.notifications()]


def recorded_now(outcomes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outcomes of commands recorded by this call (not repeats)."""
    return [o for o in outcomes if o["status"] == "recorded" and not o["duplicate"]]


def acknowledged_hashes(outcomes: Iterable[dict[str, Any]]) -> list[str]:
    """The event hashes of the commands that were recorded now (not repeats)."""
    return [event_hash for outcome in recorded_now(outcomes) for event_hash in outcome["result"]["event_hashes"]]


def assert_exactly_acknowledged_added(ledger: VoucherLedger, before: list[str],
                                      outcomes: Iterable[dict[str, Any]]) -> list[str]:
    """No lost event (every acknowledged one is there), no duplicated one (once
    each), nothing nobody was told about (each recorded command adds its
    events plus its one Receipt), and the earlier log is unchanged."""
    acknowledged = recorded_now(outcomes)
    added = list(ledger.notifications())[len(before):]
    after = log_hashes(ledger)
    assert after[:len(before)] == before, "the log before the burst changed"
    receipts = {str(Receipt.id_for(o["command_id"])) for o in acknowledged}
    added_receipts = Counter(str(n.originator_id) for n in added if n.topic.endswith(":Receipt.Recorded"))
    assert added_receipts == Counter(receipts), "a recorded command has no receipt, or two"
    added_hashes = Counter(json.loads(n.state)["seal"]["event_hash"] for n in added
                           if not n.topic.endswith(":Receipt.Recorded"))
    assert all(count == 1 for count in added_hashes.values()), "an event hash appears twice"
    expected = Counter(acknowledged_hashes(acknowledged))
    assert added_hashes == expected, (
        f"{len(set(expected) - set(added_hashes))} acknowledged events missing, "
        f"{len(set(added_hashes) - set(expected))} recorded events never acknowledged")
    return after


def assert_log_reads_in_one_order(ledger: VoucherLedger) -> list[int]:
    """Notification ids strictly increase (PostgreSQL may skip ids after a
    rollback: positions, not ids, are the Merkle leaves)."""
    ids = [n.id for n in ledger.notifications(batch_size=97)]
    assert ids == sorted(set(ids)), "notification ids are not strictly increasing"
    return ids


def assert_ledger_verifies(ledger: VoucherLedger) -> int:
    verifier = verify_notifications(ledger.notifications())
    assert verifier.first_problem is None, str(verifier.first_problem)
    return verifier.events_checked


def assert_merkle_consistent(before: list[str], after: list[str]) -> None:
    """A checkpoint taken before the burst stays provably consistent after it."""
    tree = MerkleTree(leaf_hash(bytes.fromhex(h)) for h in after)
    if not before:
        return
    assert verify_consistency(len(before), len(after), tree.root(len(before)), tree.root(),
                              tree.consistency_proof(len(before), len(after)))
    earlier = MerkleTree(leaf_hash(bytes.fromhex(h)) for h in before)
    assert earlier.root() == tree.root(len(before))


def assert_every_command_whole_or_absent(ledger: VoucherLedger) -> dict[str, list[str]]:
    """No half-written command: every command in the log has exactly one
    Receipt, and its other events are exactly those its receipt acknowledges."""
    events: dict[str, list[str]] = defaultdict(list)
    receipts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for notification in ledger.notifications():
        stored = json.loads(notification.state)
        command_id = stored["seal"]["envelope"]["command_id"]
        if notification.topic.endswith(":Receipt.Recorded"):
            receipts[command_id].append(stored["facts"]["result"])
        else:
            events[command_id].append(stored["seal"]["event_hash"])
    assert set(receipts) == set(events), "a command's events without its receipt, or a receipt without events"
    for command_id, results in receipts.items():
        assert len(results) == 1, f"command {command_id} has {len(results)} receipts"
        assert Counter(results[0]["event_hashes"]) == Counter(events[command_id]), \
            f"command {command_id} is half-written"
    return events
