"""End to end through real processes on 127.0.0.1 (issue 16, item 1): a
`vledger witness serve` and a `vledger serve --witness URL` over a test
world's database; the server's checkpoints get cosigned in the background as
the log grows, `vledger checkpoint --latest --note` prints the cosigned note,
and the witness refuses a forked checkpoint signed with the ledger's own key."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

import httpx

from ledger.transparency.checkpoints import log_identity
from tests.cli import vledger
from tests.serve_support import VLEDGER, Server, free_port
from tests.test_witness import WITNESS_NAME, forged_note
from tests.witness_support import independent_cosignature_check, request_body
from tests.world import World


class WitnessProcess:
    def __init__(self, key: Path, log_vkey: str, state: Path, port: int | None = None) -> None:
        self.base = f"http://127.0.0.1:{port or free_port()}"
        self.process = subprocess.Popen([VLEDGER, "witness", "serve", "--key", str(key), "--log-vkey", log_vkey,
                                         "--state", str(state), "--host", "127.0.0.1",
                                         "--port", self.base.rsplit(":", 1)[1]],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(300):
            assert self.process.poll() is None, self.process.stderr.read().decode()[-2000:]
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("vledger witness serve did not come up within 30 seconds")

    def stop(self) -> str:
        self.process.terminate()
        _, errors = self.process.communicate(timeout=30)
        return errors.decode(errors="replace")


def cosigned_latest(server: Server, at_least: int, timeout_seconds: float = 60) -> dict:
    deadline = time.monotonic() + timeout_seconds
    while True:
        latest = httpx.get(server.base + "/v1/checkpoints/latest", timeout=30)
        if latest.status_code == 200 and latest.json()["tree_size"] >= at_least and latest.json()["witnesses"]:
            return latest.json()
        assert time.monotonic() < deadline, f"no cosigned checkpoint of {at_least} events: {latest.text}"
        time.sleep(0.2)


def test_a_live_ledger_gets_its_checkpoints_cosigned_and_the_witness_refuses_a_fork(world: World,
                                                                                    tmp_path: Path) -> None:
    env = {"VLEDGER_KEYS": str(world.ledger.keys_dir)}
    created = vledger("witness", "new-key", "--name", WITNESS_NAME, "--out", str(tmp_path / "witness.json"))
    witness_vkey = created.stdout.strip()
    assert created.returncode == 0 and vledger("witness", "vkey", "--key", str(tmp_path / "witness.json")
                                               ).stdout.strip() == witness_vkey
    witness = WitnessProcess(tmp_path / "witness.json", log_identity(world.ledger).vkey(), tmp_path / "state")
    server = Server(world, ("--witness", witness.base, "--witness-vkey", witness_vkey))
    server.env.update({"VLEDGER_CHECKPOINT_EVERY_EVENTS": "1", "VLEDGER_CHECKPOINT_EVERY_SECONDS": "1"})
    server.start()
    try:
        first = cosigned_latest(server, world.ledger.max_notification_id())
        independent_cosignature_check(first["note"], WITNESS_NAME, witness_vkey)
        world.issue(world.trainee())  # the log grows; the next checkpoint is pushed with a consistency proof
        second = cosigned_latest(server, world.ledger.max_notification_id())
        assert second["tree_size"] > first["tree_size"]
        note = vledger("checkpoint", "--latest", "--note", db=world.ledger.database_url, env=env).stdout
        assert independent_cosignature_check(note, WITNESS_NAME, witness_vkey) > 0
        assert note.startswith(f"{second['origin']}\n{second['tree_size']}\n")
        fork = forged_note(world, second["tree_size"], hashlib.sha256(b"a forked history").digest())
        refused = httpx.post(witness.base + "/add-checkpoint", content=request_body(second["tree_size"], [], fork))
        assert refused.status_code == 422 and "forked" in refused.json()["detail"]
        monitored = httpx.get(f"{witness.base}/{hashlib.sha256(second['origin'].encode()).hexdigest()}/checkpoint")
        assert monitored.text.split("\n\n")[0] == note.split("\n\n")[0]  # the witness still holds the true one
    finally:
        errors = server.stop()
        witness_errors = witness.stop()
    assert "Traceback" not in errors and "Traceback" not in witness_errors, errors + witness_errors


def test_checkpoint_witness_pushes_once_and_an_unreachable_witness_exits_nonzero(world: World,
                                                                                  tmp_path: Path) -> None:
    env = {"VLEDGER_KEYS": str(world.ledger.keys_dir)}
    db = world.ledger.database_url
    witness_vkey = vledger("witness", "new-key", "--name", WITNESS_NAME, "--out",
                           str(tmp_path / "witness.json")).stdout.strip()
    assert vledger("checkpoint", db=db, env=env).returncode == 0
    missing_vkey = vledger("checkpoint", "--latest", "--witness", "http://127.0.0.1:9", db=db, env=env)
    assert missing_vkey.returncode == 2 and "--witness-vkey" in missing_vkey.stderr
    unreachable = vledger("checkpoint", "--latest", "--witness", f"http://127.0.0.1:{free_port()}",
                          "--witness-vkey", witness_vkey, db=db, env=env)
    assert unreachable.returncode not in (0, 1) and "cannot be reached" in unreachable.stderr, unreachable.stderr
    witness = WitnessProcess(tmp_path / "witness.json", log_identity(world.ledger).vkey(), tmp_path / "state")
    try:
        pushed = vledger("checkpoint", "--latest", "--witness", witness.base, "--witness-vkey", witness_vkey,
                         db=db, env=env)
        assert pushed.returncode == 0 and WITNESS_NAME in pushed.stdout, pushed.stderr
        note = vledger("checkpoint", "--latest", "--note", db=db, env=env).stdout
        independent_cosignature_check(note, WITNESS_NAME, witness_vkey)
    finally:
        witness.stop()
    assert os.listdir(tmp_path / "state")


def test_serve_logs_a_witness_that_is_down_and_retries_until_it_cosigns(world: World, tmp_path: Path) -> None:
    witness_vkey = vledger("witness", "new-key", "--name", WITNESS_NAME, "--out",
                           str(tmp_path / "witness.json")).stdout.strip()
    port = free_port()
    server = Server(world, ("--witness", f"http://127.0.0.1:{port}", "--witness-vkey", witness_vkey))
    server.env.update({"VLEDGER_CHECKPOINT_EVERY_EVENTS": "1", "VLEDGER_CHECKPOINT_EVERY_SECONDS": "1"})
    server.start()
    witness = None
    try:
        deadline = time.monotonic() + 60
        while httpx.get(server.base + "/v1/checkpoints/latest", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the server recorded no checkpoint"
            time.sleep(0.2)
        logged = b""
        os.set_blocking(server.process.stderr.fileno(), False)
        while b"cannot be reached" not in logged:  # the push failed and was logged, the server serves on
            assert time.monotonic() < deadline, logged.decode(errors="replace")
            logged += server.process.stderr.read() or b""
            time.sleep(0.2)
        os.set_blocking(server.process.stderr.fileno(), True)
        world.issue(world.trainee())  # writes go on while the witness is down
        witness = WitnessProcess(tmp_path / "witness.json", log_identity(world.ledger).vkey(), tmp_path / "state",
                                 port)
        latest = cosigned_latest(server, world.ledger.max_notification_id())
        independent_cosignature_check(latest["note"], WITNESS_NAME, witness_vkey)
    finally:
        errors = server.stop()
        if witness is not None:
            witness.stop()
    assert "Traceback" not in errors, errors
