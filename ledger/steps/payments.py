"""Money (N6, H3, H7): finance prepays after the filing is approved, pays the
balance after review, notice and no objection; the bureau claws back after
fraud. The living allowance (N4) is in `allowance`. Amounts are integer fen,
stated exactly."""

from __future__ import annotations

from ledger.aggregates.voucher import Voucher
from ledger.command import Command
from ledger.envelope import MAX_INTEGER
from ledger.errors import BadInput, RoleNotAllowed, RuleViolation
from ledger.lifecycle import require_transition
from ledger.rules import profile_for
from ledger.steps import require, step
from ledger.steps.vouchers import live_voucher, release_claim

MAX_AMOUNT_FEN = 10_000_000


def _amount_and_fund(command: Command, voucher: Voucher) -> tuple[int, str]:
    amount_fen = command.body.integer("amount_fen", minimum=1, maximum=MAX_AMOUNT_FEN)
    funds = profile_for(voucher.region, voucher.profile_version).funds
    fund = command.body.choice("fund", funds)  # N6
    return amount_fen, fund


def stage_fen(voucher: Voucher, stage: str) -> int:
    return sum(payment["fen"] for payment in voucher.payments if payment["stage"] == stage)


@step("prepay", roles=("finance",))
def prepay(command: Command) -> None:
    """Prepay part of the subsidy once the class filing is approved, at most the region's ratio (H3)."""
    voucher = live_voucher(command, usable=False)
    require_transition(voucher, "prepay")
    amount_fen, fund = _amount_and_fund(command, voucher)
    allowed_fen = stage_fen(voucher, "prepayment") - voucher.prepaid_fen
    require(amount_fen <= allowed_fen, RuleViolation,
            f"prepayment of {amount_fen} fen exceeds what the region allows in advance: {allowed_fen} fen", "H3")
    voucher.prepaid(**command.seal(voucher, "Prepaid", {"amount_fen": amount_fen, "fund": fund}))


@step("pay", roles=("finance",))
def pay(command: Command) -> None:
    """Pay the balance after review, public notice and no objection (H7)."""
    voucher = live_voucher(command, usable=False)
    require_transition(voucher, "pay")
    amount_fen, fund = _amount_and_fund(command, voucher)
    balance_fen = voucher.balance_due_fen
    require(amount_fen == balance_fen, RuleViolation,
            f"the balance due is exactly {balance_fen} fen ({voucher.approved_fen} approved less "
            f"{voucher.prepaid_fen} prepaid)", "H7")
    stages = [payment for payment in voucher.payments if payment["stage"] != "prepayment"]
    voucher.paid(**command.seal(voucher, "Paid", {"amount_fen": amount_fen, "fund": fund, "stages": stages}))


@step("claw_back", roles=("bureau",))
def claw_back(command: Command) -> None:
    """Recover every fen paid on a voucher found fraudulent (L12), or prepaid
    or paid as allowance on a voucher that left the loop (expired, rejected,
    failed): the money goes back to its fund. Like every exit, it frees the
    trainee x occupation x level for a new voucher (found by the simulation)."""
    voucher = command.get(Voucher, command.target, "voucher")
    require(voucher.region == command.actor.region, RoleNotAllowed,
            f"voucher {voucher.id} is in region {voucher.region}, not {command.actor.region}")
    require_transition(voucher, "claw_back")
    require(voucher.prepaid_fen + voucher.paid_fen + voucher.allowance_fen > 0, RuleViolation,
            "nothing was paid on this voucher; revoke it instead", "L12")
    reason = command.body.text("reason", max_length=1000)
    rule = command.body.text("rule", max_length=8)
    amount_fen = voucher.prepaid_fen + voucher.paid_fen + voucher.allowance_fen
    require(command.body.integer("amount_fen", minimum=1, maximum=MAX_INTEGER) == amount_fen, BadInput,
            f"a claw-back recovers exactly what was paid: {amount_fen} fen")
    voucher.clawed_back(**command.seal(voucher, "ClawedBack", {"amount_fen": amount_fen, "reason": reason,
                                                                 "rule": rule}))
    release_claim(command, voucher)  # an exit like the others: the trainee x occupation x level is free (S2)
