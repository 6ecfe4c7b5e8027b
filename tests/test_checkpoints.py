"""J1: signed checkpoints of the RFC 9162 Merkle tree over the log, their
C2SP signed-note form, witness cosignatures, and proofs for every leaf."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.merkle import leaf_hash, root_from_leaves
from ledger.note import open_note, parse_checkpoint_body, verifier_key
from ledger.transparency.checkpoints import (
    all_checkpoints, checkpoint_if_due, cosign_latest, latest_checkpoint, log_identity, record_checkpoint)
from ledger.transparency.frontier import Frontier
from ledger.transparency.proofs import (
    consistency_proof, consistency_proof_holds, inclusion_proof, inclusion_proof_holds)
from ledger.transparency.tree_store import ensure_tree
from ledger.errors import BadInput, KeyNotValid
from ledger.verify import verify_log
from tests.cli import vledger, vledger_json
from tests.world import World


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=32, max_size=32), max_size=300))
def test_j1_streaming_frontier_gives_the_rfc9162_root_at_every_size(data: list[bytes]) -> None:
    frontier = Frontier()
    leaves: list[bytes] = []
    assert frontier.root() == root_from_leaves([])
    for value in data:
        frontier.append(leaf_hash(value))
        leaves.append(leaf_hash(value))
        assert frontier.root() == root_from_leaves(leaves)


def test_j1_a_checkpoint_signs_the_root_of_every_event_so_far_and_is_not_repeated(world: World) -> None:
    checkpoint = record_checkpoint(world.ledger)
    tree = ensure_tree(world.ledger)
    assert checkpoint.tree_size == world.ledger.max_notification_id() == tree.size
    assert checkpoint.root_hash == tree.tree.root().hex()
    assert record_checkpoint(world.ledger) == checkpoint  # nothing new: same checkpoint
    world.trained_voucher()
    later = record_checkpoint(world.ledger)
    assert later.tree_size > checkpoint.tree_size and latest_checkpoint(world.ledger) == later
    assert [c.tree_size for c in all_checkpoints(world.ledger)] == [checkpoint.tree_size, later.tree_size]


def test_j1_checkpoint_if_due_waits_for_enough_events_or_time(world: World) -> None:
    first = checkpoint_if_due(world.ledger, every_events=5, every_seconds=3600)
    assert first is not None
    world.trainee()
    assert checkpoint_if_due(world.ledger, every_events=50, every_seconds=3600) is None
    world.clock.advance(hours=2)
    assert checkpoint_if_due(world.ledger, every_events=50, every_seconds=3600).tree_size > first.tree_size


def test_j1_every_leaf_of_every_tree_size_has_a_proof_that_verifies_and_breaks_when_changed(world: World) -> None:
    world.certified_voucher()
    size = ensure_tree(world.ledger).size
    for tree_size in range(1, size + 1):
        for seq in range(1, tree_size + 1):  # on SQLite and a fresh PostgreSQL, leaf i is event i + 1
            proof = inclusion_proof(world.ledger, seq, tree_size)
            assert proof["leaf_index"] == seq - 1 and proof["notification_id"] == seq
            assert inclusion_proof_holds(proof), (seq, tree_size)
        for path_index in range(len(proof["audit_path"])):
            changed = dict(proof, audit_path=list(proof["audit_path"]))
            changed["audit_path"][path_index] = "00" * 32
            assert not inclusion_proof_holds(changed)
        assert not inclusion_proof_holds(dict(proof, leaf_hash="11" * 32))
        assert not inclusion_proof_holds(dict(proof, root_hash="22" * 32))
        for first in range(1, tree_size + 1):
            consistency = consistency_proof(world.ledger, first, tree_size)
            assert consistency_proof_holds(consistency), (first, tree_size)
            for path_index in range(len(consistency["consistency_path"])):
                changed = dict(consistency, consistency_path=list(consistency["consistency_path"]))
                changed["consistency_path"][path_index] = "00" * 32
                assert not consistency_proof_holds(changed)


def test_j1_proofs_refuse_sizes_outside_the_log(world: World) -> None:
    size = ensure_tree(world.ledger).size
    with pytest.raises(BadInput):
        inclusion_proof(world.ledger, 5, 3)
    with pytest.raises(BadInput):
        inclusion_proof(world.ledger, 1, size + 1)
    with pytest.raises(BadInput):
        consistency_proof(world.ledger, 4, 2)
    with pytest.raises(BadInput, match="from tree size 0 proves nothing"):
        consistency_proof(world.ledger, 0, size)


def test_j1_witness_cosigns_and_verify_shows_who_cosigned(world: World) -> None:
    checkpoint = record_checkpoint(world.ledger)
    with pytest.raises(KeyNotValid):
        cosign_latest(world.ledger, world.bureau)  # a bureau is not a witness
    cosign_latest(world.ledger, world.finance)
    cosigned = cosign_latest(world.ledger, world.inspector)
    assert [c["role"] for c in cosigned.cosignatures] == ["finance", "inspector"]
    report = verify_log(world.ledger.notifications(), all_checkpoints(world.ledger), saved_checkpoint=cosigned)
    assert report.intact, report.first_problem
    assert report.latest_checkpoint["cosigned_by"] == [c["name"] for c in cosigned.cosignatures]
    forged = dict(cosigned.cosignatures[0], signature=checkpoint.signature)
    bad = type(cosigned)(**{**cosigned.__dict__, "cosignatures": (forged,), "cosignatures_text": None})
    failed = verify_log(world.ledger.notifications(), all_checkpoints(world.ledger), saved_checkpoint=bad)
    assert "cosignature by finance/" in str(failed.first_problem)


def test_j1_checkpoint_note_opens_with_the_printed_verifier_key_and_witness_keys(world: World, tmp_path) -> None:
    env = {"VLEDGER_KEYS": str(world.ledger.keys_dir)}
    db = world.ledger.database_url
    recorded = vledger_json("checkpoint", db=db, env=env)
    finance_file = tmp_path / "finance.json"
    world.finance.save(finance_file)
    assert vledger("checkpoint", "cosign", "--key", str(finance_file), db=db, env=env).returncode == 0
    note = vledger("checkpoint", "--latest", "--note", db=db, env=env).stdout
    vkey = vledger("checkpoint", "--vkey", db=db, env=env).stdout.strip()
    identity = log_identity(world.ledger)
    assert vkey == identity.vkey()
    body, names = open_note(note, [vkey])
    assert names == [identity.origin]
    assert parse_checkpoint_body(body) == (identity.origin, recorded["tree_size"], bytes.fromhex(recorded["root_hash"]))
    witness = verifier_key(f"finance/{world.finance.actor}", world.finance.public_key_raw)
    assert open_note(note, [vkey, witness])[1] == [identity.origin, f"finance/{world.finance.actor}"]
    saved = vledger_json("checkpoint", "--latest", db=db, env=env)
    assert saved["signature"] == recorded["signature"] and len(saved["cosignatures"]) == 1


def test_j1_proof_commands_print_rfc9162_json(world: World) -> None:
    env = {"VLEDGER_KEYS": str(world.ledger.keys_dir)}
    db = world.ledger.database_url
    record_checkpoint(world.ledger)
    proof = vledger_json("proof", "inclusion", "--seq", "3", db=db, env=env)
    assert set(proof) == {"leaf_index", "tree_size", "leaf_hash", "root_hash", "audit_path", "notification_id"}
    assert proof["root_hash"] == latest_checkpoint(world.ledger).root_hash and inclusion_proof_holds(proof)
    consistency = vledger_json("proof", "consistency", "--from", "4", "--to", str(proof["tree_size"]), db=db, env=env)
    assert consistency_proof_holds(consistency)
    refused = vledger("proof", "consistency", "--from", "9", "--to", "3", db=db, env=env)
    assert refused.returncode == 2 and "--from" in refused.stderr
