"""Each enforced rule: accepted at its limit, refused one step past it, with
its rule ID, and the log unchanged by the refusal."""

from __future__ import annotations

import uuid

import pytest

from ledger.envelope import iso
from ledger.errors import BadInput, Conflict, LedgerError, RuleViolation
from tests.world import World


def refused(world: World, rule: str | set[str] | None, key, command: str, target, body: dict, error=RuleViolation,
            **kwargs) -> LedgerError:
    """The command is refused with `error` citing `rule` (any of a set of rule IDs, where
    which one a refusal cites is still open) and the log is unchanged."""
    before = world.log_snapshot()
    with pytest.raises(error) as caught:
        world.do(key, command, target, body, **kwargs)
    assert world.log_snapshot() == before, "a refused command changed the log"
    if isinstance(rule, str):
        assert caught.value.rule == rule, caught.value
    elif rule:
        assert caught.value.rule in rule, caught.value
    return caught.value


def test_h4_enrolment_in_an_unapproved_filing_is_refused(world: World) -> None:
    filing = uuid.uuid4()
    world.do(world.institution, "file_class", filing, world.filing_body())
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    refused(world, "H4", world.institution, "enrol", voucher, {"filing": str(filing)})
    world.do(world.bureau, "approve_filing", filing, {})
    world.do(world.institution, "enrol", voucher, {"filing": str(filing)})


def test_h4_a_filing_is_approved_only_before_the_class_starts(world: World) -> None:
    filing = uuid.uuid4()
    world.do(world.institution, "file_class", filing, world.filing_body())
    world.clock.advance(days=2)
    refused(world, "H4", world.bureau, "approve_filing", filing, {})


def test_h4_a_class_must_be_filed_before_it_starts(world: World) -> None:
    today = world.clock.now.date().isoformat()
    refused(world, "H4", world.institution, "file_class", uuid.uuid4(), world.filing_body(starts_on=today))


def test_h4_training_recorded_before_the_filing_was_approved_is_refused(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    approved_at = world.clock.now
    from datetime import timedelta

    refused(world, "H4", world.institution, "record_offline_training", voucher,
            {"started_at": iso(approved_at - timedelta(hours=1)), "minutes": 60, "location": "x"})


def test_l1_online_cap_compares_whole_class_hours_at_the_cap_and_one_hour_past(world: World) -> None:
    """L1: 知识技能型职业以外的线上培训课时不超过总课时的50%,线上培训每课时为45分钟 -- the cap is in
    class hours, so 584 minutes (12 whole class hours) pass a 12-hour cap and 585 (13) do not."""
    voucher, _ = world.enrolled_voucher()  # Liaoning, skill, 24 class hours (12 theory): cap 50% = 12 class hours
    world.clock.advance(days=3)
    world.online(voucher, 500)
    refused(world, "L1", world.platform, "record_online_learning", voucher, {
        "signed_in_at": iso(world.clock.now), "minutes": 85, "questions_answered": 0, "tests_taken": 0,
        "tests_passed": 0, "face_checks_passed": 1, "face_checks_failed": 0})
    world.online(voucher, 84)
    assert world.ledger.get(voucher).online_minutes == 584


def test_l1_a_filing_planning_more_online_than_the_cap_is_refused(world: World) -> None:
    """L1: 线上培训课时不超过总课时的50% -- checked at filing, in whole class hours."""
    world.do(world.institution, "file_class", uuid.uuid4(), world.filing_body(planned_online_minutes=584))
    refused(world, "L1", world.institution, "file_class", uuid.uuid4(), world.filing_body(planned_online_minutes=585))


def test_l2_a_platform_outside_the_catalogue_cannot_be_filed_or_record_learning(world: World) -> None:
    outsider = world.register(world.bureau, "platform", name="not catalogued")
    refused(world, "L2", world.institution, "file_class", uuid.uuid4(),
            world.filing_body(platform=outsider.actor))
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.do(world.bureau, "delist", world.platform.actor, {"reason": "zombie platform (S5)"})
    refused(world, "L2", world.platform, "record_online_learning", voucher, {
        "signed_in_at": iso(world.clock.now), "minutes": 30, "questions_answered": 0, "tests_taken": 0,
        "tests_passed": 0, "face_checks_passed": 1, "face_checks_failed": 0})


def test_l2_only_the_filings_platform_records_its_online_learning(world: World) -> None:
    other = world.register(world.bureau, "platform", name="other")
    world.do(world.bureau, "list_in_catalogue", other.actor, {})
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    refused(world, "L2", other, "record_online_learning", voucher, {
        "signed_in_at": iso(world.clock.now), "minutes": 30, "questions_answered": 0, "tests_taken": 0,
        "tests_passed": 0, "face_checks_passed": 1, "face_checks_failed": 0})


def test_l12_a_banned_institution_can_neither_file_nor_enrol_nor_be_relisted(world: World) -> None:
    filing = world.approved_filing()
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    world.do(world.bureau, "ban", world.institution.actor, {"reason": "forged attendance"})
    refused(world, "L12", world.institution, "file_class", uuid.uuid4(), world.filing_body())
    refused(world, "L12", world.institution, "enrol", voucher, {"filing": str(filing)})
    refused(world, "L12", world.bureau, "list_in_catalogue", world.institution.actor, {})


def test_s2_a_second_live_voucher_for_the_same_trainee_occupation_and_level_is_refused(world: World) -> None:
    trainee = world.trainee()
    first = world.issue(trainee, occupation="6-18-02-04", level=4)
    refused(world, "S2", world.bureau, "issue_voucher", uuid.uuid4(), {
        "trainee": trainee.actor, "occupation": "6-18-02-04", "level": 4, "standard_fen": 100000,
        "shortage": False, "valid_until": "2023-09-01"})
    world.issue(trainee, occupation="6-18-02-04", level=3)  # another level is another subsidy
    world.do(world.bureau, "revoke_voucher", first, {"reason": "issued in error"})
    world.issue(trainee, occupation="6-18-02-04", level=4)  # the exit freed it


def test_n3_redemption_without_a_certificate_is_refused(world: World) -> None:
    voucher = world.trained_voucher()
    refused(world, "N3", world.institution, "request_redemption", voucher,
            {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})


def test_l1_assessment_before_the_full_class_hours_is_refused(world: World) -> None:
    """L1 (001 六): 线下完成全部实操课时培训 -- one minute short of the filed hours is refused in Liaoning."""
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.offline(voucher, 24 * 45 - 1)
    refused(world, "L1", world.assessor, "assess", voucher,
            {"passed": True, "certificate_number": "C-1", "certificate_kind": "skill_level"})
    world.offline(voucher, 1)
    world.do(world.assessor, "assess", voucher,
             {"passed": True, "certificate_number": "C-1", "certificate_kind": "skill_level"})


def test_one_certificate_number_cannot_serve_two_vouchers(world: World) -> None:
    first = world.certified_voucher()
    number = world.ledger.get(first).certificate_number
    second = world.trained_voucher(occupation="6-18-02-04")
    refused(world, "L13", world.assessor, "assess", second,
            {"passed": True, "certificate_number": number, "certificate_kind": "skill_level"})


def test_h7_payment_before_review_notice_and_no_objection_is_refused(world: World) -> None:
    voucher = world.certified_voucher()
    pay = {"amount_fen": 150000, "fund": "employment_subsidy_fund"}
    refused(world, "H7", world.finance, "pay", voucher, pay)
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "ok"})
    refused(world, "H7", world.finance, "pay", voucher, pay)
    world.do(world.bureau, "open_notice", voucher, {"days": 5})
    refused(world, "H7", world.finance, "pay", voucher, pay)
    world.clock.advance(days=5)
    world.clock.advance(seconds=-1)
    refused(world, "H7", world.bureau, "close_notice", voucher, {"outcome": "cleared"})
    world.clock.advance(seconds=1)
    world.do(world.bureau, "close_notice", voucher, {"outcome": "cleared"})
    refused(world, "H7", world.finance, "pay", voucher, {**pay, "amount_fen": 149999})
    world.do(world.finance, "pay", voucher, pay)


def test_h7_an_upheld_objection_rejects_the_redemption(world: World) -> None:
    voucher = world.certified_voucher()
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "ok"})
    world.do(world.bureau, "open_notice", voucher, {"days": 1})
    world.do(world.inspector, "raise_objection", voucher, {"reason": "never attended"})
    world.clock.advance(days=1)
    world.do(world.bureau, "close_notice", voucher, {"outcome": "upheld", "reason": "confirmed"})
    assert world.ledger.get(voucher).status == "rejected"
    refused(world, "L7", world.finance, "pay", voucher, {"amount_fen": 150000, "fund": "employment_subsidy_fund"})


def test_h3_prepayment_up_to_the_ratio_is_accepted_and_one_fen_more_is_refused(hengyang: World) -> None:
    voucher, _ = hengyang.enrolled_voucher(standard_fen=80000, shortage=True)  # 132000 fen, 30% = 39600
    fund = "skills_upgrading_account"
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 39601, "fund": fund})
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39600, "fund": fund})
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 1, "fund": fund})


def test_h3_no_prepayment_before_enrolment_in_an_approved_filing(hengyang: World) -> None:
    trainee = hengyang.trainee()
    voucher = hengyang.issue(trainee)
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher,
            {"amount_fen": 100, "fund": "skills_upgrading_account"})


def test_l7_nothing_is_recorded_on_an_expired_voucher(world: World) -> None:
    voucher, _ = world.enrolled_voucher(valid_days=10)
    world.clock.advance(days=10)
    world.offline(voucher, 60)  # the last valid day
    world.clock.advance(days=1)
    refused(world, "L7", world.institution, "record_offline_training", voucher,
            {"started_at": iso(world.clock.now), "minutes": 60, "location": "x"})
    world.do(world.bureau, "expire_voucher", voucher, {})
    refused(world, "L7", world.institution, "record_offline_training", voucher,
            {"started_at": iso(world.clock.now), "minutes": 60, "location": "x"})


def test_l7_a_voucher_is_expired_only_after_its_last_valid_day(world: World) -> None:
    voucher, _ = world.enrolled_voucher(valid_days=10)
    world.clock.advance(days=10)
    refused(world, "L7", world.bureau, "expire_voucher", voucher, {})


def test_l7_nothing_is_recorded_on_a_revoked_voucher(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    world.do(world.bureau, "revoke_voucher", voucher, {"reason": "fraud suspected"})
    refused(world, "L7", world.institution, "record_offline_training", voucher,
            {"started_at": iso(world.clock.now), "minutes": 60, "location": "x"})


def test_l12_claw_back_recovers_exactly_what_was_paid(world: World) -> None:
    voucher = world.paid_voucher()
    refused(world, None, world.bureau, "claw_back", voucher, {"amount_fen": 1, "reason": "x", "rule": "L12"},
            error=BadInput)
    world.do(world.bureau, "claw_back", voucher, {"amount_fen": 150000, "reason": "forged", "rule": "L12"})
    assert world.ledger.get(voucher).clawed_back_fen == 150000


def test_n4_living_allowance_only_for_the_named_groups(hengyang: World) -> None:
    voucher, _ = hengyang.enrolled_voucher()
    hengyang.clock.advance(days=3)
    hengyang.online(voucher, 60)
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=4))
    trainee = hengyang.trainee(allowance_groups=["registered_poor"])
    eligible = hengyang.issue(trainee)
    hengyang.claim_and_choose(trainee, eligible)
    hengyang.do(hengyang.institution, "enrol", eligible, {"filing": str(hengyang.approved_filing())})
    hengyang.clock.advance(days=3)
    hengyang.online(eligible, 60)
    hengyang.do(hengyang.finance, "pay_allowance", eligible, hengyang.allowance_body(eligible, days=4))


def test_l10_the_same_person_is_registered_once(world: World) -> None:
    person = world.person()
    world.trainee(person)
    from ledger.personal import commitment
    from ledger.signing import SigningKey

    key = SigningKey.generate()
    again = {**person, "nonce": uuid.uuid4().hex}
    refused(world, "L10", world.bureau, "register_party", uuid.uuid4(), {
        "role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(again)}, personal=again)


def test_personal_data_never_appears_in_the_clear_in_the_log(world: World) -> None:
    person = world.person()
    trainee = world.trainee(person)
    log = b"".join(state for _, state in world.log_snapshot())
    assert person["national_id"].encode() not in log
    assert person["name"].encode() not in log
    assert person["nonce"].encode() not in log
    party = world.ledger.get(trainee.actor)
    sealed = world.ledger.get_sealed_personal(trainee.actor)
    assert world.ledger.personal_data.open_personal(trainee.actor, sealed)["national_id"] == person["national_id"]
    assert party.national_id_hash == world.ledger.personal_data.national_id_hash(person["national_id"])
    assert party.name == ""  # a trainee's name is kept sealed beside the log, never as the party's name


def test_erasing_a_trainee_destroys_the_key_and_the_chain_still_verifies(world: World) -> None:
    from ledger.verify import verify_notifications

    trainee = world.trainee()
    world.do(world.bureau, "erase_trainee", trainee.actor, {"reason": "request under PIPL"})
    sealed = world.ledger.get_sealed_personal(trainee.actor)
    assert world.ledger.personal_data.open_personal(trainee.actor, sealed) is None
    assert verify_notifications(world.ledger.notifications()).first_problem is None


def test_personal_data_must_match_the_signed_commitment(world: World) -> None:
    from ledger.personal import commitment
    from ledger.signing import SigningKey

    person = world.person()
    key = SigningKey.generate()
    refused(world, None, world.bureau, "register_party", uuid.uuid4(), {
        "role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person)},
        personal={**person, "name": "someone else"}, error=BadInput)
    bad_id = {**person, "national_id": person["national_id"][:-1] + ("0" if person["national_id"][-1] != "0" else "1")}
    refused(world, None, world.bureau, "register_party", uuid.uuid4(), {
        "role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(bad_id)},
        personal=bad_id, error=BadInput)


def test_a_refused_or_repeated_trainee_registration_leaves_no_stray_personal_data_key(world: World) -> None:
    from sqlalchemy import func, select

    from ledger.personal import commitment, personal_keys
    from ledger.signing import SigningKey

    def key_rows() -> int:
        with world.ledger.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(personal_keys)).scalar()

    person = world.person()
    key = SigningKey.generate()
    body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person)}
    target = uuid.uuid4()
    refused(world, None, world.bureau, "register_party", target, {**body, "nickname": "x"}, personal=person,
            error=BadInput)
    assert key_rows() == 0
    signed = world.signed(world.bureau, "register_party", target, body)
    first = world.ledger.submit(signed, personal=person)
    again = world.ledger.submit(signed, personal=person)
    assert again.duplicate and again.result == first.result
    assert key_rows() == 1
    sealed = world.ledger.get_sealed_personal(target)
    assert world.ledger.personal_data.open_personal(str(target), sealed)["name"] == person["name"]


def test_a_registration_that_fails_while_saving_leaves_no_key_and_can_be_sent_again(world: World, monkeypatch) -> None:
    """The personal-data key and the events commit in one transaction (no orphan key after a crash)."""
    from sqlalchemy import func, select

    from ledger.personal import commitment, personal_keys
    from ledger.signing import SigningKey

    person = world.person()
    key = SigningKey.generate()
    signed = world.signed(world.bureau, "register_party", uuid.uuid4(), {
        "role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person)})
    recorder = type(world.ledger.recorder)
    real_insert = recorder.insert_events

    def crash(self, *events, **kwargs):
        raise OSError("the disk went away between the key and the events")

    monkeypatch.setattr(recorder, "insert_events", crash)
    with pytest.raises(OSError):
        world.ledger.submit(signed, personal=person)
    monkeypatch.setattr(recorder, "insert_events", real_insert)
    with world.ledger.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(personal_keys)).scalar() == 0
    world.ledger.submit(signed, personal=person)
    sealed = world.ledger.get_sealed_personal(signed["envelope"]["target"])
    assert world.ledger.personal_data.open_personal(signed["envelope"]["target"], sealed)["name"] == person["name"]


def test_l12_money_prepaid_on_a_voucher_that_left_the_loop_is_clawed_back_to_its_fund(hengyang: World) -> None:
    from projections import catch_up, compare_views
    from projections.queries import balances

    voucher, _ = hengyang.enrolled_voucher(standard_fen=80000, valid_days=10)
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 24000, "fund": "skills_upgrading_account"})
    hengyang.clock.advance(days=11)
    hengyang.do(hengyang.bureau, "expire_voucher", voucher, {})
    hengyang.do(hengyang.bureau, "claw_back", voucher, {"amount_fen": 24000, "reason": "never trained", "rule": "H3"})
    assert hengyang.ledger.get(voucher).clawed_back_fen == 24000
    refused(hengyang, "L12", hengyang.bureau, "claw_back", voucher,
            {"amount_fen": 24000, "reason": "again", "rule": "H3"})
    catch_up(hengyang.ledger)
    with hengyang.ledger.engine.connect() as connection:
        assert balances(connection)["all_accounts_sum_fen"] == 0
    assert compare_views(hengyang.ledger) == []


def test_an_id_already_used_by_another_record_is_refused_with_a_clear_sentence(world: World) -> None:
    from ledger.signing import SigningKey

    voucher, _ = world.enrolled_voucher()
    key = SigningKey.generate()
    error = refused(world, None, world.root, "register_party", voucher,
                    {"role": "inspector", "name": "x", "public_key": key.public_key_b64}, error=Conflict)
    assert "already in use" in str(error)
    refused(world, None, world.institution, "file_class", voucher, world.filing_body(), error=Conflict)


def test_l12_a_delisted_institution_does_not_ask_to_redeem(world: World) -> None:
    certified = world.certified_voucher(occupation="6-18-02-04")
    world.do(world.bureau, "delist", world.institution.actor, {"reason": "licence expired"})
    refused(world, "L2", world.institution, "request_redemption", certified,
            {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})


def test_altered_sealed_personal_data_is_reported_as_tampering_not_a_crash(world: World) -> None:
    from ledger.errors import TamperDetected
    from ledger.signing import b64, unb64

    trainee = world.trainee()
    sealed = unb64(world.ledger.get_sealed_personal(trainee.actor))
    altered = b64(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(TamperDetected):
        world.ledger.personal_data.open_personal(trainee.actor, altered)
