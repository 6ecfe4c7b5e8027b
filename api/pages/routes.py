"""The inspector pages (issue 9): `/` the ledger, `/vouchers/{id}` a voucher's
timeline with in-browser proof checking, `/institutions/{id}`, `/search`,
`/draw`; and the voucher's proofs in one request for the page's JavaScript
(checkpoints, keys and single proofs come from the public API under /v1). Access as in the API (api/http/access.py): an inspector
sees everything, a bureau its region, an institution only its own."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.figures import ledger_figures
from api.http.access import list_scope, may_read_institution_records, may_read_voucher_row, voucher_readers
from api.http.metrics import refusals_by_rule
from api.http.problems import HttpProblem
from api.pages import draw as draws
from api.pages import institution as institutions
from api.pages import overview
from api.pages.language import Word, _
from api.pages.rendering import PageRefused, PageRoute, Viewer, caught_up_ledger, render, viewer
from api.pages.search import MAX_QUERY_CHARACTERS, NATIONAL_ID_KINDS, classify, search as run_search
from api.pages.timeline import EVENT_WORDS, inclusion_proofs, timeline, voucher_events
from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from ledger.transparency import log_identity
from projections import failures
from projections.audit import AUDIT

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _uuid(text: str, refusal: str) -> UUID:
    """`text` as an id, else a 404 saying `refusal` (catalogue text with `{text}`)."""
    try:
        return UUID(text)
    except ValueError:
        raise PageRefused(404, refusal, text=repr(text[:60])) from None


def _voucher_for(request: Request, who: Viewer, voucher_id: str) -> tuple[Any, Voucher]:
    ledger = request.app.state.ledger
    voucher = ledger.find(_uuid(voucher_id, _("{text} is not a voucher id")))
    if not isinstance(voucher, Voucher):
        raise PageRefused(404, _("voucher {voucher} does not exist"), voucher=voucher_id)
    if "history" not in voucher_readers(voucher, who.caller):
        raise PageRefused(403, _("{role} {party} may not see voucher {voucher}: an institution sees its own vouchers, "
                                 "a bureau its region, an inspector everything"),
                          role=Word(who.role), party=who.id, voucher=voucher_id)
    return ledger, voucher


# -- the ledger ------------------------------------------------------------------


@router.get("/")
def ledger_page(request: Request, day: date | None = Query(default=None, description="a day of the fortnight")
                ) -> Response:
    who = viewer(request)
    ledger = caught_up_ledger(request)
    report_region = _report_scope(who)
    report_allowed = report_region is not False
    with ledger.engine.connect() as connection:
        per_day = overview.events_per_day(connection)
        report = overview.fortnightly_report(connection, day) if report_allowed else None
    if report is not None and report_region:
        report["regions"] = [row for row in report["regions"] if row["region"] == report_region]
    return render(request, "ledger.html", checkpoints=overview.checkpoints(ledger), per_day=per_day,
                  events=ledger.max_notification_id(), verification=overview.last_verification(ledger),
                  report=report, report_allowed=report_allowed, identity=log_identity(ledger),
                  view_failures=failures.recorded(ledger.engine),
                  figures=ledger_figures(ledger), refusals=refusals_by_rule(request.app))


def _report_scope(who: Viewer) -> str | None | bool:
    """As GET /v1/reports/fortnight: None for every region (an inspector), a
    region (a bureau), False when the viewer may not read the report (N5)."""
    try:
        return list_scope(who.caller, "report", {"region": None}, {"bureau": "region"})["region"]
    except HttpProblem:
        return False


# -- a voucher -------------------------------------------------------------------


@router.get("/vouchers/{voucher_id}")
def voucher_page(request: Request, voucher_id: str) -> Response:
    who = viewer(request)
    ledger, voucher = _voucher_for(request, who, voucher_id)
    rows = timeline(ledger, voucher_events(ledger, voucher.id))
    institution = ledger.find(UUID(voucher.institution)) if voucher.institution else None
    return render(request, "voucher.html", voucher=voucher, rows=rows, institution=institution,
                  event_words=EVENT_WORDS)


@router.get("/vouchers/{voucher_id}/proofs.json")
def voucher_proofs(request: Request, voucher_id: str, tree_size: int = Query(ge=1)) -> JSONResponse:
    """Inclusion proofs of every event of the voucher against one tree size."""
    who = viewer(request)
    ledger, voucher = _voucher_for(request, who, voucher_id)
    sequences = [event.sequence for event in voucher_events(ledger, voucher.id)]
    return JSONResponse({"voucher": str(voucher.id), "tree_size": tree_size,
                         "proofs": inclusion_proofs(ledger, sequences, tree_size)},
                        headers={"Cache-Control": "no-store"})


@router.get("/events/{sequence}")
def event_link(request: Request, sequence: int) -> Response:
    """Where an event is shown: its voucher's timeline, at its row, for a viewer
    who may open that timeline; any other event is "not found", so sequence
    numbers cannot be walked to find vouchers (issue 13)."""
    from sqlalchemy import select

    who = viewer(request)
    ledger = caught_up_ledger(request)
    with ledger.engine.connect() as connection:
        row = connection.execute(select(AUDIT.table.c.voucher).where(AUDIT.table.c.sequence == sequence)).first()
    voucher = ledger.find(UUID(row.voucher)) if row is not None and row.voucher is not None else None
    if not isinstance(voucher, Voucher) or "history" not in voucher_readers(voucher, who.caller):
        raise PageRefused(404, _("event #{sequence} is not an event of a voucher you may see"), sequence=sequence)
    return RedirectResponse(f"/vouchers/{voucher.id}#event-{sequence}", status_code=303)


# -- an institution --------------------------------------------------------------


@router.get("/institutions/{institution_id}")
def institution_page(request: Request, institution_id: str) -> Response:
    who = viewer(request)
    ledger = caught_up_ledger(request)
    party = ledger.find(_uuid(institution_id, _("{text} is not an institution id")))
    if not isinstance(party, Party) or party.role != "institution":
        raise PageRefused(404, _("institution {institution} does not exist"), institution=institution_id)
    if not may_read_institution_records(who.caller, str(party.id), party.region):
        raise PageRefused(403, _("{role} {party} may not see institution {institution}: an institution sees only "
                                 "itself, a bureau its region"),
                          role=Word(who.role), party=who.id, institution=institution_id)
    key = str(party.id)
    with ledger.engine.connect() as connection:
        rates = institutions.pass_rates(connection, key)
        context = {"series": institutions.balance_series(connection, key),
                   "by_status": institutions.vouchers_by_status(connection, key),
                   "vouchers": institutions.institution_vouchers(connection, key), "rates": rates,
                   "flags": institutions.institution_flags(connection, key, rates["region"] or party.region)}
    return render(request, "institution.html", institution=party, **context)


# -- search ----------------------------------------------------------------------


@router.get("/search")
def search_page(request: Request, q: str = Query(default="", max_length=MAX_QUERY_CHARACTERS)) -> Response:
    """Everything but a national ID: a national ID or its keyed hash in a URL
    would stay in the browser's history and the server's logs (L10), so it is
    refused here and searched only through the form (POST)."""
    if classify(q) in NATIONAL_ID_KINDS:
        raise PageRefused(400, _("search by national ID (or its hash) only with the search form, which posts it, so "
                                 "that it never sits in an address, a history or a log"))
    return _search(request, q)


@router.post("/search")
async def search_form(request: Request) -> Response:
    """The search form posts, so a national ID typed in never reaches a URL, a log or the history."""
    body = await request.body()
    if len(body) > 1024:
        raise PageRefused(400, _("a search is at most {count} characters"), count=MAX_QUERY_CHARACTERS)
    values = parse_qs(body.decode("utf-8", "replace")).get("q", [""])
    return _search(request, values[0][:MAX_QUERY_CHARACTERS])


def _search(request: Request, query: str) -> Response:
    who = viewer(request)
    if not query.strip():
        return render(request, "search.html", results=None)
    ledger = caught_up_ledger(request)
    with ledger.engine.connect() as connection:
        results = run_search(ledger, connection, query)
    results.vouchers = [row for row in results.vouchers if may_read_voucher_row(who.caller, row)]
    results.institutions = [row for row in results.institutions
                            if may_read_institution_records(who.caller, row["id"], row["region"])]
    if not results.vouchers and results.kind in ("voucher id", "certificate number"):
        results.kind = "text"  # the answer to a query naming nothing: no hint that a hidden voucher exists
    if (len(results.vouchers) == 1 and not results.institutions and results.kind in ("voucher id", "certificate number")
            and may_read_voucher_row(who.caller, results.vouchers[0], "history")):
        return RedirectResponse(f"/vouchers/{results.vouchers[0]['id']}", status_code=303)
    return render(request, "search.html", results=results)


# -- the inspection draw ---------------------------------------------------------


@router.get("/draw")
def draw_page(request: Request, checkpoint: int | None = Query(default=None, ge=1),
              count: int = Query(default=5, ge=1, le=100), of: str = Query(default="institutions", max_length=20),
              region: str = Query(default="", max_length=40)) -> Response:
    who = viewer(request)
    ledger = request.app.state.ledger
    return render(request, "draw.html", **draws.draw_context(ledger, who.caller, checkpoint, count, of, region))
