"""Public transparency endpoints: RFC 9162 proofs that an independent verifier
accepts, the latest checkpoint, the public key log, and health."""

from __future__ import annotations

from ledger.merkle import verify_consistency, verify_inclusion
from tests.http_support import http_client, problem_of
from tests.world import World


def test_j1_inclusion_and_consistency_proofs_verify_with_only_the_published_hashes(world: World) -> None:
    world.issue(world.trainee())
    http = http_client(world)
    size = world.ledger.max_notification_id()
    proof = http.get("/v1/proofs/inclusion", params={"seq": 5, "tree_size": size}).json()
    assert verify_inclusion(proof["leaf_index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]),
                            [bytes.fromhex(value) for value in proof["audit_path"]], bytes.fromhex(proof["root_hash"]))
    later = http.get("/v1/proofs/consistency", params={"first": 7, "second": size}).json()
    assert verify_consistency(7, size, bytes.fromhex(later["first_root"]), bytes.fromhex(later["second_root"]),
                              [bytes.fromhex(value) for value in later["consistency_path"]])
    problem_of(http.get("/v1/proofs/inclusion", params={"seq": size + 100}), 404, "not-found")
    problem_of(http.get("/v1/proofs/consistency", params={"first": 9, "second": 3}), 400, "bad-input")
    problem_of(http.get("/v1/proofs/inclusion", params={"seq": 0}), 422, "request-validation")


def test_checkpoint_is_public_once_recorded_and_health_reports_the_database(world: World) -> None:
    from ledger.transparency.checkpoints import record_checkpoint

    http = http_client(world)
    problem_of(http.get("/v1/checkpoints/latest"), 404, "not-found")
    record_checkpoint(world.ledger)
    latest = http.get("/v1/checkpoints/latest").json()
    assert latest["tree_size"] == world.ledger.max_notification_id()
    assert latest["note"].startswith(latest["origin"] + "\n") and latest["vkey"].startswith(latest["origin"] + "+")
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz").json()
    assert ready["database"] == "reachable" and ready["events"] == world.ledger.max_notification_id()
