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


# -- the access rules themselves, caller by caller (api/http/access.py), with their refusals to the letter --

def caller(role: str, region: str = "liaoning", party_id: str | None = None):
    from types import SimpleNamespace

    from api.http.deps import Caller

    return Caller(SimpleNamespace(id=party_id or str(uuid.uuid4()), role=role, region=region))


SCHOOL, PLATFORM, TRAINEE = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
VOUCHER_ROW = {"region": "liaoning", "institution": SCHOOL, "trainee": TRAINEE, "platform": PLATFORM}


@pytest.mark.parametrize("who, aspects", [
    (caller("inspector", region="national"), {"voucher", "history", "learning", "payments"}),
    (caller("bureau"), {"voucher", "history", "learning", "payments"}),
    (caller("bureau", region="shandong"), set()),
    (caller("institution", party_id=SCHOOL), {"voucher", "history", "learning", "payments"}),
    (caller("institution"), set()),
    (caller("trainee", party_id=TRAINEE), {"voucher", "learning", "payments"}),
    (caller("trainee"), set()),
    (caller("platform", party_id=PLATFORM), {"learning"}),
    (caller("platform"), set()),
    (caller("finance", region=""), {"payments"}),
    (caller("assessor"), {"voucher"}),
    (caller("assessor", region="shandong"), set()),
], ids=["inspector", "bureau-of-region", "bureau-elsewhere", "own-institution", "other-institution",
        "own-trainee", "other-trainee", "own-platform", "other-platform", "finance", "assessor-of-region",
        "assessor-elsewhere"])
def test_issue_6_each_role_reads_the_aspects_of_a_voucher_row_its_rule_gives(who, aspects) -> None:
    """Issue 6: the one rule of who reads which aspect, asked with a view row (the lists and pages)."""
    from api.http.access import VOUCHER_ASPECTS, may_read_voucher_row

    assert {aspect for aspect in VOUCHER_ASPECTS if may_read_voucher_row(who, VOUCHER_ROW, aspect)} == aspects
    assert may_read_voucher_row(who, VOUCHER_ROW) == ("voucher" in aspects)


@pytest.mark.parametrize("who, allowed", [
    (caller("inspector", region="national"), True), (caller("bureau"), True),
    (caller("bureau", region="shandong"), False), (caller("institution", party_id=SCHOOL), True),
    (caller("institution"), False), (caller("platform", party_id=SCHOOL), False), (caller("finance"), False),
], ids=["inspector", "bureau-of-region", "bureau-elsewhere", "itself", "another-institution",
        "a-platform-with-its-id", "finance"])
def test_issue_6_an_institutions_records_are_read_by_the_inspector_its_bureau_and_itself(who, allowed) -> None:
    from api.http.access import may_read_institution_records

    assert may_read_institution_records(who, SCHOOL, "liaoning") is allowed


def test_issue_6_a_voucher_refusal_names_the_caller_the_aspect_and_who_may() -> None:
    from types import SimpleNamespace

    from api.http.access import require_voucher_access
    from api.http.problems import HttpProblem

    voucher = SimpleNamespace(id=uuid.uuid4(), **VOUCHER_ROW)
    stranger = caller("institution")
    with pytest.raises(HttpProblem) as caught:
        require_voucher_access(voucher, stranger, "history")
    assert caught.value.kind.status == 403 and caught.value.detail == (
        f"institution {stranger.id} may not read the history of voucher {voucher.id}: "
        "an institution reads its own vouchers, a platform its own learning records, "
        "a bureau its region, finance payments, an assessor the vouchers of its region")
    require_voucher_access(voucher, caller("platform", party_id=PLATFORM), "learning")


@pytest.mark.parametrize("who, allowed", [
    (caller("inspector", region="national"), True), (caller("bureau"), True),
    (caller("bureau", region="shandong"), False), (caller("institution", party_id=SCHOOL), True),
    (caller("institution"), False), (caller("platform", party_id=PLATFORM), True), (caller("platform"), False),
    (caller("trainee", party_id=SCHOOL), False), (caller("assessor", party_id=PLATFORM), False),
], ids=["inspector", "bureau-of-region", "bureau-elsewhere", "own-institution", "other-institution",
        "own-platform", "other-platform", "trainee-with-the-institutions-id", "assessor-with-the-platforms-id"])
def test_h4_a_filing_is_read_by_the_inspector_its_bureau_its_institution_and_its_platform(who, allowed) -> None:
    from types import SimpleNamespace

    from api.http.access import require_filing_access
    from api.http.problems import HttpProblem

    filing = SimpleNamespace(id=uuid.uuid4(), region="liaoning", institution=SCHOOL, platform=PLATFORM)
    if allowed:
        require_filing_access(filing, who)
        return
    with pytest.raises(HttpProblem) as caught:
        require_filing_access(filing, who)
    assert caught.value.kind.status == 403 and caught.value.detail == (
        f"{who.role} {who.id} may not read filing {filing.id}: "
        "an institution reads its own filings, a bureau its region")


def test_issue_6_list_scopes_pin_the_callers_own_column_and_refuse_the_rest() -> None:
    from api.http.access import FILING_LIST_OWN, LIST_RULES, VOUCHER_LIST_OWN, list_scope
    from api.http.problems import HttpProblem

    bureau, school = caller("bureau"), caller("institution", party_id=SCHOOL)
    asked = {"region": None, "institution": None, "status": "issued"}
    assert list_scope(caller("inspector"), "vouchers", asked, VOUCHER_LIST_OWN) == asked
    assert list_scope(caller("finance"), "vouchers", asked, VOUCHER_LIST_OWN, ("inspector", "finance")) == asked
    assert list_scope(bureau, "vouchers", asked, VOUCHER_LIST_OWN) == {**asked, "region": "liaoning"}
    assert list_scope(school, "filings", {"institution": SCHOOL}, FILING_LIST_OWN) == {"institution": SCHOOL}
    with pytest.raises(HttpProblem) as caught:
        list_scope(caller("assessor"), "filings", asked, FILING_LIST_OWN)
    assert caught.value.detail == f"an assessor may not list filings: {LIST_RULES['filings']}"
    with pytest.raises(HttpProblem) as caught:
        list_scope(caller("finance"), "filings", asked, FILING_LIST_OWN)
    assert caught.value.detail == f"a finance may not list filings: {LIST_RULES['filings']}"
    with pytest.raises(HttpProblem) as caught:
        list_scope(bureau, "vouchers", {"region": "shandong"}, VOUCHER_LIST_OWN)
    assert caught.value.detail == \
        f"bureau {bureau.id} may not list vouchers of region shandong: {LIST_RULES['vouchers']}"
