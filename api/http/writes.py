"""One POST endpoint per ledger step. Each takes the signed envelope, checks
that its `command` and `target` belong to the route, and hands it to
`ledger.submit`, which checks signature, key, role and rules before recording.
201 on first recording; 200 with the same body (and `Idempotent-Replay: true`)
when the same `command_id` comes again."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from api.http.deps import LedgerDep
from api.http.models import KEY_ID_PATTERN, UUID_PATTERN, RegistrationCommand, SignedCommand, WriteResult
from api.http.paths import WriteRoute
from api.http.problems import HttpProblem, documented
from ledger.application import VoucherLedger

WRITE_PROBLEMS = documented(400, 401, 403, 404, 409, 413, 422, 500)
REPLAY_HEADER = "Idempotent-Replay"


def submit(ledger: VoucherLedger, route: WriteRoute, signed: SignedCommand, path_values: dict[str, str],
           response: Response) -> dict[str, Any]:
    envelope = signed.envelope.model_dump()
    if envelope["command"] not in route.commands:
        raise HttpProblem("route-mismatch", f"{route.path} takes {' or '.join(route.commands)}, "
                          f"not {envelope['command']!r}; send it to the endpoint of that step")
    if route.target_param and envelope["target"] != path_values[route.target_param]:
        raise HttpProblem("route-mismatch", f"the envelope's target {envelope['target']} is not the "
                          f"{route.target_param} in the path ({path_values[route.target_param]})")
    if "key_id" in path_values and envelope["body"].get("key_id") != path_values["key_id"]:
        raise HttpProblem("route-mismatch", "body.key_id must be the key_id in the path")
    personal = signed.personal.model_dump() if isinstance(signed, RegistrationCommand) and signed.personal else None
    outcome = ledger.submit({"envelope": envelope, "signature": signed.signature}, personal=personal)
    if outcome.duplicate:
        response.status_code = 200
        response.headers[REPLAY_HEADER] = "true"
    return outcome.result


def add_write_route(router: APIRouter, route: WriteRoute) -> None:
    model = RegistrationCommand if route.commands == ("register_party",) else SignedCommand
    names = [name for name in ("party_id", "filing_id", "voucher_id", "key_id") if "{" + name + "}" in route.path]

    def endpoint(ledger: LedgerDep, signed: Any, response: Response, **path_values: str) -> dict[str, Any]:
        return submit(ledger, route, signed, {name: str(value) for name, value in path_values.items()}, response)

    parameters = [
        inspect.Parameter("ledger", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=LedgerDep),
        inspect.Parameter("signed", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=model),
        inspect.Parameter("response", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Response),
    ] + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=_path_type(name)) for name in names]
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = route.commands[0]
    router.add_api_route(
        route.path, endpoint, methods=["POST"], status_code=201, response_model=WriteResult,
        summary=route.summary, operation_id=route.commands[0], tags=[route.tag],
        description=f"Signed envelope with `command` = {' or '.join(f'`{c}`' for c in route.commands)}.",
        responses={200: {"model": WriteResult, "description": "idempotent repeat: the first result, nothing recorded",
                         "headers": {REPLAY_HEADER: {"schema": {"type": "string", "enum": ["true"]},
                                                     "description": "present on a repeat"}}},
                   **WRITE_PROBLEMS})


def _path_type(name: str) -> Any:
    if name == "key_id":
        return Annotated[str, Path(pattern=KEY_ID_PATTERN, description="16 hex digits")]
    return Annotated[str, Path(pattern=UUID_PATTERN, description="lowercase UUID")]
