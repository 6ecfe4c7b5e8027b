"""Reading the views: a voucher, balances (at any sequence number), the audit
trail, the flags. Callers bring the views up to date first (`catch_up`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from ledger.errors import BadInput, NotFound
from projections.balances import BALANCES, POSTINGS
from projections.flags import FLAGS, INSTITUTIONS, outlier_flags
from projections.registry import PARTIES
from projections.audit import AUDIT
from projections.vouchers import VOUCHERS

MAX_AUDIT_ROWS = 10_000


def rows_of(connection: Connection, statement: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in connection.execute(statement).mappings()]


def voucher_state(connection: Connection, voucher_id: str) -> dict[str, Any]:
    table = VOUCHERS.table
    found = rows_of(connection, select(table).where(table.c.id == voucher_id))
    if not found:
        raise NotFound(f"voucher {voucher_id} does not exist")
    postings = POSTINGS.table
    flags = FLAGS.table
    return {
        **found[0],
        "postings": rows_of(connection, select(postings).where(postings.c.voucher == voucher_id)
                          .order_by(postings.c.sequence, postings.c.position)),
        "flags": rows_of(connection, select(flags).where(flags.c.voucher == voucher_id).order_by(flags.c.sequence)),
    }


def require_institution(connection: Connection, institution: str) -> None:
    table = PARTIES.table
    role = connection.execute(select(table.c.role).where(table.c.id == institution)).scalar()
    if role != "institution":
        raise NotFound(f"institution {institution} does not exist")


def balances(connection: Connection, *, institution: str | None = None, as_of: int | None = None
             ) -> dict[str, Any]:
    """Every account's balance after event `as_of` (now when None), summed
    from the postings; all accounts together always sum to zero."""
    postings = POSTINGS.table
    totals: dict[str, int] = {}
    for account_column, sign in ((postings.c.debit_account, 1), (postings.c.credit_account, -1)):
        statement = select(account_column, func.sum(postings.c.amount_fen)).group_by(account_column)
        if as_of is not None:
            statement = statement.where(postings.c.sequence <= as_of)
        for account, amount_fen in connection.execute(statement):
            totals[account] = totals.get(account, 0) + sign * int(amount_fen)
    meta = {row["account"]: row for row in rows_of(connection, select(BALANCES.table))}
    total_fen = sum(totals.values())
    assert total_fen == 0, f"the balances sum to {total_fen} fen, not zero"
    accounts = []
    for account, balance_fen in sorted(totals.items()):
        kind, region, owner = meta[account]["kind"], meta[account]["region"], meta[account]["owner"]
        if institution is not None and owner != institution:
            continue
        accounts.append({"account": account, "kind": kind, "owner": owner, "region": region,
                         "balance_fen": balance_fen})
    by_kind: dict[str, int] = {}
    by_region: dict[str, int] = {}
    for row in accounts:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["balance_fen"]
        if row["kind"] == "paid":
            by_region[row["region"]] = by_region.get(row["region"], 0) + row["balance_fen"]
    return {"as_of": as_of, "institution": institution, "accounts": accounts, "by_kind": by_kind,
            "paid_by_region": by_region, "all_accounts_sum_fen": total_fen}


def audit_trail(connection: Connection, *, voucher: str | None = None, actor: str | None = None,
                institution: str | None = None, since: str | None = None, until: str | None = None,
                limit: int = 1000) -> list[dict[str, Any]]:
    if not 1 <= limit <= MAX_AUDIT_ROWS:
        raise BadInput(f"--limit must be between 1 and {MAX_AUDIT_ROWS}")
    table = AUDIT.table
    statement = select(table).order_by(table.c.sequence).limit(limit)
    for column, value in ((table.c.voucher, voucher), (table.c.actor, actor), (table.c.institution, institution)):
        if value is not None:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(table.c.recorded_at >= since)
    if until is not None:
        statement = statement.where(table.c.recorded_at <= until)
    return rows_of(connection, statement)


def all_flags(connection: Connection) -> list[dict[str, Any]]:
    stored = rows_of(connection, select(FLAGS.table).order_by(FLAGS.table.c.sequence))
    return stored + outlier_flags(rows_of(connection, select(INSTITUTIONS.table)))
