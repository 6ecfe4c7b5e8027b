"""Several signed commands in one request (POST /v1/command-batches, docs/decisions/0069): each item gets
what its own endpoint would have answered, decided in the batch's order; a refused item records nothing
and does not stop the others; an import sends its rows this way, a batch at a time, row outcomes in order."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.http.routes.batches import MAX_BATCH_COMMANDS
from api.imports.kinds import KINDS
from api.imports.runner import BATCH_COMMANDS, Importer, read_import
from ledger.envelope import iso
from ledger.personal import commitment
from ledger.signing import SigningKey
from tests.http_support import http_client, party, problem_of
from tests.log_checks import assert_ledger_verifies, log_hashes
from tests.world import ELECTRICIAN, World

BATCH = "/v1/command-batches"


def offline(world: World, voucher: uuid.UUID, minutes: int, **signed: Any) -> dict[str, Any]:
    return world.signed(world.institution, "record_offline_training", voucher,
                        {"started_at": iso(world.clock.now), "minutes": minutes, "location": "workshop"}, **signed)


def test_each_item_gets_its_own_endpoints_answer_and_only_the_accepted_are_recorded(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    http = http_client(world)
    first = offline(world, voucher, 30)
    forged = {**offline(world, voucher, 40), "signature": first["signature"]}
    by_bureau = world.signed(world.bureau, "record_offline_training", voucher,
                             {"started_at": iso(world.clock.now), "minutes": 5, "location": "workshop"})
    unknown_field = offline(world, voucher, 10)
    unknown_field["envelope"]["body"]["colour"] = "red"
    huge = offline(world, voucher, 10)
    huge["envelope"]["body"]["location"] = "x" * (65 * 1024)
    too_long = offline(world, voucher, 600 * 24)
    before = log_hashes(world.ledger)

    reply = http.post(BATCH, json={"commands": [
        first, forged, by_bureau, {"envelope": {"command": "paint_the_fence"}}, unknown_field, huge, first,
        offline(world, voucher, 20), too_long]})

    assert reply.status_code == 200, reply.text
    body = reply.json()
    statuses = [item["status"] for item in body["results"]]
    assert statuses[:8] == [201, 401, 403, 422, 422, 413, 200, 201]
    assert statuses[8] >= 400 and body["results"][8]["problem"]["status"] == statuses[8]
    problems = [item["problem"] for item in body["results"][1:6]]
    assert [problem["type"].rsplit("/", 1)[1] for problem in problems] == [
        "invalid-signature", "role-not-allowed", "request-validation", "request-validation", "body-too-large"]
    assert "paint_the_fence" in problems[2]["detail"] and problems[3]["errors"][0]["where"] == "envelope.body.colour"
    assert body["results"][6]["result"] == body["results"][0]["result"]  # a repeat: the first result
    assert body["results"][7]["result"]["version"] == body["results"][0]["result"]["version"] + 1
    assert (body["recorded"], body["repeated"], body["refused"]) == (2, 1, 6)
    assert world.ledger.get(voucher).offline_minutes == 50
    assert len(log_hashes(world.ledger)) == len(before) + 2 * 2
    assert_ledger_verifies(world.ledger)


def test_a_step_decides_on_the_steps_before_it_in_the_same_batch(world: World) -> None:
    """A roster row's two steps: the trainee registered, then a voucher issued to them, in one request."""
    personal = world.person()
    trainee = SigningKey.generate(role="trainee")
    trainee_id = uuid.uuid4()
    registration = world.signed(world.bureau, "register_party", trainee_id, {
        "role": "trainee", "public_key": trainee.public_key_b64, "personal_sha256": commitment(personal)})
    voucher = uuid.uuid4()
    issue = world.signed(world.bureau, "issue_voucher", voucher, {
        "trainee": str(trainee_id), "occupation": ELECTRICIAN, "level": 4,
        "valid_until": (world.clock.now + timedelta(days=180)).date().isoformat()})
    reply = http_client(world).post(BATCH, json={"commands": [{**registration, "personal": personal}, issue]})
    assert [item["status"] for item in reply.json()["results"]] == [201, 201], reply.text
    assert world.ledger.get(voucher).trainee == str(trainee_id)


@pytest.mark.parametrize("body, status, slug", [
    ({"commands": []}, 422, "request-validation"),
    ({"commands": [{}] * (MAX_BATCH_COMMANDS + 1)}, 422, "request-validation"),
    ({"commands": [{}], "also": 1}, 422, "request-validation"),
    ({"commands": "all of them"}, 422, "request-validation"),
])
def test_a_batch_that_cannot_be_read_is_refused_whole_and_records_nothing(world: World, body, status, slug) -> None:
    before = log_hashes(world.ledger)
    problem_of(http_client(world).post(BATCH, json=body), status, slug)
    assert log_hashes(world.ledger) == before


def test_a_batch_larger_than_8_mib_or_not_json_is_refused_whole(world: World) -> None:
    http = http_client(world)
    problem_of(http.post(BATCH, content=b'{"commands": [' + b'"' + b"x" * (9 * 1024 * 1024) + b'"]}',
                         headers={"content-type": "application/json"}), 413, "body-too-large")
    problem_of(http.post(BATCH, content=b"not json", headers={"content-type": "application/json"}), 400,
               "malformed-body")


def sessions_file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([["培训券编号", "登录时间", "学习分钟", "人脸核验通过"], *rows])
    return path


def test_an_import_longer_than_a_batch_keeps_each_rows_outcome_in_its_row(world: World, tmp_path: Path) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    count = BATCH_COMMANDS + 50
    broken = {3, BATCH_COMMANDS + 7}  # one in each request
    rows = [[str(voucher), iso(world.clock.now), "oops" if index in broken else "1", "1"] for index in range(count)]
    path = sessions_file(tmp_path / "sessions.csv", rows)
    http = http_client(world)
    requests: list[int] = []
    http.event_hooks["request"].append(lambda request: requests.append(len(json.loads(request.content)["commands"]))
                                       if request.url.path == BATCH else None)
    importer = Importer(party(world, http, world.platform), KINDS["sessions"], read_import(path, KINDS["sessions"]))

    outcomes = importer.run()

    assert [outcome.row for outcome in outcomes] == list(range(2, count + 2))
    assert [index for index, outcome in enumerate(outcomes) if outcome.outcome == "refused"] == sorted(broken)
    assert all(outcome.outcome == "recorded" for index, outcome in enumerate(outcomes) if index not in broken)
    assert requests == [BATCH_COMMANDS, count - len(broken) - BATCH_COMMANDS]  # broken rows refused unsent
    assert world.ledger.get(voucher).online_minutes == count - len(broken)
    again = Importer(party(world, http, world.platform), KINDS["sessions"], read_import(path, KINDS["sessions"]))
    assert {outcome.outcome for index, outcome in enumerate(again.run()) if index not in broken} == {
        "already recorded"}
    assert world.ledger.get(voucher).online_minutes == count - len(broken)


def test_an_import_whose_server_stops_answering_marks_the_rest_not_sent(world: World, tmp_path: Path) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    count = BATCH_COMMANDS * 2 + 3
    path = sessions_file(tmp_path / "sessions.csv",
                         [[str(voucher), iso(world.clock.now), "1", "1"] for _ in range(count)])
    http = http_client(world)
    sent = []

    def cut_after_the_first_batch(request: httpx.Request) -> None:
        sent.append(request.url.path)
        if sent.count(BATCH) > 1:
            raise httpx.ConnectError("the server went away")

    http.event_hooks["request"].append(cut_after_the_first_batch)
    outcomes = Importer(party(world, http, world.platform), KINDS["sessions"],
                        read_import(path, KINDS["sessions"])).run()
    assert [outcome.outcome for outcome in outcomes] == ["recorded"] * BATCH_COMMANDS + ["not sent"] * (
        count - BATCH_COMMANDS)
    assert sent.count(BATCH) == 2, "nothing more was sent once the server stopped answering"
    assert world.ledger.get(voucher).online_minutes == BATCH_COMMANDS


def test_an_item_with_a_lone_surrogate_is_refused_alone(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=1)
    broken = offline(world, voucher, 10)
    broken["envelope"]["body"]["location"] = "\ud800 workshop"
    reply = http_client(world).post(BATCH, content=json.dumps({"commands": [broken, offline(world, voucher, 20)]}),
                                    headers={"content-type": "application/json"})
    assert [item["status"] for item in reply.json()["results"]] == [422, 201], reply.text
    assert world.ledger.get(voucher).offline_minutes == 20
