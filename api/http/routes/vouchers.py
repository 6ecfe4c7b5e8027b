"""Vouchers: the loop's writes (issue to claw-back) and signed reads of a
voucher, its history, its learning records and its payments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.http.access import require_voucher_access
from api.http.deps import CallerDep, LedgerDep
from api.http.models import Page
from api.http.pagination import DEFAULT_PAGE_ITEMS, CursorQuery, LimitQuery, decode_cursor, page
from api.http.paths import WRITE_ROUTES
from api.http.problems import documented
from api.http.routes import load
from api.http.views import PaymentsView, VoucherBundle, VoucherView, payments_view, voucher_view
from api.http.writes import add_write_route
from api.http.paths_params import VoucherIdPath
from ledger.aggregates.voucher import Voucher
from ledger.history import voucher_history
from ledger.transparency.bundle import make_bundle

router = APIRouter(tags=["vouchers"])
READ_PROBLEMS = documented(400, 401, 403, 404, 422, 500)

for route in WRITE_ROUTES:
    if route.tag == "vouchers":
        add_write_route(router, route)


@router.get("/v1/vouchers/{voucher_id}", response_model=VoucherView, responses=READ_PROBLEMS,
            summary="A voucher's current state (signed read)")
def read_voucher(voucher_id: VoucherIdPath, ledger: LedgerDep, caller: CallerDep) -> dict[str, Any]:
    voucher = load(ledger, Voucher, voucher_id, "voucher")
    require_voucher_access(voucher, caller, "voucher")
    return voucher_view(voucher)


@router.get("/v1/vouchers/{voucher_id}/history", response_model=Page, responses=READ_PROBLEMS,
            summary="Every event of a voucher with who signed it (signed read)")
def read_history(voucher_id: VoucherIdPath, ledger: LedgerDep, caller: CallerDep, cursor: CursorQuery = None,
                 limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    voucher = load(ledger, Voucher, voucher_id, "voucher")
    require_voucher_access(voucher, caller, "history")
    after = decode_cursor(cursor)
    rows = [row for row in voucher_history(ledger, voucher.id) if row["sequence"] > after]
    return page(rows[:limit + 1], limit, lambda row: row["sequence"])


@router.get("/v1/vouchers/{voucher_id}/learning-records", response_model=Page, responses=READ_PROBLEMS,
            summary="Online learning records (N2, H8); a platform sees only its own (signed read)")
def read_learning_records(voucher_id: VoucherIdPath, ledger: LedgerDep, caller: CallerDep,
                          cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    voucher = load(ledger, Voucher, voucher_id, "voucher")
    require_voucher_access(voucher, caller, "learning")
    after = decode_cursor(cursor)
    rows = [{"sequence": row["sequence"], "recorded_at": row["recorded_at"], "event_hash": row["event_hash"],
             **row["facts"]}
            for row in voucher_history(ledger, voucher.id)
            if row["event"] == "OnlineLearningRecorded" and row["sequence"] > after
            and (caller.role != "platform" or row["facts"]["platform"] == caller.id)]
    return page(rows[:limit + 1], limit, lambda row: row["sequence"])


@router.get("/v1/vouchers/{voucher_id}/payments", response_model=PaymentsView, responses=READ_PROBLEMS,
            summary="What a voucher's subsidy is and what was paid on it (signed read)")
def read_payments(voucher_id: VoucherIdPath, ledger: LedgerDep, caller: CallerDep) -> dict[str, Any]:
    voucher = load(ledger, Voucher, voucher_id, "voucher")
    require_voucher_access(voucher, caller, "payments")
    return payments_view(voucher)


@router.get("/v1/vouchers/{voucher_id}/bundle", response_model=VoucherBundle, responses=READ_PROBLEMS,
            summary="A voucher's events, their signers' key events and RFC 9162 inclusion proofs at a checkpoint "
                    "(the latest, or `at`), as `vledger bundle` writes it (signed read)")
def read_bundle(voucher_id: VoucherIdPath, ledger: LedgerDep, caller: CallerDep,
                at: Annotated[int | None, Query(ge=1, le=2**62, description="a recorded checkpoint's tree size")]
                = None) -> dict[str, Any]:
    voucher = load(ledger, Voucher, voucher_id, "voucher")
    require_voucher_access(voucher, caller, "history")
    return make_bundle(ledger, voucher.id, at)
