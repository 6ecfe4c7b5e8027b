"""List reads from the projections (signed, with access control in
api/http/access.py): vouchers, filings, balances, the audit trail, flags and
the fortnightly report (N5). Each list filters in SQL and pages with an opaque
cursor (projections/listing.py); each read first brings the views up to every
write recorded before it (api/http/list_support.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.http.access import FILING_LIST_OWN, REGION_OR_OWN, VOUCHER_LIST_OWN, list_scope, voucher_list_fields, with_article
from api.http.deps import CallerDep, LedgerDep
from api.http.list_models import AuditPage, BalancesPage, FilingsPage, FlagsPage, FortnightReport, VouchersPage
from api.http.list_support import KeyCursorQuery, decode_key_cursor, fresh_views, key_page, sequence_page
from api.http.models import UUID_PATTERN
from api.http.pagination import DEFAULT_PAGE_ITEMS, CursorQuery, LimitQuery, decode_cursor
from api.http.problems import HttpProblem, documented
from ledger.envelope import iso, parse_date, parse_time
from ledger.errors import BadInput
from projections import listing
from projections.report import fortnight_report

router = APIRouter(tags=["lists"])
LIST_PROBLEMS = documented(400, 401, 403, 409, 422, 500)
MAX_SEQUENCE = 2**62

IdQuery = Annotated[str | None, Query(pattern=UUID_PATTERN, description="a party's or voucher's UUID (lowercase)")]
RegionQuery = Annotated[str | None, Query(pattern=r"^[a-z][a-z-]{0,31}$", description="a region, e.g. liaoning")]
StatusQuery = Annotated[str | None, Query(pattern=r"^[a-z_]{1,24}$", description="e.g. enrolled, paid")]
TimeQuery = Annotated[str | None, Query(max_length=40, description="ISO 8601 time with a timezone, e.g. "
                                                                    "2023-03-01T00:00:00Z")]

PAYMENT_FIELDS = ("id", "status", "region", "last_sequence", "updated_at", "profile_version", "institution",
                  "approved_fen", "prepaid_fen", "paid_fen", "allowance_fen", "clawed_back_fen")
LEARNING_FIELDS = ("id", "status", "region", "last_sequence", "updated_at", "filing", "institution", "platform",
                   "occupation_type", "total_class_hours", "online_minutes", "online_class_hours",
                   "face_checks_failed")
ACCOUNT_FILTERS = {"institution": ("receivable", "paid"), "bureau": ("commitment",), "fund": ("fund",),
                   "trainee": ("allowance",)}


@router.get("/v1/vouchers", response_model=VouchersPage, response_model_exclude_unset=True, responses=LIST_PROBLEMS,
            summary="Vouchers from the views, filtered and paged (signed read)")
def list_vouchers(ledger: LedgerDep, caller: CallerDep, status: StatusQuery = None, institution: IdQuery = None,
                  region: RegionQuery = None, trainee: IdQuery = None, cursor: KeyCursorQuery = None,
                  limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    """An inspector lists every voucher, finance every voucher's payment fields, a bureau its region, an
    institution its own, a platform those enrolled in classes on it (learning fields), a trainee its own."""
    filters = list_scope(caller, "vouchers", {"status": status, "institution": institution, "region": region,
                                              "trainee": trainee}, VOUCHER_LIST_OWN, ("inspector", "finance"))
    after = decode_key_cursor(cursor)
    fields = voucher_list_fields(caller)
    position = fresh_views(ledger)
    with ledger.engine.connect() as connection:
        rows = listing.vouchers_page(connection, after=after, limit=limit, filters=filters)
    if fields != "full":
        shown = PAYMENT_FIELDS if fields == "payments" else LEARNING_FIELDS
        rows = [{name: row[name] for name in shown} for row in rows]
    return {**key_page(rows, limit, "id"), "fields": fields, "views_position": position}


@router.get("/v1/filings", response_model=FilingsPage, responses=LIST_PROBLEMS,
            summary="Class filings (H4, L4) from the views, filtered and paged (signed read)")
def list_filings(ledger: LedgerDep, caller: CallerDep, status: StatusQuery = None, institution: IdQuery = None,
                 region: RegionQuery = None, cursor: KeyCursorQuery = None,
                 limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    """An inspector lists every filing, a bureau its region's, an institution or platform its own."""
    filters = list_scope(caller, "filings", {"status": status, "institution": institution, "region": region},
                         FILING_LIST_OWN)
    after = decode_key_cursor(cursor)
    position = fresh_views(ledger)
    with ledger.engine.connect() as connection:
        rows = listing.filings_page(connection, after=after, limit=limit, filters=filters)
    return {**key_page(rows, limit, "id"), "views_position": position}


@router.get("/v1/flags", response_model=FlagsPage, responses=LIST_PROBLEMS,
            summary="Fraud flags with their rule and events, filtered and paged (signed read)")
def list_flags(ledger: LedgerDep, caller: CallerDep,
               kind: Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$", description="e.g. two_places")] = None,
               rule: Annotated[str | None, Query(pattern=r"^[A-Z][0-9]{1,2}$", description="e.g. L7")] = None,
               voucher: IdQuery = None, institution: IdQuery = None, region: RegionQuery = None,
               cursor: KeyCursorQuery = None, limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    """An inspector lists every flag, a bureau its region's, an institution those about itself."""
    filters = list_scope(caller, "flags", {"kind": kind, "rule": rule, "voucher": voucher,
                                           "institution": institution, "region": region}, REGION_OR_OWN)
    after = decode_key_cursor(cursor)
    position = fresh_views(ledger)
    with ledger.engine.connect() as connection:
        rows = listing.flags_page(connection, after=after, limit=limit, filters=filters)
    return {**key_page(rows, limit, "id"), "views_position": position}


@router.get("/v1/audit", response_model=AuditPage, responses=LIST_PROBLEMS,
            summary="The audit trail (H8, N2): who signed what, in log order (signed read)")
def list_audit(ledger: LedgerDep, caller: CallerDep, voucher: IdQuery = None, actor: IdQuery = None,
               institution: IdQuery = None, since: TimeQuery = None, until: TimeQuery = None,
               cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    """An inspector reads every row, a bureau the rows of its region's vouchers and institutions and of its own
    acts, an institution the rows of its own vouchers (issuance included) and of its own acts."""
    if caller.role not in ("inspector", "bureau", "institution"):
        list_scope(caller, "audit", {}, {})  # refuses with the rule
    since_iso = iso(parse_time(since, what="since")) if since is not None else None
    until_iso = iso(parse_time(until, what="until")) if until is not None else None
    if since_iso and until_iso and since_iso > until_iso:
        raise BadInput(f"since {since} is after until {until}; give a window that starts before it ends")
    after = decode_cursor(cursor)
    scope: dict[str, Any] = {}
    if caller.role == "bureau":
        scope = {"region": caller.region, "region_actor": caller.id}
    elif caller.role == "institution":
        scope = {"own_institution": caller.id}
    position = fresh_views(ledger)
    with ledger.engine.connect() as connection:
        rows = listing.audit_page(connection, after=after, limit=limit, voucher=voucher, actor=actor,
                                  institution=institution, since=since_iso, until=until_iso, **scope)
    return {**sequence_page(rows, limit), "views_position": position}


@router.get("/v1/balances", response_model=BalancesPage, responses=LIST_PROBLEMS,
            summary="Double-entry account balances in fen, now or after an event (signed read)")
def list_balances(ledger: LedgerDep, caller: CallerDep, institution: IdQuery = None, bureau: IdQuery = None,
                  fund: Annotated[str | None, Query(max_length=64, description="a fund's name (N6)")] = None,
                  region: RegionQuery = None,
                  as_of: Annotated[int | None, Query(ge=0, le=MAX_SEQUENCE,
                                                     description="balances after this event's sequence")] = None,
                  cursor: KeyCursorQuery = None, limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    """An inspector and finance read every account, a bureau its region's, an institution only its own
    accounts (receivable and paid), a trainee its allowance. Filter by one of institution, bureau or fund."""
    requested = {"institution": institution, "bureau": bureau, "fund": fund, "region": region, "trainee": None}
    filters = list_scope(caller, "balances", requested, {"bureau": "region", "institution": "institution",
                                                         "trainee": "trainee"}, ("inspector", "finance"))
    owners = {name: filters[name] for name in ACCOUNT_FILTERS if filters[name] is not None}
    if len(owners) > 1:
        if caller.role in ("institution", "trainee"):
            raise HttpProblem("not-yours", f"{with_article(caller.role)} reads only its own accounts; leave out "
                                           f"{', '.join(sorted(name for name in owners if name != caller.role))}")
        raise BadInput("filter balances by at most one of institution, bureau and fund")
    ((owner_kind, owner),) = owners.items() if owners else ((None, None),)
    after = decode_key_cursor(cursor)
    position = fresh_views(ledger)
    if as_of is not None and as_of > position:
        raise BadInput(f"as_of {as_of} is beyond the last recorded event {position}")
    with ledger.engine.connect() as connection:
        rows = listing.balances_page(connection, after=after, limit=limit, owner=owner, region=filters["region"],
                                     kinds=ACCOUNT_FILTERS[owner_kind] if owner_kind else None, as_of=as_of)
    return {**key_page(rows, limit, "account"), "as_of": as_of, "views_position": position}


@router.get("/v1/reports/fortnight", response_model=FortnightReport, responses=LIST_PROBLEMS,
            summary="The fortnightly progress report (N5, 双周调度表) by region (signed read)")
def fortnight(ledger: LedgerDep, caller: CallerDep,
              date: Annotated[str, Query(max_length=10, description="a day of the fortnight, YYYY-MM-DD")]
              ) -> dict[str, Any]:
    """An inspector reads every region's figures, a bureau its own region's."""
    scope = list_scope(caller, "report", {"region": None}, {"bureau": "region"})
    day = parse_date(date, what="date")
    position = fresh_views(ledger)
    with ledger.engine.connect() as connection:
        report = fortnight_report(connection, day)
    if scope["region"] is not None:
        report["regions"] = [row for row in report["regions"] if row["region"] == scope["region"]]
    return {**report, "views_position": position}
