"""Money invariants on the write side (ledger/money.py), in the same
transaction as the step: commitments never go negative, payouts never exceed
what was approved, a claw-back recovers exactly what was paid. A refused
command leaves the ledger as it was, and the views go on applying every event."""

from __future__ import annotations

from ledger.money import committed_fen, violations
from projections import catch_up, compare_views
from tests.test_rules_enforced import refused
from tests.unchecked import record_unchecked
from tests.world import World


def prepayment_fen(world: World, voucher) -> int:
    return next(p["fen"] for p in world.ledger.get(voucher).payments if p["stage"] == "prepayment")


def test_h3_prepayment_after_the_notice_cleared_is_refused_and_the_views_keep_working(hengyang: World) -> None:
    """H3: 开班备案审核通过后，可预拨30%培训补贴资金 … 其余部分待培训结业考核后 … 公示无异议后拨付.
    Once the notice has cleared the rest is the balance (H7); a prepayment then would be paid from a
    commitment that no longer holds it (the balances view went negative and stopped for good)."""
    voucher = hengyang.cleared_voucher()
    error = refused(hengyang, "H3", hengyang.finance, "prepay", voucher,
                    {"amount_fen": prepayment_fen(hengyang, voucher), "fund": hengyang.profile.funds[0]})
    assert "until the notice clears" in str(error), "the lifecycle refuses first, with its sentence"
    catch_up(hengyang.ledger)
    state = hengyang.ledger.get(voucher)
    hengyang.do(hengyang.finance, "pay", voucher, {"amount_fen": state.balance_due_fen,
                                                   "fund": hengyang.profile.funds[0]})
    catch_up(hengyang.ledger)
    assert compare_views(hengyang.ledger) == []


def test_h7_nothing_is_paid_before_an_approving_review_and_a_cleared_notice(hengyang: World) -> None:
    """H7: 审核 → 公示 → 无异议 → 拨付; before that only the H3 prepayment leaves the commitment."""
    voucher, _ = hengyang.enrolled_voucher()
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": prepayment_fen(hengyang, voucher),
                                                      "fund": hengyang.profile.funds[0]})
    state = hengyang.ledger.get(voucher)
    assert state.approved_fen == 0 and committed_fen(state) == state.subsidy_fen - state.prepaid_fen
    refused(hengyang, "H7", hengyang.finance, "pay", voucher, {"amount_fen": 1, "fund": hengyang.profile.funds[0]})


def test_money_invariants_name_the_rule_each_broken_state_breaks(hengyang: World) -> None:
    """The net behind the steps: a state no step should reach is reported with its rule."""
    voucher = hengyang.paid_voucher()
    state = hengyang.ledger.get(voucher)
    assert violations(state) == []
    state.prepaid_fen += 1  # a prepayment after the balance fell due
    assert {v.rule for v in violations(state)} >= {"H3", "H7"}
    state = hengyang.ledger.get(voucher)
    state.paid_fen += 100  # paid more than approved
    assert "H7" in {v.rule for v in violations(state)}
    state = hengyang.ledger.get(voucher)
    state.clawed_back_fen = 5  # a claw-back of part of what was paid
    assert [v.rule for v in violations(state)] == ["L12"]
    state = hengyang.ledger.get(voucher)
    state.allowance_fen, state.allowance_days_paid = 10_000, 1  # more than a day's allowance
    assert [v.rule for v in violations(state)] == ["N4"]


def test_the_ledger_refuses_a_command_whose_result_breaks_a_money_invariant(hengyang: World) -> None:
    """VoucherLedger runs the invariants on every changed voucher before saving. Here the step's own
    checks pass (pay exactly the balance due), but the voucher carries a prepayment an older release
    accepted after the notice cleared: the result breaks H3, so the payment is refused and nothing saved."""
    voucher = hengyang.cleared_voucher()
    body = {"amount_fen": prepayment_fen(hengyang, voucher), "fund": hengyang.profile.funds[0]}
    record_unchecked(hengyang, hengyang.finance, "prepay", voucher, body, "prepaid", "Prepaid", body)
    balance_fen = hengyang.ledger.get(voucher).balance_due_fen
    error = refused(hengyang, "H3", hengyang.finance, "pay", voucher,
                    {"amount_fen": balance_fen, "fund": hengyang.profile.funds[0]})
    assert "money invariant broken" in str(error) and "commitment would go negative" in str(error)
