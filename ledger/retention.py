"""L6: online training data is kept "不少于5年" (at least five years). A
trainee's personal data is not erased while any record of their learning or
payments must be kept; the period counts from the last such record."""

from __future__ import annotations

from datetime import date

from ledger.aggregates.voucher import Voucher
from ledger.rules import profile_for


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retained_until(voucher: Voucher) -> date | None:
    """The first day the voucher's learning and payment records may go, or None
    when its region keeps nothing (no retention_years) or it has no such record."""
    years = profile_for(voucher.region, voucher.profile_version).retention_years
    if years is None or voucher.last_record_at is None:
        return None
    return years_after(date.fromisoformat(voucher.last_record_at[:10]), years)
