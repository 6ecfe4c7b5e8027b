"""Issue 12, item 3: independent assessment (001: "由相应管理部门或相关单位按规定实施
考核评价"; S4 enterprises assess their own staff) and the checks the ledger makes
itself before a redemption is approved (L13, J4: "逐一核验…线上学习电子化凭证")."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest

from api.client import ApiProblem
from ledger.aggregates.voucher import Voucher
from ledger.checks import learning_record_checks
from ledger.envelope import iso
from ledger.errors import RoleNotAllowed
from ledger.rules import profile_for
from tests.test_rules_enforced import refused
from tests.world import World

CERTIFICATE = {"passed": True, "certificate_number": "C-9", "certificate_kind": "skill_level"}
EVIDENCE = {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]}


def finish_offline(world: World, voucher: uuid.UUID, institution=None) -> None:
    state = world.ledger.get(voucher)
    left = state.total_class_hours * world.profile.class_hour_minutes - state.online_minutes - state.offline_minutes
    while left > 0:
        world.do(institution or world.institution, "record_offline_training", voucher,
                 {"started_at": world.clock.now.isoformat(), "minutes": min(left, 480), "location": "workshop"})
        left -= 480


def requested(world: World, voucher: uuid.UUID) -> uuid.UUID:
    world.do(world.assessor, "assess", voucher, CERTIFICATE | {"certificate_number": f"C-{voucher.hex[:8]}"})
    world.do(world.institution, "request_redemption", voucher, EVIDENCE)
    return voucher


def test_s4_a_training_school_may_not_assess_its_own_trainees(world: World) -> None:
    """001: "由相应管理部门或相关单位按规定实施考核评价" — not the payee."""
    voucher = world.trained_voucher()
    error = refused(world, "S4", world.institution, "assess", voucher, CERTIFICATE)
    assert "assessed by an assessor" in str(error)
    world.do(world.assessor, "assess", voucher, CERTIFICATE)
    assert world.ledger.get(voucher).assessed_by_role == "assessor"


def enterprise_world(world: World):
    enterprise = world.register(world.bureau, "institution", name="工厂 factory", kind="enterprise")
    world.do(world.bureau, "list_in_catalogue", enterprise.actor, {})
    code = world.ledger.get(enterprise.actor).credit_code
    filing = uuid.uuid4()
    world.do(enterprise, "file_class", filing, world.filing_body())
    world.do(world.bureau, "approve_filing", filing, {})
    return enterprise, code, filing


def enrolled_at(world: World, enterprise, filing, trainee) -> uuid.UUID:
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    world.do(trainee, "choose_institution", voucher, {"institution": enterprise.actor})
    world.do(enterprise, "enrol", voucher, {"filing": str(filing)})
    return voucher


def test_s4_an_enterprise_assesses_its_own_employees_and_nobody_else(world: World) -> None:
    """S4: "参加企业组织的线上培训的…企业可…采取线上理论考试、生产过程考核、工作业绩考评等方式进行综合评价"."""
    enterprise, code, filing = enterprise_world(world)
    employee = enrolled_at(world, enterprise, filing, world.trainee(employer_credit_code=code))
    outsider = enrolled_at(world, enterprise, filing, world.trainee())
    world.clock.advance(days=3)
    for voucher in (employee, outsider):
        finish_offline(world, voucher, enterprise)
    world.do(enterprise, "assess", employee, CERTIFICATE)
    assert world.ledger.get(employee).assessed_by_role == "institution"
    refused(world, "S4", enterprise, "assess", outsider, CERTIFICATE | {"certificate_number": "C-10"})


def test_s4_an_assessor_under_the_training_institutions_credit_code_is_not_independent(world: World) -> None:
    """S4, 001 四(四): "由相应管理部门或相关单位按规定实施考核评价" -- an assessor registered under the
    training institution's own credit code is the school assessing itself, so S4 refuses it."""
    code = world.ledger.get(world.institution.actor).credit_code
    twin = world.register(world.bureau, "assessor", name="the school's own assessment centre", credit_code=code)
    voucher = world.trained_voucher()
    error = refused(world, "S4", twin, "assess", voucher, CERTIFICATE)
    assert code in str(error)


def test_an_assessor_assesses_only_in_its_own_region(world: World) -> None:
    other_bureau = world.register(world.root, "bureau", name="jiangxi bureau", region="jiangxi")
    stranger = world.register(other_bureau, "assessor", name="jiangxi assessor")
    voucher = world.trained_voucher()
    refused(world, None, stranger, "assess", voucher, CERTIFICATE, error=RoleNotAllowed)


def test_l13_the_review_records_each_check_and_approves_a_clean_record(world: World) -> None:
    """L13: "逐一核验补贴申领对象或培训机构的线上学习电子化凭证"."""
    voucher = requested(world, world.trained_voucher())
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
    reviewed = world.ledger.stored_events(voucher)[-1]
    assert [(check["name"], check["rule"], check["passed"]) for check in reviewed.facts["checks"]] == [
        ("class_hours", "L1", True), ("online_share", "L1", True), ("sessions_in_class_period", "L13", True),
        ("face_checks", "L6", True), ("certificate", "L14", True)]


def test_l13_a_session_outside_the_class_period_refuses_the_approval_but_not_a_rejection(world: World) -> None:
    """L13/J4: the bureau "逐一核验" each claimant's record; a session dated before the class began fails it."""
    voucher, _ = world.enrolled_voucher()
    world.online(voucher, 45)  # after approval (H4 holds) but before the filed starts_on
    world.clock.advance(days=3)
    finish_offline(world, voucher)
    requested(world, voucher)
    assert world.ledger.get(voucher).sessions_outside_class_period == 1
    error = refused(world, "L13", world.bureau, "review_redemption", voucher, {"approved": True, "reason": "ok"})
    assert "sessions_in_class_period" in str(error)
    world.do(world.bureau, "review_redemption", voucher, {"approved": False, "reason": "session before the class"})
    assert world.ledger.get(voucher).status == "rejected"
    assert not world.ledger.get(voucher).review_checks[2]["passed"]


def train_on_days(world: World, voucher: uuid.UUID, online_on: list[datetime]) -> uuid.UUID:
    """45-minute online sessions dated `online_on` (uploaded afterwards, as a platform may) and the
    other hours offline on the filing's `ends_on`; then assessed and requested."""
    state = world.ledger.get(voucher)
    for moment in online_on:
        world.online(voucher, 45, signed_in_at=iso(moment))
    left = state.total_class_hours * world.profile.class_hour_minutes - 45 * len(online_on)
    last_day = datetime.combine(date.fromisoformat(world.ledger.get(state.filing).ends_on), time(8), timezone.utc)
    world.do(world.institution, "record_offline_training", voucher,
             {"started_at": iso(last_day), "minutes": left, "location": "workshop"})
    return requested(world, voucher)


def test_l13_sessions_on_the_first_and_last_day_of_the_class_pass_the_day_after_fails(world: World) -> None:
    """L13, 001 七(三): "逐一核验补贴申领对象或培训机构的线上学习电子化凭证" -- the filed class period runs from
    `starts_on` to `ends_on`, both days in it: sessions signed in at 00:00 on the first day and at 23:14
    on the last pass the review check; one at 00:00 on the day after fails it (L13) and the approval
    is refused."""
    filing = world.approved_filing()
    inside, _ = world.enrolled_voucher(filing=filing)
    after, _ = world.enrolled_voucher(filing=filing)
    first = date.fromisoformat(world.ledger.get(filing).starts_on)
    last = date.fromisoformat(world.ledger.get(filing).ends_on)
    world.clock.now = datetime.combine(last + timedelta(days=2), time(8), timezone.utc)
    train_on_days(world, inside, [datetime.combine(first, time(0), timezone.utc),
                                  datetime.combine(last, time(23, 14), timezone.utc)])
    world.do(world.bureau, "review_redemption", inside, {"approved": True, "reason": "checked"})
    assert world.ledger.get(inside).status == "approved"
    assert all(check["passed"] for check in world.ledger.get(inside).review_checks)
    train_on_days(world, after, [datetime.combine(first, time(0), timezone.utc),
                                 datetime.combine(last + timedelta(days=1), time(0), timezone.utc)])
    assert world.ledger.get(after).sessions_outside_class_period == 1
    error = refused(world, "L13", world.bureau, "review_redemption", after, {"approved": True, "reason": "ok"})
    assert "sessions_in_class_period" in str(error)


def trained_with_face_failures(world: World, failed: int) -> uuid.UUID:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 90, face_checks_failed=failed)
    finish_offline(world, voucher)
    return requested(world, voucher)


def test_l6_face_check_failures_at_the_region_limit_pass_one_more_refuses_the_approval(world: World) -> None:
    """L6: "鼓励采用“随机人脸识别技术”等手段对线上培训情况进行监测"; the limit is region data."""
    limit = world.profile.face_check_failures_limit
    at_limit = trained_with_face_failures(world, limit)
    world.do(world.bureau, "review_redemption", at_limit, {"approved": True, "reason": "checked"})
    past_limit = trained_with_face_failures(world, limit + 1)
    error = refused(world, "L6", world.bureau, "review_redemption", past_limit, {"approved": True, "reason": "ok"})
    assert f"{limit + 1} failed random face checks" in str(error)


def test_l13_checks_are_a_pure_function_of_the_voucher_and_its_profile(world: World) -> None:
    voucher: Voucher = world.ledger.get(world.trained_voucher())
    names = {check.name: check for check in learning_record_checks(voucher, world.profile)}
    assert not names["certificate"].passed and names["class_hours"].passed
    voucher.offline_minutes -= 1  # one minute short of the filed hours
    assert not {check.name: check for check in learning_record_checks(voucher, world.profile)}["class_hours"].passed


def test_j4_j3_the_review_checks_online_hours_against_theory_and_practical(jiangxi: World) -> None:
    """J4: "逐一核验补贴申领对象的线上学习电子化凭证"; J3: "线上完成全部理论知识学习，线下完成全部实操训练课时"
    -- the check before payment applies the hours rules to the filed split, not only a cap of the total,
    so a skill record done wholly online fails it (citing J3) although Jiangxi's total cap is 100%."""
    voucher: Voucher = jiangxi.ledger.get(jiangxi.trained_voucher())
    theory_minutes = voucher.theory_class_hours * jiangxi.profile.class_hour_minutes
    voucher.online_minutes = theory_minutes  # all theory online (J3)
    online = {check.name: check for check in learning_record_checks(voucher, jiangxi.profile)}["online_share"]
    assert online.passed, online.detail
    voucher.online_minutes = theory_minutes + jiangxi.profile.class_hour_minutes  # one practical hour online
    online = {check.name: check for check in learning_record_checks(voucher, jiangxi.profile)}["online_share"]
    assert not online.passed and online.rule == "J3", online


def test_each_check_before_payment_cites_the_regions_own_rule() -> None:
    """L13 = J4: the same checks everywhere, each citing the rule of the region's own notice."""
    cited = {region: dict(profile_for(region).review_check_rules)
             for region in ("liaoning", "jiangxi", "hunan-hengyang", "shandong")}
    assert cited["liaoning"] == {"class_hours": "L1", "sessions_in_class_period": "L13", "face_checks": "L6",
                                 "certificate": "L14"}
    assert cited["jiangxi"] == {"class_hours": "J3", "sessions_in_class_period": "J4", "face_checks": "J4",
                                "certificate": "J3"}
    for region, rules in cited.items():
        prefix = {"liaoning": "L", "jiangxi": "J", "hunan-hengyang": "H", "shandong": "S"}[region]
        assert all(rule.startswith(prefix) for rule in rules.values()), (region, rules)


def test_l13_the_voucher_read_shows_the_checks_the_review_recorded(world: World) -> None:
    from tests.http_support import http_client, party

    voucher = requested(world, world.trained_voucher())
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
    http = http_client(world)
    shown = party(world, http, world.inspector).get(f"/v1/vouchers/{voucher}")
    assert [check["name"] for check in shown["review_checks"]] == [
        "class_hours", "online_share", "sessions_in_class_period", "face_checks", "certificate"]
    assert shown["assessed_by_role"] == "assessor" and shown["standards_version"] == "2023-01-01"
    assessor = party(world, http, world.assessor)
    assert assessor.get(f"/v1/vouchers/{voucher}")["status"] == "approved"
    for refused_path in (f"/v1/vouchers/{voucher}/history", f"/v1/vouchers/{voucher}/payments", "/v1/vouchers"):
        with pytest.raises(ApiProblem) as caught:
            assessor.get(refused_path)
        assert caught.value.status == 403, refused_path


def test_l2_a_delisted_enterprise_no_longer_assesses_its_own_staff(world: World) -> None:
    enterprise, code, filing = enterprise_world(world)
    employee = enrolled_at(world, enterprise, filing, world.trainee(employer_credit_code=code))
    world.clock.advance(days=3)
    finish_offline(world, employee, enterprise)
    world.do(world.bureau, "delist", enterprise.actor, {"reason": "licence expired"})
    refused(world, "L2", enterprise, "assess", employee, CERTIFICATE)


def test_j4_jiangxi_reviews_check_each_claimants_record_before_approval(ledger) -> None:
    """J4: "逐一核验补贴申领对象的线上学习电子化凭证" — the same checks on Jiangxi's platform."""
    jiangxi = World(ledger, "jiangxi")
    limit = jiangxi.profile.face_check_failures_limit
    past_limit = trained_with_face_failures(jiangxi, limit + 1)
    refused(jiangxi, "J4", jiangxi.bureau, "review_redemption", past_limit, {"approved": True, "reason": "ok"})
    jiangxi.do(jiangxi.bureau, "review_redemption", past_limit, {"approved": False, "reason": "face checks"})
    at_limit = trained_with_face_failures(jiangxi, limit)
    jiangxi.do(jiangxi.bureau, "review_redemption", at_limit, {"approved": True, "reason": "checked"})
    assert all(check["passed"] for check in jiangxi.ledger.get(at_limit).review_checks)
