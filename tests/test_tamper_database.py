"""J1: an insider with write access to the database cannot alter, insert,
reorder or drop history unnoticed. Each test tampers with a copy of the
ledger by raw SQL and checks that verification names the first bad event or
checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.application import VoucherLedger
from ledger.transparency.checkpoints import Checkpoint, all_checkpoints, record_checkpoint
from ledger.verify import Report, verify_log
from tests.tampering import Insider, stored_bytes
from tests.world import World


def verify_copy(insider: Insider, keys: Path, saved: Checkpoint | None = None, processes: int = 1) -> Report:
    ledger = VoucherLedger(insider.url, keys=keys)
    try:
        return verify_log(ledger.notifications(), all_checkpoints(ledger), saved_checkpoint=saved,
                          processes=processes)
    finally:
        ledger.close()


@pytest.fixture
def checkpointed(world: World) -> World:
    """Two paid vouchers with a checkpoint after each, then one more voucher not yet checkpointed."""
    world.paid_voucher()
    record_checkpoint(world.ledger)
    world.paid_voucher()
    world.saved = record_checkpoint(world.ledger)  # what an inspector saved
    world.cleared_voucher()
    return world


def test_j1_untouched_copy_verifies_with_its_checkpoints_and_the_saved_one(checkpointed: World, tmp_path) -> None:
    report = verify_copy(Insider(checkpointed.ledger.database_url, tmp_path), checkpointed.ledger.keys_dir,
                         checkpointed.saved, processes=2)
    assert report.intact, report.first_problem
    assert report.checkpoints_checked == 3
    assert report.events_checked == checkpointed.ledger.max_notification_id()


def test_j1_a_flipped_byte_in_an_event_is_named(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    row = insider.rows("topic like '%Voucher.Enrolled'")[0]
    insider.set_state(row.id, row.state.replace(b'"filing":"', b'"filing":"f', 1))
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert not report.intact
    assert f"event #{row.id} " in str(report.first_problem)


def test_j1_an_edited_amount_is_caught_even_with_every_hash_recomputed(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    row = insider.rows("topic like '%Voucher.Paid'")[0]
    state = json.loads(row.state)
    state["facts"]["amount_fen"] += 100_00
    insider.set_state(row.id, stored_bytes(state))
    naive = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert f"event #{row.id} " in str(naive.first_problem) and "own hash" in str(naive.first_problem)
    insider.rehash(row.id)  # the forger relinks the chain: only the Merkle checkpoints can tell
    careful = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert not careful.intact
    assert "checkpoint at tree size" in str(careful.first_problem) and "Merkle root" in str(careful.first_problem)


def test_j1_a_deleted_event_is_named(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    row = insider.rows("topic like '%Voucher.OfflineTrainingRecorded'")[0]
    insider.execute("delete from vledger_events where id = :id", id=row.id)
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert not report.intact
    assert "missing, duplicated or reordered" in str(report.first_problem)


def test_j1_two_swapped_payloads_are_named(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    first, second = insider.rows("topic like '%Voucher.Paid'")[:2]
    insider.set_state(first.id, second.state)
    insider.set_state(second.id, first.state)
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert not report.intact
    assert f"event #{first.id} " in str(report.first_problem)


def test_j1_the_last_events_removed_are_caught_by_the_stored_checkpoints(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    saved_size = checkpointed.saved.tree_size
    last_id = insider.rows()[saved_size - 1].id
    insider.execute("delete from vledger_events where id > :id", id=last_id - 6)
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert not report.intact
    assert "truncated" in str(report.first_problem) or "receipt" in str(report.first_problem)


def test_j1_last_events_and_last_checkpoint_rows_removed_are_caught_against_a_saved_checkpoint(
        checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    rows = insider.rows()
    first_checkpoint = all_checkpoints(checkpointed.ledger)[0]
    # cut whole commands after the first checkpoint, and every later checkpoint row: the copy looks complete
    insider.execute("delete from vledger_events where id > :id", id=rows[first_checkpoint.tree_size - 1].id)
    insider.execute("delete from vledger_checkpoints where tree_size > :size", size=first_checkpoint.tree_size)
    assert verify_copy(insider, checkpointed.ledger.keys_dir).intact  # nothing inside the copy shows it
    report = verify_copy(insider, checkpointed.ledger.keys_dir, saved=checkpointed.saved)
    assert not report.intact
    assert f"checkpoint at tree size {checkpointed.saved.tree_size}" in str(report.first_problem)
    assert "truncated" in str(report.first_problem)


def test_j1_a_rewritten_checkpoint_row_is_named(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    insider.execute("update vledger_checkpoints set root_hash = :root where tree_size = :size",
                    root="ab" * 32, size=checkpointed.saved.tree_size)
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert f"checkpoint at tree size {checkpointed.saved.tree_size}" in str(report.first_problem)


def test_j1_a_checkpoint_whose_signature_was_replaced_is_named(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    other = all_checkpoints(checkpointed.ledger)[0]
    insider.execute("update vledger_checkpoints set signature = :signature where tree_size = :size",
                    signature=other.signature, size=checkpointed.saved.tree_size)
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert "ledger signature does not verify" in str(report.first_problem)


def test_j1_a_key_event_with_a_removed_field_is_named_not_a_crash(checkpointed: World, tmp_path) -> None:
    insider = Insider(checkpointed.ledger.database_url, tmp_path)
    row = insider.rows("topic like '%Party.Registered'")[1]
    state = json.loads(row.state)
    del state["facts"]["key_id"]  # the key lifecycle reads this field before the event's own hash is checked
    insider.set_state(row.id, stored_bytes(state))
    report = verify_copy(insider, checkpointed.ledger.keys_dir)
    assert not report.intact
    assert f"event #{row.id} " in str(report.first_problem)
