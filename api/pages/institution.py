"""An institution's page from the views: its balances over time (prepaid,
paid, clawed back, cumulative, from the postings in log order), its vouchers
by status, its pass rate against the rest of its region, and the fraud flags
that name it, each with the events that raised it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from projections.balances import POSTINGS
from projections.flags import FLAGS, INSTITUTIONS, outlier_flags
from projections.vouchers import VOUCHERS

MAX_POINTS = 2000


def balance_series(connection, institution: str) -> dict[str, list]:
    """Cumulative fen after each posting that moves money into or out of
    `paid:<institution>`: x = recorded time (Unix seconds), sequence."""
    paid = f"paid:{institution}"
    table = POSTINGS.table
    query = (select(table.c.sequence, table.c.recorded_at, table.c.stage, table.c.amount_fen, table.c.debit_account,
                    table.c.credit_account)
             .where(or_(table.c.debit_account == paid, table.c.credit_account == paid))
             .order_by(table.c.sequence, table.c.position))
    series: dict[str, list] = {"time": [], "sequence": [], "prepaid_fen": [], "paid_fen": [], "clawed_back_fen": []}
    prepaid_fen = paid_fen = clawed_back_fen = 0
    for row in connection.execute(query):
        if row.credit_account == paid:
            clawed_back_fen += row.amount_fen
        elif row.stage == "prepayment":
            prepaid_fen += row.amount_fen
        else:
            paid_fen += row.amount_fen
        if series["sequence"] and series["sequence"][-1] == row.sequence:
            for name, value in (("prepaid_fen", prepaid_fen), ("paid_fen", paid_fen),
                                ("clawed_back_fen", clawed_back_fen)):
                series[name][-1] = value
            continue
        series["time"].append(_unix_seconds(row.recorded_at))
        series["sequence"].append(row.sequence)
        series["prepaid_fen"].append(prepaid_fen)
        series["paid_fen"].append(paid_fen)
        series["clawed_back_fen"].append(clawed_back_fen)
    if len(series["time"]) > MAX_POINTS:  # keep the last point exact, thin the rest evenly
        step = len(series["time"]) / MAX_POINTS
        keep = sorted({int(i * step) for i in range(MAX_POINTS)} | {len(series["time"]) - 1})
        series = {name: [values[i] for i in keep] for name, values in series.items()}
    return series


def _unix_seconds(recorded_at: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).timestamp())


def vouchers_by_status(connection, institution: str) -> list[tuple[str, int]]:
    table = VOUCHERS.table
    rows = connection.execute(select(table.c.status, func.count()).where(table.c.institution == institution)
                              .group_by(table.c.status).order_by(table.c.status)).all()
    return [(status, count) for status, count in rows]


def institution_vouchers(connection, institution: str, limit: int = 200) -> list[dict[str, Any]]:
    table = VOUCHERS.table
    query = (select(table.c.id, table.c.status, table.c.occupation, table.c.level, table.c.approved_fen,
                    table.c.paid_fen, table.c.prepaid_fen, table.c.clawed_back_fen, table.c.updated_at)
             .where(table.c.institution == institution).order_by(table.c.last_sequence.desc()).limit(limit))
    return [dict(row) for row in connection.execute(query).mappings()]


def pass_rates(connection, institution: str) -> dict[str, Any]:
    """This institution's pass rate and the rest of its region's."""
    table = INSTITUTIONS.table
    own = connection.execute(select(table).where(table.c.institution == institution)).mappings().first()
    if own is None:
        return {"assessed": 0, "passed": 0, "rate": None, "region_assessed": 0, "region_passed": 0,
                "region_rate": None, "region": None}
    others = connection.execute(select(func.coalesce(func.sum(table.c.assessed), 0),
                                       func.coalesce(func.sum(table.c.passed), 0))
                                .where(table.c.region == own["region"], table.c.institution != institution)).one()
    return {"assessed": own["assessed"], "passed": own["passed"], "rate": _percent(own["passed"], own["assessed"]),
            "region_assessed": int(others[0]), "region_passed": int(others[1]),
            "region_rate": _percent(int(others[1]), int(others[0])), "region": own["region"]}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def institution_flags(connection, institution: str, region: str | None) -> list[dict[str, Any]]:
    table = FLAGS.table
    flags = [dict(row) for row in connection.execute(
        select(table).where(table.c.institution == institution).order_by(table.c.sequence)).mappings()]
    if region:
        stats = [dict(row) for row in connection.execute(
            select(INSTITUTIONS.table).where(INSTITUTIONS.table.c.region == region)).mappings()]
        flags += [flag for flag in outlier_flags(stats) if flag["institution"] == institution]
    return flags
