"""Hours by kind through `submit` (issue 12): theory and practical class hours
on the filing, the online rules of each region at filing, at every recorded
session and at assessment, in whole class hours; each refusal cites its rule
and leaves the log as it was."""

from __future__ import annotations

import uuid

import pytest

from ledger.envelope import iso
from ledger.errors import BadInput
from tests.test_rules_enforced import refused
from tests.world import World


def session(world: World, minutes: int) -> dict:
    return {"signed_in_at": iso(world.clock.now), "minutes": minutes, "questions_answered": 1, "tests_taken": 1,
            "tests_passed": 1, "face_checks_passed": 1, "face_checks_failed": 0}


def enrolled(world: World, **filing: object) -> uuid.UUID:
    voucher, _ = world.enrolled_voucher(filing=world.approved_filing(**filing))
    world.clock.advance(days=3)
    return voucher


# --- H1: theory at least 30%, all of it may go online --------------------------

def test_h1_theory_below_thirty_percent_of_total_is_refused_at_filing(hengyang: World) -> None:
    """H1: 全部理论课(不低于总课时的30%) -- 30 of 100 hours is the floor; 29 is refused."""
    hengyang.do(hengyang.institution, "file_class", uuid.uuid4(),
                hengyang.filing_body(theory_class_hours=30, practical_class_hours=70))
    error = refused(hengyang, "H1", hengyang.institution, "file_class", uuid.uuid4(),
                    hengyang.filing_body(theory_class_hours=29, practical_class_hours=71))
    assert "29 of 100" in str(error) and "30%" in str(error)


def test_h1_all_theory_may_go_online_forty_of_a_hundred_hours(hengyang: World) -> None:
    """H1: 全部理论课(不低于总课时的30%)…转为线上学习 -- 30% is a floor on theory, not a cap on
    online hours: 40 theory hours of 100 all go online (the old 30% cap refused this)."""
    body = dict(theory_class_hours=40, practical_class_hours=60)
    hengyang.do(hengyang.institution, "file_class", uuid.uuid4(),
                hengyang.filing_body(planned_online_minutes=40 * 45 + 44, **body))
    refused(hengyang, "H1", hengyang.institution, "file_class", uuid.uuid4(),
            hengyang.filing_body(planned_online_minutes=41 * 45, **body))
    voucher = enrolled(hengyang, **body)
    hengyang.online(voucher, 1440)
    hengyang.online(voucher, 40 * 45 + 44 - 1440)
    error = refused(hengyang, "H1", hengyang.platform, "record_online_learning", voucher, session(hengyang, 1))
    assert "41 online class hours" in str(error)


def test_h1_practical_courses_for_home_practice_may_be_wholly_online(hengyang: World) -> None:
    """H1: 适合线上授课、居家练习的实训课程，可在线上完成全部培训 -- the filing marks them."""
    body = dict(theory_class_hours=10, practical_class_hours=14, planned_online_minutes=24 * 45)
    refused(hengyang, "H1", hengyang.institution, "file_class", uuid.uuid4(), hengyang.filing_body(**body))
    filing = hengyang.approved_filing(home_practice=True, **body)
    assert hengyang.ledger.get(filing).home_practice is True
    voucher, _ = hengyang.enrolled_voucher(filing=filing)
    hengyang.clock.advance(days=3)
    hengyang.online(voucher, 24 * 45)
    hengyang.do(hengyang.assessor, "assess", voucher, {"passed": True, "certificate_number": "HP-1",
                                                          "certificate_kind": "training_qualified"})
    assert hengyang.ledger.get(voucher).status == "certified"
    # the redemption's quote counts the same home practice: wholly online is still within the hours (H1)
    hengyang.do(hengyang.institution, "request_redemption", voucher,
                {"evidence": [{"kind": "platform_record", "sha256": "ab" * 32}]})
    assert hengyang.ledger.get(voucher).status == "redemption_requested"


def test_h1_l1_assessment_needs_the_full_class_hours_online_and_offline(world: World) -> None:
    """H1: 总学时不变; L1 (001 六): 线上完成全部理论课时培训，线下完成全部实操课时培训 -- assessment
    follows the full class hours, online and offline together; in Liaoning the refusal cites L1."""
    voucher = enrolled(world)
    world.online(voucher, 12 * 45)
    world.offline(voucher, 12 * 45 - 1)
    body = {"passed": True, "certificate_number": "AS-1", "certificate_kind": "training_qualified"}
    refused(world, "L1", world.assessor, "assess", voucher, body)
    world.offline(voucher, 1)
    world.do(world.assessor, "assess", voucher, body)


# --- L1: 50% cap, and online no more than theory for the subsidy ---------------

def test_l1_online_beyond_theory_is_refused_for_a_skill_class(world: World) -> None:
    """L1 (六): 通过线上培训完成全部理论知识学习,线下完成全部实操课时培训 -- with 30 theory hours
    of 100, 30 online class hours pass and 31 do not, though the 50% cap would allow 50."""
    body = dict(theory_class_hours=30, practical_class_hours=70)
    world.do(world.institution, "file_class", uuid.uuid4(), world.filing_body(planned_online_minutes=30 * 45 + 44,
                                                                              **body))
    error = refused(world, "L1", world.institution, "file_class", uuid.uuid4(),
                    world.filing_body(planned_online_minutes=31 * 45, **body))
    assert "30 theory class hours" in str(error)


def test_l1_fifty_percent_cap_binds_a_theory_heavy_class(world: World) -> None:
    """L1: 知识技能型职业以外的线上培训课时不超过总课时的50% -- 60 theory hours of 100 still
    allow only 50 online class hours."""
    body = dict(theory_class_hours=60, practical_class_hours=40)
    world.do(world.institution, "file_class", uuid.uuid4(), world.filing_body(planned_online_minutes=50 * 45 + 44,
                                                                              **body))
    error = refused(world, "L1", world.institution, "file_class", uuid.uuid4(),
                    world.filing_body(planned_online_minutes=51 * 45, **body))
    assert "50% cap" in str(error)


# --- S1: 40% of total ------------------------------------------------------------

def test_s1_shandong_online_at_forty_percent_of_whole_class_hours(shandong: World) -> None:
    """S1: 原则上技能培训线上培训课时不超过总课时的40%，线上培训每课时为45分钟 -- 24 hours allow 9."""
    shandong.do(shandong.institution, "file_class", uuid.uuid4(),
                shandong.filing_body(planned_online_minutes=9 * 45 + 44))
    refused(shandong, "S1", shandong.institution, "file_class", uuid.uuid4(),
            shandong.filing_body(planned_online_minutes=10 * 45))
    voucher = enrolled(shandong)
    shandong.online(voucher, 9 * 45 + 44)
    refused(shandong, "S1", shandong.platform, "record_online_learning", voucher, session(shandong, 1))


# --- J2, J3: Jiangxi by occupation type ---------------------------------------------

def test_j2_simulation_class_may_do_half_its_practical_hours_online(jiangxi: World) -> None:
    """J2: 具有模拟仿真效果的职业可通过线上完成不超过50%的实操训练课时 -- 40 theory hours and 30 of
    60 practical hours online (70 of 100) pass; 71 do not. The old cap, 50% of the total, refused this."""
    body = dict(occupation_type="simulation", theory_class_hours=40, practical_class_hours=60)
    jiangxi.do(jiangxi.institution, "file_class", uuid.uuid4(),
               jiangxi.filing_body(planned_online_minutes=70 * 45, **body))
    refused(jiangxi, "J2", jiangxi.institution, "file_class", uuid.uuid4(),
            jiangxi.filing_body(planned_online_minutes=71 * 45, **body))
    voucher = enrolled(jiangxi, **body)
    for _ in range(2):
        jiangxi.online(voucher, 1440)
    jiangxi.online(voucher, 70 * 45 + 44 - 2880)
    refused(jiangxi, "J2", jiangxi.platform, "record_online_learning", voucher, session(jiangxi, 1))


def test_j2_knowledge_class_may_be_wholly_online(jiangxi: World) -> None:
    """J2: 岗前培训及知识技能型职业（工种）的培训，可通过线上完成全部培训课程."""
    jiangxi.do(jiangxi.institution, "file_class", uuid.uuid4(), jiangxi.filing_body(
        occupation_type="knowledge", theory_class_hours=4, practical_class_hours=20, planned_online_minutes=24 * 45))


def test_j3_skill_class_keeps_all_practical_hours_offline(jiangxi: World) -> None:
    """J3: 线上完成全部理论知识学习，线下完成全部实操训练课时 -- a skill class done 100% online
    can no longer reach `certified`: online stops at its 12 theory hours."""
    refused(jiangxi, "J3", jiangxi.institution, "file_class", uuid.uuid4(),
            jiangxi.filing_body(planned_online_minutes=24 * 45))
    voucher = enrolled(jiangxi)
    jiangxi.online(voucher, 12 * 45 + 44)
    error = refused(jiangxi, "J3", jiangxi.platform, "record_online_learning", voucher, session(jiangxi, 1))
    assert "offline" in str(error)
    assert jiangxi.ledger.get(voucher).status == "training"


# --- the filing's body ------------------------------------------------------------

def test_a_filing_records_theory_practical_total_and_training_kind(world: World) -> None:
    filing = world.approved_filing(theory_class_hours=10, practical_class_hours=30, training_kind="upgrade")
    state = world.ledger.get(filing)
    assert (state.theory_class_hours, state.practical_class_hours, state.total_class_hours) == (10, 30, 40)
    assert state.training_kind == "upgrade" and state.home_practice is False
    voucher, _ = world.enrolled_voucher(filing=filing)
    assert (world.ledger.get(voucher).theory_class_hours, world.ledger.get(voucher).training_kind) == (10, "upgrade")


@pytest.mark.parametrize("overrides, phrase", [
    (dict(theory_class_hours=10, practical_class_hours=10, total_class_hours=21), "is not theory_class_hours"),
    (dict(theory_class_hours=0, practical_class_hours=0, total_class_hours=None), "from 1 to"),
    (dict(training_kind="evening"), "training_kind"),
])
def test_a_malformed_split_or_kind_is_bad_input_and_changes_nothing(world: World, overrides, phrase) -> None:
    body = world.filing_body(**{k: v for k, v in overrides.items() if v is not None})
    if overrides.get("total_class_hours", 1) is None:
        body.pop("total_class_hours")
    error = refused(world, None, world.institution, "file_class", uuid.uuid4(), body, error=BadInput)
    assert phrase in str(error)


# --- wholly online: at the total hours and one class hour past them ------------------

CERTIFIED = {"passed": True, "certificate_number": "ONLINE-1", "certificate_kind": "training_qualified"}


def wholly_online(world: World, **filing: object) -> uuid.UUID:
    """Enrolled in a 24-hour class filed with all its hours online, and 24 class hours (and 44 minutes)
    recorded online."""
    voucher = enrolled(world, planned_online_minutes=24 * 45, **filing)
    world.online(voucher, 24 * 45 + 44)
    return voucher


@pytest.mark.parametrize("region, rule", [("world", "L1"), ("jiangxi", "J2")])
def test_l1_j2_knowledge_class_may_be_done_wholly_online(request, region: str, rule: str) -> None:
    """L1 (001 二(二)): "知识技能型职业可开展全线上培训"; 001 四(四): "知识技能型职业完成线上全部学习课程的学员…
    实施考核评价"; J2: "对岗前培训及知识技能型职业（工种）的培训，可通过线上完成全部培训课程的学习" -- in
    Liaoning and in Jiangxi all 24 hours online pass filing, sessions and assessment; the 25th online hour
    is refused, citing the region's rule."""
    world: World = request.getfixturevalue(region)
    body = dict(occupation_type="knowledge", theory_class_hours=4, practical_class_hours=20)
    refused(world, rule, world.institution, "file_class", uuid.uuid4(),
            world.filing_body(planned_online_minutes=25 * 45, **body))
    voucher = wholly_online(world, **body)
    error = refused(world, rule, world.platform, "record_online_learning", voucher, session(world, 1))
    assert "25 online class hours" in str(error)
    world.do(world.assessor, "assess", voucher, CERTIFIED)
    assert world.ledger.get(voucher).status == "certified"


def test_h1_home_practice_all_hours_online_pass_one_more_class_hour_is_refused(hengyang: World) -> None:
    """H1: "对于适合线上授课、居家练习的实训课程,可在线上完成全部培训" -- all 24 hours, not more: the
    25th online class hour is refused at filing and at a session."""
    body = dict(home_practice=True, theory_class_hours=10, practical_class_hours=14)
    refused(hengyang, "H1", hengyang.institution, "file_class", uuid.uuid4(),
            hengyang.filing_body(planned_online_minutes=25 * 45, **body))
    voucher = wholly_online(hengyang, **body)
    error = refused(hengyang, "H1", hengyang.platform, "record_online_learning", voucher, session(hengyang, 1))
    assert "25 online class hours" in str(error)
    hengyang.do(hengyang.assessor, "assess", voucher, CERTIFIED)
    assert hengyang.ledger.get(voucher).status == "certified"
