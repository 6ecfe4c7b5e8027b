"""`vledger serve --read-db URL`, a real server process: writes on the primary,
reads from the replica, read-your-writes through the client's position
(docs/decisions/0056)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import httpx

from api.client import LedgerClient
from api.http.read_side import POSITION_HEADER, SERVED_BY_HEADER
from ledger.envelope import utc_now
from tests.http_support import read_headers
from tests.replica_support import Replica
from tests.serve_support import Server, real_time_world
from tests.world import ELECTRICIAN, World


def test_serve_with_a_read_database_reads_from_the_replica_and_the_writer_sees_its_write(
        world: World, tmp_path: Path) -> None:
    world = real_time_world(world)
    replica = Replica.of(world.ledger, tmp_path)
    server = Server(world, ("--read-db", replica.url)).start()
    try:
        replica.resume()  # the tables the server created on the primary for its replica
        bureau = LedgerClient(server.base, world.bureau)
        voucher = uuid.uuid4()
        bureau.submit("issue_voucher", voucher, {"trainee": world.trainee().actor, "occupation": ELECTRICIAN,
                                                 "level": 4, "valid_until": (utc_now() + timedelta(days=90))
                                                 .date().isoformat()})
        assert bureau.position == world.ledger.max_notification_id()
        assert bureau.get(f"/v1/vouchers/{voucher}")["id"] == str(voucher)  # sent with its position

        replica.resume()
        path = f"/v1/vouchers/{voucher}"
        headers = read_headers(world.inspector, path, utc_now(), base=server.base)
        response = httpx.get(server.base + path, headers=headers)
        assert response.status_code == 200 and response.headers[SERVED_BY_HEADER] == "replica"
        write = httpx.post(server.base + "/v1/parties", json={})
        assert write.status_code == 422 and POSITION_HEADER not in write.headers  # only accepted writes carry it
    finally:
        assert "Traceback" not in server.stop()
