"""A voucher's money invariants, checked on the write side (TIGER_STYLE, in the
spirit of TigerBeetle's double-entry checks). The voucher keeps its own money:
the subsidy committed at enrolment, what an approving review approved, the
balance that fell due when the notice cleared, prepaid, paid, clawed back, and
the living allowance with the days it covers. `violations` returns what a
state breaks, each with its rule; `VoucherLedger._submit` refuses a command
whose result breaks one, before anything is saved. The steps' own checks
refuse first, with a precise sentence; this is the net behind them, and the
same sums the balances view asserts, so an accepted event always applies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.errors import RuleViolation
from ledger.rules import profile_for


@dataclass(frozen=True)
class Violation:
    rule: str
    reason: str


def committed_fen(voucher: Any) -> int:
    """What is still committed to the voucher and not yet prepaid or due (H3, H7)."""
    return voucher.subsidy_fen - voucher.prepaid_fen - voucher.balance_due_fen


def violations(voucher: Any) -> list[Violation]:
    """Every money invariant the voucher's state breaks (empty when sound)."""
    found: list[Violation] = []

    def check(holds: bool, rule: str, reason: str) -> None:
        if not holds:
            found.append(Violation(rule, f"voucher {voucher.id}: {reason}"))

    for name in ("subsidy_fen", "approved_fen", "balance_due_fen", "prepaid_fen", "paid_fen", "clawed_back_fen",
                 "allowance_fen"):
        check(getattr(voucher, name) >= 0, "N6", f"{name} went negative ({getattr(voucher, name)} fen)")
    prepayment_fen = sum(payment["fen"] for payment in voucher.payments if payment["stage"] == "prepayment")
    check(voucher.prepaid_fen <= prepayment_fen, "H3",
          f"prepaid {voucher.prepaid_fen} fen exceeds the {prepayment_fen} fen the region allows in advance")
    check(committed_fen(voucher) >= 0, "H3",
          f"the commitment would go negative ({committed_fen(voucher)} fen): prepaid {voucher.prepaid_fen} "
          f"and due {voucher.balance_due_fen} exceed the {voucher.subsidy_fen} fen committed")
    check(voucher.paid_fen <= voucher.balance_due_fen, "H7",
          f"paid {voucher.paid_fen} fen exceeds the {voucher.balance_due_fen} fen due after the notice")
    check(voucher.approved_fen <= voucher.subsidy_fen, "H7",
          f"approved {voucher.approved_fen} fen exceeds the {voucher.subsidy_fen} fen subsidy")
    check(voucher.prepaid_fen + voucher.paid_fen <= voucher.approved_fen or voucher.paid_fen == 0, "H7",
          f"payouts of {voucher.prepaid_fen + voucher.paid_fen} fen exceed the {voucher.approved_fen} fen approved")
    check(voucher.status != "paid" or voucher.prepaid_fen + voucher.paid_fen == voucher.approved_fen, "H7",
          "a paid voucher has received exactly what was approved")
    total_fen = voucher.prepaid_fen + voucher.paid_fen + voucher.allowance_fen
    check(voucher.clawed_back_fen in (0, total_fen), "L12",
          f"a claw-back recovers exactly what was paid ({total_fen} fen), not {voucher.clawed_back_fen} fen")
    found.extend(_allowance_violations(voucher))
    return found


def _allowance_violations(voucher: Any) -> list[Violation]:
    """N4: the allowance stays within the region's daily amount x the days paid,
    and within the region's maximum days; a region that did not opt in pays none."""
    named_fen = voucher.allowance_fen - voucher.allowance_unnamed_fen  # earlier events named no days
    if named_fen == 0 and voucher.allowance_days_paid == 0:
        return []
    allowance = profile_for(voucher.region, voucher.profile_version).allowance
    if allowance is None:
        return [Violation("N4", f"voucher {voucher.id}: region {voucher.region} pays no living allowance")]
    found = []
    if named_fen > allowance.daily_fen * voucher.allowance_days_paid:
        found.append(Violation("N4", f"voucher {voucher.id}: allowance of {named_fen} fen exceeds "
                                     f"{allowance.daily_fen} fen a day for {voucher.allowance_days_paid} days"))
    if voucher.allowance_days_paid > allowance.max_days:
        found.append(Violation("N4", f"voucher {voucher.id}: {voucher.allowance_days_paid} allowance days exceed "
                                     f"the region's {allowance.max_days}"))
    return found


def require_sound(voucher: Any) -> None:
    """Refuse the command when the voucher's money breaks an invariant."""
    broken = violations(voucher)
    if broken:
        raise RuleViolation(f"money invariant broken: {broken[0].reason}", rule=broken[0].rule)
