"""Stable, readable OpenAPI operation ids (docs/decisions/0050): a write is its
step in camelCase (`issueVoucher`, api/http/writes.py); a read is named here;
a route not named here gets its endpoint function's name in camelCase, never
a generated id."""

from __future__ import annotations

from fastapi.routing import APIRoute

READ_OPERATION_IDS = {
    "/healthz": "getHealth",
    "/readyz": "getReadiness",
    "/metrics": "getMetrics",
    "/v1/parties/{party_id}": "getParty",
    "/v1/keys": "listKeys",
    "/v1/filings": "listFilings",
    "/v1/filings/{filing_id}": "getFiling",
    "/v1/vouchers": "listVouchers",
    "/v1/vouchers/{voucher_id}": "getVoucher",
    "/v1/vouchers/{voucher_id}/history": "getVoucherHistory",
    "/v1/vouchers/{voucher_id}/payments": "getVoucherPayments",
    "/v1/vouchers/{voucher_id}/learning-records": "getLearningRecords",
    "/v1/vouchers/{voucher_id}/bundle": "getVoucherBundle",
    "/v1/checkpoints": "listCheckpoints",
    "/v1/checkpoints/latest": "getLatestCheckpoint",
    "/v1/proofs/inclusion": "getInclusionProof",
    "/v1/proofs/consistency": "getConsistencyProof",
    "/v1/flags": "listFlags",
    "/v1/audit": "listAudit",
    "/v1/balances": "listBalances",
    "/v1/reports/fortnight": "getFortnightReport",
    "/v1/events": "listEvents",
}


def camel_case(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def operation_id(route: APIRoute) -> str:
    """FastAPI's `generate_unique_id_function`, used when a route sets no operation id."""
    if "GET" in route.methods and route.path in READ_OPERATION_IDS:
        return READ_OPERATION_IDS[route.path]
    return camel_case(route.name)
