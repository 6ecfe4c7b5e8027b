"""J1: what the verifier reports about checkpoints and their witnesses'
cosignatures, to the letter, and the report's own numbers (the events' half is
test_verifier_messages.py; the rows are copied and changed as there,
tests/verifier_rows.py)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest

import ledger.verify as verify_module
from ledger.chain import event_hash
from ledger.genesis import ledger_key
from ledger.merkle import EMPTY_ROOT
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import (
    Checkpoint, all_checkpoints, cosign_latest, record_checkpoint, witness_name)
from ledger.verify import ChainVerifier, KeyState, Report, verify_log, verify_notifications
from ledger.verify_content import Problem
from tests.verifier_rows import NOT_A_WITNESS, changed, copy_of, event, logged, refused
from tests.world import World


@pytest.fixture
def checkpointed(logged: World) -> World:
    """A checkpoint after the registrations, then more events."""
    logged.first_checkpoint = record_checkpoint(logged.ledger)
    logged.trainee()
    logged.second_checkpoint = record_checkpoint(logged.ledger)
    logged.issue(logged.trainee())
    return logged


def resigned(checkpoint: Checkpoint, key: SigningKey, **changes: Any) -> Checkpoint:
    checkpoint = replace(checkpoint, cosignatures_text=None, **changes)
    return replace(checkpoint, signature=key.sign(checkpoint.body().encode()),
                   timestamp_signature=key.sign(checkpoint.timestamp_statement()))


def summary(checkpoint: Checkpoint, cosigned_by: list[str]) -> dict[str, Any]:
    return {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash, "timestamp": checkpoint.timestamp,
            "cosigned_by": cosigned_by}


def test_j1_an_intact_log_reports_what_it_checked(checkpointed: World) -> None:
    rows = copy_of(checkpointed)
    first, second = checkpointed.first_checkpoint, checkpointed.second_checkpoint
    report = verify_log(rows, [second, first], saved_checkpoint=first)
    assert report.intact and report.first_problem is None
    assert report.events_checked == len(rows)
    assert report.checkpoints_checked == 3
    assert report.aggregates == len({r.originator_id for r in rows})
    assert report.keys == sum(1 for r in rows if r.topic in ("vledger:Party.Registered", "vledger:Party.KeyRotated"))
    assert report.latest_checkpoint == summary(second, [])
    assert report.saved_checkpoint == summary(first, [])
    assert report.processes == 1 and 0 <= report.seconds < 60
    bare = verify_log(rows, processes=0)
    assert bare.processes == 1 and bare.latest_checkpoint is None and bare.saved_checkpoint is None
    assert bare.checkpoints_checked == 0


def test_j1_events_are_checked_in_chunks_and_progress_counts_each(checkpointed: World,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_module, "CHUNK_EVENTS", 5)
    rows = copy_of(checkpointed)
    counts: list[int] = []
    report = verify_log(rows, progress=counts.append)
    assert report.intact and report.events_checked == len(rows)
    assert counts == [5] * (len(rows) // 5) + ([len(rows) % 5] if len(rows) % 5 else [])
    counts.clear()
    verify_notifications(rows, progress=counts.append)
    assert sum(counts) == len(rows)


def test_j1_an_altered_event_before_a_sequential_problem_in_the_same_chunk_is_named_first(
        checkpointed: World) -> None:
    """The chunk read so far is still checked when a later event stops the
    sequential pass: the earlier altered event is the first problem."""
    rows = copy_of(checkpointed)
    altered = rows[7]
    rows[7] = changed(altered, lambda state: state["facts"].update(name="someone else"))
    rows[12] = changed(rows[12], lambda state: state["seal"].update(previous_hash="cd" * 32))
    refused(rows, "its content does not match its own hash (altered)", altered)


def test_j1_an_event_problem_comes_before_a_checkpoint_problem_at_the_same_size(checkpointed: World) -> None:
    """The event that makes a checkpoint's root wrong is named, not the checkpoint."""
    rows = copy_of(checkpointed)
    size = checkpointed.first_checkpoint.tree_size
    last = rows[size - 1]
    rows[size - 1] = changed(last, lambda state: state["seal"].update(event_hash="ab" * 32))
    refused(rows, "its content does not match its own hash (altered)", last,
            checkpoints=[checkpointed.first_checkpoint])


@pytest.mark.parametrize("saved", [False, True])
def test_j1_a_checkpoint_with_another_root_is_named_at_its_size(checkpointed: World, saved: bool) -> None:
    rows = copy_of(checkpointed)
    key = ledger_key(checkpointed.ledger.keys_dir)
    size = checkpointed.second_checkpoint.tree_size
    forged = resigned(checkpointed.second_checkpoint, key, root_hash="ab" * 32)
    report = verify_log(rows, [checkpointed.first_checkpoint] + ([] if saved else [forged]),
                        saved_checkpoint=forged if saved else None)
    name = "the checkpoint you saved" if saved else "it"
    message = f"{name} does not match the log's Merkle root at that size: history was rewritten, reordered or removed"
    assert report.first_problem == Problem(size, 0, "checkpoint", message)
    assert str(report.first_problem) == f"checkpoint at tree size {size}: {message}"
    assert report.events_checked == size and report.checkpoints_checked == 2


def test_j1_a_stored_checkpoint_for_another_log_is_named(checkpointed: World) -> None:
    key = ledger_key(checkpointed.ledger.keys_dir)
    forged = resigned(checkpointed.first_checkpoint, key, origin="another.example/log")
    report = verify_log(copy_of(checkpointed), [forged])
    assert report.first_problem == Problem(forged.tree_size, 0, "checkpoint",
                                           f"it is for log 'another.example/log', not {checkpointed.ledger.origin!r}")
    assert report.checkpoints_checked == 1


def test_j1_a_checkpoint_beyond_the_log_names_the_truncation(checkpointed: World) -> None:
    rows = copy_of(checkpointed)[:checkpointed.first_checkpoint.tree_size]  # whole commands, cut after the first
    size = checkpointed.second_checkpoint.tree_size
    report = verify_log(rows, [checkpointed.first_checkpoint, checkpointed.second_checkpoint])
    message = f"it covers {size} events but the log has only {len(rows)}: events were removed (truncated)"
    assert report.first_problem == Problem(size, 0, "checkpoint", message)
    assert report.checkpoints_checked == 1
    assert report.events_checked == len(rows)  # every event there is, not the checkpoint's size


def test_j1_a_checkpoint_of_the_empty_log_is_checked_once_genesis_names_the_log(checkpointed: World) -> None:
    """Size 0: the empty tree's root, signed by the key genesis names."""
    key = ledger_key(checkpointed.ledger.keys_dir)
    rows = copy_of(checkpointed)
    empty = resigned(checkpointed.first_checkpoint, key, tree_size=0, root_hash=EMPTY_ROOT.hex())
    report = verify_log(rows, [checkpointed.first_checkpoint], saved_checkpoint=empty)
    assert report.intact, report.first_problem
    assert report.checkpoints_checked == 2 and report.saved_checkpoint == summary(empty, [])
    wrong = resigned(empty, key, root_hash="ab" * 32)
    report = verify_log(rows, saved_checkpoint=wrong)
    assert report.first_problem == Problem(0, 0, "checkpoint", "the checkpoint you saved does not match the log's "
                                           "Merkle root at that size: history was rewritten, reordered or removed")
    assert report.events_checked == 0 and report.checkpoints_checked == 1


def test_j1_only_the_first_checkpoint_problem_is_reported(checkpointed: World) -> None:
    key = ledger_key(checkpointed.ledger.keys_dir)
    bad = [resigned(c, key, root_hash="ab" * 32)
           for c in (checkpointed.first_checkpoint, checkpointed.second_checkpoint)]
    report = verify_log(copy_of(checkpointed), bad)
    assert report.first_problem.position == checkpointed.first_checkpoint.tree_size
    assert report.checkpoints_checked == 1


# --- witness cosignatures ---


@pytest.fixture
def cosigned(checkpointed: World) -> World:
    record_checkpoint(checkpointed.ledger)
    cosign_latest(checkpointed.ledger, checkpointed.finance)
    checkpointed.cosigned = cosign_latest(checkpointed.ledger, checkpointed.inspector)
    return checkpointed


def test_j1_the_report_names_the_witnesses_who_cosigned(cosigned: World) -> None:
    names = [witness_name("finance", cosigned.finance.actor), witness_name("inspector", cosigned.inspector.actor)]
    report = verify_log(copy_of(cosigned), all_checkpoints(cosigned.ledger), saved_checkpoint=cosigned.cosigned)
    assert report.intact
    assert report.latest_checkpoint == summary(cosigned.cosigned, names)
    assert report.saved_checkpoint == summary(cosigned.cosigned, names)


def forged_cosignature(world: World, index: int, **changes: Any) -> Checkpoint:
    cosignatures = list(world.cosigned.cosignatures)
    cosignatures[index] = dict(cosignatures[index], **changes)
    return replace(world.cosigned, cosignatures=tuple(cosignatures), cosignatures_text=None)


def cosignature_cases(world: World) -> dict[str, tuple[int, dict[str, Any], str]]:
    other = SigningKey.generate(actor=world.finance.actor, role="finance")
    finance_name = witness_name("finance", world.finance.actor)
    inspector_name = witness_name("inspector", world.inspector.actor)
    bureau = world.bureau
    bureau_name = witness_name("bureau", bureau.actor)
    return {
        "unknown-party": (0, {"party": str(uuid.uuid4())}, f"cosignature by {finance_name} {NOT_A_WITNESS}"),
        "unknown-key": (1, {"key_id": other.key_id}, f"cosignature by {inspector_name} {NOT_A_WITNESS}"),
        "another-public-key": (0, {"public_key": other.public_key_b64},
                               f"cosignature by {finance_name} {NOT_A_WITNESS}"),
        "not-a-witness": (0, {"party": bureau.actor, "key_id": bureau.key_id, "public_key": bureau.public_key_b64,
                              "role": "bureau", "name": bureau_name,
                              "signature": bureau.sign(world.cosigned.body().encode())},
                          f"cosignature by {bureau_name} {NOT_A_WITNESS}"),
        "another-role": (0, {"role": "inspector", "name": witness_name("inspector", world.finance.actor)},
                         f"cosignature by {witness_name('inspector', world.finance.actor)} {NOT_A_WITNESS}"),
        "bad-signature": (1, {"signature": world.finance.sign(b"something else")},
                          f"cosignature by {inspector_name} does not verify"),
    }


@pytest.mark.parametrize("case", ["unknown-party", "unknown-key", "another-public-key", "not-a-witness",
                                  "another-role", "bad-signature"])
def test_j1_a_cosignature_not_by_a_registered_witness_key_is_named(cosigned: World, case: str) -> None:
    index, changes, message = cosignature_cases(cosigned)[case]
    forged = forged_cosignature(cosigned, index, **changes)
    report = verify_log(copy_of(cosigned), all_checkpoints(cosigned.ledger)[:-1], saved_checkpoint=forged)
    assert report.first_problem == Problem(forged.tree_size, 0, "checkpoint", message)
    assert str(report.first_problem) == f"checkpoint at tree size {forged.tree_size}: {message}"
    good = [c["name"] for c in forged.cosignatures[:index]]
    assert report.saved_checkpoint == summary(forged, good)
    assert report.events_checked == len(copy_of(cosigned))


def test_j1_a_malformed_cosignature_is_named_not_a_crash(cosigned: World) -> None:
    """The cosigners check reads a cosignature's key before its form: one
    whose public key is no key at all is named as malformed."""
    verifier = ChainVerifier()
    finance = cosigned.finance
    cosignature = dict(cosigned.cosigned.cosignatures[0], public_key="not base64!")
    verifier.keys[(finance.actor, finance.key_id)] = KeyState(finance.actor, "finance", "not base64!")
    checkpoint = replace(cosigned.cosigned, cosignatures=(cosigned.cosigned.cosignatures[1], cosignature))
    verifier.keys[(cosigned.inspector.actor, cosigned.inspector.key_id)] = KeyState(
        cosigned.inspector.actor, "inspector", cosigned.inspector.public_key_b64)
    assert verifier.cosigners(checkpoint) == (
        [witness_name("inspector", cosigned.inspector.actor)],
        f"cosignature by {witness_name('finance', finance.actor)} is malformed")


# --- the report as JSON ---


def test_j1_the_report_as_json_rounds_seconds_and_derives_the_rate() -> None:
    problem = Problem(8, 0, "checkpoint", "it does not match")
    report = Report(problem, 10, 3, 4, 2, {"tree_size": 8}, None, 2, 2.0004)
    assert report.to_json() == {
        "intact": False, "events_checked": 10, "aggregates": 3, "keys": 4, "checkpoints_checked": 2,
        "latest_checkpoint": {"tree_size": 8}, "saved_checkpoint": None, "processes": 2, "seconds": 2.0,
        "events_per_second": 5, "first_problem": "checkpoint at tree size 8: it does not match"}
    assert Report(None, 7, 1, 1, 0, None, {"tree_size": 1}, 1, 1.23456).to_json() == {
        "intact": True, "events_checked": 7, "aggregates": 1, "keys": 1, "checkpoints_checked": 0,
        "latest_checkpoint": None, "saved_checkpoint": {"tree_size": 1}, "processes": 1, "seconds": 1.235,
        "events_per_second": 6, "first_problem": None}
    assert Report(None, 7, 1, 1, 0, None, None, 1, 0.0).to_json()["events_per_second"] is None
