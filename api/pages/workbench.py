"""`/work`: the logged-in party's home by role (issue 14 item 1). It shows
what waits for the party (api/pages/work_queues.py, limited as the API limits
reads) and a form per main action. The page never signs on the server: the
browser builds and signs each envelope with the key it kept at login
(static/envelope.js) and sends it to the step's own /v1 route, so a form
here is exactly as strong as a signed API call. Before signing, a form shows
what the rules give (`/work/quote.json`, the amount due); after, the receipt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.http.access import voucher_readers
from api.http.paths import ROUTE_BY_COMMAND
from api.pages.language import Word, _, language_of, rule_lines
from api.pages.rendering import PageRefused, PageRoute, Viewer, caught_up_ledger, render, viewer
from api.pages.payment_file import dues_of
from api.pages.step_forms import forms_for_role
from api.pages.work_queues import queue_for
from api.pages.work_rules import MAX_QUOTE_FIELD_CHARACTERS, issue_quote
from ledger.aggregates.periods import EpidemicPeriod, SegmentedSubsidy
from ledger.aggregates.voucher import Voucher
from ledger.envelope import parse_date
from ledger.lifecycle import STATES
from ledger.rules import profile_for
from ledger.standards import standards_for
from ledger.evidence import EVIDENCE_KINDS
from ledger.steps.vouchers import CERTIFICATE_KINDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ROUTES = {command: route.path for command, route in ROUTE_BY_COMMAND.items()}
DEFAULT_VALIDITY_DAYS = 180
TEMPLATED_ROLES = ("bureau", "institution", "finance", "assessor", "trainee", "platform")


def _voucher_for_assessor(ledger, who: Viewer, voucher_id: str) -> Voucher:
    """The voucher an assessor asked for by number, if it may read it (as GET /v1/vouchers/{id})."""
    try:
        found = ledger.find(UUID(voucher_id[:36]))
    except ValueError:
        raise PageRefused(400, _("{text} is not a voucher number (a UUID)"), text=repr(voucher_id[:40])) from None
    if not isinstance(found, Voucher):
        raise PageRefused(404, _("voucher {voucher} does not exist"), voucher=voucher_id[:36])
    if "voucher" not in voucher_readers(found, who.caller):
        raise PageRefused(403, _("{role} {party} may not read voucher {voucher}: an assessor reads the vouchers of "
                                 "its region"), role=Word(who.role), party=who.id, voucher=voucher_id[:36])
    return found


def _known_ids(queue: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, str]]:
    """The ids the party's queue shows, offered as choices for a form's target:
    (id, the queue's name, its status or occupation)."""
    return [(str(row["id"]), what, str(row.get("status") or row.get("occupation") or ""))
            for what, rows in queue.items() for row in rows if "id" in row]


def _status_words(language: str) -> dict[str, str]:
    """A voucher status as a form's id choices name it: the lifecycle's Chinese (ledger/lifecycle.py), or the code."""
    return {name: state.chinese for name, state in STATES.items()} if language == "zh" else {}


def _fixed_targets(who: Viewer) -> dict[str, str]:
    """Where the steps recorded once per region or bureau live (ledger/steps/periods.py)."""
    if who.role != "bureau":
        return {}
    return {"end_epidemic_period": str(EpidemicPeriod.id_for(who.region)),
            "adopt_segmented_subsidy": str(SegmentedSubsidy.id_for(who.id))}


@router.get("/work")
def work_page(request: Request, voucher: str | None = Query(default=None, max_length=60)) -> Response:
    who = viewer(request)
    ledger = caught_up_ledger(request)
    with ledger.engine.connect() as connection:
        queue = queue_for(connection, who.caller)
    lines = rule_lines(language_of(request))  # a refusal shown by static/work.js names its rule's line
    if queue is None:
        return render(request, "work_none.html", rule_lines=lines)
    today = ledger.clock().date()
    context: dict[str, Any] = {"queue": queue, "routes": ROUTES, "today": today.isoformat(), "rule_lines": lines,
                               "status_words": _status_words(language_of(request)),
                               "step_forms": forms_for_role(who.role), "known_ids": _known_ids(queue),
                               "fixed_targets": _fixed_targets(who)}
    if who.role == "bureau":
        catalogue = standards_for(who.region)
        context.update(valid_until=(today + timedelta(days=DEFAULT_VALIDITY_DAYS)).isoformat(),
                       standards=sorted(catalogue.standards_fen.items()), catalogue=catalogue)
    elif who.role == "institution":
        context.update(evidence_kinds=EVIDENCE_KINDS)
    elif who.role == "finance":
        context.update(dues=dues_of(ledger, queue))
    elif who.role == "assessor":
        context.update(certificate_kinds=CERTIFICATE_KINDS, asked=voucher,
                       voucher=_voucher_for_assessor(ledger, who, voucher) if voucher else None)
    template = f"work_{who.role}.html" if who.role in TEMPLATED_ROLES else "work_none.html"
    return render(request, template, **context)


@router.get("/work/quote.json")
def work_quote(request: Request, occupation: str = Query(default="", max_length=MAX_QUOTE_FIELD_CHARACTERS),
               level: str = Query(default="", max_length=MAX_QUOTE_FIELD_CHARACTERS),
               standard_yuan: str = Query(default="", max_length=MAX_QUOTE_FIELD_CHARACTERS),
               filed_on: str = Query(default="", max_length=MAX_QUOTE_FIELD_CHARACTERS)) -> JSONResponse:
    """The subsidy the rules give for a voucher the bureau is about to issue (read-only)."""
    who = viewer(request)
    if who.role != "bureau":
        raise PageRefused(403, _("only a bureau issues vouchers, so only a bureau asks for an issue quote"))
    day = parse_date(filed_on, what="the filing day") if filed_on else request.app.state.ledger.clock().date()
    profile_for(who.region)  # an unknown region is a NotFound
    return JSONResponse(issue_quote(who.region, occupation.strip(), level.strip(), standard_yuan.strip() or None, day),
                        headers={"Cache-Control": "no-store"})
