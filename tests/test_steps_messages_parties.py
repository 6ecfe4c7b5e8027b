"""The steps' refusals to the letter, continued from test_steps_messages.py: parties,
the catalogue and assessment, the living allowance (N4), the periods (H5, S2) and
the class, catalogue and region a voucher is for. A refusal names who was refused
and why (the rule ID and the parties, days and amounts)."""

from __future__ import annotations

import json
import uuid

import pytest

from ledger.credit_code import make_credit_code
from ledger.errors import BadInput, Conflict, RoleNotAllowed, RuleViolation
from ledger.signing import SigningKey
from tests.test_rules_enforced import refused
from tests.test_steps_messages import NOWHERE
from tests.world import ELECTRICIAN, World


# -- parties, the catalogue and assessment ---------------------------------------------------------


def _credit_code(world: World, key: SigningKey) -> str:
    return world.ledger.get(key.actor).credit_code


def a_key_another_party_holds(world):
    body = {"role": "platform", "public_key": world.institution.public_key_b64, "name": "copycat",
            "credit_code": make_credit_code(uuid.uuid4().int % 31 ** 9)}
    return world.bureau, "register_party", uuid.uuid4(), body, Conflict, None, \
        f"key {world.institution.key_id} is already held by party {world.institution.actor}; " \
        "each party registers its own key pair"


def a_bureau_registering_finance(world):
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="finance")
    return world.bureau, "register_party", uuid.uuid4(), {"role": "finance", "public_key": key.public_key_b64,
                                                          "name": "finance"}, \
        RoleNotAllowed, None, "a bureau registers only: institution, platform, trainee, assessor"


def the_root_registering_an_institution(world):
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="institution")
    return world.root, "register_party", uuid.uuid4(), {"role": "institution", "public_key": key.public_key_b64,
                                                        "name": "school", "kind": "social_training"}, \
        RoleNotAllowed, None, "a root registers only: bureau, finance, inspector"


def a_second_institution_under_one_credit_code(world):
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="institution")
    code = _credit_code(world, world.institution)
    return world.bureau, "register_party", uuid.uuid4(), {"role": "institution", "public_key": key.public_key_b64,
                                                          "name": "school again", "kind": "social_training",
                                                          "credit_code": code}, \
        Conflict, None, f"credit code {code} is already registered as institution {world.institution.actor}; " \
        "one organisation, one party per role"


def a_banned_organisation_registering_again(world):
    code = _credit_code(world, world.platform)
    world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked face checks"})
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="assessor")
    return world.bureau, "register_party", uuid.uuid4(), {"role": "assessor", "public_key": key.public_key_b64,
                                                          "name": "new name", "credit_code": code}, \
        RuleViolation, "L12", f"the organisation with credit code {code} was banned for life and may not register again"


def a_delisted_institution_filing(world):
    world.do(world.bureau, "delist", world.institution.actor, {"reason": "zombie"})
    return world.institution, "file_class", uuid.uuid4(), world.filing_body(), RuleViolation, "L2", \
        f"institution {world.institution.actor} is not in the recommended catalogue"


def a_banned_institution_filing(world):
    world.do(world.bureau, "ban", world.institution.actor, {"reason": "faked attendance"})
    return world.institution, "file_class", uuid.uuid4(), world.filing_body(), RuleViolation, "L12", \
        f"institution {world.institution.actor} is banned for life"


def a_filing_approved_after_the_class_started(world):
    filing = uuid.uuid4()
    body = world.filing_body()
    world.do(world.institution, "file_class", filing, body)
    world.clock.advance(days=3)
    return world.bureau, "approve_filing", filing, {}, RuleViolation, "H4", \
        f"the class started {body['starts_on']}; a filing is approved before the class starts"


def an_assessor_with_the_trainers_credit_code(world):
    code = _credit_code(world, world.institution)
    key = world.register(world.bureau, "assessor", name="in-house", credit_code=code)
    return key, "assess", world.trained_voucher(), {"passed": False}, RuleViolation, "S4", \
        f"assessor {key.actor} has the credit code of the training institution ({code}); assessment is " \
        "independent of the trainer except an enterprise assessing its own staff"


def a_certificate_on_two_vouchers(world):
    first = world.trained_voucher()
    body = {"passed": True, "certificate_number": "C-0001", "certificate_kind": "training_qualified"}
    world.do(world.assessor, "assess", first, body)
    return world.assessor, "assess", world.trained_voucher(), body, RuleViolation, "L13", \
        f"certificate C-0001 is already on voucher {first}"


def a_training_school_assessing_its_own_trainee(world):
    return world.institution, "assess", world.trained_voucher(), {"passed": False}, RuleViolation, "S4", \
        f"institution {world.institution.actor} (social_training) may not assess its own trainee: only an " \
        "enterprise assesses the staff it trains (参加企业组织的线上培训的, 企业可…进行综合评价); " \
        "others are assessed by an assessor"


PARTY_REFUSALS = [a_key_another_party_holds, a_bureau_registering_finance, the_root_registering_an_institution,
                  a_second_institution_under_one_credit_code, a_banned_organisation_registering_again,
                  a_delisted_institution_filing, a_banned_institution_filing,
                  a_filing_approved_after_the_class_started, an_assessor_with_the_trainers_credit_code,
                  a_certificate_on_two_vouchers, a_training_school_assessing_its_own_trainee]


@pytest.mark.parametrize("case", PARTY_REFUSALS, ids=[case.__name__ for case in PARTY_REFUSALS])
def test_a_refusal_about_parties_and_assessment_names_them(world: World, case) -> None:
    """L2, L12, L13, H4, S4 and the trust model: the whole message, with the parties and codes filled in."""
    key, command, target, body, error, rule, message = case(world)
    caught = refused(world, rule, key, command, target, body, error=error)
    assert type(caught) is error and caught.rule == rule
    assert str(caught) == (f"{rule}: {message}" if rule else message)


def test_l12_banning_a_credit_code_bans_every_party_under_it_naming_the_reason(world: World) -> None:
    code = make_credit_code(uuid.uuid4().int % 31 ** 9)
    school = world.register(world.bureau, "institution", name="caught faking", kind="social_training",
                            credit_code=code)
    assessor = world.register(world.bureau, "assessor", name="its assessment arm", credit_code=code)
    world.do(world.bureau, "ban", school.actor, {"reason": "faked attendance"})
    banned = {str(n.originator_id): json.loads(n.state)["facts"] for n in world.ledger.notifications()
              if n.topic == "vledger:Party.Banned"}
    assert banned == {school.actor: {"reason": "faked attendance"},
                      assessor.actor: {"reason": "credit code banned: faked attendance"}}


# -- N4: the living allowance's refusals name the days, amounts and fund ------------------------------


def test_n4_a_region_that_has_not_opted_in_says_so(world: World) -> None:
    from tests.test_allowance import eligible_voucher

    voucher = eligible_voucher(world)
    caught = refused(world, "N4", world.finance, "pay_allowance", voucher, world.allowance_body(voucher, days=4))
    assert str(caught) == "N4: region liaoning has not opted in to the living allowance and pays none"


def test_n4_allowance_refusals_name_the_group_fund_days_and_amounts(hengyang: World) -> None:
    from datetime import date, timedelta

    from tests.test_allowance import eligible_voucher

    outside = eligible_voucher(hengyang, groups=())
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", outside,
                     hengyang.allowance_body(outside, days=4))
    assert str(caught) == ("N4: the living allowance is for registered poor labourers, persons with employment "
                           "difficulty, zero-employment families, rural two-after students and urban minimum-living "
                           "families")

    voucher = eligible_voucher(hengyang)
    enrolled_on = date.fromisoformat(hengyang.ledger.get(voucher).enrolled_on)
    body = {**hengyang.allowance_body(voucher, days=4), "fund": "skills_upgrading_account"}
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher, body)
    assert str(caught) == ("N4: the living allowance is paid from the employment subsidy fund "
                           "(employment_subsidy_fund), not skills_upgrading_account (所需资金从就业补助资金中列支)")
    body = {**hengyang.allowance_body(voucher, days=1), "from_day": (enrolled_on + timedelta(days=1)).isoformat(),
            "to_day": enrolled_on.isoformat()}
    caught = refused(hengyang, None, hengyang.finance, "pay_allowance", voucher, body, error=BadInput)
    assert str(caught) == "from_day must not be after to_day"
    before = (enrolled_on - timedelta(days=2)).isoformat()
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
                     hengyang.allowance_body(voucher, days=2, from_day=before))
    assert str(caught) == (f"N4: the allowance covers days in training (在培训期间): from enrolment on {enrolled_on} "
                           f"to today, {hengyang.clock.now.date()}")
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
                     hengyang.allowance_body(voucher, days=3))
    assert str(caught) == (f"N4: no online learning is recorded from {enrolled_on} to "
                           f"{enrolled_on + timedelta(days=2)}; the allowance is for those who take online training "
                           "(对参加线上培训的)")
    daily_fen, set_by = hengyang.profile.allowance.daily_fen, hengyang.profile.allowance.set_by
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
                     hengyang.allowance_body(voucher, days=4, amount_fen=4 * daily_fen + 1))
    assert str(caught) == (f"N4: {4 * daily_fen + 1} fen exceeds {daily_fen} fen a day for 4 days "
                           f"({4 * daily_fen} fen; set by: {set_by})")
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=4))
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
                     hengyang.allowance_body(voucher, days=5))
    assert str(caught) == (f"N4: days {enrolled_on} to {enrolled_on + timedelta(days=3)} were already paid; "
                           "no day is paid twice")
    max_days = hengyang.profile.allowance.max_days
    hengyang.clock.advance(days=max_days + 5)
    hengyang.online(voucher, 30)
    later = (enrolled_on + timedelta(days=4)).isoformat()
    caught = refused(hengyang, "N4", hengyang.finance, "pay_allowance", voucher,
                     hengyang.allowance_body(voucher, days=max_days, from_day=later))
    assert str(caught) == f"N4: 4 days are paid already; {max_days} more exceed the region's {max_days} days"


# -- H5 and S2: the periods' refusals name the region, days and ids ------------------------------------


def test_h5_the_epidemic_periods_refusals_name_its_days(hengyang: World) -> None:
    from datetime import timedelta

    from ledger.aggregates.periods import EpidemicPeriod
    from ledger.envelope import iso

    target = EpidemicPeriod.id_for("hunan-hengyang")
    today = hengyang.clock.now.date()
    caught = refused(hengyang, None, hengyang.bureau, "end_epidemic_period", target,
                     {"ended_on": "2020-03-08", "document": "x"}, error=BadInput)
    assert str(caught) == f"ended_on must be from the period's start 2020-03-09 to today {today}"
    caught = refused(hengyang, None, hengyang.bureau, "end_epidemic_period", NOWHERE,
                     {"ended_on": "2020-04-30", "document": "x"}, error=BadInput)
    assert str(caught) == f"the epidemic period of hunan-hengyang is recorded at id {target}"
    voucher, _ = hengyang.enrolled_voucher()
    hengyang.clock.advance(days=3)
    offline = {"started_at": iso(hengyang.clock.now), "minutes": 60, "location": "workshop"}
    caught = refused(hengyang, "H5", hengyang.institution, "record_offline_training", voucher, offline)
    banned = "H5: no offline group practical training during the epidemic period (疫情期间，不允许组织线下集中实操培训): " \
             "it runs from 2020-03-09 until the bureau records its end"
    assert str(caught) == banned + "; no end is recorded yet"
    hengyang.end_epidemic_period()
    ended_on = hengyang.clock.now.date()
    offline["started_at"] = iso(hengyang.clock.now - timedelta(days=1))
    caught = refused(hengyang, "H5", hengyang.institution, "record_offline_training", voucher, offline)
    assert str(caught) == banned + f" ({ended_on})"
    caught = refused(hengyang, None, hengyang.bureau, "end_epidemic_period", target,
                     {"ended_on": "2020-04-30", "document": "x"}, error=Conflict)
    assert str(caught) == f"the epidemic period of hunan-hengyang already ended on {ended_on}"


def test_h5_s2_a_profile_without_the_period_or_segments_says_so(world: World) -> None:
    from ledger.aggregates.periods import EpidemicPeriod, SegmentedSubsidy

    caught = refused(world, "H5", world.bureau, "end_epidemic_period", EpidemicPeriod.id_for(world.region),
                     {"ended_on": "2023-02-01", "document": "x"})
    assert str(caught) == "H5: the liaoning profile has no epidemic period to end"
    caught = refused(world, "S2", world.bureau, "adopt_segmented_subsidy", SegmentedSubsidy.id_for(world.bureau.actor),
                     {"online_percent": 20, "document": "x"})
    assert str(caught) == "S2: the liaoning profile pays no segments"


def test_s2_the_segmented_subsidys_refusals_name_its_id_and_ceiling(shandong: World) -> None:
    from ledger.aggregates.periods import SegmentedSubsidy

    target = SegmentedSubsidy.id_for(shandong.bureau.actor)
    caught = refused(shandong, None, shandong.bureau, "adopt_segmented_subsidy", NOWHERE,
                     {"online_percent": 20, "document": "x"}, error=BadInput)
    assert str(caught) == f"the segmented subsidy of this bureau is recorded at id {target}"
    caught = refused(shandong, "S2", shandong.bureau, "adopt_segmented_subsidy", target,
                     {"online_percent": 30, "document": "x"})
    assert str(caught) == "S2: the platform's part is at most 20% of the standard (不高于…20%), not 30%"
    shandong.adopt_segmented_subsidy()
    caught = refused(shandong, None, shandong.bureau, "adopt_segmented_subsidy", target,
                     {"online_percent": 20, "document": "x"}, error=Conflict)
    assert str(caught) == "this bureau already adopted segmented subsidies"


def test_l7_a_voucher_with_money_paid_on_it_is_clawed_back_not_revoked(hengyang: World) -> None:
    voucher = hengyang.certified_voucher(standard_fen=80000, shortage=True)
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39000, "fund": "skills_upgrading_account"})
    caught = refused(hengyang, "L7", hengyang.bureau, "revoke_voucher", voucher, {"reason": "issued in error"})
    assert str(caught) == (f"L7: 39000 fen were already paid on voucher {voucher}; claw it back instead, so the "
                           "money returns to its fund")


# -- the class, the catalogue and the region a voucher is for -----------------------------------------


def test_l7_h4_a_voucher_goes_only_to_an_institution_and_class_that_match_it(world: World) -> None:
    elsewhere = World(world.ledger, "jiangxi")
    elsewhere.clock = world.ledger.clock = world.clock
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.do(trainee, "claim_voucher", voucher, {})
    caught = refused(world, "L7", trainee, "choose_institution", voucher,
                     {"institution": elsewhere.institution.actor})
    assert str(caught) == f"L7: institution {elsewhere.institution.actor} is in jiangxi; the voucher is for liaoning"
    world.do(trainee, "choose_institution", voucher, {"institution": world.institution.actor})
    filing = world.approved_filing(level=3)
    caught = refused(world, None, world.institution, "enrol", voucher, {"filing": str(filing)}, error=BadInput)
    assert str(caught) == (f"the class trains {ELECTRICIAN} level 3 in liaoning; "
                           f"the voucher is for {ELECTRICIAN} level 4 in liaoning")


def test_h1_a_filings_class_hours_are_named_when_refused(world: World) -> None:
    from ledger.subsidy import MAX_CLASS_HOURS

    caught = refused(world, None, world.institution, "file_class", uuid.uuid4(),
                     world.filing_body(theory_class_hours=0, practical_class_hours=0), error=BadInput)
    assert str(caught) == f"theory_class_hours + practical_class_hours must be from 1 to {MAX_CLASS_HOURS:,}, got 0 + 0"
    caught = refused(world, None, world.institution, "file_class", uuid.uuid4(),
                     {**world.filing_body(theory_class_hours=12, practical_class_hours=12), "total_class_hours": 30},
                     error=BadInput)
    assert str(caught) == "total_class_hours 30 is not theory_class_hours + practical_class_hours = 24"


def test_n4_a_trainees_allowance_groups_are_from_the_list(world: World) -> None:
    from ledger.personal import commitment
    from ledger.rules import ALLOWANCE_GROUPS

    person = world.person()
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person),
            "allowance_groups": ["registered_poor", "registered_poor"]}
    caught = refused(world, None, world.bureau, "register_party", uuid.UUID(key.actor), body, error=BadInput,
                     personal=person)
    assert str(caught) == f"allowance_groups must be distinct items of: {', '.join(ALLOWANCE_GROUPS)} (N4)"


def test_h2_a_voucher_above_the_catalogued_standard_names_the_catalogue(world: World) -> None:
    from ledger.standards import standards_for

    catalogue = standards_for("liaoning")
    catalogued_fen = catalogue.standard_fen(ELECTRICIAN, 4)
    body = {"trainee": world.trainee().actor, "occupation": ELECTRICIAN, "level": 4, "valid_until": "2023-09-01",
            "standard_fen": catalogued_fen + 1}
    caught = refused(world, catalogue.rule, world.bureau, "issue_voucher", uuid.uuid4(), body)
    assert str(caught) == (f"{catalogue.rule}: standard_fen {catalogued_fen + 1} is above {catalogued_fen} fen, the "
                           f"standard of {catalogue.catalogue} (version {catalogue.version}) for {ELECTRICIAN} level 4")
    shortage = ELECTRICIAN in catalogue.shortage
    body = {**body, "standard_fen": catalogued_fen, "shortage": not shortage}
    caught = refused(world, catalogue.rule, world.bureau, "issue_voucher", uuid.uuid4(), body)
    assert str(caught) == (f"{catalogue.rule}: occupation {ELECTRICIAN} is {'' if shortage else 'not '}on the "
                           f"shortage list of {catalogue.catalogue}; the shortage uplift follows the list, not the "
                           "request")


def test_l12_a_voucher_nothing_was_paid_on_is_revoked_not_clawed_back(world: World) -> None:
    voucher = world.trained_voucher()
    world.do(world.assessor, "assess", voucher, {"passed": False})
    caught = refused(world, "L12", world.bureau, "claw_back", voucher,
                     {"amount_fen": 1, "reason": "fraud", "rule": "L12"})
    assert str(caught) == "L12: nothing was paid on this voucher; revoke it instead"


def test_l6_a_trainee_is_erased_only_after_the_records_are_kept_and_the_refusal_names_the_day(world: World) -> None:
    from datetime import date

    voucher, trainee = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.offline(voucher, 60)
    years = world.profile.retention_years
    assert years, "Liaoning keeps learning records (L6)"
    last = date.fromisoformat(world.ledger.get(voucher).last_record_at[:10])
    kept_until = last.replace(year=last.year + years)
    caught = refused(world, "L6", world.bureau, "erase_trainee", trainee.actor, {"reason": "asked to be forgotten"})
    assert str(caught) == (f"L6: trainee {trainee.actor}'s learning and payment records must be kept until "
                           f"{kept_until}; erasure is possible from that day")
