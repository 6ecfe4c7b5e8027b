"""The whole loop through HTTP, each step signed by the party that takes it
(L7, H3, H4, H7, N4), idempotent retries, and concurrent writes to one voucher."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

from api.client import LedgerClient
from ledger.aggregates.periods import EpidemicPeriod
from ledger.application import VoucherLedger
from ledger.envelope import iso
from ledger.personal import commitment
from ledger.signing import SigningKey
from tests.http_support import http_client, party, problem_of
from tests.world import World


def test_l7_h3_h7_every_role_takes_its_steps_through_http_to_payment(hengyang: World) -> None:
    world, http = hengyang, http_client(hengyang)
    bureau, institution, platform, finance, inspector, assessor = (
        party(world, http, key) for key in
        (world.bureau, world.institution, world.platform, world.finance, world.inspector, world.assessor))
    person = world.person()
    trainee_key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    bureau.submit("register_party", trainee_key.actor, {
        "role": "trainee", "public_key": trainee_key.public_key_b64, "personal_sha256": commitment(person),
        "allowance_groups": ["registered_poor"]}, personal=person)
    trainee = party(world, http, trainee_key)
    filing = uuid.uuid4()
    hours = 24
    online_minutes = hours * world.profile.class_hour_minutes * 30 // 100
    institution.submit("file_class", filing, world.filing_body(total_class_hours=hours,
                                                                planned_online_minutes=online_minutes))
    bureau.submit("approve_filing", filing, {})
    voucher = uuid.uuid4()
    bureau.submit("issue_voucher", voucher, {
        "trainee": trainee_key.actor, "occupation": "6-31-01-03", "level": 4, "standard_fen": 80000,
        "shortage": True, "valid_until": (world.clock.now + timedelta(days=180)).date().isoformat()})
    trainee.submit("claim_voucher", voucher, {})
    trainee.submit("choose_institution", voucher, {"institution": world.institution.actor})
    institution.submit("enrol", voucher, {"filing": str(filing)})
    prepayment_fen = institution.get(f"/v1/vouchers/{voucher}/payments")["payments"][0]["fen"]
    finance.submit("prepay", voucher, {"amount_fen": prepayment_fen, "fund": "skills_upgrading_account"})
    world.clock.advance(days=3)
    platform.submit("record_online_learning", voucher, {
        "signed_in_at": iso(world.clock.now), "minutes": online_minutes, "questions_answered": 4,
        "tests_taken": 2, "tests_passed": 2, "face_checks_passed": 3, "face_checks_failed": 0})
    offline_left = hours * world.profile.class_hour_minutes - online_minutes
    bureau.submit("end_epidemic_period", EpidemicPeriod.id_for(world.region),  # H5: offline waits for the end
                  {"ended_on": world.clock.now.date().isoformat(), "document": "衡阳市 疫情解除通告"})
    while offline_left > 0:
        institution.submit("record_offline_training", voucher, {
            "started_at": iso(world.clock.now), "minutes": min(offline_left, 480), "location": "workshop"})
        offline_left -= 480
    finance.submit("pay_allowance", voucher, world.allowance_body(voucher, days=4, amount_fen=5000))
    assessor.submit("assess", voucher, {"passed": True, "certificate_number": "HY-0001",
                                           "certificate_kind": "skill_level"})
    institution.submit("request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    bureau.submit("review_redemption", voucher, {"approved": True, "reason": "credentials checked (L13)"})
    bureau.submit("open_notice", voucher, {"days": 5})
    world.clock.advance(days=6)
    bureau.submit("close_notice", voucher, {"outcome": "cleared"})
    payments = finance.get(f"/v1/vouchers/{voucher}/payments")
    finance.submit("pay", voucher, {"amount_fen": payments["subsidy_fen"] - payments["prepaid_fen"],
                                    "fund": "skills_upgrading_account"})

    state = inspector.get(f"/v1/vouchers/{voucher}")
    assert state["status"] == "paid" and state["prepaid_fen"] == prepayment_fen
    assert state["prepaid_fen"] + state["paid_fen"] == state["subsidy_fen"] == 132000
    assert state["allowance_fen"] == 5000
    history = inspector.get_all(f"/v1/vouchers/{voucher}/history", {"limit": 3})
    assert [row["role"] for row in history][:4] == ["bureau", "trainee", "trainee", "institution"]
    assert {row["role"] for row in history} == {"bureau", "trainee", "institution", "platform", "finance", "assessor"}
    assert [row["sequence"] for row in history] == list(range(1, state["version"] + 1))
    assert trainee.get(f"/v1/vouchers/{voucher}")["trainee"] == trainee_key.actor
    assert platform.get(f"/v1/vouchers/{voucher}/learning-records")["items"][0]["minutes"] == online_minutes
    filed = bureau.get(f"/v1/filings/{filing}")
    assert filed["status"] == "approved"
    assert (filed["theory_class_hours"], filed["practical_class_hours"], filed["total_class_hours"]) == (12, 12, 24)
    assert (filed["training_kind"], filed["home_practice"]) == ("employment", False)


def test_catalogue_and_keys_are_managed_through_http_l12(world: World) -> None:
    http = http_client(world)
    bureau = party(world, http, world.bureau)
    new_key = SigningKey.generate(actor=world.platform.actor, role="platform")
    bureau.submit("rotate_key", world.platform.actor, {"public_key": new_key.public_key_b64})
    bureau.submit("revoke_key", world.platform.actor, {"key_id": new_key.key_id, "reason": "laptop stolen"})
    bureau.submit("ban", world.platform.actor, {"reason": "faked face checks"})
    record = http.get(f"/v1/parties/{world.platform.actor}").json()
    assert record["banned"] and not record["listed"]
    assert record["keys"][new_key.key_id]["valid_until"] is not None
    refused = http.post(f"/v1/catalogue/{world.platform.actor}", json=world.signed(
        world.bureau, "list_in_catalogue", world.platform.actor, {}))
    assert problem_of(refused, 422, "rule-violation")["rule"] == "L12"


def test_same_command_id_sent_again_returns_the_first_result_and_records_once(world: World) -> None:
    http = http_client(world)
    voucher = uuid.uuid4()
    signed = world.signed(world.bureau, "issue_voucher", voucher, {
        "trainee": world.trainee().actor, "occupation": "6-18-02-04", "level": 3, "standard_fen": 90000,
        "shortage": False, "valid_until": (world.clock.now + timedelta(days=30)).date().isoformat()})
    first = http.post("/v1/vouchers", json=signed)
    events_after_first = world.ledger.max_notification_id()
    again = http.post("/v1/vouchers", json=signed)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replay"] == "true" and "Idempotent-Replay" not in first.headers
    assert world.ledger.max_notification_id() == events_after_first


class RacingLedger(VoucherLedger):
    """The real ledger, with both racers held after deciding until the other
    has decided too, so both write against the same voucher version. Two of
    these are two server processes: within one, writes are decided in turn
    (ledger/group_commit.py)."""

    name = VoucherLedger.name  # the same tables, not a new application's
    barrier = threading.Barrier(2, timeout=10)
    lock = threading.Lock()
    waiting = 2  # only the first two decisions wait; the loser's re-decision runs through

    def _decide(self, command) -> None:
        super()._decide(command)
        with self.lock:
            wait = RacingLedger.waiting > 0
            RacingLedger.waiting -= 1
        if wait:
            self.barrier.wait()


def test_concurrent_writes_to_one_voucher_from_two_servers_one_wins_the_other_gets_409(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    RacingLedger.waiting, RacingLedger.barrier = 2, threading.Barrier(2, timeout=10)  # fresh when run again
    servers, ledgers = [], []
    for _ in range(2):
        world.ledger = RacingLedger(world.ledger.database_url, keys=world.ledger.keys_dir, clock=world.clock)
        ledgers.append(world.ledger)
        servers.append(http_client(world))
    racing = world.ledger
    bodies = [world.signed(world.institution, "record_offline_training", voucher,
                           {"started_at": iso(world.clock.now), "minutes": 60, "location": f"room {n}"})
              for n in (1, 2)]
    responses: list = [None, None]

    def send(index: int) -> None:
        responses[index] = servers[index].post(f"/v1/vouchers/{voucher}/offline-training", json=bodies[index])

    threads = [threading.Thread(target=send, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409], [response.text for response in responses]
    loser = next(index for index, response in enumerate(responses) if response.status_code == 409)
    problem_of(responses[loser], 409, "conflict")
    assert racing.get(voucher).offline_minutes == 60
    retry = servers[loser].post(f"/v1/vouchers/{voucher}/offline-training", json=bodies[loser])
    assert retry.status_code == 201
    assert racing.get(voucher).offline_minutes == 120
    for ledger in ledgers:
        ledger.close()


def test_client_follows_every_endpoint_of_the_table() -> None:
    from api.http.paths import ROUTE_BY_COMMAND
    from ledger.steps import load_all_steps

    assert set(load_all_steps()) - {"genesis"} == set(ROUTE_BY_COMMAND)
    assert isinstance(LedgerClient, type)
