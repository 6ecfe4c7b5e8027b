"""Several signed commands in one request: an import's rows (issue 15 item 1,
docs/decisions/0069). Each item is the body its step's own endpoint takes and
is checked by that endpoint's model; the commands are decided in the batch's
order with no other caller's command between them (`VoucherLedger.submit_many`)
and committed together where accepted. Each item gets what its own endpoint
would have answered: 201 and the result, 200 and the first result for a
repeat, or a problem. A refused item records nothing and does not stop the
others. The reply is 200 whenever the batch itself could be read."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.http.deps import LedgerDep
from api.http.limits import MAX_BODY_BYTES
from api.http.models import WriteResult
from api.http.paths import BATCH_PATH, ROUTE_BY_COMMAND
from api.http.problems import EDGE_PROBLEMS, Problem, documented, domain_kind, field_error, problem_content
from api.http.route_models import example_of, route_model
from api.http.writes import signed_payload
from ledger.application import Outcome
from ledger.errors import LedgerError

log = logging.getLogger("vledger.http")
router = APIRouter(tags=["batches"])
MAX_BATCH_COMMANDS = 500
REQUEST_MODELS = {command: route_model(route) for command, route in ROUTE_BY_COMMAND.items()}


class CommandBatch(BaseModel):
    """Signed commands to be decided in this order."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"commands": [example_of("register_party"), example_of("issue_voucher")]}]})
    commands: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_BATCH_COMMANDS,
        description="each item is the body its step's own endpoint takes (a signed envelope, and `personal` "
                    "beside a trainee's registration), at most 64 KiB")


class BatchItem(BaseModel):
    """One command's answer: `status` is what its own endpoint would have answered."""

    status: int = Field(description="201 recorded; 200 a repeat (the first result, nothing recorded); else refused")
    result: WriteResult | None = Field(default=None, description="on 201 and 200")
    problem: Problem | None = Field(default=None, description="on a refusal: the problem its endpoint returns")


class BatchReply(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "recorded": 1, "repeated": 0, "refused": 1, "results": [
            {"status": 201, "result": WriteResult.model_config["json_schema_extra"]["examples"][0]},
            {"status": 422, "problem": Problem.model_config["json_schema_extra"]["examples"][0]}]}]})
    recorded: int
    repeated: int
    refused: int
    results: list[BatchItem]


@router.post(BATCH_PATH, response_model=BatchReply, responses=documented(400, 413, 422, 500, 503),
             operation_id="submitCommandBatch",
             summary=f"Several signed commands at once, decided in order (at most {MAX_BATCH_COMMANDS})")
def submit_batch(ledger: LedgerDep, batch: CommandBatch) -> dict[str, Any]:
    checked = [_checked(item) for item in batch.commands]
    readable = [payload for payload in checked if isinstance(payload, tuple)]
    answers = iter(ledger.submit_many(readable))
    results = [_answer(next(answers)) if isinstance(payload, tuple) else payload for payload in checked]
    count = {status: sum(1 for result in results if result["status"] == status) for status in (200, 201)}
    return {"recorded": count[201], "repeated": count[200], "refused": len(results) - count[200] - count[201],
            "results": results}


def _checked(item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None] | dict[str, Any]:
    """The signed command and its personal data, as its own endpoint's model reads them; or the answer
    refusing it there."""
    text = json.dumps(item, ensure_ascii=False)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        return _refused(EDGE_PROBLEMS["body-too-large"],
                        f"a command is at most {MAX_BODY_BYTES // 1024} KiB, as on its own endpoint")
    envelope = item.get("envelope")
    command = envelope.get("command") if isinstance(envelope, dict) else None
    if not isinstance(command, str) or command not in REQUEST_MODELS:
        return _refused(EDGE_PROBLEMS["request-validation"],
                        f"envelope.command: {command!r} is not a step; known: {', '.join(sorted(REQUEST_MODELS))}")
    try:
        signed = REQUEST_MODELS[command].model_validate_json(text)
    except ValidationError as error:
        errors = [field_error(detail) for detail in error.errors()[:20]]
        return _refused(EDGE_PROBLEMS["request-validation"], f"{errors[0]['where']}: {errors[0]['message']}",
                        errors=errors)
    return signed_payload(signed)


def _answer(answer: Outcome | Exception) -> dict[str, Any]:
    if isinstance(answer, Outcome):
        return {"status": 200 if answer.duplicate else 201, "result": answer.result}
    if isinstance(answer, LedgerError):
        return _refused(domain_kind(type(answer)), answer.message, rule=answer.rule)
    log.error("server fault on one command of a batch", exc_info=answer)
    return _refused(EDGE_PROBLEMS["server-fault"], "the server failed while deciding this command; the fault is logged")


def _refused(kind: Any, detail: str, **extra: Any) -> dict[str, Any]:
    return {"status": kind.status, "problem": problem_content(kind, detail, **extra)}
