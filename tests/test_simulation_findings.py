"""What the whole-ledger simulation (tests/test_simulation.py) found on the
code as it was, each as the shortest sequence that shows it, kept as a
regression test now that it is fixed."""

from __future__ import annotations


from ledger.aggregates.indexes import SubsidyClaim
from ledger.errors import RuleViolation
from tests.world import ELECTRICIAN, World


def test_s2_a_clawed_back_voucher_frees_its_trainee_occupation_and_level(hengyang: World) -> None:
    """S2, one subsidy each: "同一职业同一等级". A claw-back ends the voucher
    (status clawed_back, one of the exits), so the SubsidyClaim index must no
    longer name it as the trainee's live voucher; before the fix it still did, and
    a new voucher was refused "already holds live voucher" naming the clawed-back one."""
    world = hengyang
    voucher, trainee = world.enrolled_voucher()
    state = world.ledger.get(voucher)
    world.do(world.finance, "prepay", voucher, {"amount_fen": state.payments[0]["fen"],
                                                 "fund": world.profile.funds[0]})
    world.do(world.bureau, "claw_back", voucher, {"amount_fen": state.payments[0]["fen"], "reason": "fraud found",
                                                   "rule": "L12"})
    assert world.ledger.get(voucher).status == "clawed_back"
    claim = world.ledger.get(SubsidyClaim.id_for(trainee.actor, ELECTRICIAN, "4"))
    assert claim.voucher is None, f"the claim index still names clawed-back voucher {claim.voucher}"
    try:
        world.issue(trainee)
    except RuleViolation as refusal:
        raise AssertionError(f"a new voucher was refused: {refusal}") from None
