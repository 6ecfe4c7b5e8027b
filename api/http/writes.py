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
from api.http.operation_ids import camel_case
from api.http.models import KEY_ID_PATTERN, UUID_PATTERN, WriteResult
from api.http.paths import ROUTE_BY_COMMAND, WRITE_ROUTES, WriteRoute
from api.http.route_models import route_model
from api.http.problems import HttpProblem, documented
from ledger.application import VoucherLedger

WRITE_PROBLEMS = documented(400, 401, 403, 404, 409, 413, 422, 500)
REPLAY_HEADER = "Idempotent-Replay"


def submit(ledger: VoucherLedger, route: WriteRoute, signed: Any, path_values: dict[str, str],
           response: Response) -> dict[str, Any]:
    payload, personal = signed_payload(signed)
    envelope = payload["envelope"]
    if envelope["command"] not in route.commands:
        raise HttpProblem("route-mismatch", f"{route.path} takes {' or '.join(route.commands)}, "
                          f"not {envelope['command']!r}; send it to the endpoint of that step")
    if route.target_param and envelope["target"] != path_values[route.target_param]:
        raise HttpProblem("route-mismatch", f"the envelope's target {envelope['target']} is not the "
                          f"{route.target_param} in the path ({path_values[route.target_param]})")
    if "key_id" in path_values and envelope["body"].get("key_id") != path_values["key_id"]:
        raise HttpProblem("route-mismatch", "body.key_id must be the key_id in the path")
    outcome = ledger.submit(payload, personal=personal)
    if outcome.duplicate:
        response.status_code = 200
        response.headers[REPLAY_HEADER] = "true"
    return outcome.result


def signed_payload(signed: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The signed command as the ledger takes it (the envelope exactly as sent and signed), and the personal
    data beside it, from a write route's request model."""
    envelope = signed.envelope.model_dump(exclude_unset=True)
    personal = signed.personal.model_dump() if getattr(signed, "personal", None) else None
    return {"envelope": envelope, "signature": signed.signature}, personal


def add_write_route(router: APIRouter, route: WriteRoute) -> None:
    model = route_model(route)
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
        summary=route.summary, operation_id=OPERATION_IDS[route.path], tags=[route.tag],
        description=f"Signed envelope with `command` = {' or '.join(f'`{c}`' for c in route.commands)}.",
        responses={201: {"description": "recorded",
                         "content": {"application/json": {"example": _result_example(route)}}},
                   200: {"model": WriteResult, "description": "idempotent repeat: the first result, nothing recorded",
                         "headers": {REPLAY_HEADER: {"schema": {"type": "string", "enum": ["true"]},
                                                     "description": "present on a repeat"}}},
                   **WRITE_PROBLEMS})


def _path_type(name: str) -> Any:
    if name == "key_id":
        return Annotated[str, Path(pattern=KEY_ID_PATTERN, description="16 hex digits")]
    return Annotated[str, Path(pattern=UUID_PATTERN, description="lowercase UUID")]


# Stable operation ids: the step's name in camelCase; a route of several steps names its purpose.
OPERATION_IDS = {route.path: camel_case(route.commands[0]) for route in WRITE_ROUTES if len(route.commands) == 1}
OPERATION_IDS.update({"/v1/catalogue/{party_id}": "changeCatalogueStanding",
                      "/v1/filings/{filing_id}/approval": "decideFiling"})


def _result_example(route: WriteRoute) -> dict[str, Any]:
    return {"command_id": "5b0f4a52-6f7e-4d1a-9a43-0d1c2b3a4f51", "command": route.commands[0],
            "target": "7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "version": 1,
            "recorded_at": "2023-03-01T08:00:00.050000Z", "event_hashes": ["9c1f" + "0" * 60]}


def route_mismatch(path: str, errors: list[dict[str, Any]]) -> str | None:
    """The route-mismatch detail when the envelope's `command` is not a step of this
    route (the request model's `command` refused it); None otherwise."""
    route = next((route for route in WRITE_ROUTES if _matches(route.path, path)), None)
    for error in errors:
        loc = tuple(error.get("loc", ()))
        sent = None
        if error.get("type") == "literal_error" and loc == ("body", "envelope", "command"):
            sent = error.get("input")
        elif error.get("type") == "union_tag_invalid" and loc == ("body", "envelope"):
            sent = (error.get("ctx") or {}).get("tag")
        if isinstance(sent, str) and route is not None:
            known = f"; send it to {ROUTE_BY_COMMAND[sent].path}" if sent in ROUTE_BY_COMMAND else ""
            return f"{route.path} takes {' or '.join(route.commands)}, not {sent!r}{known}"
    return None


def _matches(template: str, path: str) -> bool:
    parts, sent = template.strip("/").split("/"), path.strip("/").split("/")
    return len(parts) == len(sent) and all(part.startswith("{") or part == given for part, given in zip(parts, sent))
