"""Errors as RFC 9457 `application/problem+json`. ONE table maps every domain
error class to an HTTP status and a problem type; a second lists the problems
only the HTTP edge raises (validation, size, authentication, access).
`tests/test_http_problems.py` fails if a `LedgerError` subclass is unmapped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ledger.errors import (
    BadInput,
    CommandIdReused,
    Conflict,
    InvalidSignature,
    KeyNotValid,
    LedgerError,
    NotFound,
    ReadOnlyLedger,
    RoleNotAllowed,
    RuleViolation,
    TamperDetected,
    ViewFailed,
)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://vledger.example/problems/"


@dataclass(frozen=True)
class ProblemKind:
    status: int
    slug: str
    title: str

    @property
    def type(self) -> str:
        return TYPE_BASE + self.slug


DOMAIN_PROBLEMS: dict[type[LedgerError], ProblemKind] = {
    LedgerError: ProblemKind(400, "refused", "The ledger refused the command"),
    BadInput: ProblemKind(400, "bad-input", "Bad input"),
    NotFound: ProblemKind(404, "not-found", "Not found"),
    InvalidSignature: ProblemKind(401, "invalid-signature", "The signature does not verify"),
    KeyNotValid: ProblemKind(401, "key-not-valid", "The key is not valid for this party"),
    RoleNotAllowed: ProblemKind(403, "role-not-allowed", "This role may not take this step"),
    RuleViolation: ProblemKind(422, "rule-violation", "A rule refuses this step"),
    Conflict: ProblemKind(409, "conflict", "Conflict: retry or stop"),
    CommandIdReused: ProblemKind(409, "command-id-reused", "This command_id names another command"),
    ReadOnlyLedger: ProblemKind(503, "read-only", "This database is a read replica; writes go to the primary"),
    TamperDetected: ProblemKind(500, "tamper-detected", "The ledger failed verification"),
    ViewFailed: ProblemKind(503, "view-failed", "A view cannot apply an accepted event; reads wait for the fix"),
}

EDGE_PROBLEMS: dict[str, ProblemKind] = {kind.slug: kind for kind in (
    ProblemKind(400, "malformed-body", "The request body is not JSON"),
    ProblemKind(422, "request-validation", "The request does not match the API schema"),
    ProblemKind(413, "body-too-large", "The request body is too large"),
    ProblemKind(401, "not-authenticated", "This read needs a signed request"),
    ProblemKind(403, "not-yours", "The caller may not read this"),
    ProblemKind(400, "route-mismatch", "The envelope does not belong to this endpoint"),
    ProblemKind(404, "no-such-endpoint", "No such endpoint"),
    ProblemKind(405, "method-not-allowed", "Method not allowed"),
    ProblemKind(415, "unsupported-media-type", "Unsupported media type"),
    ProblemKind(500, "server-fault", "Internal server error"),
)}
STATUS_SLUGS = {400: "malformed-body", 404: "no-such-endpoint", 405: "method-not-allowed",
                413: "body-too-large", 415: "unsupported-media-type"}


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": TYPE_BASE + "rule-violation", "title": "A rule refuses this step", "status": 422,
        "detail": "a class is filed and approved before it starts; it starts 2023-03-01, today is 2023-03-02",
        "rule": "H4"}]})

    type: str
    title: str
    status: int
    detail: str
    rule: str | None = None
    errors: list[dict[str, Any]] | None = Field(default=None, description="what to fix, field by field")


class ProblemResponse(JSONResponse):
    """problem+json; text that cannot be UTF-8 (a lone surrogate echoed from the
    input) is escaped rather than failing."""

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


class HttpProblem(Exception):
    """A problem the HTTP edge raises itself (authentication, access, routing)."""

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = EDGE_PROBLEMS[slug]
        self.detail = detail


def domain_kind(error_class: type[LedgerError]) -> ProblemKind:
    for cls in error_class.__mro__:
        if cls in DOMAIN_PROBLEMS:
            return DOMAIN_PROBLEMS[cls]
    raise KeyError(error_class)


def problem_content(kind: ProblemKind, detail: str, *, rule: str | None = None,
                    errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"type": kind.type, "title": kind.title, "status": kind.status, "detail": detail}
    if rule:
        content["rule"] = rule
    if errors:
        content["errors"] = errors
    return content


def problem_response(kind: ProblemKind, detail: str, *, rule: str | None = None,
                     errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    content = problem_content(kind, detail, rule=rule, errors=errors)
    headers = {"WWW-Authenticate": 'Signature realm="vledger"'} if kind.status == 401 else None
    if headers and kind.slug == "not-authenticated":  # RFC 9421 section 5.1: the signature a read needs
        headers["Accept-Signature"] = ACCEPT_SIGNATURE
    return ProblemResponse(content, status_code=kind.status, headers=headers)


ACCEPT_SIGNATURE = 'vledger=("@method" "@authority" "@path" "@query");created;nonce;alg="ed25519";tag="vledger-read"'


def ledger_error_response(error: LedgerError) -> JSONResponse:
    return problem_response(domain_kind(type(error)), error.message, rule=error.rule)


def field_error(item: dict[str, Any]) -> dict[str, Any]:
    """One entry of a problem's `errors`, from one of pydantic's validation errors."""
    where = ".".join(str(part) for part in item.get("loc", ()))
    return {"where": where or "request", "message": str(item.get("msg", "invalid")), "type": item.get("type", "")}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problems an operation can return."""
    return {status: {"model": Problem, "description": _descriptions(status),
                     "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for status in statuses}


def _descriptions(status: int) -> str:
    titles = {kind.title for kind in (*DOMAIN_PROBLEMS.values(), *EDGE_PROBLEMS.values()) if kind.status == status}
    return "; ".join(sorted(titles)) or "problem"
