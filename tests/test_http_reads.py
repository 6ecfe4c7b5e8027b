"""Signed reads with access control: an institution reads only its own
vouchers, a platform only its own learning records, a bureau its region,
finance payments, an inspector everything; lists paginate with a cursor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.client import ApiProblem
from ledger.signing import SigningKey
from tests.http_support import http_client, party, problem_of, read_headers
from tests.world import World


def refused(client, path: str, status: int = 403, slug: str = "not-yours") -> dict:
    with pytest.raises(ApiProblem) as caught:
        client.get(path)
    assert caught.value.status == status and caught.value.problem["type"].endswith(slug)
    return caught.value.problem


def test_an_institution_reads_its_own_voucher_and_is_refused_another_institutions(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    other_key = world.register(world.bureau, "institution", name="other school", kind="enterprise")
    http = http_client(world)
    own, other = party(world, http, world.institution), party(world, http, other_key)
    assert own.get(f"/v1/vouchers/{voucher}")["institution"] == world.institution.actor
    for aspect in ("", "/history", "/payments", "/learning-records"):
        assert "may not read" in refused(other, f"/v1/vouchers/{voucher}{aspect}")["detail"]


def test_platform_reads_only_its_learning_records_finance_only_payments(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    http = http_client(world)
    platform, finance = party(world, http, world.platform), party(world, http, world.finance)
    assert platform.get(f"/v1/vouchers/{voucher}/learning-records")["items"] == []
    refused(platform, f"/v1/vouchers/{voucher}")
    refused(platform, f"/v1/vouchers/{voucher}/payments")
    assert finance.get(f"/v1/vouchers/{voucher}/payments")["subsidy_fen"] > 0
    refused(finance, f"/v1/vouchers/{voucher}")
    refused(finance, f"/v1/vouchers/{voucher}/history")


def test_a_bureau_reads_its_region_only_an_inspector_reads_everything(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    other_bureau = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    http = http_client(world)
    assert party(world, http, world.bureau).get(f"/v1/vouchers/{voucher}")["region"] == "liaoning"
    refused(party(world, http, other_bureau), f"/v1/vouchers/{voucher}")
    inspector = party(world, http, world.inspector)
    assert inspector.get(f"/v1/vouchers/{voucher}/history")["items"][0]["command"] == "issue_voucher"
    state = inspector.get(f"/v1/vouchers/{voucher}")
    filing = inspector.get(f"/v1/filings/{state['filing']}")
    assert filing["institution"] == world.institution.actor
    refused(party(world, http, other_bureau), f"/v1/filings/{state['filing']}")


def test_reads_without_a_valid_signature_are_refused(world: World) -> None:
    voucher = world.issue(world.trainee())
    http = http_client(world)
    path = f"/v1/vouchers/{voucher}"
    unsigned = problem_of(http.get(path), 401, "not-authenticated")
    assert "Signature" in unsigned["detail"]
    assert http.get(path).headers["WWW-Authenticate"].startswith("Signature")
    assert http.get(path).headers["Accept-Signature"].startswith('vledger=("@method" "@authority" "@path" "@query")')
    stale = read_headers(world.bureau, path, world.clock.now - timedelta(minutes=6))
    problem_of(http.get(path, headers=stale), 401, "invalid-signature")
    other_path = read_headers(world.bureau, path + "/history", world.clock.now)
    problem_of(http.get(path, headers=other_path), 401, "invalid-signature")
    other_host = read_headers(world.bureau, path, world.clock.now, base="http://ledger.elsewhere.example")
    problem_of(http.get(path, headers=other_host), 401, "invalid-signature")
    problem_of(http.get(path, headers={"Signature-Input": "abc", "Signature": "abc"}), 400, "bad-input")
    stranger = SigningKey.generate(actor=world.bureau.actor, role="bureau")
    problem_of(http.get(path, headers=read_headers(stranger, path, world.clock.now)), 401, "key-not-valid")
    world.do(world.root, "revoke_key", world.bureau.actor, {"key_id": world.bureau.key_id, "reason": "lost"})
    revoked = read_headers(world.bureau, path, world.clock.now)
    problem_of(http.get(path, headers=revoked), 401, "key-not-valid")


def test_unknown_voucher_is_404_and_malformed_ids_are_422(world: World) -> None:
    http = http_client(world)
    inspector = party(world, http, world.inspector)
    refused(inspector, "/v1/vouchers/00000000-0000-4000-8000-000000000000", 404, "not-found")
    refused(inspector, "/v1/vouchers/not-a-uuid", 422, "request-validation")


def test_lists_paginate_with_an_opaque_cursor_and_every_item_once(world: World) -> None:
    voucher = world.trained_voucher()
    http = http_client(world)
    inspector = party(world, http, world.inspector)
    whole = inspector.get(f"/v1/vouchers/{voucher}/history", {"limit": 100})["items"]
    paged = inspector.get_all(f"/v1/vouchers/{voucher}/history", {"limit": 2})
    assert paged == whole and len(whole) == inspector.get(f"/v1/vouchers/{voucher}")["version"]
    keys = [item["key_id"] for item in inspector.get_all("/v1/keys", {"limit": 3})]
    assert world.bureau.key_id in keys and world.institution.key_id in keys and len(keys) == len(set(keys))
    problem_of(http.get("/v1/keys", params={"cursor": "garbage!"}), 400, "bad-input")
    problem_of(http.get("/v1/keys", params={"limit": 1000}), 422, "request-validation")
