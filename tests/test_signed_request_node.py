"""docs/examples/signed-request.mjs, run with `node` against a real `vledger
serve` on 127.0.0.1: a signed write recorded by the ledger and an RFC 9421
signed read answered, made with Node's built-in crypto and fetch only
(issue 16 item 5). Without `node` the test fails and says so."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

from ledger.transparency import record_checkpoint
from tests.serve_support import Server, real_time_world
from tests.world import ELECTRICIAN, World

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "examples" / "signed-request.mjs"


def run_node(*args: str) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, "node is not on PATH: install Node.js 20 or later (the machine doc says it is there)"
    return subprocess.run([node, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_node_makes_a_signed_write_and_a_signed_read_against_a_real_server(world: World, tmp_path: Path) -> None:
    world = real_time_world(world)
    trainee = world.trainee()
    record_checkpoint(world.ledger)
    key_file = tmp_path / "bureau.json"
    world.bureau.save(key_file)
    voucher = str(uuid.uuid4())
    body = {"trainee": trainee.actor, "occupation": ELECTRICIAN, "level": 4,
            "valid_until": (world.clock.now + timedelta(days=60)).date().isoformat()}
    server = Server(world).start()
    try:
        done = run_node("--server", server.base, "--key", str(key_file), "--command", "issue_voucher",
                        "--path", "/v1/vouchers", "--target", voucher, "--body", json.dumps(body),
                        "--read", f"/v1/vouchers/{voucher}/history?limit=2")
        refused = run_node("--server", server.base, "--key", str(key_file), "--command", "revoke_voucher",
                           "--path", f"/v1/vouchers/{voucher}/revocation", "--target", voucher,
                           "--body", json.dumps({"reason": "x", "colour": "red"}), "--read", "/v1/keys")
    finally:
        errors = server.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    written, read, checkpoint = [json.loads(line) for line in done.stdout.splitlines()]
    assert written["written"]["command"] == "issue_voucher" and written["written"]["target"] == voucher
    assert [item["command"] for item in read["read"]["items"]] == ["issue_voucher"]
    assert checkpoint["checkpoint"]["verified"] is True
    assert world.ledger.get(uuid.UUID(voucher)).status == "issued"
    assert refused.returncode == 1 and json.loads(refused.stdout)["refused"] == 422
    assert world.ledger.get(uuid.UUID(voucher)).status == "issued"
    assert "Traceback" not in errors
