"""The witness's HTTP edge (c2sp.org/tlog-witness): ``POST /add-checkpoint``
answers the cosignature lines (200), the witness's size as
``text/x.tlog.size`` (409), or an RFC 9457 problem (400, 403, 404, 422,
413); ``GET /<origin hash>/checkpoint`` serves the latest cosigned checkpoint
of a log. The decisions are in ledger/witness/service.py."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ledger.witness.service import MAX_REQUEST_BYTES, Witness, WitnessRefusal
from ledger.witness.state import origin_hash

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://vledger.example/problems/witness-"
TITLES = {400: "Malformed add-checkpoint request", 403: "The checkpoint is not signed by the log's key",
          404: "Unknown log", 413: "The request body is too large", 422: "Inconsistent checkpoint"}
log = logging.getLogger("vledger.witness")


def create_witness_app(witness: Witness) -> FastAPI:
    app = FastAPI(title="vledger witness", version="1",
                  description=f"A C2SP tlog-witness cosigning with cosignature/v1; verifier key `{witness.vkey}`.")

    @app.post("/add-checkpoint", summary="Cosign a checkpoint that consistently extends the witness's latest")
    async def add_checkpoint(request: Request) -> Response:
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_REQUEST_BYTES:
                return _problem(WitnessRefusal(413, f"the request is larger than {MAX_REQUEST_BYTES} bytes"))
        try:
            line = await run_in_threadpool(witness.add_checkpoint, data)
        except WitnessRefusal as refusal:
            log.warning("add-checkpoint refused (%s): %s", refusal.status, refusal.detail)
            if refusal.status == 409:
                return PlainTextResponse(f"{refusal.witness_size}\n", status_code=409, media_type="text/x.tlog.size")
            return _problem(refusal)
        return PlainTextResponse(line, media_type="text/plain; charset=utf-8")

    @app.get("/{hashed_origin}/checkpoint", summary="The latest checkpoint this witness cosigned for a log")
    def checkpoint(hashed_origin: str) -> Response:
        for origin in witness.logs:
            if origin_hash(origin) == hashed_origin:
                note = witness.state.note(origin)
                if note is not None:
                    return PlainTextResponse(note, media_type="text/plain; charset=utf-8")
        return _problem(WitnessRefusal(404, "this witness has cosigned no checkpoint of that log"))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "vkey": witness.vkey}

    return app


def _problem(refusal: WitnessRefusal) -> JSONResponse:
    slug = {400: "malformed", 403: "forbidden", 404: "unknown-log", 413: "too-large", 422: "inconsistent"}
    return JSONResponse({"type": TYPE_BASE + slug.get(refusal.status, "refused"),
                         "title": TITLES.get(refusal.status, "Refused"), "status": refusal.status,
                         "detail": refusal.detail}, status_code=refusal.status, media_type=PROBLEM_MEDIA_TYPE)
