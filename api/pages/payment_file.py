"""The payment file finance hands to the bank (issue 14 item 1): the items due
now, as the Work page lists them (the prepayment an enrolment fixed, H3, or the
balance a cleared notice left, H7), one row each with its amount from the
rules, as CSV or XLSX (api/spreadsheets.py). Only the payment fields finance
may read (api/http/routes/lists.py PAYMENT_FIELDS) and the payee's public name.
Read-only: finance still signs each payment on the Work page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.http.routes.lists import PAYMENT_FIELDS
from api.pages.language import _
from api.pages.rendering import PageRefused, PageRoute, caught_up_ledger, viewer
from api.pages.work_queues import finance_queue
from api.pages.work_rules import Due, due_payment
from api.spreadsheets import FORMATS, write_table, yuan
from projections.queries import rows_of
from projections.registry import PARTIES

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
HEADERS = (("培训券编号", "voucher"), ("地区", "region"), ("阶段", "stage"), ("收款机构编号", "payee institution"),
           ("收款机构名称", "payee name"), ("金额（元）", "amount (yuan)"), ("金额（分）", "amount (fen)"),
           ("资金来源", "funds"), ("步骤", "step to sign"))


def dues_of(ledger, queue: dict[str, list[dict[str, Any]]]) -> list[tuple[dict[str, Any], Due]]:
    """Each voucher of finance's queue with what the rules make due on it now."""
    dues = []
    for row in queue["balances"] + queue["prepayments"]:
        due = due_payment(ledger.get(UUID(row["id"])))
        if due is not None:
            dues.append(({name: row[name] for name in PAYMENT_FIELDS}, due))
    return dues


def _names(connection, ids: set[str]) -> dict[str, str]:
    parties = PARTIES.table
    rows = rows_of(connection, select(parties.c.id, parties.c.name)
                   .where(parties.c.id.in_(sorted(ids))))
    return {row["id"]: row["name"] or "" for row in rows}


@router.get("/work/payment-file.{file_format}")
def payment_file(request: Request, file_format: str) -> Response:
    who = viewer(request)
    if who.role != "finance":
        raise PageRefused(403, _("only finance pays, so only finance downloads the payment file"))
    if file_format not in FORMATS:
        raise PageRefused(404, _("the payment file comes as {formats}"), formats=" / ".join(FORMATS))
    ledger = caught_up_ledger(request)
    with ledger.engine.connect() as connection:
        dues = dues_of(ledger, finance_queue(connection, who.caller))
        names = _names(connection, {row["institution"] for row, _due in dues if row["institution"]})
    rows = [(row["id"], row["region"], due.stage, row["institution"], names.get(row["institution"], ""),
             yuan(due.amount_fen), due.amount_fen, " / ".join(due.funds), due.command) for row, due in dues]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"payment-file.{file_format}"
        write_table(path, file_format, "付款清单 payments", HEADERS, rows)
        content = path.read_bytes()
    day = ledger.clock().date().isoformat()
    return Response(content, media_type=MEDIA_TYPES[file_format], headers={
        "Content-Disposition": f'attachment; filename="payment-file-{day}.{file_format}"',
        "Cache-Control": "no-store"})
