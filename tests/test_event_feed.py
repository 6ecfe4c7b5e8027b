"""The event feed (issue 16, item 3): `GET /v1/events` pages through the
events a party may read, in log order, each once, each with its event hash
and the checkpoint that covers it; parties see only their own, and roles
that may follow nothing are refused."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from api.client import ApiProblem, LedgerClient
from ledger.merkle import leaf_hash, verify_inclusion
from ledger.signing import SigningKey
from ledger.transparency import record_checkpoint
from tests.http_support import http_client, party
from tests.world import World


def every_item(client: LedgerClient, after: int = 0, limit: int = 7) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = client.get("/v1/events", {"after": after, "limit": limit})
        items.extend(page["items"])
        assert page["next_after"] >= after and len(page["items"]) <= limit
        if page["next_after"] == after or page["next_after"] >= page["log_size"]:
            return items
        after = page["next_after"]


def other_institution(world: World) -> SigningKey:
    return world.register(world.bureau, "institution", name="another school", kind="social_training")


def test_an_inspector_pages_through_every_event_once_in_log_order(world: World) -> None:
    world.paid_voucher()
    http = http_client(world)
    items = every_item(party(world, http, world.inspector))
    stored = [n for n in world.ledger.notifications()]
    assert [item["sequence"] for item in items] == [n.id for n in stored]
    assert [item["event_hash"] for item in items] == [json.loads(n.state)["seal"]["event_hash"] for n in stored]
    assert [item["leaf_index"] for item in items] == list(range(len(stored)))


def test_each_party_follows_only_the_events_it_may_read(world: World) -> None:
    paid = world.paid_voucher()
    stranger = other_institution(world)
    http = http_client(world)
    by_role = {name: every_item(party(world, http, key), limit=50) for name, key in (
        ("bureau", world.bureau), ("institution", world.institution), ("stranger", stranger),
        ("finance", world.finance), ("platform", world.platform))}
    voucher_events = [item["event"] for item in by_role["institution"] if item["aggregate_id"] == str(paid)]
    assert voucher_events[0] == "Voucher.Issued" and voucher_events[-1] == "Voucher.Paid"
    assert {item["event"].split(".")[0] for item in by_role["institution"]} == {"Voucher", "ClassFiling"}
    assert by_role["bureau"] == by_role["institution"]  # one institution in the region: the same vouchers, filings
    assert by_role["stranger"] == []
    assert [item["event"] for item in by_role["finance"]] == ["Voucher.Paid"]
    assert {item["event"] for item in by_role["platform"]} == {"ClassFiling.Filed", "ClassFiling.Approved"}
    for refused in (world.assessor,):
        with pytest.raises(ApiProblem) as caught:
            party(world, http, refused).get("/v1/events")
        assert caught.value.status == 403 and "an assessor may not follow the event feed" in str(caught.value)


def test_a_bureau_of_another_region_follows_none_of_this_regions_vouchers(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    shandong = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    http = http_client(world)
    assert every_item(party(world, http, shandong), limit=50) == []
    assert str(voucher) in {item["aggregate_id"] for item in every_item(party(world, http, world.bureau), limit=50)}


def test_a_platform_sees_its_own_learning_records_and_a_trainee_its_own_voucher(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    other, _ = world.enrolled_voucher()
    world.online(voucher, 45)
    world.online(other, 30)
    http = http_client(world)
    learned = [item for item in every_item(party(world, http, world.platform), limit=50)
               if item["event"] == "Voucher.OnlineLearningRecorded"]
    assert sorted(item["facts"]["minutes"] for item in learned) == [30, 45]
    own = every_item(party(world, http, trainee), limit=50)
    assert [(item["aggregate_id"], item["event"]) for item in own] == [(str(voucher),
                                                                        "Voucher.OnlineLearningRecorded")]


def test_each_item_names_the_checkpoint_that_covers_it_and_proves_into_it(world: World) -> None:
    world.enrolled_voucher()
    checkpoint = record_checkpoint(world.ledger)
    world.trainee()
    http = http_client(world)
    items = every_item(party(world, http, world.inspector), limit=100)
    covered = [item for item in items if item["checkpoint"] is not None]
    assert [item["leaf_index"] for item in covered] == list(range(checkpoint.tree_size))
    assert all(item["checkpoint"] == checkpoint.tree_size for item in covered)
    assert all(item["checkpoint"] is None for item in items[checkpoint.tree_size:]) and items[checkpoint.tree_size:]
    last = covered[-1]
    proof = http.get("/v1/proofs/inclusion", params={"seq": last["sequence"], "tree_size": checkpoint.tree_size})
    path = [bytes.fromhex(value) for value in proof.json()["audit_path"]]
    assert verify_inclusion(last["leaf_index"], checkpoint.tree_size, leaf_hash(bytes.fromhex(last["event_hash"])),
                            path, bytes.fromhex(checkpoint.root_hash))


def test_no_name_or_national_id_appears_in_the_feed(world: World) -> None:
    person = {"name": "王小明", "national_id": "210102199001011234", "nonce": uuid.uuid4().hex}
    from ledger.personal import national_id_check_character

    person["national_id"] = person["national_id"][:17] + national_id_check_character(person["national_id"][:17])
    trainee = world.trainee(personal=person)
    world.issue(trainee)
    text = json.dumps(every_item(party(world, http_client(world), world.inspector), limit=100), ensure_ascii=False)
    assert trainee.actor in text
    assert person["name"] not in text and person["national_id"] not in text and person["national_id"][:14] not in text


def test_a_page_that_reads_past_many_hidden_events_moves_on(world: World) -> None:
    world.enrolled_voucher()
    http = http_client(world)
    finance = party(world, http, world.finance)
    page = finance.get("/v1/events", {"after": 0, "limit": 5})
    assert page["items"] == [] and page["next_after"] == page["log_size"] == world.ledger.max_notification_id()
    world.paid_voucher()
    page = finance.get("/v1/events", {"after": page["next_after"], "limit": 5})
    assert [item["event"] for item in page["items"]] == ["Voucher.Paid"]


@pytest.mark.parametrize("query", [{"after": -1}, {"limit": 0}, {"limit": 501}, {"after": "x"}])
def test_bad_feed_queries_are_refused(world: World, query: dict[str, Any]) -> None:
    http = http_client(world)
    with pytest.raises(ApiProblem) as caught:
        party(world, http, world.inspector).get("/v1/events", query)
    assert caught.value.status == 422


def test_an_unsigned_feed_read_is_refused(world: World) -> None:
    http = http_client(world)
    for path in ("/v1/events", "/v1/events/stream"):
        response = http.get(path)
        assert response.status_code == 401 and response.headers["content-type"].startswith("application/problem")
