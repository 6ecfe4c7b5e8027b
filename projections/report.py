"""The fortnightly progress report (N5, 双周调度表), from the views: trainees
registered, trainees in training, vouchers certified, and money paid (fen),
by region, for the fortnight containing a given day. Fortnights run Monday to
Sunday-week, counted from Monday 2020-01-06; times are UTC."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from ledger.envelope import iso
from projections.balances import POSTINGS
from projections.flags import SESSIONS
from projections.registry import PARTIES
from projections.vouchers import VOUCHERS

FIRST_FORTNIGHT = date(2020, 1, 6)
FORTNIGHT = timedelta(days=14)


def fortnight_of(day: date) -> tuple[date, date]:
    """First and last day of the fortnight containing `day`."""
    start = FIRST_FORTNIGHT + FORTNIGHT * ((day - FIRST_FORTNIGHT).days // 14)
    return start, start + FORTNIGHT - timedelta(days=1)


def _bounds(first: date, last: date) -> tuple[str, str]:
    from datetime import datetime, time, timezone

    return (iso(datetime.combine(first, time(), timezone.utc)),
            iso(datetime.combine(last + timedelta(days=1), time(), timezone.utc)))


def fortnight_report(connection: Connection, day: date) -> dict[str, Any]:
    first, last = fortnight_of(day)
    since, before = _bounds(first, last)
    regions: dict[str, dict[str, int]] = {}

    def add(metric: str, statement: Any) -> None:
        for region, value in connection.execute(statement):
            row = regions.setdefault(region, {"registrations": 0, "trainees_in_training": 0, "certified": 0,
                                              "paid_fen": 0, "allowance_fen": 0, "clawed_back_fen": 0})
            row[metric] = int(value or 0)

    parties, sessions, vouchers, postings = PARTIES.table, SESSIONS.table, VOUCHERS.table, POSTINGS.table
    add("registrations", select(parties.c.region, func.count()).where(
        parties.c.role == "trainee", parties.c.registered_at >= since, parties.c.registered_at < before)
        .group_by(parties.c.region))
    add("trainees_in_training", select(sessions.c.region, func.count(sessions.c.trainee.distinct())).where(
        sessions.c.started_at >= since, sessions.c.started_at < before).group_by(sessions.c.region))
    add("certified", select(vouchers.c.region, func.count()).where(
        vouchers.c.certified_at >= since, vouchers.c.certified_at < before).group_by(vouchers.c.region))
    in_window = (postings.c.recorded_at >= since, postings.c.recorded_at < before)
    add("paid_fen", select(postings.c.region, func.sum(postings.c.amount_fen)).where(
        postings.c.debit_kind == "paid", *in_window).group_by(postings.c.region))
    add("allowance_fen", select(postings.c.region, func.sum(postings.c.amount_fen)).where(
        postings.c.debit_kind == "allowance", *in_window).group_by(postings.c.region))
    add("clawed_back_fen", select(postings.c.region, func.sum(postings.c.amount_fen)).where(
        postings.c.stage == "claw_back", *in_window).group_by(postings.c.region))
    return {"fortnight": {"first_day": first.isoformat(), "last_day": last.isoformat()},
            "regions": [{"region": region, **values} for region, values in sorted(regions.items())]}
