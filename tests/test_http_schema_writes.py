"""Schemathesis sends signed writes (issue 13, "tests that bite").

Two ways. A whole loop where every command the test world takes is a
schemathesis case of its write route: a genuinely signed envelope, sent to the
route, checked against the schema's status codes, media types, headers and
bodies, and required to be a 201 (or a 200 replay). Every write route of the
API is walked that way. Then generated write bodies, valid by the schema,
re-signed with the key of a role the step allows, so that they get past
authentication into the domain's own validation: those must be refused as
problems the schema names, never a 5xx, and never recorded unless lawful."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.http.app import create_app
from api.http.paths import BATCH_PATH, WRITE_ROUTES, WriteRoute
from ledger.aggregates.party import Party
from ledger.application import VoucherLedger
from ledger.errors import BadInput
from ledger.signing import SigningKey
from ledger.steps import STEPS
from tests.test_http_schema import CHECKS, NoLedgerYet
from tests.world import World

APP = create_app(ledger=NoLedgerYet())  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
ROUTE_OF: dict[str, WriteRoute] = {command: route for route in WRITE_ROUTES for command in route.commands}
FUND = "skills_upgrading_account"
ENVELOPE_FIELDS = {"command_id", "ledger", "actor", "key_id", "signed_at", "command", "target", "body"}


def path_parameters(route: WriteRoute, target: Any, body: dict[str, Any]) -> dict[str, str]:
    values = {route.target_param: str(target)} if route.target_param else {}
    if "{key_id}" in route.path:
        values["key_id"] = str(body["key_id"])
    return values


class SchemaWorld(World):
    """A test world whose every command goes to its write route as a schemathesis case."""

    def __init__(self, ledger: VoucherLedger, region: str) -> None:
        self.walked: Counter[str] = Counter()
        APP.state.ledger = ledger
        super().__init__(ledger, region)

    def do(self, key: SigningKey, command: str, target: Any, body: dict[str, Any],
           personal: dict[str, Any] | None = None) -> dict[str, Any]:
        route = ROUTE_OF[command]
        payload = {**self.signed(key, command, target, body), **({"personal": personal} if personal else {})}
        case = schema[route.path]["POST"].Case(path_parameters=path_parameters(route, target, body), body=payload,
                                               media_type="application/json")
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 201, response.text
        again = schema[route.path]["POST"].Case(path_parameters=path_parameters(route, target, body), body=payload,
                                                media_type="application/json").call_and_validate(checks=CHECKS)
        assert again.status_code == 200 and again.headers["idempotent-replay"] == ["true"]
        assert again.json() == response.json()
        self.walked[route.path] += 1
        return response.json()


def walk_the_whole_loop(world: SchemaWorld) -> None:
    """Hengyang (H3 prepayment, N4 allowance, H5 end of the epidemic period): one voucher from
    issue to claw-back, one filing rejected, one voucher expired, one revoked, an objection,
    keys rotated and revoked, a platform delisted and banned, a trainee erased."""
    online_minutes = 24 * world.profile.class_hour_minutes * 30 // 100
    filing = world.approved_filing(total_class_hours=24, planned_online_minutes=online_minutes)
    trainee = world.trainee(allowance_groups=["registered_poor"])
    voucher = world.issue(trainee)
    world.claim_and_choose(trainee, voucher)
    world.do(world.institution, "enrol", voucher, {"filing": str(filing)})
    state = world.ledger.get(voucher)
    prepayment_fen = sum(p["fen"] for p in state.payments if p["stage"] == "prepayment")
    world.do(world.finance, "prepay", voucher, {"amount_fen": prepayment_fen, "fund": FUND})
    world.clock.advance(days=3)
    world.online(voucher, online_minutes)
    world.complete_hours(voucher)
    world.do(world.finance, "pay_allowance", voucher, world.allowance_body(voucher, days=4, amount_fen=5000))
    world.do(world.assessor, "assess", voucher, {"passed": True, "certificate_number": "HY-0001",
                                                 "certificate_kind": "skill_level"})
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    world.do(world.bureau, "review_redemption", voucher, {"approved": True, "reason": "credentials checked (L13)"})
    world.do(world.bureau, "open_notice", voucher, {"days": 5})
    world.do(world.inspector, "raise_objection", voucher, {"reason": "doubt about the attendance sheet"})
    world.clock.advance(days=6)
    world.do(world.bureau, "close_notice", voucher, {"outcome": "cleared", "reason": "objection dismissed"})
    state = world.ledger.get(voucher)
    world.do(world.finance, "pay", voucher, {"amount_fen": state.subsidy_fen - state.prepaid_fen, "fund": FUND})
    state = world.ledger.get(voucher)
    world.do(world.bureau, "claw_back", voucher, {
        "amount_fen": state.prepaid_fen + state.paid_fen + state.allowance_fen, "reason": "fraud found", "rule": "L12"})

    unapproved = uuid.uuid4()
    world.do(world.institution, "file_class", unapproved, world.filing_body())
    world.do(world.bureau, "reject_filing", unapproved, {"reason": "plan incomplete"})
    expiring = world.issue(world.trainee(), valid_days=1)
    revoked = world.issue(world.trainee())
    world.do(world.bureau, "revoke_voucher", revoked, {"reason": "issued in error"})
    world.clock.advance(days=2)
    world.do(world.bureau, "expire_voucher", expiring, {})

    new_key = SigningKey.generate(actor=world.platform.actor, role="platform")
    world.do(world.bureau, "rotate_key", world.platform.actor, {"public_key": new_key.public_key_b64})
    world.do(world.bureau, "revoke_key", world.platform.actor, {"key_id": new_key.key_id, "reason": "laptop stolen"})
    world.do(world.bureau, "delist", world.platform.actor, {"reason": "zombie"})
    world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked face checks"})
    world.do(world.bureau, "erase_trainee", world.trainee().actor, {"reason": "registered in error"})


def test_every_write_route_takes_a_signed_envelope_through_schemathesis_and_records_it(ledger: VoucherLedger,
                                                                                        tmp_path) -> None:
    world = SchemaWorld(ledger, "hunan-hengyang")
    walk_the_whole_loop(world)
    shandong = VoucherLedger(f"sqlite:///{tmp_path / 'shandong.db'}", keys=tmp_path / "shandong-keys")
    segmented = SchemaWorld(shandong, "shandong")
    segmented.adopt_segmented_subsidy()  # S2, where a city opts in
    shandong.close()
    walked = set(world.walked) | set(segmented.walked)
    assert walked == {route.path for route in WRITE_ROUTES}, {route.path for route in WRITE_ROUTES} - walked
    assert world.ledger.get(world.platform.actor).banned


class SignedWrite:
    """Re-signs a generated write body, valid by the schema, as the step's command by a party of
    a role the step allows, so that the case reaches the domain's validation."""

    def __init__(self, world: World, trainee: SigningKey, real_ids: dict[str, list[str]]) -> None:
        self.world, self.real_ids, self.turn = world, real_ids, 0
        self.keys = {key.role: key for key in (world.root, world.bureau, world.institution, world.platform,
                                               world.assessor, world.finance, world.inspector, trainee)}

    def sign(self, case: Any) -> bool:
        route = next(route for route in WRITE_ROUTES if route.path == case.path)
        envelope = case.body.get("envelope") if isinstance(case.body, dict) else None
        if not (isinstance(envelope, dict) and isinstance(envelope.get("body"), dict) and ENVELOPE_FIELDS <= set(envelope)
                and isinstance(case.body.get("signature"), str)):
            return False  # a body invalid by the schema goes as generated: its refusal is what is under test
        command = route.commands[len(case.body["signature"]) % len(route.commands)]
        key = next(self.keys[role] for role in STEPS[command].roles if role in self.keys)
        target = (case.path_parameters or {}).get(route.target_param) if route.target_param else envelope["target"]
        self.turn += 1
        if route.target_param and self.turn % 2:  # every other case acts on a real voucher, filing or party
            choices = self.real_ids[route.target_param]
            target = case.path_parameters[route.target_param] = choices[self.turn // 2 % len(choices)]
        body = envelope["body"]
        if "{key_id}" in route.path:
            body = {**body, "key_id": case.path_parameters["key_id"]}
        try:
            signed = self.world.signed(key, command, target, body)
        except BadInput:  # no client can sign it (e.g. an integer beyond JSON's safe range): sent as generated
            return False
        case.body = {**{k: v for k, v in case.body.items() if k == "personal"}, **signed}
        return True


@pytest.fixture
def signer(world: World) -> SignedWrite:
    APP.state.ledger = world.ledger
    paid = world.paid_voucher()
    enrolled, trainee = world.enrolled_voucher()
    real_ids = {"voucher_id": [str(paid), str(enrolled)], "filing_id": [str(world.ledger.get(enrolled).filing)],
                "party_id": [world.institution.actor, world.platform.actor, trainee.actor]}
    return SignedWrite(world, trainee, real_ids)


@schema.include(method="POST").exclude(path=BATCH_PATH).parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_generated_writes_signed_by_an_allowed_role_are_refused_as_problems_or_recorded(case, signer: SignedWrite
                                                                                       ) -> None:
    signed = signer.sign(case)
    before = signer.world.ledger.max_notification_id()
    response = case.call_and_validate(checks=CHECKS)
    assert not (signed and response.status_code == 401), response.text  # signed: past authentication
    if response.status_code >= 400:
        assert signer.world.ledger.max_notification_id() == before  # a refused command changed nothing


@schema.include(method="POST", path=BATCH_PATH).parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_generated_batches_are_answered_as_the_schema_says_and_record_nothing(case, signer: SignedWrite) -> None:
    """Bodies generated from the batch's schema (items no signer made): each refused in the reply, or the
    batch refused whole, never a 5xx, and the log unchanged."""
    before = signer.world.ledger.max_notification_id()
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        assert all(item["status"] >= 400 for item in response.json()["results"])
    assert signer.world.ledger.max_notification_id() == before
