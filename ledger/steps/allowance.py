"""The living allowance (生活费补贴) as the notices write it (N4, S3, seed 003
四(二)): "对参加线上培训的…在培训期间给予一定的生活费补贴…所需资金从就业补助资金中列支".
Only for a trainee of an eligible group who takes online training; each
payment names the days it covers, inside the training period (enrolment to
assessment, passed or failed, or to today while training goes on), with online learning recorded
in those days; no day is paid twice; at most the region's daily amount for
each day and the region's maximum days; only from the employment subsidy fund;
a region that has not opted in pays none."""

from __future__ import annotations

from datetime import date

from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from ledger.command import Command
from ledger.errors import BadInput, RuleViolation
from ledger.lifecycle import require_transition
from ledger.rules import FUNDS, profile_for
from ledger.steps import require, step
from ledger.steps.payments import MAX_AMOUNT_FEN
from ledger.subsidy import ALLOWANCE_FUND

def paid_days_overlap(paid: list[list[str]], from_day: date, to_day: date) -> list[str] | None:
    """The first range already paid that shares a day with [from_day, to_day]."""
    for first, last in paid:
        if date.fromisoformat(first) <= to_day and from_day <= date.fromisoformat(last):
            return [first, last]
    return None


@step("pay_allowance", roles=("finance",))
def pay_allowance(command: Command) -> None:
    """Pay a living allowance for named days of online training to a trainee in an eligible group (N4, S3)."""
    voucher = command.get(Voucher, command.target, "voucher")
    require_transition(voucher, "pay_allowance")  # live until paid, or failed: the lifecycle table says which
    profile = profile_for(voucher.region, voucher.profile_version)
    allowance = profile.allowance
    require(allowance is not None, RuleViolation,
            f"region {voucher.region} has not opted in to the living allowance and pays none", "N4")
    trainee = command.get(Party, voucher.trainee, "trainee")
    require(set(profile.allowance_groups) & set(trainee.allowance_groups), RuleViolation,
            "the living allowance is for registered poor labourers, persons with employment difficulty, "
            "zero-employment families, rural two-after students and urban minimum-living families", "N4")
    body = command.body
    from_day, to_day = body.day("from_day"), body.day("to_day")
    amount_fen = body.integer("amount_fen", minimum=1, maximum=MAX_AMOUNT_FEN)
    fund = body.choice("fund", FUNDS)
    require(fund == ALLOWANCE_FUND, RuleViolation,
            f"the living allowance is paid from the employment subsidy fund ({ALLOWANCE_FUND}), not {fund} "
            "(所需资金从就业补助资金中列支)", "N4")
    require(from_day <= to_day, BadInput, "from_day must not be after to_day")
    days = (to_day - from_day).days + 1
    training_ends = date.fromisoformat(voucher.assessed_on) if voucher.assessed_on else command.today
    require(date.fromisoformat(voucher.enrolled_on) <= from_day and to_day <= training_ends, RuleViolation,
            f"the allowance covers days in training (在培训期间): from enrolment on {voucher.enrolled_on} "
            f"to {'assessment on ' + voucher.assessed_on if voucher.assessed_on else 'today, ' + str(training_ends)}",
            "N4")
    require(any(from_day.isoformat() <= day <= to_day.isoformat() for day in voucher.online_days), RuleViolation,
            f"no online learning is recorded from {from_day} to {to_day}; the allowance is for those who take "
            "online training (对参加线上培训的)", "N4")
    overlap = paid_days_overlap(voucher.allowance_days, from_day, to_day)
    require(overlap is None, RuleViolation,
            f"days {overlap[0] if overlap else ''} to {overlap[1] if overlap else ''} were already paid; "
            "no day is paid twice", "N4")
    require(voucher.allowance_days_paid + days <= allowance.max_days, RuleViolation,
            f"{voucher.allowance_days_paid} days are paid already; {days} more exceed the region's "
            f"{allowance.max_days} days", "N4")
    require(amount_fen <= allowance.daily_fen * days, RuleViolation,
            f"{amount_fen} fen exceeds {allowance.daily_fen} fen a day for {days} days "
            f"({allowance.daily_fen * days} fen; set by: {allowance.set_by})", "N4")
    voucher.allowance_paid(**command.seal(voucher, "AllowancePaid", {
        "amount_fen": amount_fen, "fund": fund, "from_day": from_day.isoformat(), "to_day": to_day.isoformat(),
        "days": days}))
