"""Pages of the views for the HTTP lists: every query filters in SQL, orders
by a unique key and starts after the key the previous page ended on (keyset
pagination: no row is skipped or repeated while the views grow), and returns
up to `limit + 1` rows, the extra one only saying that more follow. Callers
bring the views up to date first (`catch_up`) and decide who may see what;
these functions take the resulting filters."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, and_, func, or_, select, union_all

from projections.audit import AUDIT
from projections.balances import BALANCES, POSTINGS
from projections.flags import FLAGS, INSTITUTIONS, outlier_flags
from projections.queries import rows_of
from projections.registry import FILINGS, PARTIES
from projections.vouchers import VOUCHERS

Filters = dict[str, Any]


def _equal(table: Any, filters: Filters) -> list[Any]:
    """`column == value` for every filter that is not None."""
    return [table.c[name] == value for name, value in filters.items() if value is not None]


def vouchers_page(connection: Connection, *, after: str | None, limit: int, filters: Filters) -> list[dict[str, Any]]:
    """Voucher state rows ordered by id; `filters` name view_vouchers columns."""
    table = VOUCHERS.table
    statement = select(table).where(*_equal(table, filters)).order_by(table.c.id).limit(limit + 1)
    if after is not None:
        statement = statement.where(table.c.id > after)
    return rows_of(connection, statement)


def filings_page(connection: Connection, *, after: str | None, limit: int, filters: Filters) -> list[dict[str, Any]]:
    """Class filings ordered by id; `filters` name view_filings columns."""
    table = FILINGS.table
    statement = select(table).where(*_equal(table, filters)).order_by(table.c.id).limit(limit + 1)
    if after is not None:
        statement = statement.where(table.c.id > after)
    return rows_of(connection, statement)


def audit_page(connection: Connection, *, after: int, limit: int, voucher: str | None = None,
               actor: str | None = None, institution: str | None = None, since: str | None = None,
               until: str | None = None, region: str | None = None, own_institution: str | None = None,
               region_actor: str | None = None) -> list[dict[str, Any]]:
    """Audit rows after sequence `after`, in log order. `region` keeps the rows
    of vouchers in that region, of institutions registered there, and of
    `region_actor`'s own acts; `own_institution` keeps the rows of that
    institution's vouchers (issuance included) and of its own acts."""
    audit, vouchers, parties = AUDIT.table, VOUCHERS.table, PARTIES.table
    statement = (select(audit).select_from(
        audit.outerjoin(vouchers, vouchers.c.id == audit.c.voucher)
        .outerjoin(parties, parties.c.id == audit.c.institution))
        .where(audit.c.sequence > after, *_equal(audit, {"voucher": voucher, "actor": actor,
                                                          "institution": institution}))
        .order_by(audit.c.sequence).limit(limit + 1))
    if since is not None:
        statement = statement.where(audit.c.recorded_at >= since)
    if until is not None:
        statement = statement.where(audit.c.recorded_at <= until)
    if region is not None:
        in_region = [vouchers.c.region == region, and_(audit.c.voucher.is_(None), parties.c.region == region)]
        if region_actor is not None:
            in_region.append(audit.c.actor == region_actor)
        statement = statement.where(or_(*in_region))
    if own_institution is not None:
        statement = statement.where(or_(vouchers.c.institution == own_institution,
                                        audit.c.institution == own_institution))
    return rows_of(connection, statement)


def flags_page(connection: Connection, *, after: str | None, limit: int, filters: Filters) -> list[dict[str, Any]]:
    """Stored flags and the computed outlier flags (L11) merged, ordered by id;
    `filters` name flag fields (kind, rule, voucher, institution, region)."""
    table = FLAGS.table
    statement = select(table).where(*_equal(table, filters)).order_by(table.c.id).limit(limit + 1)
    if after is not None:
        statement = statement.where(table.c.id > after)
    stored = rows_of(connection, statement)
    outliers = [flag for flag in outlier_flags(rows_of(connection, select(INSTITUTIONS.table)))
                if (after is None or flag["id"] > after)
                and all(value is None or flag[name] == value for name, value in filters.items())]
    return sorted(stored + outliers, key=lambda flag: flag["id"])[:limit + 1]


def balances_page(connection: Connection, *, after: str | None, limit: int, kinds: Iterable[str] | None = None,
                  owner: str | None = None, region: str | None = None, as_of: int | None = None
                  ) -> list[dict[str, Any]]:
    """Account balances ordered by account: now (from view_balances), or after
    event `as_of` (summed from the postings up to it; accounts with no
    posting by then are left out). `kinds` keeps accounts of those kinds,
    `owner` those owned by that party or fund, `region` those of that region."""
    table = BALANCES.table
    conditions = _equal(table, {"owner": owner, "region": region})
    if kinds is not None:
        conditions.append(table.c.kind.in_(list(kinds)))
    if after is not None:
        conditions.append(table.c.account > after)
    if as_of is None:
        statement = select(table.c.account, table.c.kind, table.c.owner, table.c.region, table.c.balance_fen,
                           table.c.last_sequence).where(*conditions).order_by(table.c.account).limit(limit + 1)
        return rows_of(connection, statement)
    postings = POSTINGS.table
    sides = [select(account.label("account"), (postings.c.amount_fen * sign).label("amount_fen"),
                    postings.c.sequence.label("sequence")).where(postings.c.sequence <= as_of)
             for account, sign in ((postings.c.debit_account, 1), (postings.c.credit_account, -1))]
    moves = union_all(*sides).subquery()
    statement = (select(table.c.account, table.c.kind, table.c.owner, table.c.region,
                        func.sum(moves.c.amount_fen).label("balance_fen"),
                        func.max(moves.c.sequence).label("last_sequence"))
                 .select_from(moves.join(table, table.c.account == moves.c.account)).where(*conditions)
                 .group_by(table.c.account, table.c.kind, table.c.owner, table.c.region)
                 .order_by(table.c.account).limit(limit + 1))
    return [{**row, "balance_fen": int(row["balance_fen"]), "last_sequence": int(row["last_sequence"])}
            for row in rows_of(connection, statement)]
