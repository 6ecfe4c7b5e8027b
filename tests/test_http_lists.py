"""List reads over HTTP from the projections: vouchers, filings, balances, the
audit trail, flags (L6, L11), the fortnightly report (N5). Each keeps the
caller to what it may read (an institution its own, a bureau its region, an
inspector everything), pages with an opaque cursor without gaps or
duplicates, filters, never lags a write the client already got a 201 for,
and answers bad input with a 4xx problem+json."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from api.client import ApiProblem, LedgerClient
from ledger.signing import SigningKey
from tests.http_support import http_client, party, problem_of
from tests.world import World

LISTS = ("/v1/vouchers", "/v1/filings", "/v1/flags", "/v1/audit", "/v1/balances")


@dataclass
class Scene:
    """Two institutions in liaoning, a bureau in shandong, and their vouchers."""

    world: World
    http: Any
    own: uuid.UUID  # enrolled at world.institution
    own_trainee: SigningKey
    issued: uuid.UUID  # issued in liaoning, not yet enrolled
    other_institution: SigningKey
    other: uuid.UUID  # enrolled at the other institution
    shandong: SigningKey
    shandong_voucher: uuid.UUID

    def client(self, key: SigningKey) -> LedgerClient:
        return party(self.world, self.http, key)


@pytest.fixture
def scene(world: World) -> Scene:
    own, own_trainee = world.enrolled_voucher()
    issued = world.issue(world.trainee())
    other_institution = world.register(world.bureau, "institution", name="other school", kind="enterprise")
    world.do(world.bureau, "list_in_catalogue", other_institution.actor, {})
    other = world.voucher_enrolled_at(other_institution)
    shandong = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    shandong_voucher = uuid.uuid4()
    world.do(shandong, "issue_voucher", shandong_voucher, {
        "trainee": world.trainee(registrar=shandong).actor, "occupation": "6-31-01-03", "level": 4, "standard_fen": 150000,
        "shortage": False, "valid_until": "2023-08-28"})
    return Scene(world, http_client(world), own, own_trainee, issued, other_institution, other, shandong,
                 shandong_voucher)


def refused(client: LedgerClient, path: str, params: dict | None = None, status: int = 403,
            slug: str = "not-yours") -> dict[str, Any]:
    with pytest.raises(ApiProblem) as caught:
        client.get(path, params)
    assert caught.value.status == status and caught.value.problem["type"].endswith("/" + slug), caught.value.problem
    return caught.value.problem


def ids(client: LedgerClient, path: str, params: dict | None = None, key: str = "id") -> list[str]:
    return [item[key] for item in client.get_all(path, params)]


# -- vouchers ----------------------------------------------------------------------


def test_an_institution_lists_only_its_own_vouchers_and_is_refused_anothers(scene: Scene) -> None:
    world = scene.world
    own, other = scene.client(world.institution), scene.client(scene.other_institution)
    assert ids(own, "/v1/vouchers") == [str(scene.own)]
    assert ids(other, "/v1/vouchers") == [str(scene.other)]
    problem = refused(own, "/v1/vouchers", {"institution": scene.other_institution.actor})
    assert "institution" in problem["detail"] and "its own" in problem["detail"]


def test_a_bureau_lists_its_region_and_is_refused_another_region(scene: Scene) -> None:
    world = scene.world
    liaoning = ids(scene.client(world.bureau), "/v1/vouchers")
    assert sorted(liaoning) == sorted(str(v) for v in (scene.own, scene.issued, scene.other))
    assert ids(scene.client(scene.shandong), "/v1/vouchers") == [str(scene.shandong_voucher)]
    refused(scene.client(scene.shandong), "/v1/vouchers", {"region": "liaoning"})


def test_inspector_lists_all_finance_payment_fields_platform_learning_fields_trainee_its_own(scene: Scene) -> None:
    world = scene.world
    everything = sorted(str(v) for v in (scene.own, scene.issued, scene.other, scene.shandong_voucher))
    inspector = scene.client(world.inspector).get("/v1/vouchers")
    assert inspector["fields"] == "full" and sorted(item["id"] for item in inspector["items"]) == everything
    assert all("trainee" in item and "approved_fen" in item for item in inspector["items"])
    finance = scene.client(world.finance).get("/v1/vouchers")
    assert finance["fields"] == "payments" and sorted(item["id"] for item in finance["items"]) == everything
    assert all("trainee" not in item and "online_minutes" not in item and "paid_fen" in item
               for item in finance["items"])
    platform = scene.client(world.platform).get("/v1/vouchers")
    assert platform["fields"] == "learning"
    assert sorted(item["id"] for item in platform["items"]) == sorted([str(scene.own), str(scene.other)])
    assert all("trainee" not in item and "paid_fen" not in item and "online_minutes" in item
               for item in platform["items"])
    trainee = scene.client(scene.own_trainee)
    assert ids(trainee, "/v1/vouchers") == [str(scene.own)]
    refused(trainee, "/v1/vouchers", {"trainee": world.inspector.actor})


def test_voucher_filters_status_institution_region_trainee(scene: Scene) -> None:
    inspector = scene.client(scene.world.inspector)
    assert sorted(ids(inspector, "/v1/vouchers", {"status": "enrolled"})) == sorted([str(scene.own),
                                                                                     str(scene.other)])
    assert ids(inspector, "/v1/vouchers", {"institution": scene.other_institution.actor}) == [str(scene.other)]
    assert ids(inspector, "/v1/vouchers", {"region": "shandong"}) == [str(scene.shandong_voucher)]
    assert ids(inspector, "/v1/vouchers", {"trainee": scene.own_trainee.actor}) == [str(scene.own)]
    assert ids(inspector, "/v1/vouchers", {"status": "paid"}) == []


def test_walking_the_voucher_list_by_cursor_has_no_gaps_or_duplicates_while_it_grows(world: World) -> None:
    issued = {str(world.issue(world.trainee())) for _ in range(7)}
    bureau = party(world, http_client(world), world.bureau)
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    pages = 0
    while True:
        page = bureau.get("/v1/vouchers", params)
        assert len(page["items"]) <= 2
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        if pages == 2:  # a voucher issued mid-walk after the cursor appears once, before it never
            issued.add(str(world.issue(world.trainee())))
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert len(seen) == len(set(seen)) and seen == sorted(seen)
    assert set(seen) <= issued and len(issued - set(seen)) <= 1 and pages >= 4


def test_a_list_read_never_lags_a_write_the_client_got_a_201_for(world: World) -> None:
    http = http_client(world)
    bureau = party(world, http, world.bureau)
    trainee = world.trainee()
    for occupation, level in (("6-18-02-04", 4), ("6-18-02-04", 3), ("6-31-01-03", 4)):
        voucher = uuid.uuid4()
        reply = bureau.send(bureau.sign("issue_voucher", voucher, {
            "trainee": trainee.actor, "occupation": occupation, "level": level,
            "standard_fen": 150000, "shortage": False, "valid_until": "2023-08-28"}))
        assert reply.status == 201
        page = bureau.get("/v1/vouchers", {"trainee": trainee.actor})
        assert str(voucher) in {item["id"] for item in page["items"]}
        assert page["views_position"] == world.ledger.max_notification_id()


# -- filings -----------------------------------------------------------------------


def test_filings_list_institution_its_own_bureau_its_region_inspector_all(scene: Scene) -> None:
    world = scene.world
    own = scene.client(world.institution).get_all("/v1/filings")
    other = scene.client(scene.other_institution).get_all("/v1/filings")
    assert own and {row["institution"] for row in own} == {world.institution.actor}
    assert other and {row["institution"] for row in other} == {scene.other_institution.actor}
    refused(scene.client(world.institution), "/v1/filings", {"institution": scene.other_institution.actor})
    assert len(scene.client(world.bureau).get_all("/v1/filings")) == len(own) + len(other)
    assert scene.client(scene.shandong).get_all("/v1/filings") == []
    assert len(scene.client(world.platform).get_all("/v1/filings")) == len(own) + len(other)
    refused(scene.client(world.finance), "/v1/filings")
    walked = ids(scene.client(world.inspector), "/v1/filings", {"limit": 1, "status": "approved"})
    assert len(walked) == len(set(walked)) == len(own) + len(other)


# -- audit -------------------------------------------------------------------------


def test_h8_audit_trail_walks_in_log_order_without_gaps_for_the_inspector(scene: Scene) -> None:
    inspector = scene.client(scene.world.inspector)
    walked = ids(inspector, "/v1/audit", {"limit": 7}, key="sequence")
    assert walked == list(range(1, scene.world.ledger.max_notification_id() + 1))


def test_audit_institution_sees_its_vouchers_rows_bureau_its_region_others_refused(scene: Scene) -> None:
    world = scene.world
    rows = scene.client(world.institution).get_all("/v1/audit")
    vouchers = {row["voucher"] for row in rows if row["voucher"]}
    assert vouchers == {str(scene.own)}
    assert "Voucher.Issued" in {row["event_type"] for row in rows if row["voucher"] == str(scene.own)}
    assert {row["institution"] for row in rows if not row["voucher"]} <= {world.institution.actor}
    shandong = scene.client(scene.shandong).get_all("/v1/audit")
    assert {row["voucher"] for row in shandong if row["voucher"]} == {str(scene.shandong_voucher)}
    liaoning = scene.client(world.bureau).get_all("/v1/audit", {"voucher": str(scene.other)})
    assert liaoning and {row["voucher"] for row in liaoning} == {str(scene.other)}
    for key in (world.finance, world.platform, scene.own_trainee):
        refused(scene.client(key), "/v1/audit")


def test_audit_filters_actor_and_time_window(scene: Scene) -> None:
    world = scene.world
    inspector = scene.client(world.inspector)
    by_other = inspector.get_all("/v1/audit", {"actor": scene.other_institution.actor})
    assert by_other and {row["actor"] for row in by_other} == {scene.other_institution.actor}
    everything = inspector.get_all("/v1/audit")
    moment = everything[len(everything) // 2]["recorded_at"]
    since = inspector.get_all("/v1/audit", {"since": moment})
    until = inspector.get_all("/v1/audit", {"until": moment})
    assert all(row["recorded_at"] >= moment for row in since) and all(row["recorded_at"] <= moment for row in until)
    assert {row["sequence"] for row in since} | {row["sequence"] for row in until} == {
        row["sequence"] for row in everything}
    for bad in ({"since": "yesterday"}, {"until": "2023-03-01T08:00:00"}, {"since": "1999-01-01T00:00:00Z"},
                {"since": "2023-03-02T00:00:00Z", "until": "2023-03-01T00:00:00Z"}):
        assert refused(inspector, "/v1/audit", bad, 400, "bad-input")["detail"]


# -- balances ----------------------------------------------------------------------


def test_an_institution_reads_only_its_own_balances(world: World) -> None:
    world.paid_voucher()
    other = world.register(world.bureau, "institution", name="other school", kind="enterprise")
    world.do(world.bureau, "list_in_catalogue", other.actor, {})
    world.voucher_enrolled_at(other)
    http = http_client(world)
    own = party(world, http, world.institution).get_all("/v1/balances")
    assert {row["owner"] for row in own} == {world.institution.actor}
    assert {row["kind"] for row in own} == {"paid", "receivable"}
    assert sum(row["balance_fen"] for row in own if row["kind"] == "paid") > 0
    for params in ({"institution": other.actor}, {"fund": world.profile.funds[0]},
                   {"bureau": world.bureau.actor}):
        refused(party(world, http, world.institution), "/v1/balances", params)
    refused(party(world, http, world.platform), "/v1/balances")
    shandong = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    assert party(world, http, shandong).get_all("/v1/balances") == []
    refused(party(world, http, shandong), "/v1/balances", {"region": "liaoning"})


def test_balances_of_every_account_sum_to_zero_now_and_as_of_any_sequence(world: World) -> None:
    world.paid_voucher()
    world.enrolled_voucher()
    inspector = party(world, http_client(world), world.inspector)
    now = inspector.get_all("/v1/balances", {"limit": 2})
    assert len(now) == len({row["account"] for row in now}) >= 4 and sum(row["balance_fen"] for row in now) == 0
    last = world.ledger.max_notification_id()
    for as_of in range(1, last + 1, 5):
        rows = inspector.get_all("/v1/balances", {"as_of": as_of, "limit": 3})
        assert sum(row["balance_fen"] for row in rows) == 0
        assert all(row["last_sequence"] <= as_of for row in rows)
    funds = inspector.get_all("/v1/balances", {"fund": world.profile.funds[0]})
    assert [row["kind"] for row in funds] == ["fund"] and funds[0]["balance_fen"] < 0
    assert inspector.get("/v1/balances", {"as_of": 0})["items"] == []
    assert "beyond" in refused(inspector, "/v1/balances", {"as_of": last + 10}, 400, "bad-input")["detail"]
    refused(inspector, "/v1/balances", {"fund": "x", "bureau": world.bureau.actor}, 400, "bad-input")


# -- flags -------------------------------------------------------------------------


def test_l6_flags_institution_sees_those_about_itself_bureau_its_region_inspector_all(scene: Scene) -> None:
    world = scene.world
    world.clock.advance(days=3)
    for voucher in (scene.own, scene.own, scene.other):
        world.online(voucher, 30, face_checks_failed=1)
        world.clock.advance(hours=2)
    inspector = scene.client(world.inspector)
    walked = inspector.get_all("/v1/flags", {"limit": 1})
    assert len(walked) == len({flag["id"] for flag in walked}) == 3
    assert {flag["rule"] for flag in walked} == {"L6"}
    own = scene.client(world.institution).get_all("/v1/flags")
    assert len(own) == 2 and {flag["institution"] for flag in own} == {world.institution.actor}
    assert [flag["voucher"] for flag in scene.client(scene.other_institution).get_all("/v1/flags")] == [
        str(scene.other)]
    refused(scene.client(world.institution), "/v1/flags", {"institution": scene.other_institution.actor})
    assert len(scene.client(world.bureau).get_all("/v1/flags")) == 3
    assert scene.client(scene.shandong).get_all("/v1/flags") == []
    assert len(inspector.get_all("/v1/flags", {"voucher": str(scene.own), "kind": "face_check_failed"})) == 2
    for key in (world.finance, world.platform):
        refused(scene.client(key), "/v1/flags")


# -- the fortnightly report (N5) ---------------------------------------------------


def test_n5_fortnight_report_bureau_its_region_inspector_all_bad_dates_refused(scene: Scene) -> None:
    world = scene.world
    day = world.clock.now.date().isoformat()
    report = scene.client(world.inspector).get("/v1/reports/fortnight", {"date": day})
    assert report["fortnight"]["first_day"] <= day <= report["fortnight"]["last_day"]
    assert {row["region"] for row in report["regions"]} == {"liaoning", "shandong"}
    [liaoning] = scene.client(world.bureau).get("/v1/reports/fortnight", {"date": day})["regions"]
    assert liaoning["region"] == "liaoning" and liaoning["registrations"] >= 3
    [shandong] = scene.client(scene.shandong).get("/v1/reports/fortnight", {"date": day})["regions"]
    assert (shandong["region"], shandong["registrations"]) == ("shandong", 1)
    for key in (world.institution, world.platform, world.finance):
        refused(scene.client(key), "/v1/reports/fortnight", {"date": day})
    inspector = scene.client(world.inspector)
    for bad in ("2023-02-30", "yesterday", "1999-12-31", "2023-3-1"):
        refused(inspector, "/v1/reports/fortnight", {"date": bad}, 400, "bad-input")
    refused(inspector, "/v1/reports/fortnight", None, 422, "request-validation")


# -- bad input ---------------------------------------------------------------------


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_malformed_cursors_and_unsigned_list_reads_are_refused_with_problems(scene: Scene) -> None:
    world = scene.world
    inspector = scene.client(world.inspector)
    for path in LISTS:
        for cursor in ("!!!", "bm90IGpzb24", _cursor({"after_key": 5}), _cursor({"after": "x"}), _cursor([1])):
            assert "next_cursor" in refused(inspector, path, {"cursor": cursor}, 400, "bad-input")["detail"]
        refused(inspector, path, {"cursor": "a" * 2000}, 422, "request-validation")
        refused(inspector, path, {"limit": 0}, 422, "request-validation")
        problem_of(scene.http.get(path), 401, "not-authenticated")
    refused(inspector, "/v1/vouchers", {"institution": "not-a-uuid"}, 422, "request-validation")
    refused(inspector, "/v1/balances", {"as_of": -1}, 422, "request-validation")
