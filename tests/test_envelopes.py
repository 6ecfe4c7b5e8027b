"""Signed envelopes: forged, tampered, wrong-role, unknown, revoked and rotated
keys are refused before anything is recorded; the same command_id records once."""

from __future__ import annotations

import uuid

import pytest

from ledger.envelope import iso, sign_command
from ledger.errors import BadInput, Conflict, InvalidSignature, KeyNotValid, RoleNotAllowed
from ledger.signing import SigningKey, canonical_json
from ledger.verify import verify_notifications
from tests.world import World


def refused(world: World, error: type, signed: dict, **kwargs) -> Exception:
    before = world.log_snapshot()
    with pytest.raises(error) as caught:
        world.ledger.submit(signed, **kwargs)
    assert world.log_snapshot() == before, "a refused command changed the log"
    return caught.value


def test_forged_signature_is_refused_and_records_nothing(world: World) -> None:
    trainee = world.trainee()
    signed = world.signed(world.bureau, "issue_voucher", uuid.uuid4(), {})
    signed["signature"] = SigningKey.generate().sign(canonical_json(signed["envelope"]))
    refused(world, InvalidSignature, signed)
    assert trainee.actor


def test_tampered_body_breaks_the_signature(world: World) -> None:
    trainee = world.trainee()
    signed = world.signed(world.bureau, "issue_voucher", uuid.uuid4(), {
        "trainee": trainee.actor, "occupation": "6-18-02-04", "level": 4, "standard_fen": 100000,
        "shortage": False, "valid_until": "2023-09-01"})
    signed["envelope"]["body"]["standard_fen"] = 9_000_000
    refused(world, InvalidSignature, signed)


def test_a_step_signed_by_a_role_that_may_not_take_it_is_refused(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    error = refused(world, RoleNotAllowed, world.signed(world.institution, "pay", voucher,
                                                        {"amount_fen": 1, "fund": "employment_subsidy_fund"}))
    assert "finance" in str(error)
    refused(world, RoleNotAllowed, world.signed(trainee, "issue_voucher", uuid.uuid4(), {}))


def test_unknown_actor_and_unknown_key_are_refused(world: World) -> None:
    stranger = SigningKey.generate(actor=str(uuid.uuid4()), role="bureau")
    refused(world, KeyNotValid, world.signed(stranger, "revoke_voucher", uuid.uuid4(), {"reason": "x"}))
    impostor = SigningKey(SigningKey.generate().private_key, world.bureau.actor, "bureau")
    refused(world, KeyNotValid, world.signed(impostor, "revoke_voucher", uuid.uuid4(), {"reason": "x"}))


def test_revoked_key_signs_nothing_new_but_its_old_events_still_verify(world: World) -> None:
    world.do(world.root, "revoke_key", world.platform.actor,
             {"key_id": world.platform.key_id, "reason": "laptop stolen"})
    voucher, _ = world.enrolled_voucher()
    error = refused(world, KeyNotValid, world.signed(world.platform, "record_online_learning", voucher, {}))
    assert "stopped being valid" in str(error)
    assert verify_notifications(world.ledger.notifications()).first_problem is None


def test_rotated_key_replaces_the_old_one(world: World) -> None:
    new_key = SigningKey.generate(actor=world.institution.actor, role="institution")
    world.do(world.bureau, "rotate_key", world.institution.actor, {"public_key": new_key.public_key_b64})
    refused(world, KeyNotValid, world.signed(world.institution, "file_class", uuid.uuid4(), world.filing_body()))
    world.do(new_key, "file_class", uuid.uuid4(), world.filing_body())
    assert verify_notifications(world.ledger.notifications()).first_problem is None


def test_only_the_registering_bureau_or_the_root_manages_a_partys_keys(world: World) -> None:
    other_bureau = world.register(world.root, "bureau", name="other", region="jiangxi")
    new_key = SigningKey.generate()
    refused(world, RoleNotAllowed, world.signed(other_bureau, "rotate_key", world.institution.actor,
                                                {"public_key": new_key.public_key_b64}))


def test_same_command_id_twice_records_once_and_returns_the_first_result(world: World) -> None:
    trainee = world.trainee()
    signed = world.signed(world.bureau, "issue_voucher", uuid.uuid4(), {
        "trainee": trainee.actor, "occupation": "6-18-02-04", "level": 4, "standard_fen": 100000,
        "shortage": False, "valid_until": "2023-09-01"})
    first = world.ledger.submit(signed)
    events_after_first = world.log_snapshot()
    again = world.ledger.submit(signed)
    assert not first.duplicate and again.duplicate
    assert again.result == first.result
    assert world.log_snapshot() == events_after_first


def test_a_reused_command_id_with_another_envelope_is_refused(world: World) -> None:
    trainee = world.trainee()
    body = {"trainee": trainee.actor, "occupation": "6-18-02-04", "level": 4, "standard_fen": 100000,
            "shortage": False, "valid_until": "2023-09-01"}
    command_id = uuid.uuid4()
    world.ledger.submit(sign_command(world.bureau, "issue_voucher", uuid.uuid4(), body, command_id=command_id,
                                     signed_at=world.clock.now))
    other = sign_command(world.bureau, "issue_voucher", uuid.uuid4(), {**body, "occupation": "cook"},
                         command_id=command_id, signed_at=world.clock.now)
    refused(world, Conflict, other)


@pytest.mark.parametrize("mangle, message", [
    (lambda s: s["envelope"].update(extra=1), "unknown fields"),
    (lambda s: s["envelope"].pop("key_id"), "missing"),
    (lambda s: s["envelope"].update(command_id="not-a-uuid"), "not a UUID"),
    (lambda s: s["envelope"].update(signed_at="2023-03-01T08:00:00"), "timezone"),
    (lambda s: s["envelope"].update(command="mint_money"), "unknown command"),
    (lambda s: s["envelope"]["body"].update(amount=1.5), "fraction"),
    (lambda s: s["envelope"]["body"].update(deep=[[[[[[[[[[1]]]]]]]]]]), "nested"),
    (lambda s: s["envelope"]["body"].update(huge=10**30), "larger"),
    (lambda s: s["envelope"]["body"].update(text="x" * 5000), "longer"),
    (lambda s: s.update(extra="x"), "nothing else"),
])
def test_malformed_envelopes_are_refused_with_a_clear_sentence(world: World, mangle, message: str) -> None:
    signed = world.signed(world.bureau, "revoke_voucher", uuid.uuid4(), {"reason": "x"})
    mangle(signed)
    error = refused(world, BadInput, signed)
    assert message in str(error)


def test_envelope_signed_in_the_future_is_refused(world: World) -> None:
    from datetime import timedelta

    signed = sign_command(world.bureau, "revoke_voucher", uuid.uuid4(), {"reason": "x"},
                          signed_at=world.clock.now + timedelta(hours=1))
    assert "future" in str(refused(world, BadInput, signed))


def test_unknown_body_fields_are_refused(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    world.clock.advance(days=3)
    signed = world.signed(world.platform, "record_online_learning", voucher, {
        "signed_in_at": iso(world.clock.now), "minutes": 10, "questions_answered": 0, "tests_taken": 0,
        "tests_passed": 0, "face_checks_passed": 1, "face_checks_failed": 0, "bonus_minutes": 600})
    assert "bonus_minutes" in str(refused(world, BadInput, signed))
