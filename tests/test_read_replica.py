"""A read replica (issue 15, docs/decisions/0056): writes go to the primary,
reads to the replica; a reader that sends back its write's `Vledger-Position`
sees its write (from the replica once it has it, else from the primary); a
lagging replica never hides a write from its writer; a read-only ledger
refuses writes; /readyz reports the replica. On PostgreSQL the replica is a
streaming hot standby, on SQLite a copy that follows when told
(tests/replica_support.py)."""

from __future__ import annotations

import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.client import LedgerClient
from api.http.app import create_app
from api.http.read_side import POSITION_HEADER, SERVED_BY_HEADER
from ledger.application import VoucherLedger
from ledger.config import read_only_url
from ledger.errors import BadInput, ReadOnlyLedger
from ledger.genesis import DEFAULT_ORIGIN, initialise
from ledger.signing import SigningKey
from projections import catch_up
from tests.http_support import party, problem_of, read_headers
from tests.replica_support import Replica
from tests.world import ELECTRICIAN, World

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

EVENTUALLY_ATTEMPTS = 600
EVENTUALLY_PAUSE_SECONDS = 0.05
PATIENT_WAIT_MS = 10_000  # far longer than a replica on this machine takes to catch up
IMPATIENT_WAIT_MS = 20


@pytest.fixture
def replica(world: World, tmp_path: Path) -> Iterator[Replica]:
    replica = Replica.of(world.ledger, tmp_path)
    yield replica
    replica.resume()


@pytest.fixture
def serve(world: World, replica: Replica, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], TestClient]]:
    """The API over the world's primary, reading from the replica, waiting up to `wait_ms` for it."""
    apps = []

    def start(wait_ms: int) -> TestClient:
        monkeypatch.setenv("VLEDGER_READ_WAIT_MS", str(wait_ms))
        app = create_app(ledger=world.ledger, read_database_url=replica.url)
        apps.append(app)
        replica.resume()  # it has the tables the app created on the primary for it
        return TestClient(app, raise_server_exceptions=False)

    yield start
    for app in apps:
        app.state.read_side.close()


def issue_over_http(world: World, client: LedgerClient) -> uuid.UUID:
    voucher = uuid.uuid4()
    client.submit("issue_voucher", voucher, {"trainee": world.trainee().actor, "occupation": ELECTRICIAN, "level": 4,
                                             "valid_until": (world.clock.now + timedelta(days=180)).date().isoformat()})
    return voucher


def read(world: World, http: TestClient, key: SigningKey, path: str, position: int | None = None) -> httpx.Response:
    headers = read_headers(key, path, world.clock())
    if position is not None:
        headers[POSITION_HEADER] = str(position)
    return http.get(path, headers=headers)


def eventually(attempt: Callable[[], httpx.Response], holds: Callable[[httpx.Response], bool]) -> httpx.Response:
    for _ in range(EVENTUALLY_ATTEMPTS):
        response = attempt()
        if holds(response):
            return response
        time.sleep(EVENTUALLY_PAUSE_SECONDS)
    raise AssertionError(f"never held; last reply {response.status_code} {response.headers} {response.text[:300]}")


def test_a_write_reply_carries_its_position_and_a_read_that_sends_it_sees_the_write(
        world: World, replica: Replica, serve: Callable[[int], TestClient]) -> None:
    http = serve(PATIENT_WAIT_MS)
    bureau = party(world, http, world.bureau)
    voucher = issue_over_http(world, bureau)
    assert bureau.position == world.ledger.max_notification_id()  # the header of the 201, kept by the client
    response = read(world, http, world.bureau, f"/v1/vouchers/{voucher}", bureau.position)
    assert response.status_code == 200 and response.json()["id"] == str(voucher)
    # A streaming replica passes the position within the wait; a SQLite copy that was not told to follow does not.
    assert response.headers[SERVED_BY_HEADER] == ("replica" if replica.streams else "primary")
    assert bureau.get(f"/v1/vouchers/{voucher}")["status"] == "issued"  # the client sends its position by itself


def test_a_lagging_replica_serves_what_it_has_and_the_writer_reads_from_the_primary(
        world: World, replica: Replica, serve: Callable[[int], TestClient]) -> None:
    http = serve(IMPATIENT_WAIT_MS)
    bureau = party(world, http, world.bureau)
    replica.pause()
    voucher = issue_over_http(world, bureau)
    path = f"/v1/vouchers/{voucher}"
    mine = read(world, http, world.bureau, path, bureau.position)
    assert mine.status_code == 200 and mine.headers[SERVED_BY_HEADER] == "primary"
    anyone = read(world, http, world.inspector, path)  # no position: the replica as it stands, without the voucher
    problem_of(anyone, 404, "not-found")
    assert anyone.headers[SERVED_BY_HEADER] == "replica"
    listed = read(world, http, world.inspector, "/v1/vouchers?limit=100")
    assert listed.headers[SERVED_BY_HEADER] == "replica"
    assert str(voucher) not in [item["id"] for item in listed.json()["items"]]

    replica.resume()
    seen = eventually(lambda: read(world, http, world.inspector, path), lambda reply: reply.status_code == 200)
    assert seen.headers[SERVED_BY_HEADER] == "replica" and seen.json()["id"] == str(voucher)


def test_a_caught_up_replica_serves_lists_and_proofs_that_name_the_write(
        world: World, replica: Replica, serve: Callable[[int], TestClient]) -> None:
    http = serve(PATIENT_WAIT_MS)
    bureau = party(world, http, world.bureau)
    voucher = issue_over_http(world, bureau)
    replica.resume()
    listed = read(world, http, world.inspector, "/v1/vouchers?limit=100", bureau.position)
    assert listed.status_code == 200 and listed.headers[SERVED_BY_HEADER] == "replica"
    assert str(voucher) in [item["id"] for item in listed.json()["items"]]
    assert listed.json()["views_position"] >= bureau.position
    proof = http.get(f"/v1/proofs/inclusion?seq={bureau.position}", headers={POSITION_HEADER: str(bureau.position)})
    assert proof.status_code == 200 and proof.headers[SERVED_BY_HEADER] == "replica"
    assert proof.json()["notification_id"] == bureau.position
    assert proof.json()["tree_size"] >= bureau.position


def test_a_position_that_is_not_a_write_position_is_refused(
        world: World, serve: Callable[[int], TestClient]) -> None:
    http = serve(IMPATIENT_WAIT_MS)
    beyond = world.ledger.max_notification_id() + 1
    for sent, words in ((str(beyond), "beyond the log"), ("12a", "whole number"), ("-1", "whole number"),
                        ("１２".encode(), "whole number"), ("9" * 20, "whole number")):
        problem = problem_of(http.get("/v1/proofs/inclusion?seq=1", headers={POSITION_HEADER: sent}), 400, "bad-input")
        assert words in problem["detail"]


def test_a_read_only_ledger_refuses_a_write_and_records_nothing(world: World, replica: Replica) -> None:
    reader = VoucherLedger(replica.url, keys=world.ledger.keys_dir, clock=world.clock, read_only=True)
    try:
        before = world.ledger.max_notification_id()
        newcomer = uuid.uuid4()
        key = SigningKey.generate(actor=str(newcomer), role="inspector")
        signed = world.signed(world.root, "register_party", newcomer,
                              {"role": "inspector", "public_key": key.public_key_b64, "name": "second inspector"})
        with pytest.raises(ReadOnlyLedger, match="read-only"):
            reader.submit(signed)
        with pytest.raises(ReadOnlyLedger):
            reader.save(world.ledger.get(world.institution.actor))
        assert world.ledger.max_notification_id() == before
        assert reader.max_notification_id() == before
        assert world.ledger.find(newcomer) is None
        assert world.ledger.submit(signed).result["command"] == "register_party"  # the primary takes it
    finally:
        reader.close()


def test_a_read_only_ledger_on_postgresql_cannot_write_even_through_the_primarys_url(
        world: World, database_url: str) -> None:
    """The database refuses too: every transaction of a read-only ledger starts read-only, so the views
    and leaves a replica never writes cannot be written through one that names the primary by mistake."""
    if world.ledger.engine.dialect.name != "postgresql":  # no read-only transactions: the refusal above guards
        assert read_only_url(database_url) == database_url
        return
    assert "default_transaction_read_only=on" in make_url(read_only_url(database_url)).query["options"]
    reader = VoucherLedger(database_url, keys=world.ledger.keys_dir, clock=world.clock, read_only=True)
    try:
        with reader.engine.connect() as connection:
            assert connection.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
        before = world.ledger.max_notification_id()
        with pytest.raises(Exception, match="read-only transaction"):
            catch_up(reader)
        assert world.ledger.max_notification_id() == before
    finally:
        reader.close()


def test_readyz_reports_the_replica_lag_to_a_signed_reader_only(
        world: World, replica: Replica, serve: Callable[[int], TestClient]) -> None:
    http = serve(IMPATIENT_WAIT_MS)
    bureau = party(world, http, world.bureau)
    replica.pause()
    issue_over_http(world, bureau)
    catch_up(world.ledger)  # the primary's views are current: what /readyz reports is the replica's lag alone
    anonymous = http.get("/readyz")
    assert anonymous.status_code == 200 and anonymous.json()["status"] == "ready"
    assert anonymous.json()["replica"] == {"status": "behind"}
    signed = read(world, http, world.inspector, "/readyz").json()["replica"]
    assert signed["status"] == "behind" and signed["events_behind"] >= 1
    assert signed["views_behind"] >= signed["events_behind"]
    if replica.streams:
        assert signed["standby"] is True and signed["replay_lsn"]
    replica.resume()
    caught_up = read(world, http, world.inspector, "/readyz").json()["replica"]
    assert caught_up["status"] == "caught_up" and caught_up["events_behind"] == 0 == caught_up["views_behind"]


def test_without_a_read_database_nothing_changes(world: World) -> None:
    http = TestClient(create_app(ledger=world.ledger), raise_server_exceptions=False)
    bureau = party(world, http, world.bureau)
    voucher = issue_over_http(world, bureau)
    assert bureau.position == 0  # no position header on the write
    response = read(world, http, world.bureau, f"/v1/vouchers/{voucher}", position=10**6)  # ignored, not refused
    assert response.status_code == 200 and SERVED_BY_HEADER not in response.headers
    assert http.get("/readyz").json().get("replica") is None



def another_ledger(tmp_path: Path, name: str) -> str:
    """A second ledger on its own SQLite file, with the same (default) origin as the world's: only its keys differ."""
    url = f"sqlite:///{tmp_path / name / 'vledger.db'}"
    (tmp_path / name).mkdir(exist_ok=True)
    other = VoucherLedger(url, keys=tmp_path / name / "keys")
    initialise(other)
    assert other.origin == DEFAULT_ORIGIN
    other.close()
    return url


def test_a_read_database_of_another_ledger_is_refused_at_start(world: World, tmp_path: Path) -> None:
    """Two ledgers may share an origin; the replica must carry the primary's ledger key and trust root too."""
    assert world.ledger.origin == DEFAULT_ORIGIN
    with pytest.raises(BadInput) as refused:
        create_app(ledger=world.ledger, read_database_url=another_ledger(tmp_path, "other"))
    assert "the read database holds the ledger" in refused.value.message
    assert "point --read-db (VLEDGER_READ_DB) at a streaming replica of this primary" in refused.value.message


def test_a_replica_unreachable_at_start_that_turns_out_another_ledger_never_serves(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VLEDGER_READ_WAIT_MS", "0")
    app = create_app(ledger=world.ledger, read_database_url=f"sqlite:///{tmp_path / 'later' / 'vledger.db'}")
    http = TestClient(app, raise_server_exceptions=False)
    bureau = party(world, http, world.bureau)
    voucher = issue_over_http(world, bureau)
    served = read(world, http, world.bureau, f"/v1/vouchers/{voucher}")
    assert served.status_code == 200 and served.headers[SERVED_BY_HEADER] == "primary"  # unreachable: no folder
    another_ledger(tmp_path, "later")  # it answers now, with another ledger
    for _ in range(2):
        served = read(world, http, world.bureau, f"/v1/vouchers/{voucher}")
        assert served.status_code == 200 and served.headers[SERVED_BY_HEADER] == "primary"
    assert http.get("/readyz").json()["replica"] == {"status": "not_this_ledger"}
    detailed = read(world, http, world.inspector, "/readyz").json()["replica"]
    assert detailed["status"] == "not_this_ledger" and "not this one" in detailed["detail"]
    app.state.read_side.close()
