"""Checks of the steps that a deliberate break (a check deleted, a comparison
flipped) must not survive: another region's bureau acting on this region's
vouchers and filings, an institution redeeming a voucher enrolled elsewhere,
prepayment and payment at one fen past the limit (H3, H7), a rejected filing
(H4), and the exits (a rejected review, a failed assessment) that free the
trainee's subsidy (S2) and pay nothing. Each refusal leaves the log as it was."""

from __future__ import annotations

import uuid

import pytest

from ledger.errors import Conflict, RoleNotAllowed, RuleViolation
from tests.test_rules_enforced import refused
from tests.world import ELECTRICIAN, World

EVIDENCE = {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]}
FUND = "skills_upgrading_account"  # Hengyang's fund (N6)


@pytest.fixture
def other(world: World) -> World:
    """Jiangxi's bureau on the same ledger, acting at Liaoning's time."""
    jiangxi = World(world.ledger, "jiangxi")
    jiangxi.clock = world.clock
    world.ledger.clock = world.clock
    return jiangxi


def requested(world: World) -> uuid.UUID:
    voucher = world.certified_voucher()
    world.do(world.institution, "request_redemption", voucher, EVIDENCE)
    return voucher


def in_notice(world: World) -> uuid.UUID:
    voucher = requested(world)
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
    world.do(world.bureau, "open_notice", voucher, {"days": 5})
    return voucher


# -- another region's bureau -----------------------------------------------------


def test_region_another_regions_bureau_cannot_issue_to_this_regions_trainee(world: World, other: World) -> None:
    trainee = world.trainee()
    body = {"trainee": trainee.actor, "occupation": ELECTRICIAN, "level": 4, "valid_until": "2023-09-01"}
    refused(other, None, other.bureau, "issue_voucher", uuid.uuid4(), body, error=RoleNotAllowed)
    world.do(world.bureau, "issue_voucher", uuid.uuid4(), body)


def test_h4_another_regions_bureau_cannot_approve_or_reject_a_filing(world: World, other: World) -> None:
    filing = uuid.uuid4()
    world.do(world.institution, "file_class", filing, world.filing_body())
    refused(other, None, other.bureau, "approve_filing", filing, {}, error=RoleNotAllowed)
    refused(other, None, other.bureau, "reject_filing", filing, {"reason": "not ours"}, error=RoleNotAllowed)
    world.do(world.bureau, "approve_filing", filing, {})
    assert world.ledger.get(filing).status == "approved"


def test_h6_another_regions_bureau_cannot_review_a_redemption(world: World, other: World) -> None:
    voucher = requested(world)
    for approved in (True, False):
        refused(other, None, other.bureau, "review_redemption", voucher, {"approved": approved, "reason": "x"},
                error=RoleNotAllowed)
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
    assert world.ledger.get(voucher).status == "approved"


def test_h7_another_regions_bureau_cannot_open_object_to_or_close_a_notice(world: World, other: World) -> None:
    voucher = requested(world)
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
    refused(other, None, other.bureau, "open_notice", voucher, {"days": 5}, error=RoleNotAllowed)
    world.do(world.bureau, "open_notice", voucher, {"days": 5})
    refused(other, None, other.bureau, "raise_objection", voucher, {"reason": "x"}, error=RoleNotAllowed)
    world.clock.advance(days=6)
    refused(other, None, other.bureau, "close_notice", voucher, {"outcome": "upheld"}, error=RoleNotAllowed)
    world.do(world.bureau, "close_notice", voucher, {"outcome": "cleared"})
    assert world.ledger.get(voucher).status == "cleared"


def test_h7_the_inspector_objects_in_any_region_and_the_own_bureau_too(world: World) -> None:
    """H7: the inspector (of no region) and the voucher's own bureau may object during the notice."""
    voucher = in_notice(world)
    world.do(world.inspector, "raise_objection", voucher, {"reason": "inspection found gaps"})
    world.do(world.bureau, "raise_objection", voucher, {"reason": "a complaint"})
    assert len(world.ledger.get(voucher).objections) == 2


def test_l12_another_regions_bureau_cannot_claw_back(world: World, other: World) -> None:
    voucher = world.paid_voucher()
    paid_fen = world.ledger.get(voucher).paid_fen
    body = {"amount_fen": paid_fen, "reason": "fraud", "rule": "L12"}
    refused(other, None, other.bureau, "claw_back", voucher, body, error=RoleNotAllowed)
    world.do(world.bureau, "claw_back", voucher, body)
    assert world.ledger.get(voucher).clawed_back_fen == paid_fen


# -- own institution ---------------------------------------------------------------


def test_h6_an_institution_cannot_redeem_a_voucher_enrolled_elsewhere(world: World) -> None:
    voucher = world.certified_voucher()
    elsewhere = world.register(world.bureau, "institution", name="other school", kind="social_training")
    world.do(world.bureau, "list_in_catalogue", elsewhere.actor, {})
    refused(world, None, elsewhere, "request_redemption", voucher, EVIDENCE, error=RoleNotAllowed)
    world.do(world.institution, "request_redemption", voucher, EVIDENCE)
    assert world.ledger.get(voucher).status == "redemption_requested"


# -- money: H3 prepayment, H7 the balance -----------------------------------------


def test_h3_prepayment_up_to_the_ratio_and_not_one_fen_more(hengyang: World) -> None:
    """H3 (Hengyang 30%): "预拨…30%" -- 39600 of 132000 fen in advance, 1 fen more is refused."""
    voucher = hengyang.certified_voucher(standard_fen=80000, shortage=True)
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 39601, "fund": FUND})
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39599, "fund": FUND})
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 2, "fund": FUND})
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 1, "fund": FUND})
    assert hengyang.ledger.get(voucher).prepaid_fen == 39600


def test_h3_no_prepayment_on_a_paid_voucher(hengyang: World) -> None:
    voucher = hengyang.paid_voucher(standard_fen=80000, shortage=True)
    refused(hengyang, "H3", hengyang.finance, "prepay", voucher, {"amount_fen": 1, "fund": FUND})
    assert hengyang.ledger.get(voucher).prepaid_fen == 0


@pytest.mark.parametrize("off_by_fen", [1, -1])
def test_h7_pay_exactly_the_balance_one_fen_off_is_a_rule_violation(hengyang: World, off_by_fen: int) -> None:
    """H7: the balance is the approved subsidy less the prepayment, to the fen; one fen over or under
    is refused with H7 (never an assertion error)."""
    voucher = hengyang.certified_voucher(standard_fen=80000, shortage=True)
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39600, "fund": FUND})
    hengyang.redeem_and_clear(voucher)
    error = refused(hengyang, "H7", hengyang.finance, "pay", voucher, {"amount_fen": 92400 + off_by_fen, "fund": FUND})
    assert "92400" in str(error)
    hengyang.do(hengyang.finance, "pay", voucher, {"amount_fen": 92400, "fund": FUND})
    state = hengyang.ledger.get(voucher)
    assert (state.status, state.paid_fen, state.prepaid_fen + state.paid_fen) == ("paid", 92400, 132000)
    refused(hengyang, "H7", hengyang.finance, "pay", voucher, {"amount_fen": 1, "fund": FUND})


# -- H4: a rejected filing -----------------------------------------------------------


def test_h4_enrolment_in_a_rejected_filing_is_refused(world: World) -> None:
    """H4: "未经备案…不予补贴" -- a rejected filing takes no trainees and cannot be approved afterwards."""
    filing = uuid.uuid4()
    world.do(world.institution, "file_class", filing, world.filing_body())
    world.do(world.bureau, "reject_filing", filing, {"reason": "teachers not qualified"})
    assert world.ledger.get(filing).status == "rejected"
    trainee = world.trainee()
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    refused(world, "H4", world.institution, "enrol", voucher, {"filing": str(filing)})
    refused(world, None, world.bureau, "approve_filing", filing, {}, error=Conflict)


# -- exits that free the subsidy (S2) and pay nothing ----------------------------------


def _exit_frees_the_claim_and_pays_nothing(world: World, voucher: uuid.UUID, status: str) -> None:
    state = world.ledger.get(voucher)
    assert state.status == status
    trainee = state.trainee
    for key, command, body in ((world.finance, "pay", {"amount_fen": state.subsidy_fen, "fund": world.profile.funds[0]}),
                               (world.bureau, "open_notice", {"days": 5}),
                               (world.institution, "request_redemption", EVIDENCE)):
        refused(world, None, key, command, voucher, body, error=RuleViolation)
    again = uuid.uuid4()
    world.do(world.bureau, "issue_voucher", again, {"trainee": str(trainee), "occupation": ELECTRICIAN, "level": 4,
                                                    "valid_until": "2023-12-01"})
    assert world.ledger.get(again).status == "issued"


def _second_voucher_is_refused(world: World, voucher: uuid.UUID) -> None:
    """S2: while the voucher is live, the same trainee x occupation x level gets no second one."""
    trainee = world.ledger.get(voucher).trainee
    refused(world, "S2", world.bureau, "issue_voucher", uuid.uuid4(),
            {"trainee": str(trainee), "occupation": ELECTRICIAN, "level": 4, "valid_until": "2023-12-01"})


def test_s2_a_rejected_review_frees_the_subsidy_and_pays_nothing(world: World) -> None:
    voucher = requested(world)
    _second_voucher_is_refused(world, voucher)
    world.do(world.bureau, "review_redemption", voucher, {"approved": False, "reason": "evidence missing"})
    _exit_frees_the_claim_and_pays_nothing(world, voucher, "rejected")


def test_s2_an_objection_upheld_frees_the_subsidy_and_pays_nothing(world: World) -> None:
    voucher = in_notice(world)
    world.do(world.inspector, "raise_objection", voucher, {"reason": "never attended"})
    world.clock.advance(days=6)
    world.do(world.bureau, "close_notice", voucher, {"outcome": "upheld", "reason": "confirmed"})
    _exit_frees_the_claim_and_pays_nothing(world, voucher, "rejected")


def test_s2_a_failed_assessment_frees_the_subsidy_and_pays_nothing(world: World) -> None:
    """N3/J3: no certificate, no subsidy; the trainee may try again on a new voucher."""
    voucher = world.trained_voucher()
    _second_voucher_is_refused(world, voucher)
    world.do(world.assessor, "assess", voucher, {"passed": False})
    _exit_frees_the_claim_and_pays_nothing(world, voucher, "failed")
