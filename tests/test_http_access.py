"""Read access that a deliberate break of `api/http/access.py` must trip
(issue 13): a platform reads the learning records and filings of its own
classes and nothing of another platform's; a trainee reads its own voucher,
its learning and its payments, never its history, and nothing of another
trainee's; each one lists only its own."""

from __future__ import annotations

import uuid

import pytest

from api.client import ApiProblem
from tests.http_support import http_client, party
from tests.world import World


def refused(client, path: str, params: dict | None = None) -> str:
    with pytest.raises(ApiProblem) as caught:
        client.get(path, params)
    assert caught.value.status == 403 and caught.value.problem["type"].endswith("/not-yours"), caught.value.problem
    return caught.value.problem["detail"]


@pytest.fixture
def learning(world: World) -> tuple[uuid.UUID, uuid.UUID]:
    """A voucher enrolled in a class on world.platform, with one online session recorded."""
    filing = world.approved_filing()
    voucher, _ = world.enrolled_voucher(filing=filing)
    world.clock.advance(days=3)
    world.online(voucher, 30)
    return voucher, filing


def other_platform(world: World):
    return world.register(world.bureau, "platform", name="other platform")


def test_n2_a_platform_reads_its_own_learning_records_and_not_another_platforms(
        world: World, learning: tuple[uuid.UUID, uuid.UUID]) -> None:
    """N2: the platform keeps the online learning record; it reads what it recorded, no one else's."""
    voucher, _ = learning
    http = http_client(world)
    own, other = party(world, http, world.platform), party(world, http, other_platform(world))
    records = own.get(f"/v1/vouchers/{voucher}/learning-records")["items"]
    assert [record["minutes"] for record in records] == [30]
    assert "may not read the learning" in refused(other, f"/v1/vouchers/{voucher}/learning-records")
    for aspect in ("", "/history", "/payments"):
        refused(own, f"/v1/vouchers/{voucher}{aspect}")


def test_h4_a_platform_reads_the_filing_of_its_own_class_and_not_another_platforms(
        world: World, learning: tuple[uuid.UUID, uuid.UUID]) -> None:
    """H4: a class is filed naming its platform; that platform reads the filing, another does not."""
    _, filing = learning
    http = http_client(world)
    own, other = party(world, http, world.platform), party(world, http, other_platform(world))
    assert own.get(f"/v1/filings/{filing}")["platform"] == world.platform.actor
    assert "may not read filing" in refused(other, f"/v1/filings/{filing}")
    assert [row["id"] for row in own.get("/v1/filings")["items"]] == [str(filing)]
    assert other.get("/v1/filings")["items"] == []
    listed = own.get("/v1/vouchers")["items"]
    assert [row["platform"] for row in listed] == [world.platform.actor] and "trainee" not in listed[0]
    assert other.get("/v1/vouchers")["items"] == []


def test_l9_a_trainee_reads_its_own_voucher_but_not_its_history_nor_another_trainees(world: World) -> None:
    """L9: the trainee claims its own voucher; it reads that voucher, its learning and payments."""
    voucher, trainee = world.enrolled_voucher()
    other_voucher, other_trainee = world.enrolled_voucher()
    http = http_client(world)
    own = party(world, http, trainee)
    assert own.get(f"/v1/vouchers/{voucher}")["trainee"] == trainee.actor
    assert own.get(f"/v1/vouchers/{voucher}/learning-records")["items"] == []
    assert own.get(f"/v1/vouchers/{voucher}/payments")["subsidy_fen"] > 0
    assert "may not read the history" in refused(own, f"/v1/vouchers/{voucher}/history")
    for aspect in ("", "/learning-records", "/payments", "/history"):
        refused(own, f"/v1/vouchers/{other_voucher}{aspect}")
    assert [row["id"] for row in own.get("/v1/vouchers")["items"]] == [str(voucher)]
    assert "may not list vouchers of trainee" in refused(own, "/v1/vouchers", {"trainee": other_trainee.actor})


def test_h4_an_institution_reads_its_own_filings_and_not_another_institutions(world: World) -> None:
    """H4/L4: a filing names the institution's courses, teachers and platform; another school of the
    same region may not read it, and the refusal says who may."""
    filing = world.approved_filing()
    other = world.register(world.bureau, "institution", name="another school", kind="social_training")
    http = http_client(world)
    assert party(world, http, world.institution).get(f"/v1/filings/{filing}")["id"] == str(filing)
    detail = refused(party(world, http, other), f"/v1/filings/{filing}")
    assert "an institution reads its own filings, a bureau its region" in detail


def test_a_role_that_may_not_list_is_told_which_roles_may(world: World) -> None:
    """The refusal of a list names the rule of who may list it, not only that it is refused."""
    http = http_client(world)
    detail = refused(party(world, http, world.assessor), "/v1/vouchers")
    assert detail.startswith("an assessor may not list vouchers: ") and len(detail) > 40
