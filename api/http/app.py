"""The FastAPI application: `create_app(database_url)`. Routes per resource in
`api/http/routes/`; every error becomes problem+json (api/http/problems.py)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.access_log import AccessLog
from api.http.follower import ProjectionFollower
from api.http.limits import BodySizeLimit, MAX_BODY_BYTES
from api.http.metrics import install_metrics
from api.http.metrics import router as metrics_router
from api.http.openapi_doc import install as install_openapi_additions
from api.http.operation_ids import operation_id
from api.http.problems import (EDGE_PROBLEMS, STATUS_SLUGS, HttpProblem, field_error, ledger_error_response,
                               problem_response)
from api.http.read_side import ReadSide, ReadSideHeaders
from api.http.writes import route_mismatch
from ledger.application import VoucherLedger
from ledger.errors import LedgerError, TamperDetected

log = logging.getLogger("vledger.http")

DESCRIPTION = f"""
The training-voucher ledger over HTTP (DESIGN.md, outside contracts).

**Writes** take a signed envelope `{{"envelope": {{...}}, "signature": "..."}}`: canonical JSON (RFC 8785) of
`command_id, ledger, actor, key_id, signed_at, command, target, body`, signed with the party's Ed25519 key.
`ledger` is the ledger's checkpoint origin (`origin` of `GET /v1/keys`); `signed_at` may be at most 24 hours old
(`VLEDGER_SIGNED_AT_WINDOW_SECONDS`). One endpoint per step; the envelope's `command` and `target` must match the
endpoint. The same `command_id` again returns the first result (200, `Idempotent-Replay: true`) and records
nothing. 409 means another write changed the same record first: send it again.

**Reads** of vouchers and filings are signed too, as RFC 9421 HTTP Message Signatures (security schemes
`readSignatureInput` and `readSignature`, sent together): `Signature-Input: vledger=("@method" "@authority" "@path"
"@query");created=<unix seconds>;keyid="<key id>";nonce="<16-64 of A-Za-z0-9_->";alg="ed25519";tag="vledger-read"`
and `Signature: vledger=:<base64 Ed25519>:` (±5 minutes; each nonce is accepted once; `docs/examples/` shows
one made with Node's built-in crypto). An institution reads its own vouchers, a platform its own learning
records, a bureau its region, finance payments, an inspector everything.
Parties, keys, checkpoints and proofs are public.

**Errors** are `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail` and, when a rule
refused the step, `rule` (an ID from DOMAIN.md). Bodies are limited to {MAX_BODY_BYTES // 1024} KiB; unknown
fields are refused. Lists are paginated with an opaque `cursor`.
"""


def create_app(database_url: str | None = None, *, ledger: VoucherLedger | None = None,
               follow_projections: bool = False, read_database_url: str | None = None) -> FastAPI:
    """The API over the ledger at `database_url` (or an already open `ledger`);
    `follow_projections` keeps the views caught up while the app runs; reads
    go to the replica at `read_database_url` or VLEDGER_READ_DB if set."""
    from api.http.routes import all_routers

    if ledger is None:
        from ledger.config import database_url as resolve

        ledger = VoucherLedger(resolve(database_url))
    read_side = ReadSide.open(ledger, read_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        follower = ProjectionFollower(ledger) if follow_projections else None
        if follower:
            follower.start()
        yield
        if follower:
            follower.stop()
        read_side.close()

    app = FastAPI(lifespan=lifespan, title="vledger", version="1", description=DESCRIPTION,
                  generate_unique_id_function=operation_id,
                  openapi_tags=[{"name": name} for name in
                                ("parties", "catalogue", "filings", "vouchers", "batches", "transparency", "events",
                                 "health")])
    app.state.ledger = ledger
    app.state.read_side = read_side
    app.add_middleware(BodySizeLimit, max_body_bytes=MAX_BODY_BYTES)
    app.add_middleware(ReadSideHeaders, read_side=read_side)
    app.add_middleware(AccessLog, metrics=install_metrics(app))
    for router in all_routers():
        app.include_router(router)
    app.include_router(metrics_router)
    from api.pages.router import pages_router  # the inspector pages under / (issue 9)

    app.include_router(pages_router)
    _add_problem_handlers(app)
    install_openapi_additions(app)
    return app


def _add_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(LedgerError)
    def ledger_error(request: Request, error: LedgerError):
        if isinstance(error, TamperDetected):
            log.error("tamper detected while serving %s %s: %s", request.method, request.url.path, error)
        return ledger_error_response(error)

    @app.exception_handler(HttpProblem)
    def http_problem(request: Request, problem: HttpProblem):
        return problem_response(problem.kind, problem.detail)

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, error: RequestValidationError):
        mismatch = route_mismatch(request.url.path, list(error.errors()))
        if mismatch:
            return problem_response(EDGE_PROBLEMS["route-mismatch"], mismatch)
        errors = [field_error(item) for item in error.errors()[:20]]
        if any(item["type"] == "json_invalid" for item in errors):
            return problem_response(EDGE_PROBLEMS["malformed-body"],
                                    "the body is not valid JSON; send one JSON object", errors=errors)
        first = errors[0] if errors else {"where": "request", "message": "invalid"}
        if first["where"] == "body" and first["type"] in ("model_attributes_type", "dict_type", "missing"):
            first = {**first, "message": "send one JSON object with Content-Type: application/json"}
        return problem_response(EDGE_PROBLEMS["request-validation"],
                                f"{first['where']}: {first['message']}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException):
        slug = STATUS_SLUGS.get(error.status_code, "malformed-body" if error.status_code < 500 else "server-fault")
        detail = str(error.detail) if error.detail else EDGE_PROBLEMS[slug].title
        if error.status_code == 404:
            detail = f"no endpoint {request.method} {request.url.path}; see /docs"
        if error.status_code == 400 and slug == "malformed-body":
            detail = "the body could not be read as JSON; send one JSON object"
        return problem_response(EDGE_PROBLEMS[slug], detail)

    @app.exception_handler(Exception)
    def server_fault(request: Request, error: Exception):
        log.error("server fault on %s %s", request.method, request.url.path, exc_info=error)
        return problem_response(EDGE_PROBLEMS["server-fault"],
                                "the server failed while handling this request; the fault is logged")

