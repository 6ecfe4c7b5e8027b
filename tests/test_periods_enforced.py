"""Periods and segments through `submit` (issue 12): the epidemic period of
H3/H5 ends by a signed bureau record; apprenticeship keeps the earlier rules;
S2's segments are a city's opt-in, the platform's part a ceiling and the
offline part due only for offline training recorded by 2020-12-31."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from ledger.aggregates.periods import EpidemicPeriod, SegmentedSubsidy
from ledger.envelope import iso
from ledger.errors import BadInput, Conflict, RuleViolation
from tests.test_rules_enforced import refused
from tests.world import REGION_START, World

EVIDENCE = {"evidence": [{"kind": "platform_record", "sha256": "cd" * 32}]}


def stages(world: World, voucher: uuid.UUID) -> list[tuple[str, int, str]]:
    return [(p["stage"], p["fen"], p["payee"]) for p in world.ledger.get(voucher).payments]


# --- H5: no offline practical training during the epidemic period ----------------

def test_h5_offline_practical_training_is_refused_until_the_bureau_records_the_end(hengyang: World) -> None:
    """H5: 疫情期间，不允许组织线下集中实操培训。需待我市疫情解除后，方可组织…线下集中实操培训."""
    voucher, _ = hengyang.enrolled_voucher()
    hengyang.clock.advance(days=3)
    error = refused(hengyang, "H5", hengyang.institution, "record_offline_training", voucher,
                    {"started_at": iso(hengyang.clock.now), "minutes": 60, "location": "workshop"})
    assert "no end is recorded" in str(error)
    hengyang.end_epidemic_period()
    day_before = hengyang.clock.now - timedelta(days=1)
    refused(hengyang, "H5", hengyang.institution, "record_offline_training", voucher,
            {"started_at": iso(day_before), "minutes": 60, "location": "workshop"})
    hengyang.offline(voucher, 60)  # on the day it ended: allowed
    assert hengyang.ledger.get(voucher).offline_minutes == 60


def test_h5_the_end_is_recorded_once_by_the_region_bureau_within_the_period(hengyang: World) -> None:
    """H5: 需待我市疫情解除后 -- the end is a dated fact the bureau signs, not a constant."""
    target = EpidemicPeriod.id_for(hengyang.region)
    body = {"ended_on": "2020-03-08", "document": "x"}
    refused(hengyang, None, hengyang.bureau, "end_epidemic_period", target, body, error=BadInput)  # before start
    body["ended_on"] = (hengyang.clock.now + timedelta(days=1)).date().isoformat()
    refused(hengyang, None, hengyang.bureau, "end_epidemic_period", target, body, error=BadInput)  # future
    refused(hengyang, None, hengyang.bureau, "end_epidemic_period", uuid.uuid4(),
            {"ended_on": "2020-04-30", "document": "x"}, error=BadInput)  # not the region's id
    hengyang.end_epidemic_period("2020-04-30")
    assert hengyang.ledger.get(target).ended_on == "2020-04-30"
    refused(hengyang, None, hengyang.bureau, "end_epidemic_period", target,
            {"ended_on": "2020-04-30", "document": "x"}, error=Conflict)


def test_h5_a_region_without_an_epidemic_period_has_none_to_end(world: World) -> None:
    refused(world, "H5", world.bureau, "end_epidemic_period", EpidemicPeriod.id_for(world.region),
            {"ended_on": "2023-02-01", "document": "x"})


# --- H3: prepayment during the period; apprenticeship by the earlier rules ---------

def test_h3_a_class_approved_during_the_period_gets_the_thirty_percent_prepayment(hengyang: World) -> None:
    """H3: 在新冠肺炎疫情期间…经所在地人力资源社会保障部门审核备案后，可先行拨付30%的培训补贴资金."""
    voucher, _ = hengyang.enrolled_voucher(standard_fen=80000, shortage=True)
    assert stages(hengyang, voucher) == [("prepayment", 39600, "institution"), ("balance", 92400, "institution")]


def test_h3_a_class_approved_before_the_period_gets_no_prepayment(ledger, monkeypatch) -> None:
    """H3: "在新冠肺炎疫情期间，…经所在地人力资源社会保障部门审核备案后，可先行拨付30%的培训补贴资金" --
    a class approved in 2019, or at 23:59 on 2020-03-08 (the day before the period), is paid in full
    after assessment and finance cannot prepay it; one approved on 2020-03-09 gets the 30%."""
    monkeypatch.setitem(REGION_START, "hunan-hengyang", datetime(2019, 11, 1, 8, tzinfo=timezone.utc))
    hengyang = World(ledger, "hunan-hengyang")
    for approved_at in (datetime(2019, 11, 20, 8, tzinfo=timezone.utc),
                        datetime(2020, 3, 8, 23, 59, tzinfo=timezone.utc)):
        hengyang.clock.now = approved_at
        before, _ = hengyang.enrolled_voucher()
        assert [stage for stage, _, _ in stages(hengyang, before)] == ["full"], approved_at
        refused(hengyang, "H3", hengyang.finance, "prepay", before,
                {"amount_fen": 1, "fund": "skills_upgrading_account"})
    hengyang.clock.now = datetime(2020, 3, 9, 0, 1, tzinfo=timezone.utc)
    during, _ = hengyang.enrolled_voucher()
    assert [stage for stage, _, _ in stages(hengyang, during)] == ["prepayment", "balance"]
    prepayment = stages(hengyang, during)[0][1]
    hengyang.do(hengyang.finance, "prepay", during, {"amount_fen": prepayment, "fund": "skills_upgrading_account"})
    assert hengyang.ledger.get(during).prepaid_fen == prepayment


def test_h3_a_class_approved_after_the_period_ended_gets_no_prepayment(hengyang: World) -> None:
    """H3: 在疫情期间 -- once the bureau records the end, a newly approved class is paid in full after
    assessment, and finance cannot prepay it."""
    hengyang.end_epidemic_period()
    hengyang.clock.advance(days=1)
    voucher, _ = hengyang.enrolled_voucher(standard_fen=80000, shortage=True)
    assert stages(hengyang, voucher) == [("full", 132000, "institution")]
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher,
            {"amount_fen": 1, "fund": "skills_upgrading_account"})


def test_h3_apprenticeship_keeps_the_earlier_standard_and_prepayment(hengyang: World) -> None:
    """H3: 企业新型学徒制培训补贴标准、预拨按原有规定执行 -- no +50% uplift and the profile's own
    apprenticeship prepayment (none cited, so none), even during the period."""
    filing = hengyang.approved_filing(training_kind="apprenticeship")
    voucher, _ = hengyang.enrolled_voucher(filing=filing, standard_fen=80000, shortage=True)
    assert hengyang.ledger.get(voucher).subsidy_fen == 88000  # 800 yuan + 10% shortage, no uplift
    assert stages(hengyang, voucher) == [("full", 88000, "institution")]
    assert hengyang.profile.apprenticeship_prepayment_percent == 0


# --- S2: segments where a city opts in ----------------------------------------------

def segmented_voucher(world: World, online_minutes: int, offline_after: timedelta | None = None) -> uuid.UUID:
    voucher, _ = world.enrolled_voucher(standard_fen=100000, valid_days=365)
    world.clock.advance(days=3)
    if online_minutes:
        world.online(voucher, online_minutes)
    if offline_after is not None:
        world.clock.advance(days=offline_after.days)
    left = 24 * 45 - online_minutes
    while left > 0:
        world.offline(voucher, min(left, 480))
        left -= 480
    world.do(world.assessor, "assess", voucher, {"passed": True, "certificate_number": f"S-{voucher.hex[:8]}",
                                                    "certificate_kind": "training_qualified"})
    world.do(world.institution, "request_redemption", voucher, EVIDENCE)
    return voucher


def test_s2_opted_in_city_pays_the_platform_its_part_and_the_offline_eighty_percent(shandong: World) -> None:
    """S2: 线上平台的培训补贴原则上按照不高于…20%执行; 2020年12月31日之前再参加…线下实训…按照…80%."""
    shandong.adopt_segmented_subsidy(20)
    voucher = segmented_voucher(shandong, 9 * 45)
    assert stages(shandong, voucher) == [("online", 20000, "platform"), ("offline", 80000, "institution")]
    state = shandong.ledger.get(voucher)
    assert state.subsidy_fen == 100000
    shandong.do(shandong.bureau, "review_redemption", voucher, {"approved": True, "reason": "ok"})
    shandong.do(shandong.bureau, "open_notice", voucher, {"days": 1})
    shandong.clock.advance(days=2)
    shandong.do(shandong.bureau, "close_notice", voucher, {"outcome": "cleared"})
    shandong.do(shandong.finance, "pay", voucher, {"amount_fen": 100000, "fund": "skills_upgrading_account"})
    assert shandong.ledger.get(voucher).status == "paid"


def test_s2_the_platform_part_is_a_ceiling_a_city_may_set_lower(shandong: World) -> None:
    """S2: 不高于…20% -- 21% is refused; 15% pays the platform 15% and the total is 95%."""
    refused(shandong, "S2", shandong.bureau, "adopt_segmented_subsidy", SegmentedSubsidy.id_for(shandong.bureau.actor),
            {"online_percent": 21, "document": "x"})
    shandong.adopt_segmented_subsidy(15)
    voucher = segmented_voucher(shandong, 45)
    assert stages(shandong, voucher) == [("online", 15000, "platform"), ("offline", 80000, "institution")]
    assert shandong.ledger.get(voucher).subsidy_fen == 95000


def test_s2_a_voucher_without_online_minutes_gets_the_ordinary_full_subsidy(shandong: World) -> None:
    """S2: the split applies to 已享受线上平台培训补贴的群体; no online learning, no platform part."""
    shandong.adopt_segmented_subsidy(20)
    voucher = segmented_voucher(shandong, 0)
    assert stages(shandong, voucher) == [("full", 100000, "institution")]


def test_s2_a_city_that_did_not_opt_in_pays_in_full(shandong: World) -> None:
    """S2: 设区的市可制定具体实施细则 -- segments only where the city opts in."""
    voucher = segmented_voucher(shandong, 9 * 45)
    assert stages(shandong, voucher) == [("full", 100000, "institution")]


def test_s2_offline_training_after_2020_12_31_earns_no_eighty_percent(shandong: World) -> None:
    """S2: 2020年12月31日之前再参加同一职业同一等级线下实训 -- later offline training is not in it;
    the filing itself in December 2020 (and in 2021) is inside the plan's window."""
    shandong.adopt_segmented_subsidy(20)
    shandong.clock.now = datetime(2020, 12, 20, 8, tzinfo=timezone.utc)
    voucher = segmented_voucher(shandong, 45, offline_after=timedelta(days=10))
    assert shandong.ledger.get(voucher).last_offline_on == "2021-01-02"
    assert stages(shandong, voucher) == [("online", 20000, "platform")]
    shandong.clock.now = datetime(2021, 6, 1, 8, tzinfo=timezone.utc)
    shandong.approved_filing()  # the plan runs 2020-2021


def test_s2_the_opt_in_is_recorded_once_and_only_where_the_profile_has_segments(world: World) -> None:
    """S2: "设区的市可制定具体实施细则，对“互联网+职业技能培训”采取线上培训与线下培训“分段培训、分段考核、
    分段补贴”的办法进行" -- Shandong's cities may; a bureau whose profile has no segments cannot opt in."""
    refused(world, "S2", world.bureau, "adopt_segmented_subsidy", SegmentedSubsidy.id_for(world.bureau.actor),
            {"online_percent": 20, "document": "x"}, error=RuleViolation)
