"""J1: each check of the verifier, alone, stands between a forged log and
"intact" (issue 13, item 10). Every forgery here is a whole, well-signed,
well-hashed, well-linked command appended by an insider (tests/tampering.py),
so that if the one check it names were gone, verification would pass."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from ledger.application import VoucherLedger
from ledger.envelope import sign_command
from ledger.errors import BadInput
from ledger.genesis import ledger_key
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import all_checkpoints, record_checkpoint
from ledger.verify import Report, verify_log
from tests.tampering import Insider
from tests.world import World

CLAIMED = "vledger:Voucher.Claimed"


def verify_copy(insider: Insider, world: World, saved=None) -> Report:
    ledger = VoucherLedger(insider.url, keys=world.ledger.keys_dir)
    try:
        return verify_log(ledger.notifications(), all_checkpoints(ledger), saved_checkpoint=saved)
    finally:
        ledger.close()


def test_j1_an_untouched_copy_is_intact(world: World, tmp_path: Path) -> None:
    """The baseline: every forgery below differs from this in one place only."""
    world.issue(world.trainee())
    assert verify_copy(Insider(world.ledger.database_url, tmp_path), world).intact


def test_j1_an_event_signed_by_a_party_after_its_erasure_is_refused(world: World, tmp_path: Path) -> None:
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(world.bureau, "erase_trainee", trainee.actor, {"reason": "asked to be forgotten"})
    insider = Insider(world.ledger.database_url, tmp_path)
    insider.append_command(world.signed(trainee, "claim_voucher", voucher, {}), [(voucher, CLAIMED, {})])
    report = verify_copy(insider, world)
    assert f"signed by party {trainee.actor} after it was erased" in str(report.first_problem)


def test_j1_a_rewritten_envelope_on_a_commands_second_event_is_refused(world: World, tmp_path: Path) -> None:
    """Only a command's first event has its signature checked; the others
    must carry the very same envelope. Here the receipt's envelope says
    something else, with its own hash recomputed."""
    voucher = world.issue(world.trainee())
    insider = Insider(world.ledger.database_url, tmp_path)
    command_rows = [row for row in insider.rows()
                    if json.loads(row.state)["seal"]["envelope"]["target"] == str(voucher)]
    assert len(command_rows) >= 2
    second = command_rows[1]
    state = json.loads(second.state)
    state["seal"]["envelope"]["body"]["standard_fen"] = 9_000_000
    insider.set_state(second.id, json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode())
    insider.rehash(second.id)
    report = verify_copy(insider, world)
    assert report.first_problem is not None and report.first_problem.notification_id == second.id
    assert "envelope or signature differs from the other events of the same command" in str(report.first_problem)


def test_j1_a_checkpoint_signed_by_the_ledger_key_for_another_log_is_refused(world: World) -> None:
    """The checkpoint names its log (origin): one the same key signed for
    another log is not a checkpoint of this one."""
    world.issue(world.trainee())
    checkpoint = record_checkpoint(world.ledger)
    key = ledger_key(world.ledger.keys_dir)
    elsewhere = replace(checkpoint, origin="another.example/log")
    elsewhere = replace(elsewhere, signature=key.sign(elsewhere.body().encode()),
                        timestamp_signature=key.sign(elsewhere.timestamp_statement()))
    report = verify_log(world.ledger.notifications(), all_checkpoints(world.ledger), saved_checkpoint=elsewhere)
    assert "the checkpoint you saved is for log 'another.example/log'" in str(report.first_problem)


def test_j1_a_second_genesis_later_in_the_log_is_refused(world: World, tmp_path: Path) -> None:
    """A genesis is self-signed: one planted later would bring its own trust root."""
    usurper = SigningKey.generate(actor=str(uuid.uuid4()), role="root")
    body = {"public_key": usurper.public_key_b64, "ledger_public_key": usurper.public_key_b64,
            "origin": world.ledger.origin}
    signed = sign_command(usurper, "genesis", usurper.actor, body, signed_at=world.clock.now,
                          ledger=world.ledger.origin)
    facts = {"role": "root", "name": "trust root", "region": "", "registered_by": usurper.actor,
             "key_id": usurper.key_id, **body}
    insider = Insider(world.ledger.database_url, tmp_path)
    insider.append_command(signed, [(usurper.actor, "vledger:Party.Registered", facts)])
    assert "a genesis that is not the first event of the log" in str(verify_copy(insider, world).first_problem)


def test_j1_a_replayed_command_with_a_receipt_of_its_own_is_refused(world: World, tmp_path: Path) -> None:
    """A command's receipt is the one aggregate its command_id names, at
    version 1: a replayed envelope cannot have a second one."""
    trainee = world.trainee()
    voucher = world.issue(trainee)
    claim = world.signed(trainee, "claim_voucher", voucher, {})
    world.ledger.submit(claim)
    world.issue(world.trainee())  # the replay is not next to the original
    insider = Insider(world.ledger.database_url, tmp_path)
    insider.append_command(claim, [(voucher, CLAIMED, {})], receipt_id=uuid.uuid4())
    report = verify_copy(insider, world)
    assert "a receipt that is not the first and only receipt of its command_id" in str(report.first_problem)


@pytest.mark.parametrize("sha256", ["ab" * 31 + "a", "ab" * 33, "AB" * 32, "g" + "a" * 63, 12345, None])
def test_h6_evidence_hashes_are_64_lowercase_hex_digits(world: World, sha256) -> None:
    """H6: evidence is kept as "the hash of the file, never the file"; a
    malformed hash is refused and records nothing."""
    voucher = world.certified_voucher()
    before = world.log_snapshot()
    with pytest.raises(BadInput, match="evidence sha256 must be 64 lowercase hex digits"):
        world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": sha256}]})
    assert world.log_snapshot() == before
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})


def test_the_verification_report_as_json_names_what_was_checked(world: World, tmp_path: Path) -> None:
    """`vledger verify --json` prints this object; an inspector's script reads its fields by name."""
    world.issue(world.trainee())
    report = verify_copy(Insider(world.ledger.database_url, tmp_path), world).to_json()
    assert set(report) == {"intact", "events_checked", "aggregates", "keys", "checkpoints_checked",
                           "latest_checkpoint", "saved_checkpoint", "processes", "seconds", "events_per_second",
                           "first_problem"}
    events = sum(1 for _ in world.ledger.notifications())
    assert report["intact"] is True and report["first_problem"] is None and report["events_checked"] == events
    assert report["processes"] == 1 and report["keys"] >= 1 and report["aggregates"] >= 1
    assert report["seconds"] >= 0 and (report["events_per_second"] or 1) > 0
