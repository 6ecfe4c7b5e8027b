"""Download buttons (issue 14 item 2): `GET /tables/{name}.{csv|xlsx}` writes
a view as `vledger export-table` does (projections/tables.py shapes it,
api/export_sheets.py writes it), kept to the rows the logged-in viewer may
read (api/pages/table_scope.py)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.export_sheets import write_export
from api.pages.language import _
from api.pages.overview import report_day
from api.pages.rendering import PageRefused, PageRoute, viewer
from api.pages.table_scope import scoped_table
from api.spreadsheets import FORMATS
from ledger.envelope import parse_date, parse_uuid
from ledger.errors import ViewFailed
from projections import catch_up
from projections.tables import EXPORT_TABLES

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _id(text: str | None, what: str) -> str | None:
    return str(parse_uuid(text, what=what)) if text else None


@router.get("/tables/{file_name}")
def download_table(request: Request, file_name: str,
                   voucher: str | None = Query(default=None, max_length=40),
                   institution: str | None = Query(default=None, max_length=40),
                   fortnight: str | None = Query(default=None, max_length=10),
                   status: str | None = Query(default=None, max_length=32),
                   region: str | None = Query(default=None, max_length=40)) -> Response:
    """One table as CSV or XLSX; `institution` also narrows flags, as the institution page shows them."""
    who = viewer(request)
    name, _dot, file_format = file_name.partition(".")
    if name not in EXPORT_TABLES or file_format not in FORMATS:
        raise PageRefused(404, _("no table {name}; tables are {tables}, each as .csv or .xlsx"),
                          name=repr(file_name[:60]), tables=", ".join(EXPORT_TABLES))
    filters = {"voucher": _id(voucher, "voucher"), "institution": _id(institution, "institution"),
               "fortnight": parse_date(fortnight, what="fortnight") if fortnight else None,
               "status": status, "region": region}
    ledger = request.app.state.ledger
    try:
        catch_up(ledger)
    except ViewFailed:
        pass
    with ledger.engine.connect() as connection:
        if name == "report" and filters["fortnight"] is None:
            filters["fortnight"] = report_day(connection, None) or date.today()
        shaped = scoped_table(connection, who.caller, name, filters)
    with tempfile.TemporaryDirectory(prefix="vledger-table-") as folder:
        path = Path(folder) / f"{name}.{file_format}"
        write_export(path, file_format, shaped)
        content = path.read_bytes()
    return Response(content, media_type=MEDIA_TYPES[file_format],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"',
                             "Cache-Control": "no-store"})

