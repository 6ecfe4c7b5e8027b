"""The closed loop end to end (L7) and its exits."""

from __future__ import annotations

import pytest

from ledger.errors import RuleViolation
from tests.world import World


def test_l7_voucher_runs_the_whole_loop_to_payment(world: World) -> None:
    voucher = world.paid_voucher()
    state = world.ledger.get(voucher)
    assert state.status == "paid"
    assert state.paid_fen == state.subsidy_fen == 150000
    assert state.version == 13  # issued, claimed, institution chosen, enrolled, 3 offline days, assessed, requested, reviewed, notice opened and closed, paid


def test_h3_hengyang_prepays_thirty_percent_then_pays_the_balance(hengyang: World) -> None:
    voucher = hengyang.certified_voucher(standard_fen=80000, shortage=True)
    state = hengyang.ledger.get(voucher)
    assert state.subsidy_fen == 132000
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39600, "fund": "skills_upgrading_account"})
    hengyang.do(hengyang.institution, "request_redemption", voucher,
                {"evidence": [{"kind": "video", "sha256": "cd" * 32}]})
    hengyang.do(hengyang.bureau, "review_redemption", voucher, {"approved": True, "reason": "ok"})
    hengyang.do(hengyang.bureau, "open_notice", voucher, {"days": 3})
    hengyang.clock.advance(days=3)
    hengyang.do(hengyang.bureau, "close_notice", voucher, {"outcome": "cleared"})
    hengyang.do(hengyang.finance, "pay", voucher, {"amount_fen": 92400, "fund": "skills_upgrading_account"})
    state = hengyang.ledger.get(voucher)
    assert (state.prepaid_fen, state.paid_fen, state.status) == (39600, 92400, "paid")


def test_l7_a_prepaid_voucher_is_clawed_back_not_revoked(hengyang: World) -> None:
    voucher = hengyang.certified_voucher(standard_fen=80000, shortage=True)
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": 39600, "fund": "skills_upgrading_account"})
    before = hengyang.log_snapshot()
    with pytest.raises(RuleViolation) as caught:
        hengyang.do(hengyang.bureau, "revoke_voucher", voucher, {"reason": "fraud suspected"})
    assert caught.value.rule == "L7" and "claw it back" in str(caught.value)
    assert hengyang.log_snapshot() == before
    hengyang.do(hengyang.bureau, "claw_back", voucher, {"amount_fen": 39600, "reason": "fraud", "rule": "L12"})
    state = hengyang.ledger.get(voucher)
    assert (state.status, state.clawed_back_fen) == ("clawed_back", 39600)
