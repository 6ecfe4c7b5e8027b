"""Every refusal is RFC 9457 problem+json with a type per error class and the
rule ID where a rule refused it; bad input never changes the log."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

import ledger.errors as errors_module
from api.http.problems import DOMAIN_PROBLEMS, ledger_error_response
from ledger.envelope import sign_command
from ledger.errors import LedgerError, TamperDetected
from ledger.signing import SigningKey
from tests.http_support import http_client, problem_of
from tests.world import World


def all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= all_subclasses(sub)
    return found


def test_every_ledger_error_class_has_its_own_problem_type() -> None:
    declared = {value for value in vars(errors_module).values()
                if isinstance(value, type) and issubclass(value, LedgerError)}
    classes = declared | all_subclasses(LedgerError)
    unmapped = sorted(cls.__name__ for cls in classes if cls not in DOMAIN_PROBLEMS)
    assert not unmapped, f"map these in api/http/problems.py: {unmapped}"
    slugs = [kind.slug for kind in DOMAIN_PROBLEMS.values()]
    assert len(slugs) == len(set(slugs))
    assert all(400 <= kind.status < 600 for kind in DOMAIN_PROBLEMS.values())


def test_tamper_detected_is_a_server_fault_not_blamed_on_the_client() -> None:
    response = ledger_error_response(TamperDetected("event 7 does not hash to its stored hash"))
    assert response.status_code == 500 and response.media_type == "application/problem+json"


def issue_body(world: World, **overrides) -> dict:
    body = {"trainee": world.trainee().actor, "occupation": "6-18-02-04", "level": 3, "standard_fen": 90000,
            "shortage": False, "valid_until": (world.clock.now + timedelta(days=30)).date().isoformat()}
    body.update(overrides)
    return body


def test_each_domain_error_reaches_the_client_as_its_problem_type_and_changes_nothing(world: World) -> None:
    http = http_client(world)
    voucher = str(uuid.uuid4())
    body = issue_body(world)
    stranger = SigningKey.generate(actor=str(uuid.uuid4()), role="bureau")
    first = world.signed(world.bureau, "issue_voucher", voucher, body)
    refusals = []

    bad = world.signed(world.bureau, "issue_voucher", voucher, body)
    bad["envelope"]["command_id"] = "NOT-A-UUID"
    refusals.append(("/v1/vouchers", bad, 400, "bad-input"))
    forged = world.signed(world.bureau, "issue_voucher", voucher, body)
    forged["envelope"]["body"] = {**body, "standard_fen": 9_000_000}
    refusals.append(("/v1/vouchers", forged, 401, "invalid-signature"))
    refusals.append(("/v1/vouchers", world.signed(stranger, "issue_voucher", voucher, body), 401, "key-not-valid"))
    refusals.append(("/v1/vouchers", world.signed(world.institution, "issue_voucher", voucher, body),
                     403, "role-not-allowed"))
    refusals.append(("/v1/vouchers", world.signed(world.bureau, "issue_voucher", voucher,
                                                  {**body, "trainee": str(uuid.uuid4())}), 404, "not-found"))
    refusals.append(("/v1/filings", world.signed(world.institution, "file_class", voucher, world.filing_body(
        starts_on=world.clock.now.date().isoformat())), 422, "rule-violation"))

    before = world.log_snapshot()
    for path, signed, status, slug in refusals:
        problem = problem_of(http.post(path, json=signed), status, slug)
        assert problem.get("rule") == ("H4" if slug == "rule-violation" else None)
    assert world.log_snapshot() == before

    assert http.post("/v1/vouchers", json=first).status_code == 201
    after_first = world.log_snapshot()
    same_id = sign_command(world.bureau, "issue_voucher", voucher, {**body, "level": 4},
                           command_id=uuid.UUID(first["envelope"]["command_id"]), signed_at=world.clock.now,
                           ledger=world.ledger.origin)
    problem_of(http.post("/v1/vouchers", json=same_id), 409, "command-id-reused")
    assert world.log_snapshot() == after_first


@pytest.mark.parametrize("payload, where", [
    ({"envelope": {}, "signature": "x", "extra": 1}, "body.extra"),
    ({"signature": "x"}, "body.envelope"),
])
def test_unknown_or_missing_fields_are_refused_with_what_to_fix(world: World, payload: dict, where: str) -> None:
    problem = problem_of(http_client(world).post("/v1/vouchers", json=payload), 422, "request-validation")
    assert where in [error["where"] for error in problem["errors"]]


def test_unknown_field_inside_the_envelope_or_its_body_is_refused(world: World) -> None:
    http = http_client(world)
    signed = world.signed(world.bureau, "issue_voucher", uuid.uuid4(), issue_body(world))
    signed["envelope"]["note"] = "hello"
    problem_of(http.post("/v1/vouchers", json=signed), 422, "request-validation")
    extra_body = world.signed(world.bureau, "issue_voucher", uuid.uuid4(), issue_body(world, colour="red"))
    problem = problem_of(http.post("/v1/vouchers", json=extra_body), 422, "request-validation")
    assert "body.envelope.body.colour" in [error["where"] for error in problem["errors"]]


def test_envelope_sent_to_another_steps_endpoint_is_refused(world: World) -> None:
    http = http_client(world)
    voucher = uuid.uuid4()
    signed = world.signed(world.bureau, "issue_voucher", voucher, issue_body(world))
    problem_of(http.post(f"/v1/vouchers/{voucher}/claim", json=signed), 400, "route-mismatch")
    other = world.signed(world.bureau, "revoke_voucher", voucher, {"reason": "x"})
    problem_of(http.post(f"/v1/vouchers/{uuid.uuid4()}/revocation", json=other), 400, "route-mismatch")


def test_oversized_and_malformed_bodies_are_refused(world: World) -> None:
    http = http_client(world)
    problem_of(http.post("/v1/vouchers", content=b"{" + b" " * 70_000 + b"}",
                         headers={"content-type": "application/json"}), 413, "body-too-large")

    def chunks():
        for _ in range(20):
            yield b" " * 8192

    problem_of(http.post("/v1/vouchers", content=chunks(), headers={"content-type": "application/json"}),
               413, "body-too-large")
    problem_of(http.post("/v1/vouchers", content=b'{"envelope": ', headers={"content-type": "application/json"}),
               400, "malformed-body")
    problem_of(http.post("/v1/vouchers", content=b"[" * 30_000, headers={"content-type": "application/json"}),
               400, "malformed-body")
    problem_of(http.get("/v1/nothing-here"), 404, "no-such-endpoint")
    problem_of(http.delete("/v1/vouchers"), 405, "method-not-allowed")
