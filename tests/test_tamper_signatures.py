"""Trust model: a signature counts only if its key was registered to the
actor, valid at that point of the log, and of a role that may take the step.
Forged, replayed, wrong-role, revoked-key and rotated-out-key signatures are
refused at write time, and flagged by verification when an insider plants
them straight into the database (with hashes and links recomputed)."""

from __future__ import annotations

import json
import uuid

import pytest

from ledger.application import VoucherLedger
from ledger.envelope import iso
from ledger.errors import InvalidSignature, KeyNotValid, RoleNotAllowed
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import all_checkpoints
from ledger.verify import verify_log
from tests.tampering import Insider
from tests.world import World


def verify_copy(insider: Insider, keys) -> str | None:
    ledger = VoucherLedger(insider.url, keys=keys)
    try:
        report = verify_log(ledger.notifications(), all_checkpoints(ledger))
        return None if report.intact else str(report.first_problem)
    finally:
        ledger.close()


def offline_body(world: World) -> dict:
    return {"started_at": iso(world.clock.now), "minutes": 60, "location": "workshop"}


def last_voucher_row(insider: Insider, voucher: uuid.UUID):
    return insider.rows("originator_id = :aggregate", aggregate=voucher.bytes if "sqlite" in insider.url
                        else voucher)[-1]


@pytest.fixture
def trained(world: World):
    voucher, _trainee = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.offline(voucher, 60)
    return world, voucher


def test_forged_signature_is_refused_and_flagged_when_planted(trained, tmp_path) -> None:
    world, voucher = trained
    forger = SigningKey.generate(actor=world.institution.actor, role="institution")
    signed = world.signed(forger, "record_offline_training", voucher, offline_body(world))
    signed["envelope"]["key_id"] = world.institution.key_id  # claims the institution's key
    before = world.log_snapshot()
    with pytest.raises(InvalidSignature):
        world.ledger.submit(signed)
    assert world.log_snapshot() == before
    insider = Insider(world.ledger.database_url, tmp_path)
    planted = insider.plant(last_voucher_row(insider, voucher).id, forger, "", {},
                            envelope=signed["envelope"], signature=signed["signature"])
    assert verify_copy(insider, world.ledger.keys_dir) == \
        f"event #{planted} (aggregate {voucher}): the actor's signature does not verify"


def test_replayed_envelope_records_once_and_a_planted_replay_is_flagged(trained, tmp_path) -> None:
    world, voucher = trained
    signed = world.signed(world.institution, "record_offline_training", voucher, offline_body(world))
    first = world.ledger.submit(signed)
    before = world.log_snapshot()
    again = world.ledger.submit(signed)
    assert again.duplicate and again.result == first.result and world.log_snapshot() == before
    insider = Insider(world.ledger.database_url, tmp_path)
    insider.plant(last_voucher_row(insider, voucher).id, world.institution, "", {},
                  envelope=signed["envelope"], signature=signed["signature"])
    problem = verify_copy(insider, world.ledger.keys_dir)
    assert problem is not None and "replayed command" in problem


def test_wrong_role_is_refused_and_flagged_when_planted(trained, tmp_path) -> None:
    world, voucher = trained
    with pytest.raises(RoleNotAllowed):
        world.do(world.platform, "record_offline_training", voucher, offline_body(world))
    insider = Insider(world.ledger.database_url, tmp_path)
    planted = insider.plant(last_voucher_row(insider, voucher).id, world.platform, "record_offline_training",
                            offline_body(world))
    assert verify_copy(insider, world.ledger.keys_dir) == \
        f"event #{planted} (aggregate {voucher}): a platform may not take the step 'record_offline_training'"


def test_revoked_key_signs_nothing_new_and_is_flagged_when_planted(trained, tmp_path) -> None:
    world, voucher = trained
    world.do(world.bureau, "revoke_key", world.institution.actor,
             {"key_id": world.institution.key_id, "reason": "laptop stolen"})
    with pytest.raises(KeyNotValid):
        world.do(world.institution, "record_offline_training", voucher, offline_body(world))
    insider = Insider(world.ledger.database_url, tmp_path)
    assert verify_copy(insider, world.ledger.keys_dir) is None  # events signed before the revocation still count
    planted = insider.plant(last_voucher_row(insider, voucher).id, world.institution, "record_offline_training",
                            offline_body(world))
    assert verify_copy(insider, world.ledger.keys_dir) == (
        f"event #{planted} (aggregate {voucher}): signed with key {world.institution.key_id} "
        "after it was revoked or rotated out")


def test_rotated_out_key_is_refused_while_the_new_key_and_old_events_verify(trained, tmp_path) -> None:
    world, voucher = trained
    new_key = SigningKey.generate(actor=world.institution.actor, role="institution")
    world.do(world.bureau, "rotate_key", world.institution.actor, {"public_key": new_key.public_key_b64})
    with pytest.raises(KeyNotValid):
        world.do(world.institution, "record_offline_training", voucher, offline_body(world))
    world.do(new_key, "record_offline_training", voucher, offline_body(world))
    insider = Insider(world.ledger.database_url, tmp_path)
    assert verify_copy(insider, world.ledger.keys_dir) is None
    planted = insider.plant(last_voucher_row(insider, voucher).id, world.institution, "record_offline_training",
                            offline_body(world))
    problem = verify_copy(insider, world.ledger.keys_dir)
    assert problem is not None and f"event #{planted} " in problem and "revoked or rotated out" in problem


def test_a_key_of_another_party_is_flagged_when_planted(trained, tmp_path) -> None:
    world, voucher = trained
    insider = Insider(world.ledger.database_url, tmp_path)
    row = last_voucher_row(insider, voucher)
    state = json.loads(row.state)
    envelope = dict(state["seal"]["envelope"], actor=world.platform.actor, command_id=str(uuid.uuid4()))
    planted = insider.plant(row.id, world.institution, "", {}, envelope=envelope,
                            signature=world.institution.sign(json.dumps(envelope).encode()))
    problem = verify_copy(insider, world.ledger.keys_dir)
    assert problem is not None and f"event #{planted} " in problem and "not registered to actor" in problem
