"""The pure subsidy calculation: integer fen, explicit rounding, rule IDs cited."""

from datetime import date, datetime

import pytest
from hypothesis import given, strategies as st

from ledger.errors import BadInput
from ledger.rules import REGIONS, profile_for
from ledger.subsidy import (
    MAX_STANDARD_FEN,
    Payment,
    Refusal,
    class_hours,
    online_share_refusal,
    quote,
    split_fen,
)

HENGYANG = profile_for("hunan-hengyang")
LIAONING = profile_for("liaoning")
SHANDONG = profile_for("shandong")
JIANGXI = profile_for("jiangxi")
NATIONAL = profile_for("national")


# --- H2 / H3: Hengyang ------------------------------------------------------

def test_h2_hengyang_shortage_occupation_filed_after_cutoff_gets_uplift_and_shortage():
    result = quote(HENGYANG, standard_fen=80000, shortage=True, filed_on=date(2020, 4, 1))
    assert result.eligible and result.refusals == []
    assert result.total_fen == 132000  # 800 x 1.5 x 1.1 = 1,320 yuan
    assert [(s.rule, s.fen) for s in result.steps] == [("H2", 80000), ("H2", 40000), ("H2", 12000)]
    assert result.payments == [Payment("prepayment", 39600), Payment("balance", 92400)]


def test_h2_class_filed_before_cutoff_keeps_old_standard():
    before = quote(HENGYANG, standard_fen=80000, shortage=False, filed_on=date(2020, 3, 8))
    on_cutoff = quote(HENGYANG, standard_fen=80000, shortage=False, filed_on=date(2020, 3, 9))
    assert before.total_fen == 80000
    assert on_cutoff.total_fen == 120000


def test_h2_shortage_uplift_still_applies_before_the_cutoff():
    result = quote(HENGYANG, standard_fen=80000, shortage=True, filed_on=date(2020, 3, 8))
    assert result.total_fen == 88000


def test_h2_own_higher_ratio_replaces_the_uplift_and_is_not_stacked():
    own = quote(HENGYANG, standard_fen=80000, shortage=False, filed_on=date(2020, 4, 1), own_ratio_percent=60)
    lower = quote(HENGYANG, standard_fen=80000, shortage=False, filed_on=date(2020, 4, 1), own_ratio_percent=20)
    assert own.total_fen == 128000
    assert lower.total_fen == 120000


def test_h2_own_ratio_is_bad_input_where_the_profile_has_no_uplift():
    with pytest.raises(BadInput, match="H2"):
        quote(LIAONING, standard_fen=80000, shortage=False, filed_on=date(2023, 2, 1), own_ratio_percent=60)


def test_h2_rounding_is_down_to_the_fen_at_each_step():
    result = quote(HENGYANG, standard_fen=33333, shortage=True, filed_on=date(2020, 4, 1))
    # 33333 * 150 // 100 = 49999 (49999.5 rounded down); 49999 * 110 // 100 = 54998 (54998.9)
    assert result.total_fen == 54998


def test_h3_prepayment_is_thirty_percent_and_parts_sum_to_total():
    result = quote(HENGYANG, standard_fen=33333, shortage=True, filed_on=date(2020, 4, 1))
    prepayment, balance = result.payments
    assert prepayment == Payment("prepayment", 54998 * 30 // 100)
    assert balance.stage == "balance"
    assert prepayment.fen + balance.fen == result.total_fen


def test_h2_filing_outside_the_hengyang_window_is_refused_citing_h2():
    result = quote(HENGYANG, standard_fen=80000, shortage=False, filed_on=date(2022, 1, 1))
    assert not result.eligible
    assert result.total_fen == 0 and result.payments == []
    assert [r.rule for r in result.refusals] == ["H2"]
    assert sum(s.fen for s in result.steps) == 0
    assert result.steps[-1].fen == -120000  # the raised standard, taken back


# --- online share: L1, S1, J2, H1 --------------------------------------------

def test_l1_online_share_at_cap_is_accepted_and_one_class_hour_more_is_refused():
    """L1: 线上培训课时不超过总课时的50%,线上培训每课时为45分钟 -- whole class hours are compared."""
    # 100 class hours; 50% = 50 class hours = 2250 to 2294 minutes.
    assert online_share_refusal(LIAONING, "skill", 100, 2294) is None
    refusal = online_share_refusal(LIAONING, "skill", 100, 2295)
    assert refusal.rule == "L1"
    assert "2295" in refusal.reason and "50%" in refusal.reason and "51 online class hours" in refusal.reason


def test_l1_knowledge_occupation_may_be_fully_online_in_liaoning():
    """L1: 知识技能型职业可开展全线上培训."""
    assert online_share_refusal(LIAONING, "knowledge", 100, 4544) is None
    assert online_share_refusal(LIAONING, "knowledge", 100, 4545).rule == "L1"


def test_l1_quote_over_the_cap_is_not_eligible():
    result = quote(LIAONING, standard_fen=100000, shortage=False, filed_on=date(2023, 3, 1),
                   occupation_type="skill", total_class_hours=100, online_minutes=2295)
    assert not result.eligible and result.total_fen == 0 and result.payments == []
    assert result.refusals[0].rule == "L1"
    assert result.online_class_hours == 51


def test_s1_shandong_online_share_at_forty_percent_is_accepted_and_one_class_hour_more_is_refused():
    """S1: 原则上技能培训线上培训课时不超过总课时的40%，线上培训每课时为45分钟."""
    # 100 class hours; 40% = 40 class hours = 1800 to 1844 minutes.
    assert online_share_refusal(SHANDONG, "skill", 100, 1844) is None
    assert online_share_refusal(SHANDONG, "skill", 100, 1845).rule == "S1"


def test_j2_knowledge_occupation_may_be_fully_online():
    result = quote(JIANGXI, standard_fen=60000, shortage=False, filed_on=date(2020, 6, 1),
                   occupation_type="knowledge", total_class_hours=80, online_minutes=80 * 45)
    assert result.eligible and result.total_fen == 60000
    assert result.payments == [Payment("full", 60000)]
    assert result.online_class_hours == 80


def test_j3_filing_before_the_jiangxi_notice_is_refused():
    result = quote(JIANGXI, standard_fen=60000, shortage=False, filed_on=date(2020, 4, 27))
    assert not result.eligible and result.refusals[0].rule == "J3"


def test_n3_national_profile_applies_only_during_the_hundred_day_action():
    assert quote(NATIONAL, standard_fen=50000, shortage=False, filed_on=date(2020, 6, 30)).eligible
    assert not quote(NATIONAL, standard_fen=50000, shortage=False, filed_on=date(2020, 7, 1)).eligible


# --- S2: Shandong segments ----------------------------------------------------

def test_s2_shandong_pays_online_and_offline_segments_where_the_city_opted_in():
    result = quote(SHANDONG, standard_fen=100000, shortage=False, filed_on=date(2020, 6, 1), total_class_hours=100,
                   online_minutes=45, segmented_online_percent=20, offline_done_on=date(2020, 12, 31))
    assert result.total_fen == 100000
    assert result.payments == [Payment("online", 20000, "platform"), Payment("offline", 80000, "institution")]


def test_s2_shandong_without_opt_in_pays_the_ordinary_full_subsidy():
    result = quote(SHANDONG, standard_fen=100000, shortage=False, filed_on=date(2020, 6, 1))
    assert result.payments == [Payment("full", 100000, "institution")]


def test_s2_shandong_shortage_flag_adds_nothing_without_a_shortage_rule():
    result = quote(SHANDONG, standard_fen=100000, shortage=True, filed_on=date(2020, 6, 1))
    assert result.total_fen == 100000 and len(result.steps) == 1


# --- class hours and splitting --------------------------------------------------

@pytest.mark.parametrize("minutes, hours", [(0, 0), (44, 0), (45, 1), (89, 1), (90, 2)])
def test_l1_s1_only_complete_45_minute_class_hours_count(minutes, hours):
    assert class_hours(minutes) == hours


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=120))
def test_class_hours_rounds_down(minutes, class_hour_minutes):
    hours = class_hours(minutes, class_hour_minutes)
    assert hours * class_hour_minutes <= minutes < (hours + 1) * class_hour_minutes


@st.composite
def percent_lists(draw):
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=100), max_size=4)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in zip(bounds, bounds[1:])]


@given(st.integers(min_value=0, max_value=MAX_STANDARD_FEN), percent_lists())
def test_split_fen_parts_sum_to_total_and_all_but_last_round_down(total_fen, percents):
    parts = split_fen(total_fen, percents)
    assert sum(parts) == total_fen
    assert len(parts) == len(percents)
    for part, percent in zip(parts[:-1], percents[:-1]):
        assert part == total_fen * percent // 100


def test_split_fen_refuses_percents_that_do_not_sum_to_100():
    with pytest.raises(BadInput, match="sum to 100"):
        split_fen(100, [30, 60])


@given(
    region=st.sampled_from(REGIONS),
    standard_fen=st.integers(min_value=1, max_value=MAX_STANDARD_FEN),
    shortage=st.booleans(),
    filed_on=st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 12, 31)),
    occupation_type=st.sampled_from(["knowledge", "skill", "simulation"]),
    total_class_hours=st.integers(min_value=1, max_value=2000),
    online_share=st.integers(min_value=0, max_value=100),
)
def test_quote_payments_and_steps_always_sum_to_total(
    region, standard_fen, shortage, filed_on, occupation_type, total_class_hours, online_share
):
    online_minutes = total_class_hours * 45 * online_share // 100
    result = quote(profile_for(region), standard_fen=standard_fen, shortage=shortage, filed_on=filed_on,
                   occupation_type=occupation_type, total_class_hours=total_class_hours,
                   online_minutes=online_minutes)
    assert sum(p.fen for p in result.payments) == result.total_fen
    assert sum(s.fen for s in result.steps) == result.total_fen
    assert result.eligible == (result.refusals == [])
    assert result.eligible == (result.total_fen > 0)
    assert all(isinstance(p.fen, int) and p.fen >= 0 for p in result.payments)
    encoded = result.to_json()
    assert set(encoded) == {"total_fen", "steps", "payments", "online_class_hours", "eligible", "refusals"}


# --- bad input ---------------------------------------------------------------

GOOD = dict(standard_fen=80000, shortage=False, filed_on=date(2020, 4, 1))


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(standard_fen=-1), "standard_fen"),
        (dict(standard_fen=0), "standard_fen"),
        (dict(standard_fen=MAX_STANDARD_FEN + 1), "10,000,000"),
        (dict(standard_fen=800.0), "standard_fen"),
        (dict(standard_fen=True), "standard_fen"),
        (dict(total_class_hours=2001), "2,000"),
        (dict(total_class_hours=0), "total_class_hours"),
        (dict(occupation_type="magic"), "occupation_type"),
        (dict(total_class_hours=10, online_minutes=-1), "online_minutes"),
        (dict(online_minutes=10), "total_class_hours is needed"),
        (dict(filed_on="2020-04-01"), "filed_on"),
        (dict(filed_on=datetime(2020, 4, 1)), "filed_on"),
        (dict(shortage="yes"), "shortage"),
        (dict(own_ratio_percent=-5), "own_ratio_percent"),
    ],
)
def test_bad_inputs_raise_bad_input_naming_the_limit(change, message):
    with pytest.raises(BadInput, match=message):
        quote(HENGYANG, **{**GOOD, **change})


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_STANDARD_FEN + 1)))
def test_any_out_of_range_standard_raises_bad_input(standard_fen):
    with pytest.raises(BadInput):
        quote(HENGYANG, **{**GOOD, "standard_fen": standard_fen})


@given(st.integers(max_value=-1))
def test_negative_minutes_raise_bad_input(minutes):
    with pytest.raises(BadInput):
        class_hours(minutes)


def test_quote_to_json_has_exactly_the_cli_shape():
    encoded = quote(HENGYANG, standard_fen=80000, shortage=True, filed_on=date(2020, 4, 1)).to_json()
    assert encoded == {
        "total_fen": 132000,
        "steps": [
            {"rule": "H2", "description": encoded["steps"][0]["description"], "fen": 80000},
            {"rule": "H2", "description": encoded["steps"][1]["description"], "fen": 40000},
            {"rule": "H2", "description": encoded["steps"][2]["description"], "fen": 12000},
        ],
        "payments": [{"stage": "prepayment", "fen": 39600, "payee": "institution"},
                     {"stage": "balance", "fen": 92400, "payee": "institution"}],
        "online_class_hours": 0,
        "eligible": True,
        "refusals": [],
    }
    assert isinstance(Refusal("L1", "x"), Refusal)
