"""The invariants the simulation checks after its steps (issue 13 item 3):
the views catch up without error and equal a fresh replay; the balances sum
to zero; no voucher's payouts exceed its approval; one live subsidy per
trainee x occupation x level (S2), in the vouchers and in the SubsidyClaim
index alike; and the whole log verifies (J1)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select

from ledger.aggregates.indexes import SubsidyClaim
from ledger.application import VoucherLedger
from ledger.money import violations
from ledger.verify import verify_notifications
from projections import catch_up, compare_views
from projections.balances import BALANCES
from projections.vouchers import VOUCHERS

def check_views_equal_a_fresh_replay(ledger: VoucherLedger) -> None:
    catch_up(ledger)
    differences = compare_views(ledger)
    assert differences == [], f"stored views differ from a fresh replay: {[d.to_json() for d in differences[:3]]}"


def check_balances_sum_to_zero(ledger: VoucherLedger) -> None:
    with ledger.engine.connect() as connection:
        total = connection.execute(select(func.coalesce(func.sum(BALANCES.table.c.balance_fen), 0))).scalar()
    assert total == 0, f"the balances sum to {total} fen, not zero (double entry)"


def check_payouts_within_approval(ledger: VoucherLedger, vouchers: list[UUID]) -> None:
    """Prepaid plus paid never exceeds the approved subsidy (H3, H7), in the
    write-side aggregate and in the voucher view, and no voucher breaks a money
    invariant of `ledger/money.py` (N6, H3, H7, L12, N4)."""
    for voucher_id in vouchers:
        voucher = ledger.get(voucher_id)
        assert voucher.prepaid_fen + voucher.paid_fen <= voucher.subsidy_fen, (
            f"voucher {voucher_id} paid {voucher.prepaid_fen} + {voucher.paid_fen} fen of {voucher.subsidy_fen}")
        assert violations(voucher) == [], f"voucher {voucher_id} breaks money invariants: {violations(voucher)}"
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(VOUCHERS.table)).mappings().all()
    for row in rows:
        assert row["prepaid_fen"] + row["paid_fen"] <= row["approved_fen"], f"voucher view {row['id']} overpaid"


def check_one_live_subsidy(ledger: VoucherLedger, vouchers: list[UUID]) -> None:
    """At most one live voucher per trainee x occupation x level, and the
    SubsidyClaim index names exactly that voucher, or none (S2); a claw-back
    releases it like every exit (the simulation's first finding)."""
    live: dict[tuple[str, str, str], list[str]] = {}
    for voucher_id in vouchers:
        voucher = ledger.get(voucher_id)
        holders = live.setdefault((voucher.trainee, voucher.occupation, voucher.level), [])
        if voucher.is_live:
            holders.append(str(voucher_id))
    for triple, holders in live.items():
        assert len(holders) <= 1, f"{triple} has {len(holders)} live vouchers: {holders}"
        claim = ledger.get(SubsidyClaim.id_for(triple[0], triple[1], str(triple[2])))
        assert claim.voucher == (holders[0] if holders else None), (
            f"the subsidy claim index for {triple} names {claim.voucher}, the vouchers say {holders}")


def check_log_verifies(ledger: VoucherLedger) -> None:
    report = verify_notifications(ledger.notifications())
    assert report.first_problem is None, f"the log does not verify: {report.first_problem}"


def check_all(ledger: VoucherLedger, vouchers: list[UUID]) -> None:
    check_views_equal_a_fresh_replay(ledger)
    check_balances_sum_to_zero(ledger)
    check_payouts_within_approval(ledger, vouchers)
    check_one_live_subsidy(ledger, vouchers)
    check_log_verifies(ledger)
