"""The log's followers killed with SIGKILL half-way: the projection runner in
the middle of its catch-up, and the checkpointer in the middle of extending
the Merkle tree. Run again, the views equal a fresh replay (each event applied
exactly once), the checkpoint covers every event with the root of the log's
own hashes, and `vledger verify` passes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from ledger.envelope import iso
from ledger.merkle import MerkleTree, leaf_hash
from ledger.transparency import latest_checkpoint, record_checkpoint
from projections import catch_up, compare_views, position
from tests.log_checks import log_hashes
from tests.serve_support import VLEDGER
from tests.world import World

ROOT = Path(__file__).resolve().parent.parent
BATCHES_BEFORE_KILL = 4


def grow_log(world: World, sessions: int = 60) -> int:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    for session in range(sessions):
        world.do(world.institution, "record_offline_training", voucher,
                 {"started_at": iso(world.clock.now), "minutes": 30 + session % 10, "location": "workshop"})
    return len(log_hashes(world.ledger))


def kill_half_way(world: World, role: str) -> int:
    """Starts the follower, SIGKILLs it after a few committed batches; returns how many it announced."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.follower_workers", role, world.ledger.database_url, str(world.ledger.keys_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = [process.stdout.readline() for _ in range(BATCHES_BEFORE_KILL)]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert all(line.startswith("batch") for line in lines), lines
    return len(lines)


def verify_cli(world: World) -> dict:
    env = {**os.environ, "VLEDGER_DB": world.ledger.database_url, "VLEDGER_KEYS": str(world.ledger.keys_dir)}
    result = subprocess.run([VLEDGER, "verify", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_j1_projection_runner_killed_half_way_catches_up_exactly_once(world: World) -> None:
    grow_log(world)
    kill_half_way(world, "projections")
    stopped_at = position(world.ledger)
    assert 0 < stopped_at < world.ledger.max_notification_id(), "the kill must land half-way"
    assert compare_views(world.ledger) == []  # what was committed before the kill is exact
    caught_up = catch_up(world.ledger)
    assert caught_up.position == world.ledger.max_notification_id()
    assert caught_up.events == sum(1 for _ in world.ledger.notifications(start=stopped_at + 1))  # none twice
    assert compare_views(world.ledger) == []
    assert verify_cli(world)["intact"] is True


def test_j1_checkpointer_killed_half_way_then_checkpoints_the_whole_log(world: World) -> None:
    hashes = log_hashes(world.ledger)
    earlier = record_checkpoint(world.ledger)
    assert earlier.tree_size == len(hashes)
    grow_log(world)
    kill_half_way(world, "checkpoint")
    assert latest_checkpoint(world.ledger).tree_size == earlier.tree_size  # killed before it signed
    checkpoint = record_checkpoint(world.ledger)
    hashes = log_hashes(world.ledger)
    assert checkpoint.tree_size == len(hashes)
    assert checkpoint.root_hash == MerkleTree(leaf_hash(bytes.fromhex(h)) for h in hashes).root().hex()
    summary = verify_cli(world)
    assert summary["intact"] is True
