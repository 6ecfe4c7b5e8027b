"""What runs beside the server and the verifier: the follower keeps the views
current and records checkpoints when due; `vledger verify` leaves its result
for the ledger page."""

from __future__ import annotations

import time
from pathlib import Path

from api.http.follower import ProjectionFollower
from api.pages.verification import last_verification
from ledger.application import VoucherLedger
from ledger.transparency import latest_checkpoint
from projections import position
from tests.cli import vledger
from tests.world import World


def test_the_server_follower_catches_up_the_views_and_records_a_due_checkpoint(world: World, monkeypatch) -> None:
    monkeypatch.setenv("VLEDGER_CHECKPOINT_EVERY_EVENTS", "5")
    world.paid_voucher()
    assert latest_checkpoint(world.ledger) is None
    follower = ProjectionFollower(world.ledger, interval_seconds=0.1)
    follower.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            checkpoint = latest_checkpoint(world.ledger)
            if checkpoint is not None and position(world.ledger) == world.ledger.max_notification_id():
                break
            time.sleep(0.1)
    finally:
        follower.stop()
    assert checkpoint is not None and checkpoint.tree_size == world.ledger.max_notification_id()
    assert position(world.ledger) == world.ledger.max_notification_id()


def test_vledger_verify_records_its_result_for_the_ledger_page(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'v.db'}"
    assert vledger("init", db=database).returncode == 0
    result = vledger("verify", db=database)
    assert result.returncode == 0, result.stderr
    ledger = VoucherLedger(database)
    try:
        last = last_verification(ledger.engine)
        assert last is not None and last["intact"] and last["events"] == ledger.max_notification_id()
    finally:
        ledger.close()


def test_a_malformed_checkpoint_interval_setting_is_refused_with_a_sentence(world: World, monkeypatch) -> None:
    import pytest

    from ledger.errors import BadInput
    from ledger.transparency import checkpoint_if_due

    monkeypatch.setenv("VLEDGER_CHECKPOINT_EVERY_EVENTS", "ten")
    with pytest.raises(BadInput, match="VLEDGER_CHECKPOINT_EVERY_EVENTS"):
        checkpoint_if_due(world.ledger)
