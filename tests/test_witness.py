"""Witnessing over HTTP per C2SP (issue 16, item 1): the witness cosigns only
a consistent extension of its own latest checkpoint, refuses forks, rewritten
histories, other keys and stale sizes with the statuses c2sp.org/tlog-witness
names, and its cosignatures verify with an independent reading of
cosignature/v1 (tests/witness_support.py). The ledger keeps them, prints them
in its note and serves them with its checkpoint history."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from api.cli.witness import WITNESS_ROLE
from api.http.witness_app import create_witness_app
from api.witness_push import push_checkpoint
from ledger.errors import BadInput, Conflict
from ledger.genesis import ledger_key
from ledger.merkle import MerkleTree
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import log_identity, record_checkpoint
from ledger.transparency.tree_store import ensure_tree
from ledger.transparency.witnessed import witness_cosignatures, witnessed_note
from ledger.witness import cosignature
from ledger.witness.service import Witness, WitnessRefusal
from ledger.witness.state import WitnessState
from tests.cli import vledger
from tests.http_support import TestClient, http_client
from tests.test_pages import log_in
from tests.witness_support import checkpoint_text, independent_cosignature_check, plain_note_signature, request_body
from tests.world import World

WITNESS_NAME = "witness.finance.example.gov.cn/w1"
FIXED_TIME = 1_796_000_000


def make_witness(world: World, state: Path, key: SigningKey | None = None) -> tuple[Witness, TestClient]:
    key = key or SigningKey.generate(actor=WITNESS_NAME, role=WITNESS_ROLE)
    witness = Witness(key, WITNESS_NAME, [log_identity(world.ledger).vkey()], WitnessState(state),
                      clock=lambda: FIXED_TIME)
    return witness, TestClient(create_witness_app(witness), raise_server_exceptions=False)


def push(world: World, witness: Witness, client: TestClient):
    return push_checkpoint(world.ledger, "http://testserver", [witness.vkey], client=client)


def forged_note(world: World, size: int, root: bytes) -> str:
    """A checkpoint the ledger's own key signs, over whatever root: what a
    log that forks or rewrites its history would present."""
    origin = log_identity(world.ledger).origin
    body = checkpoint_text(origin, size, root)
    return body + "\n" + plain_note_signature(body, origin, ledger_key(world.ledger.keys_dir).private_key)


def test_witness_cosigns_consistent_extensions_and_the_cosignature_verifies_independently(world: World,
                                                                                           tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    first = record_checkpoint(world.ledger)
    assert push(world, witness, client).cosigned_by == [WITNESS_NAME]
    world.issue(world.trainee())
    second = record_checkpoint(world.ledger)
    assert second.tree_size > first.tree_size
    assert push(world, witness, client).tree_size == second.tree_size  # old size 1st, with a real proof
    note = witnessed_note(world.ledger, second)
    assert independent_cosignature_check(note, WITNESS_NAME, witness.vkey) == FIXED_TIME
    assert witness.state.latest(second.origin) == (second.tree_size, bytes.fromhex(second.root_hash))
    stored = witness_cosignatures(world.ledger, first.tree_size)
    assert [c["name"] for c in stored] == [WITNESS_NAME] and stored[0]["verifies"]


def test_witness_refuses_a_fork_at_the_same_size(world: World, tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    checkpoint = record_checkpoint(world.ledger)
    push(world, witness, client)
    fork = forged_note(world, checkpoint.tree_size, hashlib.sha256(b"another history").digest())
    response = client.post("/add-checkpoint", content=request_body(checkpoint.tree_size, [], fork))
    assert response.status_code == 422 and "forked" in response.json()["detail"]
    assert witness.state.latest(checkpoint.origin)[1] == bytes.fromhex(checkpoint.root_hash)  # unchanged


def test_witness_refuses_a_rewritten_history(world: World, tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    checkpoint = record_checkpoint(world.ledger)
    push(world, witness, client)
    rewritten = MerkleTree(hashlib.sha256(bytes([n])).digest() for n in range(checkpoint.tree_size + 3))
    note = forged_note(world, rewritten.size, rewritten.root())
    proof = rewritten.consistency_proof(checkpoint.tree_size, rewritten.size)
    response = client.post("/add-checkpoint", content=request_body(checkpoint.tree_size, proof, note))
    assert response.status_code == 422 and "rewritten" in response.json()["detail"]
    assert witness.state.latest(checkpoint.origin)[0] == checkpoint.tree_size


def test_witness_refuses_another_key_an_unknown_log_and_a_bad_signature(world: World, tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    checkpoint = record_checkpoint(world.ledger)
    body = checkpoint.body()
    impostor = body + "\n" + plain_note_signature(body, checkpoint.origin, SigningKey.generate().private_key)
    assert client.post("/add-checkpoint", content=request_body(0, [], impostor)).status_code == 403
    other = checkpoint_text("other.example/log", 1, hashlib.sha256(b"x").digest())
    other_note = other + "\n" + plain_note_signature(other, "other.example/log", SigningKey.generate().private_key)
    assert client.post("/add-checkpoint", content=request_body(0, [], other_note)).status_code == 404
    genuine = checkpoint.note(log_identity(world.ledger).ledger_public_key)
    tampered = genuine.replace(genuine.split("\n")[1], str(checkpoint.tree_size + 1), 1)
    assert client.post("/add-checkpoint", content=request_body(0, [], tampered)).status_code == 403
    assert witness.state.latest(checkpoint.origin) is None  # nothing cosigned, nothing stored


def test_witness_answers_409_with_its_size_on_a_stale_old_size_and_the_ledger_retries(world: World,
                                                                                       tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    checkpoint = record_checkpoint(world.ledger)
    note = checkpoint.note(log_identity(world.ledger).ledger_public_key)
    assert client.post("/add-checkpoint", content=request_body(0, [], note)).status_code == 200
    stale = client.post("/add-checkpoint", content=request_body(0, [], note))
    assert stale.status_code == 409 and stale.text == f"{checkpoint.tree_size}\n"
    assert stale.headers["content-type"].startswith("text/x.tlog.size")
    world.issue(world.trainee())
    later = record_checkpoint(world.ledger)
    # The ledger believes the witness holds nothing (it never kept that first answer): 409, then from its size.
    assert push(world, witness, client).tree_size == later.tree_size
    restarted, restarted_client = make_witness(world, tmp_path / "state", witness.key)  # state survives a restart
    assert restarted_client.post("/add-checkpoint", content=request_body(0, [], note)).text == f"{later.tree_size}\n"


def test_witness_refuses_malformed_requests(world: World, tmp_path: Path) -> None:
    _witness, client = make_witness(world, tmp_path / "state")
    checkpoint = record_checkpoint(world.ledger)
    note = checkpoint.note(log_identity(world.ledger).ledger_public_key)
    some_hash = hashlib.sha256(b"h").digest()
    assert client.post("/add-checkpoint", content=request_body(checkpoint.tree_size + 1, [], note)).status_code == 400
    assert client.post("/add-checkpoint", content=request_body(0, [some_hash], note)).status_code == 422
    assert client.post("/add-checkpoint", content=b"old 01\n\n" + note.encode()).status_code == 400
    assert client.post("/add-checkpoint", content=b"old 0\nnot-a-hash\n\n" + note.encode()).status_code == 400
    assert client.post("/add-checkpoint", content=request_body(0, [some_hash] * 64, note)).status_code == 400
    assert client.post("/add-checkpoint", content=b"\xff\xfe").status_code == 400
    assert client.post("/add-checkpoint", content=b"x" * 2_000_000).status_code == 413


def test_two_requests_at_once_cannot_both_advance_from_the_same_size(world: World, tmp_path: Path) -> None:
    witness, _client = make_witness(world, tmp_path / "state")
    twin = Witness(witness.key, WITNESS_NAME, [log_identity(world.ledger).vkey()], WitnessState(tmp_path / "state"))
    checkpoint = record_checkpoint(world.ledger)
    witness.add_checkpoint(request_body(0, [], checkpoint.note(log_identity(world.ledger).ledger_public_key)))
    world.issue(world.trainee())
    tree = ensure_tree(world.ledger).tree
    sizes = (checkpoint.tree_size + 1, tree.size)  # two consistent extensions from the same size: one only may win
    requests = [request_body(checkpoint.tree_size, tree.consistency_proof(checkpoint.tree_size, size),
                             forged_note(world, size, tree.root(size))) for size in sizes]
    outcomes: dict[int, object] = {}
    barrier = threading.Barrier(2)

    def submit(index: int, target: Witness) -> None:
        barrier.wait()
        try:
            outcomes[index] = target.add_checkpoint(requests[index])
        except WitnessRefusal as refusal:
            outcomes[index] = refusal.status

    threads = [threading.Thread(target=submit, args=(index, target)) for index, target in enumerate((witness, twin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values(), key=str)[0] == 409 and len(outcomes) == 2, outcomes
    (won,) = [index for index, outcome in outcomes.items() if isinstance(outcome, str)]
    assert witness.state.latest(checkpoint.origin)[0] == sizes[won]


def test_the_ledger_keeps_only_cosignatures_by_the_witness_keys_it_was_given(world: World, tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    checkpoint = record_checkpoint(world.ledger)
    stranger = cosignature.verifier_key("stranger.example/w", SigningKey.generate().public_key_raw)
    with pytest.raises(Conflict, match="no cosignature by a witness key"):
        push_checkpoint(world.ledger, "http://testserver", [stranger], client=client)
    assert witness_cosignatures(world.ledger, checkpoint.tree_size) == []
    assert witnessed_note(world.ledger, checkpoint) == checkpoint.note(log_identity(world.ledger).ledger_public_key)


def test_checkpoint_history_is_public_and_paged_with_witness_cosignatures(world: World, tmp_path: Path) -> None:
    witness, client = make_witness(world, tmp_path / "state")
    sizes = []
    for _ in range(3):
        world.issue(world.trainee())
        sizes.append(record_checkpoint(world.ledger).tree_size)
    push(world, witness, client)
    http = http_client(world)
    first = http.get("/v1/checkpoints", params={"from": 0, "limit": 2}).json()
    assert [item["tree_size"] for item in first["items"]] == sizes[:2] and first["next_from"] == sizes[2]
    last = http.get("/v1/checkpoints", params={"from": first["next_from"], "limit": 2}).json()
    assert [item["tree_size"] for item in last["items"]] == sizes[2:] and last["next_from"] is None
    assert [w["name"] for w in last["items"][0]["witnesses"]] == [WITNESS_NAME]
    independent_cosignature_check(last["items"][0]["note"], WITNESS_NAME, witness.vkey)
    assert first["items"][0]["witnesses"] == []
    assert http.get("/v1/checkpoints", params={"from": -1}).status_code == 422
    assert http.get("/v1/checkpoints/latest").json()["witnesses"][0]["vkey"] == witness.vkey
    log_in(http, world.inspector)
    page = http.get("/").text.split('id="checkpoints"')[1]
    assert page.count(f"witness {WITNESS_NAME}") == 1  # the newest checkpoint only: the others were never pushed


def test_cosignature_verifier_keys_carry_algorithm_byte_4_and_refuse_lookalikes() -> None:
    key = SigningKey.generate()
    vkey = cosignature.verifier_key("w.example/a", key.public_key_raw)
    assert cosignature.parse_verifier_key(vkey)[0] == "w.example/a"
    name, id_hex, encoded = vkey.split("+", 2)
    for lookalike in (f"w.example/b+{id_hex}+{encoded}",  # another name, same key ID
                      log_note_vkey(key), f"{name}+{id_hex}+{encoded[:-2]}A=", f"w example+{id_hex}+{encoded}"):
        with pytest.raises(ValueError):
            cosignature.parse_verifier_key(lookalike)


def log_note_vkey(key: SigningKey) -> str:
    from ledger.note import verifier_key

    return verifier_key("w.example/a", key.public_key_raw)  # type 0x01, not a cosignature/v1 key


def test_init_origin_is_a_schema_less_url(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    env = {"VLEDGER_KEYS": str(tmp_path / "keys")}
    for bad in ("https://vledger.example.gov.cn/liaoning", "with space/x", "a+b.example/x", ""):
        refused = vledger("init", "--origin", bad, db=db, env=env)
        assert refused.returncode == 2 and "origin" in refused.stderr, refused.stderr
    assert not (tmp_path / "keys").exists()
    assert vledger("init", "--origin", "vledger.example.gov.cn/liaoning", db=db, env=env).returncode == 0
    vkey = vledger("checkpoint", "--vkey", db=db, env=env).stdout
    assert vkey.startswith("vledger.example.gov.cn/liaoning+")


def test_genesis_step_refuses_an_origin_c2sp_does_not_allow(ledger) -> None:
    from ledger.application import ROOT_ID
    from ledger.envelope import sign_command
    from ledger.genesis import initialise

    with pytest.raises(BadInput, match="schema-less"):
        initialise(ledger, "https://vledger.example/x")
    assert not ledger.is_initialised() and not ledger.keys_dir.exists()
    root, ledger_signing_key = SigningKey.generate(actor=str(ROOT_ID), role="root"), SigningKey.generate()
    signed = sign_command(root, "genesis", ROOT_ID, {"public_key": root.public_key_b64, "origin": "a b.example/x",
                                                     "ledger_public_key": ledger_signing_key.public_key_b64},
                          signed_at=ledger.clock(), ledger="a b.example/x")
    with pytest.raises(BadInput, match="space"):
        ledger.submit(signed)  # the step itself refuses it, whoever signs the genesis
    assert not ledger.is_initialised()
