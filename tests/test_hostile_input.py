"""Hostile input through `ledger.submit`: whatever arrives (not a signed
command, a hostile envelope field, a correctly signed envelope with a hostile
body, a replayed, re-signed, tampered or non-canonically signed envelope) is
refused with a LedgerError, never another exception, and the log is exactly as
it was. The same cases through HTTP are in test_hostile_http.py."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.envelope import MAX_INTEGER, MAX_NESTING_DEPTH, MAX_TEXT_CHARACTERS, iso
from ledger.errors import BadInput, Conflict, InvalidSignature, LedgerError
from ledger.signing import SigningKey, canonical_json, verify_signature
from tests.hostile_strategies import ENVELOPE_FIELDS, HOSTILE, JSON, NEVER_VALID, nested, with_field, without_field
from tests.world import World

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
UNKNOWN_FIELD = "hostile_unknown_field"


class Targets:
    """A world with something to act on, and one valid command per kind of step,
    signed by the party whose role takes it: the starting points for mutation."""

    def __init__(self, world: World) -> None:
        self.world = world
        filing = world.approved_filing()
        self.pending_filing = uuid.uuid4()
        world.do(world.institution, "file_class", self.pending_filing, world.filing_body())
        self.voucher, self.trainee = world.enrolled_voucher(filing=filing)
        self.holder = world.trainee()
        world.issue(self.holder)  # holds a live electrician level 4 voucher: a second one is refused (S2)
        world.clock.advance(days=3)
        world.offline(self.voucher, 60)
        now, later = iso(world.clock.now), (world.clock.now + timedelta(days=90)).date().isoformat()
        self.valid: list[tuple[SigningKey, str, Any, dict[str, Any]]] = [
            (world.bureau, "issue_voucher", uuid.uuid4(), {
                "trainee": world.trainee().actor, "occupation": "6-31-01-03", "level": 4,
                "standard_fen": 150000, "shortage": False, "valid_until": later}),
            (world.institution, "file_class", uuid.uuid4(), world.filing_body()),
            (world.bureau, "approve_filing", self.pending_filing, {}),
            (world.platform, "record_online_learning", self.voucher, {
                "signed_in_at": now, "minutes": 30, "questions_answered": 1, "tests_taken": 1, "tests_passed": 1,
                "face_checks_passed": 1, "face_checks_failed": 0}),
            (world.institution, "record_offline_training", self.voucher,
             {"started_at": now, "minutes": 60, "location": "workshop"}),
            (world.finance, "prepay", self.voucher, {"amount_fen": 1000, "fund": world.profile.funds[0]}),
            (world.finance, "pay_allowance", self.voucher, {"amount_fen": 1000, "fund": world.profile.funds[0],
                                                             "from_day": now[:10], "to_day": now[:10]}),
            (world.bureau, "claw_back", self.voucher, {"amount_fen": 1, "reason": "fraud", "rule": "L12"}),
            (world.bureau, "register_party", uuid.uuid4(), {
                "role": "institution", "public_key": SigningKey.generate().public_key_b64, "name": "new school",
                "kind": "social_training"}),
            (world.bureau, "revoke_voucher", self.voucher, {"reason": "suspected fraud"}),
        ]
        self.refused_by_s2 = (world.bureau, "issue_voucher", uuid.uuid4(), {
            "trainee": self.holder.actor, "occupation": "6-31-01-03", "level": 4, "standard_fen": 150000,
            "shortage": False, "valid_until": later})
        self.before = world.log_snapshot()
        self.tried = 0

    def sign(self, key: SigningKey, command: str, target: Any, body: dict[str, Any]) -> dict[str, Any]:
        """Signed as a party's client would, whatever the body holds."""
        envelope = self.world.signed(key, command, target, {})["envelope"]
        return self.resign(key, {**envelope, "body": body})

    def resign(self, key: SigningKey, envelope: dict[str, Any]) -> dict[str, Any]:
        """Signs whatever the envelope is, if it can be canonicalised at all."""
        try:
            return {"envelope": envelope, "signature": key.sign(canonical_json(envelope))}
        except LedgerError:
            return {"envelope": envelope, "signature": "A" * 86 + "=="}

    def assert_refused(self, signed: Any, personal: Any = None) -> LedgerError:
        self.tried += 1
        try:
            outcome = self.world.ledger.submit(signed, personal=personal)
        except LedgerError as error:
            assert str(error)
            assert self.world.log_snapshot() == self.before, "a refused command changed the log"
            return error
        self.before = self.world.log_snapshot()  # report this one alone, not every example after it
        pytest.fail(f"hostile input was recorded: {signed!r:.2000} -> {outcome}")


@pytest.fixture
def targets(world: World) -> Targets:
    return Targets(world)


@SETTINGS
@given(signed=st.one_of(JSON, HOSTILE, st.fixed_dictionaries({"envelope": JSON, "signature": JSON}),
                        st.fixed_dictionaries({"envelope": st.dictionaries(st.sampled_from(ENVELOPE_FIELDS), HOSTILE),
                                               "signature": HOSTILE})))
def test_anything_that_is_not_a_signed_command_is_refused(targets: Targets, signed: Any) -> None:
    targets.assert_refused(signed)


@SETTINGS
@given(pick=st.integers(min_value=0), field=st.sampled_from(ENVELOPE_FIELDS), value=NEVER_VALID,
       resign=st.booleans())
def test_an_envelope_field_no_step_accepts_is_refused(targets: Targets, pick: int, field: str, value: Any,
                                                      resign: bool) -> None:
    key, command, target, body = targets.valid[pick % len(targets.valid)]
    signed = targets.sign(key, command, target, body)
    envelope = with_field(signed["envelope"], field, value)
    targets.assert_refused(targets.resign(key, envelope) if resign else {**signed, "envelope": envelope})


@SETTINGS
@given(field=st.sampled_from(ENVELOPE_FIELDS + ("signature", "extra")), value=HOSTILE, drop=st.booleans())
def test_any_hostile_envelope_field_on_a_refused_command_is_refused_cleanly(targets: Targets, field: str,
                                                                           value: Any, drop: bool) -> None:
    key, command, target, body = targets.refused_by_s2
    signed = targets.sign(key, command, target, body)
    if field == "signature":
        targets.assert_refused(without_field(signed, "signature") if drop else with_field(signed, field, value))
    elif field == "extra":
        targets.assert_refused(with_field(signed, "extra", value))
    else:
        envelope = without_field(signed["envelope"], field) if drop else with_field(signed["envelope"], field, value)
        targets.assert_refused(targets.resign(key, envelope))


@SETTINGS
@given(pick=st.integers(min_value=0), field_pick=st.integers(min_value=0), value=NEVER_VALID)
def test_a_correctly_signed_body_field_no_step_accepts_is_refused(targets: Targets, pick: int, field_pick: int,
                                                                  value: Any) -> None:
    key, command, target, body = targets.valid[pick % len(targets.valid)]
    field = sorted(body)[field_pick % len(body)] if body else UNKNOWN_FIELD
    targets.assert_refused(targets.resign(key, targets.sign(key, command, target, with_field(body, field, value))[
        "envelope"]))


@SETTINGS
@given(pick=st.integers(min_value=0), changes=st.dictionaries(
    st.one_of(st.sampled_from(["trainee", "minutes", "amount_fen", "standard_fen", "valid_until", "signed_in_at",
                               "started_at", "fund", "role", "public_key", "evidence", "level", "reason"]),
              st.text(max_size=12)), HOSTILE, max_size=4), missing=st.integers(min_value=0))
def test_a_correctly_signed_hostile_body_with_an_unknown_field_is_refused(targets: Targets, pick: int,
                                                                          changes: dict, missing: int) -> None:
    key, command, target, body = targets.valid[pick % len(targets.valid)]
    body = {**body, **changes}
    if missing % 3 == 0 and body:
        body = without_field(body, sorted(body)[missing % len(body)])
    body[UNKNOWN_FIELD] = True
    targets.assert_refused(targets.sign(key, command, target, body))


@SETTINGS
@given(personal=st.one_of(JSON, HOSTILE, st.fixed_dictionaries(
    {"name": HOSTILE, "national_id": HOSTILE, "nonce": HOSTILE})))
def test_hostile_personal_data_beside_a_trainee_registration_is_refused(targets: Targets, personal: Any) -> None:
    world = targets.world
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    signed = targets.sign(world.bureau, "register_party", key.actor, {
        "role": "trainee", "public_key": key.public_key_b64, "personal_sha256": "ab" * 32})
    targets.assert_refused(signed, personal)


@SETTINGS
@given(pick=st.integers(min_value=0), field=st.text(min_size=1, max_size=10), value=JSON)
def test_an_envelope_changed_after_signing_or_signed_by_another_key_is_refused(targets: Targets, pick: int,
                                                                             field: str, value: Any) -> None:
    key, command, target, body = targets.valid[pick % len(targets.valid)]
    signed = targets.sign(key, command, target, body)
    changed = {**signed, "envelope": {**signed["envelope"], "body": {**body, field: value}}}
    targets.assert_refused(changed)
    impostor = SigningKey.generate(actor=key.actor, role=key.role)
    assert isinstance(targets.assert_refused(targets.resign(impostor, signed["envelope"])), InvalidSignature)


def test_an_envelope_signed_over_non_canonical_json_is_refused(targets: Targets) -> None:
    for key, command, target, body in targets.valid:
        envelope = targets.sign(key, command, target, body)["envelope"]
        for text in (json.dumps(envelope), json.dumps(envelope, indent=2), json.dumps(envelope, sort_keys=True),
                     json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))):
            assert text.encode() != canonical_json(envelope)
            error = targets.assert_refused({"envelope": envelope, "signature": key.sign(text.encode())})
            assert isinstance(error, InvalidSignature)


def test_replayed_envelopes_record_once_and_re_signed_ones_are_refused(targets: Targets) -> None:
    world = targets.world
    key, command, target, body = targets.valid[4]  # record_offline_training
    signed = targets.sign(key, command, target, body)
    first = world.ledger.submit(signed)
    targets.before = world.log_snapshot()
    for _ in range(3):
        again = world.ledger.submit(json.loads(json.dumps(signed)))
        assert again.duplicate and again.result == first.result
        assert world.log_snapshot() == targets.before
    changed = {**signed["envelope"], "body": {**body, "minutes": 61}}
    assert isinstance(targets.assert_refused(targets.resign(key, changed)), Conflict)  # same command_id, new body
    later = {**signed["envelope"], "signed_at": iso(world.clock.now + timedelta(seconds=1))}
    assert isinstance(targets.assert_refused(targets.resign(key, later)), Conflict)
    by_another = {**signed["envelope"], "actor": world.bureau.actor, "key_id": world.bureau.key_id}
    targets.assert_refused(targets.resign(world.bureau, by_another))


SIGNABLE_NEVER_VALID = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda number: not number.is_integer()),
    st.integers(min_value=MAX_INTEGER + 1, max_value=2**52),
    st.just("x" * (MAX_TEXT_CHARACTERS + 1)),
    st.just(nested(MAX_NESTING_DEPTH + 2)),
)


@SETTINGS
@given(pick=st.integers(min_value=0), field_pick=st.integers(min_value=0), value=SIGNABLE_NEVER_VALID)
def test_a_correctly_signed_hostile_value_in_a_known_field_is_refused_for_that_field(
        targets: Targets, pick: int, field_pick: int, value: Any) -> None:
    """Issue 13: the hostile value itself must be what is refused: no unknown
    field beside it, a signature that verifies, and a refusal naming the field."""
    key, command, target, body = targets.valid[pick % len(targets.valid)]
    if not body:
        return
    field = sorted(body)[field_pick % len(body)]
    signed = targets.sign(key, command, target, with_field(body, field, value))
    assert verify_signature(key.public_key_b64, canonical_json(signed["envelope"]), signed["signature"])
    error = targets.assert_refused(signed)
    assert isinstance(error, BadInput) and field in str(error), (command, field, str(error))
