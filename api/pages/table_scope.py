"""Which rows of an export table a page viewer may download: the same rule as
the API's lists (api/http/access.py LIST_RULES). An inspector reads every
table whole; a bureau its region's rows; an institution its own; any other
role is refused with the rule (403). The filters a viewer asks for that
contradict its scope are refused as in the API; the table itself is built by
`projections.tables.export_table`, exactly as `vledger export-table` builds it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from sqlalchemy import Connection, select

from api.http.access import LIST_RULES, REGION_OR_OWN, list_scope, with_article
from api.http.deps import Caller
from api.http.problems import HttpProblem
from api.pages.rendering import PageRefused
from projections.queries import MAX_AUDIT_ROWS
from projections.registry import PARTIES
from projections.tables import EXPORT_TABLES, ExportTable, export_table
from projections.vouchers import VOUCHERS

AUDIT_ROWS_SCOPED = MAX_AUDIT_ROWS  # a bureau's or institution's audit download reads this many rows before keeping its own


def scoped_table(connection: Connection, caller: Caller, name: str, filters: dict[str, Any]) -> ExportTable:
    """The table `name` as `vledger export-table` makes it, with only the
    rows `caller` may read; a refusal is a PageRefused(403) naming the rule."""
    try:
        return _scoped(connection, caller, name, filters)
    except HttpProblem as problem:
        raise PageRefused(403, problem.detail) from None


def _scoped(connection: Connection, caller: Caller, name: str, filters: dict[str, Any]) -> ExportTable:
    narrowing = {key: filters[key] for key in ("institution", "region") if filters.get(key) is not None}
    if caller.role not in ("inspector", *REGION_OR_OWN):
        raise HttpProblem("not-yours", f"{with_article(caller.role)} may not download {name}: {LIST_RULES[name]}")
    if name == "report" and caller.role == "institution":
        raise HttpProblem("not-yours", f"an institution may not download the report: {LIST_RULES['report']}")
    scope = list_scope(caller, name, {"institution": filters.get("institution"), "region": filters.get("region")},
                       REGION_OR_OWN)
    asked = {key: value for key, value in filters.items() if key not in ("institution", "region")}
    if name == "vouchers":
        asked.update(scope)
    elif name == "balances":
        asked["institution"] = scope["institution"]
    elif name == "audit":
        asked["institution"] = filters.get("institution")
    if name == "audit" and caller.role != "inspector":
        asked["limit"] = AUDIT_ROWS_SCOPED
    taken = EXPORT_TABLES[name][1]
    shaped = export_table(connection, name, {key: value for key, value in asked.items() if key in taken})
    keep = _keeper(connection, caller, name, {**narrowing, **{k: v for k, v in scope.items() if v is not None}})
    return replace(shaped, rows=[row for row in shaped.rows if keep(row)])


def _keeper(connection: Connection, caller: Caller, name: str, scope: dict[str, Any]) -> Callable[[dict], bool]:
    """A row test for what the export table's own filters could not narrow."""
    region, institution = scope.get("region"), scope.get("institution")
    if name in ("vouchers", "report", "balances", "flags"):
        return lambda row: ((region is None or row.get("region") == region)
                            and (institution is None or name == "report"
                                 or row.get("institution", row.get("owner")) == institution))
    if name == "audit":
        if caller.role == "inspector" and region is None:
            return lambda row: True
        vouchers = VOUCHERS.table
        statement = select(vouchers.c.id)
        if region is not None:
            statement = statement.where(vouchers.c.region == region)
        if institution is not None:
            statement = statement.where(vouchers.c.institution == institution)
        own_vouchers = {row[0] for row in connection.execute(statement)}
        parties = PARTIES.table
        regional = ({row[0] for row in connection.execute(select(parties.c.id).where(parties.c.region == region))}
                    if region is not None else set())
        actor = caller.id if caller.role == "bureau" else None
        if institution is not None:
            return lambda row: row["voucher"] in own_vouchers or row["institution"] == institution
        return lambda row: (row["voucher"] in own_vouchers
                            or (row["voucher"] is None and row["institution"] in regional)
                            or row["actor"] == actor)
    return lambda row: True
