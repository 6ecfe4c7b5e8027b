"""The living allowance as the notices write it (N4; S3; seed 003 四(二)):
"对参加线上培训的…在培训期间给予一定的生活费补贴…所需资金从就业补助资金中列支".
Before: pay_allowance took any amount, any number of times, after payout too,
and never asked whether any online training happened."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import BadInput, LedgerError
from tests.test_rules_enforced import refused
from tests.world import World


def eligible_voucher(world: World, online_days: int = 3, groups: tuple[str, ...] = ("registered_poor",)):
    """Enrolled, with online learning on `online_days` consecutive days from day 3 after enrolment."""
    trainee = world.trainee(allowance_groups=list(groups))
    filing = world.approved_filing()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    world.do(world.institution, "enrol", voucher, {"filing": str(filing)})
    world.clock.advance(days=3)
    for _ in range(online_days):
        world.online(voucher, 30)
        world.clock.advance(days=1)
    return voucher


def test_n4_an_allowance_names_its_days_and_pays_at_most_the_daily_amount(hengyang: World) -> None:
    """N4, 004: "在培訓期間給予一定的生活費補貼" -- 4 days at the daily amount pass, one fen more is refused."""
    voucher = eligible_voucher(hengyang)
    daily_fen = hengyang.profile.allowance.daily_fen
    error = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
                    hengyang.allowance_body(voucher, days=4, amount_fen=4 * daily_fen + 1))
    assert f"a day for 4 days ({4 * daily_fen} fen; set by: vledger project placeholder" in str(error)
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=4))
    state = hengyang.ledger.get(voucher)
    assert state.allowance_fen == 4 * daily_fen and state.allowance_days_paid == 4


def test_n4_no_day_is_paid_twice(hengyang: World) -> None:
    """N4, 004: "在培訓期間給予一定的生活費補貼" -- each day of training is paid once."""
    voucher = eligible_voucher(hengyang)
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=4))
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=5))
    later = (date.fromisoformat(hengyang.ledger.get(voucher).enrolled_on) + timedelta(days=4)).isoformat()
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=1, from_day=later))


def test_n4_only_days_in_training_with_online_learning_in_them(hengyang: World) -> None:
    """在培训期间 (during training) and 对参加线上培训的 (for those who take online training)."""
    voucher = eligible_voucher(hengyang)
    enrolled_on = date.fromisoformat(hengyang.ledger.get(voucher).enrolled_on)
    before = (enrolled_on - timedelta(days=2)).isoformat()
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
            hengyang.allowance_body(voucher, days=2, from_day=before))
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,  # enrolment days 0-2: no online learning
            hengyang.allowance_body(voucher, days=3))
    future = (hengyang.clock.now.date() + timedelta(days=1)).isoformat()
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
            hengyang.allowance_body(voucher, days=1, from_day=future))


def test_n4_no_allowance_after_the_assessment_day_nor_after_payout(hengyang: World) -> None:
    """Issue 12: two payments of 100,000 yuan each were accepted 200 days after payout."""
    voucher = eligible_voucher(hengyang)
    hengyang.complete_hours(voucher)
    hengyang.do(hengyang.assessor, "assess", voucher, {"passed": True, "certificate_number": "N4-1",
                                                          "certificate_kind": "training_qualified"})
    hengyang.clock.advance(days=2)
    after = hengyang.clock.now.date().isoformat()
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
            hengyang.allowance_body(voucher, days=1, from_day=after))
    hengyang.redeem_and_clear(voucher)
    hengyang.do(hengyang.finance, "pay", voucher, {"amount_fen": hengyang.ledger.get(voucher).balance_due_fen,
                                                   "fund": hengyang.profile.funds[0]})
    hengyang.clock.advance(days=200)
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
            hengyang.allowance_body(voucher, days=4, amount_fen=10_000_000))


def test_n4_training_ends_today_until_assessed_then_on_the_assessment_day(hengyang: World) -> None:
    """N4, 004: "在培訓期間給予一定的生活費補貼"; 003 四(二): "在培训期间按规定享受生活费补贴" -- the training
    period ends today while the trainee is unassessed (a payment through today passes, through tomorrow
    is refused), and on the assessment day once assessed (through it passes, through the day after is
    refused)."""
    unassessed = eligible_voucher(hengyang)
    online_day = hengyang.ledger.get(unassessed).online_days[-1]
    today = hengyang.clock.now.date()
    span = (today - date.fromisoformat(online_day)).days + 1  # the last online day through today
    error = refused(hengyang, "N4", hengyang.finance, "pay_allowance", unassessed,
                    hengyang.allowance_body(unassessed, days=span + 1, from_day=online_day))
    assert f"today, {today}" in str(error)
    hengyang.do(hengyang.finance, "pay_allowance", unassessed,
                hengyang.allowance_body(unassessed, days=span, from_day=online_day))

    assessed = eligible_voucher(hengyang)
    online_day = hengyang.ledger.get(assessed).online_days[-1]
    hengyang.complete_hours(assessed)
    hengyang.do(hengyang.assessor, "assess", assessed, {"passed": True, "certificate_number": "N4-END",
                                                        "certificate_kind": "training_qualified"})
    assessed_on = hengyang.ledger.get(assessed).assessed_on
    span = (date.fromisoformat(assessed_on) - date.fromisoformat(online_day)).days + 1
    hengyang.clock.advance(days=3)
    error = refused(hengyang, "N4", hengyang.finance, "pay_allowance", assessed,
                    hengyang.allowance_body(assessed, days=span + 1, from_day=online_day))
    assert f"assessment on {assessed_on}" in str(error)
    hengyang.do(hengyang.finance, "pay_allowance", assessed,
                hengyang.allowance_body(assessed, days=span, from_day=online_day))
    assert hengyang.ledger.get(assessed).allowance_days == [[online_day, assessed_on]]


def test_n4_a_trainee_who_failed_the_assessment_is_paid_for_the_online_days_before_it(hengyang: World) -> None:
    """"对参加线上培训的…在培训期间给予一定的生活费补贴": the allowance is for taking online training, not for
    passing; after a failed assessment the days up to it are paid, the day after it is not, and a revoked
    voucher takes none."""
    voucher = eligible_voucher(hengyang)
    hengyang.complete_hours(voucher)
    hengyang.do(hengyang.assessor, "assess", voucher, {"passed": False})
    assessed_on = date.fromisoformat(hengyang.ledger.get(voucher).assessed_on)
    hengyang.clock.advance(days=3)
    day_after = (assessed_on + timedelta(days=1)).isoformat()
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
            hengyang.allowance_body(voucher, days=1, from_day=day_after))
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=4))
    assert hengyang.ledger.get(voucher).status == "failed"
    revoked = eligible_voucher(hengyang)
    hengyang.do(hengyang.bureau, "revoke_voucher", revoked, {"reason": "issued in error"})
    error = refused(hengyang, "N4", hengyang.finance, "pay_allowance", revoked,
                    hengyang.allowance_body(revoked, days=4))
    assert "is revoked" in str(error)


def test_n4_at_most_the_regions_maximum_days(hengyang: World) -> None:
    """N4, 004: "在培訓期間給予一定的生活費補貼" -- at most the profile's maximum days (60 pass, 61 refused)."""
    voucher = eligible_voucher(hengyang, online_days=1)
    max_days = hengyang.profile.allowance.max_days
    hengyang.clock.advance(days=max_days + 5)
    hengyang.online(voucher, 30)
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
            hengyang.allowance_body(voucher, days=max_days + 1))
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=max_days))


def test_n4_only_from_the_employment_subsidy_fund(hengyang: World) -> None:
    """所需资金从就业补助资金中列支."""
    voucher = eligible_voucher(hengyang)
    body = {**hengyang.allowance_body(voucher, days=4), "fund": "skills_upgrading_account"}
    refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher, body)
    refused(hengyang, None, hengyang.finance, "pay_allowance", voucher, {**body, "fund": "no such fund"},
            error=BadInput)


def test_n4_a_region_that_has_not_opted_in_pays_none(world: World) -> None:
    """Liaoning's notice (seed 001) names no living allowance."""
    assert world.profile.allowance is None
    voucher = eligible_voucher(world)
    refused(world, "N4", world.finance, "pay_allowance", voucher, world.allowance_body(voucher, days=4))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payments=st.lists(st.tuples(st.integers(min_value=-3, max_value=12), st.integers(min_value=1, max_value=8),
                                   st.integers(min_value=1, max_value=40_000)), min_size=1, max_size=6))
def test_n4_property_no_sequence_of_payments_exceeds_the_daily_amount_times_days_in_training(
        hengyang: World, payments: list[tuple[int, int, int]]) -> None:
    """Whatever finance sends, the allowance paid stays within daily amount x days in training."""
    voucher = eligible_voucher(hengyang, online_days=4)
    state = hengyang.ledger.get(voucher)
    enrolled_on = date.fromisoformat(state.enrolled_on)
    for offset, days, amount_fen in payments:
        body = hengyang.allowance_body(voucher, days=days, amount_fen=amount_fen,
                                       from_day=(enrolled_on + timedelta(days=offset)).isoformat())
        try:
            hengyang.do(hengyang.finance, "pay_allowance", voucher, body)
        except LedgerError:
            pass
    state = hengyang.ledger.get(voucher)
    days_in_training = (hengyang.clock.now.date() - enrolled_on).days + 1
    assert state.allowance_fen <= hengyang.profile.allowance.daily_fen * min(days_in_training,
                                                                             hengyang.profile.allowance.max_days)
    covered = [day for first, last in state.allowance_days
               for day in range(date.fromisoformat(first).toordinal(), date.fromisoformat(last).toordinal() + 1)]
    assert len(covered) == len(set(covered)) == state.allowance_days_paid, "a day paid twice"


# -- Shandong (S3, seed 002 三(二)) and Jiangxi (seed 003 四(二)) ---------------------------------
# Their refusals cite N4, the allowance rule S3 and seed 003 repeat (DOMAIN: "S3 Living allowance as N4").

SHANDONG_RULES = JIANGXI_RULES = {"N4"}
NOTICE_GROUPS = {  # the groups each notice names, in the ledger's words
    "shandong": {"registered_poor", "employment_difficulty", "zero_employment_family", "two_after_rural",
                 "urban_minimum_living"},
    "jiangxi": {"registered_poor", "employment_difficulty", "two_after_rural", "urban_minimum_living"},
}


def daily_amount_at_the_limit_and_one_fen_past(world: World, rules: set[str]) -> None:
    voucher = eligible_voucher(world)
    daily_fen = world.profile.allowance.daily_fen
    refused(world, rules, world.finance, "pay_allowance", voucher,
            world.allowance_body(voucher, days=4, amount_fen=4 * daily_fen + 1))
    world.do(world.finance, "pay_allowance", voucher, world.allowance_body(voucher, days=4))
    state = world.ledger.get(voucher)
    assert (state.allowance_fen, state.allowance_days_paid) == (4 * daily_fen, 4)


def maximum_days_at_the_limit_and_one_day_past(world: World, rules: set[str]) -> None:
    """One payment of max_days + 1 is refused, max_days is paid, then one more day (with online
    learning in it) is refused."""
    voucher = eligible_voucher(world, online_days=1)
    max_days = world.profile.allowance.max_days
    world.clock.advance(days=max_days + 5)
    world.online(voucher, 30)
    refused(world, rules, world.finance, "pay_allowance", voucher, world.allowance_body(voucher, days=max_days + 1))
    world.do(world.finance, "pay_allowance", voucher, world.allowance_body(voucher, days=max_days))
    today = world.clock.now.date().isoformat()
    error = refused(world, rules, world.finance, "pay_allowance", voucher,
                    world.allowance_body(voucher, days=1, from_day=today))
    assert f"{max_days} days are paid already" in str(error)
    assert world.ledger.get(voucher).allowance_days_paid == max_days


def groups_paid(world: World, rules: set[str]) -> set[str]:
    """Each group alone: the groups whose trainee is paid; the others are refused."""
    paid = set()
    for group in ("registered_poor", "employment_difficulty", "zero_employment_family", "two_after_rural",
                  "urban_minimum_living"):
        voucher = eligible_voucher(world, groups=(group,))
        body = world.allowance_body(voucher, days=4)
        if group in NOTICE_GROUPS[world.region]:
            world.do(world.finance, "pay_allowance", voucher, body)
            paid.add(group)
        else:
            refused(world, rules, world.finance, "pay_allowance", voucher, body)
    return paid


def test_s3_shandong_pays_at_most_the_daily_amount_for_each_day(shandong: World) -> None:
    """S3, 002 三(二): "各市可根据实际，对参加线上培训的…在培训期间给予一定的生活费补贴（不含交通费补贴），
    所需资金从就业补助资金中列支" -- 4 days at the daily amount pass, one fen more is refused."""
    daily_amount_at_the_limit_and_one_fen_past(shandong, SHANDONG_RULES)


def test_s3_shandong_pays_at_most_the_maximum_days(shandong: World) -> None:
    """S3, 002 三(二): "在培训期间给予一定的生活费补贴" -- the profile's maximum days pass, one day more is refused."""
    maximum_days_at_the_limit_and_one_day_past(shandong, SHANDONG_RULES)


def test_s3_shandong_pays_the_five_groups_of_its_notice(shandong: World) -> None:
    """S3, 002 三(二): "对参加线上培训的建档立卡贫困劳动力、就业困难人员、零就业家庭成员、“两后生”中农村学员和
    城市低保家庭学员…给予一定的生活费补贴" -- all five groups, a zero-employment family among them."""
    assert groups_paid(shandong, SHANDONG_RULES) == NOTICE_GROUPS["shandong"]
    no_group = eligible_voucher(shandong, groups=())
    refused(shandong, SHANDONG_RULES, shandong.finance, "pay_allowance", no_group,
            shandong.allowance_body(no_group, days=4))


def test_jiangxi_allowance_pays_at_most_the_daily_amount_for_each_day(jiangxi: World) -> None:
    """003 四(二): "对参加线上培训的…在培训期间按规定享受生活费补贴，所需资金从就业补助资金中列支"
    -- 4 days at the daily amount pass, one fen more is refused."""
    daily_amount_at_the_limit_and_one_fen_past(jiangxi, JIANGXI_RULES)


def test_jiangxi_allowance_pays_at_most_the_maximum_days(jiangxi: World) -> None:
    """003 四(二): "在培训期间按规定享受生活费补贴" -- the profile's maximum days pass, one day more is refused."""
    maximum_days_at_the_limit_and_one_day_past(jiangxi, JIANGXI_RULES)


def test_jiangxi_allowance_pays_its_own_four_groups_and_no_zero_employment_family(jiangxi: World) -> None:
    """003 四(二): "对参加线上培训的城乡贫困劳动力、登记失业人员中的就业困难人员、城乡未继续升学的应届初高中
    毕业生中的农村学员和城市低保家庭学员" -- four groups; 零就业家庭成员, whom Shandong pays
    (test_s3_shandong_pays_the_five_groups_of_its_notice), is not among them and is refused."""
    assert groups_paid(jiangxi, JIANGXI_RULES) == NOTICE_GROUPS["jiangxi"]

